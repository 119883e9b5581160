import type { Spectrum } from './Spectrum.js';

/**
 * A spectrogram: `times.length` spectra (rows) of `frequencies.length` bins each, such as the
 * studio's waterfall keeps from `specan.spectrogram$`. Channel values are row-major: row r, bin k
 * is at `ch[r · bins + k]`; a channel that was not analysed is empty.
 *
 * @example
 * const bins = s.frequencies.length;
 * const newest = s.ch1.subarray((s.times.length - 1) * bins); // the last row, in s.unit
 */
export interface Spectrogram<S = unknown> extends Spectrum<S> {
  /** Start of each row in s since the stream started (its first sample), oldest first. */
  readonly times: Float64Array;
  /** Input 1 in `unit`, rows · bins values row by row (empty: not analysed). */
  readonly ch1: Float64Array;
  /** Input 2 in `unit`, rows · bins values row by row (empty: not analysed). */
  readonly ch2: Float64Array;
  /** Segments averaged into each row. */
  readonly averages: number;
}

/**
 * Why `s` is not a well-formed spectrogram (a channel that is neither empty nor rows · bins long,
 * no channel at all, a time or frequency that is not finite), or null when it is.
 */
export function spectrogramProblem(s: Pick<Spectrogram, 'frequencies' | 'times' | 'ch1' | 'ch2'>): string | null {
  const rows = s.times.length;
  const bins = s.frequencies.length;
  if (s.ch1.length === 0 && s.ch2.length === 0) return 'a spectrogram needs ch1 or ch2 (both are empty)';
  for (const [name, ch] of [['ch1', s.ch1], ['ch2', s.ch2]] as const) {
    if (ch.length !== 0 && ch.length !== rows * bins) return `${name} has ${ch.length} values, rows · bins = ${rows} · ${bins} = ${rows * bins}`;
  }
  if (!s.times.every(Number.isFinite)) return 'a row time is not finite';
  if (!s.frequencies.every(Number.isFinite)) return 'a bin frequency is not finite';
  return null;
}
