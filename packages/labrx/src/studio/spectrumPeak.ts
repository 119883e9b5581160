/** The largest bin of one channel of a spectrum. */
export interface SpectrumPeak {
  /** Centre of the largest bin, Hz (good to half a bin). */
  readonly frequencyHz: number;
  /** Its value, in the spectrum's unit. */
  readonly level: number;
}

/**
 * The largest bin of `values` (a spectrum channel in any of its units: the largest value is the
 * largest power in each), leaving out the DC bin and its neighbour, where a window's leakage of the
 * input offset sits, when the spectrum starts at 0 Hz (a baseband one; an iq-mode spectrum around
 * its centre has no such bin). Null for an empty (not analysed) channel.
 *
 * @param frequencies bin centres, Hz
 */
export function spectrumPeak(frequencies: Float64Array, values: Float64Array): SpectrumPeak | null {
  const n = Math.min(frequencies.length, values.length);
  const from = n > 4 && frequencies[0] === 0 ? 2 : 0;
  let k = -1;
  for (let i = from; i < n; i++) if (Number.isFinite(values[i]!) && (k < 0 || values[i]! > values[k]!)) k = i;
  return k < 0 ? null : { frequencyHz: frequencies[k]!, level: values[k]! };
}
