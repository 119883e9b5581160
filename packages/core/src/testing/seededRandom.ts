/**
 * Seeded uniform numbers in [0, 1) (mulberry32): deterministic for a seed, for tests and
 * benchmarks (library code uses the simulator's xoshiro128** generator).
 */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Seeded standard-normal numbers: mulberry32 uniforms through Box–Muller (one normal per pair of
 * uniforms, the cosine branch).
 */
export function gaussianSource(seed: number): () => number {
  const uniform = mulberry32(seed);
  return () => {
    const u = 1 - uniform(); // (0, 1]: the logarithm stays finite
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * uniform());
  };
}
