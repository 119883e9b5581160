/** Measuring helpers shared by the benches. */

/** The median of `xs` (the upper middle one for an even count). */
export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

/** Runs `once` back to back for `ms` of wall time (ms); returns completed calls per second. */
export async function rate(once: () => Promise<unknown>, ms: number): Promise<number> {
  let n = 0;
  const t0 = performance.now();
  while (performance.now() - t0 < ms) {
    await once();
    n++;
  }
  return (n * 1000) / (performance.now() - t0);
}
