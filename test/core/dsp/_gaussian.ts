/**
 * Seeded random numbers for the DSP tests (not a test file: AVA only runs *.test.ts).
 * mulberry32 for uniforms, Box–Muller for normals: deterministic for a seed, good enough for
 * statistics at the percent level over ~1e6 draws.
 */
export { mulberry32 as uniformSource } from '@labrx/core/testing';

/** Fills `out` with independent N(0, sigma²) samples. */
export function fillGaussian(out: Float64Array, sigma: number, uniform: () => number): Float64Array {
  for (let i = 0; i < out.length; i += 2) {
    // 1 − u keeps the logarithm's argument in (0, 1].
    const r = sigma * Math.sqrt(-2 * Math.log(1 - uniform()));
    const phi = 2 * Math.PI * uniform();
    out[i] = r * Math.cos(phi);
    if (i + 1 < out.length) out[i + 1] = r * Math.sin(phi);
  }
  return out;
}
