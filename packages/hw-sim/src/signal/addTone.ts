const TWO_PI = 2 * Math.PI;
/** Samples between exact re-evaluations of the rotating phasor (bounds its rounding drift). */
const RESYNC = 256;

/**
 * Adds amplitude · sin(2π·(c0 + j·dc)) to out[from + j] for j = 0 … to − from − 1: one sinusoid
 * sampled on a uniform grid, `c0` its phase in cycles at `from`, `dc` the cycles per sample.
 *
 * Instead of Math.sin per sample it rotates a unit phasor by exp(j2π·dc) (4 multiplies, 2 adds)
 * and recomputes it exactly with sin/cos every 256 samples. Each rotation adds a relative
 * rounding error of order 1e-16, so the drift before a resync is below 256·2^−52 ≈ 6e-14 of the
 * amplitude, far below the ADC's 1.2e-4 V step.
 */
export function addTone(out: Float64Array, from: number, to: number, amplitude: number, c0: number, dc: number): void {
  if (amplitude === 0 || to <= from) return;
  dc -= Math.floor(dc); // only the fractional part of the per-sample advance matters
  c0 -= Math.floor(c0);
  const cr = Math.cos(TWO_PI * dc);
  const sr = Math.sin(TWO_PI * dc);
  for (let start = from; start < to; start += RESYNC) {
    const end = Math.min(to, start + RESYNC);
    // exact phase at the block start, reduced to [0, 1) cycles before scaling by 2π
    let c = c0 + (start - from) * dc;
    c -= Math.floor(c);
    let s = amplitude * Math.sin(TWO_PI * c);
    let k = amplitude * Math.cos(TWO_PI * c);
    for (let i = start; i < end; i++) {
      out[i]! += s;
      const s2 = s * cr + k * sr;
      k = k * cr - s * sr;
      s = s2;
    }
  }
}

/** The fractional part of x (x − ⌊x⌋, in [0, 1)). */
export function frac(x: number): number {
  return x - Math.floor(x);
}
