/** What the scope panel measures on one channel of the full trace (not the drawn envelope). */
export interface ChannelMeasurements {
  /** Peak to peak, V. */
  readonly vpp: number;
  /** Root mean square (DC included), V. */
  readonly vrms: number;
  /** Mean, V. */
  readonly mean: number;
  /**
   * Frequency in Hz from the rising crossings of the mean level (with hysteresis of a tenth of
   * Vpp, each crossing interpolated between its two samples): (crossings − 1) / (last − first).
   * Null with fewer than two crossings or a flat channel.
   */
  readonly frequencyHz: number | null;
}

/**
 * Vpp, Vrms, mean and frequency of one channel sampled every `dtS` seconds. The frequency is
 * good to a small fraction of a sample per period: crossings are interpolated linearly, and
 * averaging over all periods in the trace divides the error by their number.
 *
 * @param samples volts
 * @param dtS seconds between samples
 */
export function measureChannel(samples: Float64Array, dtS: number): ChannelMeasurements {
  const n = samples.length;
  if (n === 0) return { vpp: NaN, vrms: NaN, mean: NaN, frequencyHz: null };
  let lo = Infinity;
  let hi = -Infinity;
  let sum = 0;
  let sumSq = 0;
  for (let i = 0; i < n; i++) {
    const v = samples[i]!;
    if (v < lo) lo = v;
    if (v > hi) hi = v;
    sum += v;
    sumSq += v * v;
  }
  const mean = sum / n;
  const vpp = hi - lo;
  return { vpp, vrms: Math.sqrt(sumSq / n), mean, frequencyHz: risingCrossingFrequency(samples, dtS, mean, vpp / 10) };
}

function risingCrossingFrequency(samples: Float64Array, dtS: number, level: number, hysteresis: number): number | null {
  if (!(hysteresis > 0)) return null;
  let armed = false;
  let first = NaN;
  let last = NaN;
  let count = 0;
  for (let i = 1; i < samples.length; i++) {
    const v = samples[i]!;
    if (v < level - hysteresis) armed = true;
    else if (armed && v >= level && samples[i - 1]! < level) {
      const prev = samples[i - 1]!;
      const t = (i - 1 + (level - prev) / (v - prev)) * dtS;
      if (count === 0) first = t;
      last = t;
      count++;
      armed = false;
    }
  }
  return count >= 2 ? (count - 1) / (last - first) : null;
}
