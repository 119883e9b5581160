import { SettingsError } from '../errors/SettingsError.js';

/**
 * The frequencies of a sweep from `startHz` to `stopHz` (both included) in `points` steps:
 * evenly spaced, or with a constant ratio when `logscale` (start·(stop/start)^(i/(points−1))).
 * One point gives [start]. The end points are exact.
 *
 * @param startHz first frequency in Hz (> 0 when `logscale`)
 * @param stopHz last frequency in Hz (≥ startHz)
 * @param points number of frequencies, an integer ≥ 1
 * @param logscale constant ratio instead of constant step (default false)
 * @throws SettingsError for stop < start, points < 1 or not an integer, non-finite values, or a
 *   start ≤ 0 with `logscale`
 *
 * @example
 * sweepFrequencies(1e3, 1e6, 4, true); // [1e3, 1e4, 1e5, 1e6]
 */
export function sweepFrequencies(startHz: number, stopHz: number, points: number, logscale = false): Float64Array {
  if (!Number.isFinite(startHz) || startHz < 0) throw new SettingsError('dsp', 'start', startHz, 'a finite number ≥ 0 (Hz)');
  if (!Number.isFinite(stopHz) || stopHz < startHz) throw new SettingsError('dsp', 'stop', stopHz, `a finite number ≥ start = ${startHz} (Hz)`);
  if (!Number.isInteger(points) || points < 1) throw new SettingsError('dsp', 'points', points, 'an integer ≥ 1');
  if (logscale && !(startHz > 0)) throw new SettingsError('dsp', 'start', startHz, 'a number above 0 (Hz) when logscale is true');
  const f = new Float64Array(points);
  f[0] = startHz;
  if (points === 1) return f;
  const last = points - 1;
  if (logscale) {
    const logRatio = Math.log(stopHz / startHz);
    for (let i = 1; i < last; i++) f[i] = startHz * Math.exp((logRatio * i) / last);
  } else {
    const span = stopHz - startHz;
    for (let i = 1; i < last; i++) f[i] = startHz + (span * i) / last;
  }
  f[last] = stopHz;
  return f;
}

/**
 * Frequencies of the bins 0…n/2 of a real FFT of n samples taken dt apart: k / (n·dt), in Hz
 * (numpy's `rfftfreq`).
 *
 * @param n FFT length in samples (even, ≥ 2)
 * @param dtS sample interval in seconds
 * @param out n/2+1 values to fill (a new array when omitted)
 */
export function rfftFrequencies(n: number, dtS: number, out?: Float64Array): Float64Array {
  if (!Number.isInteger(n) || n < 2) throw new SettingsError('dsp', 'fft size', n, 'an integer ≥ 2 (samples)');
  if (!(dtS > 0) || !Number.isFinite(dtS)) throw new SettingsError('dsp', 'dt', dtS, 'a finite number above 0 (s)');
  const bins = Math.floor(n / 2) + 1;
  const f = out ?? new Float64Array(bins);
  const df = 1 / (n * dtS);
  for (let k = 0; k < bins; k++) f[k] = k * df;
  return f;
}
