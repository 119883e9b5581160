const TWO_PI = 2 * Math.PI;
/** Samples between exact re-evaluations of the rotating phasor (bounds its rounding drift). */
const RESYNC = 256;

/**
 * Adds amplitude · sin(2π·(c0 + j·dc)) to out[from + j] for j = 0 … to − from − 1: one sinusoid
 * sampled on a uniform grid, `c0` its phase in cycles at `from`, `dc` the cycles per sample.
 *
 * Instead of Math.sin per sample it rotates unit phasors (4 multiplies, 2 adds per sample) and
 * recomputes them exactly with sin/cos every 256 samples. Two phasors run side by side, one for
 * the even and one for the odd samples of each 256, each rotated by exp(j2π·2dc): a single
 * rotation per sample is a chain of dependent multiply-adds whose latency bounds it (2.3 ns a
 * sample here); two independent chains overlap (1.4 ns). Each rotation adds a relative rounding
 * error of order 1e-16, so the drift before a resync is below 128·2^−52 ≈ 3e-14 of the
 * amplitude, far below the ADC's 1.2e-4 V step.
 */
export function addTone(out: Float64Array, from: number, to: number, amplitude: number, c0: number, dc: number): void {
  if (amplitude === 0 || to <= from) return;
  dc -= Math.floor(dc); // only the fractional part of the per-sample advance matters
  c0 -= Math.floor(c0);
  const cr = Math.cos(TWO_PI * dc);
  const sr = Math.sin(TWO_PI * dc);
  const cr2 = Math.cos(2 * TWO_PI * dc);
  const sr2 = Math.sin(2 * TWO_PI * dc);
  for (let start = from; start < to; start += RESYNC) {
    const end = Math.min(to, start + RESYNC);
    // exact phase at the block start, reduced to [0, 1) cycles before scaling by 2π
    let c = c0 + (start - from) * dc;
    c -= Math.floor(c);
    // (s, k): the even samples' phasor, (t, u): the odd samples', one step ahead
    let s = amplitude * Math.sin(TWO_PI * c);
    let k = amplitude * Math.cos(TWO_PI * c);
    let t = s * cr + k * sr;
    let u = k * cr - s * sr;
    let i = start;
    for (; i + 1 < end; i += 2) {
      out[i]! += s;
      out[i + 1]! += t;
      const s2 = s * cr2 + k * sr2;
      k = k * cr2 - s * sr2;
      s = s2;
      const t2 = t * cr2 + u * sr2;
      u = u * cr2 - t * sr2;
      t = t2;
    }
    if (i < end) out[i]! += s;
  }
}

/** The fractional part of x (x − ⌊x⌋, in [0, 1)). */
export function frac(x: number): number {
  return x - Math.floor(x);
}
