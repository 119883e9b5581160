/** Small statistics helpers for the timing bench. */

/** The q-quantile (0…1) of `values` by linear interpolation between order statistics. */
export function quantile(values: ArrayLike<number>, q: number): number {
  const sorted = Float64Array.from(values).sort();
  if (sorted.length === 0) return NaN;
  const pos = q * (sorted.length - 1);
  const lo = Math.floor(pos);
  const hi = Math.min(sorted.length - 1, lo + 1);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (pos - lo);
}

/** Fraction (0…1) of `values` for which `predicate` holds. */
export function fraction(values: ArrayLike<number>, predicate: (v: number) => boolean): number {
  let n = 0;
  for (let i = 0; i < values.length; i++) if (predicate(values[i]!)) n++;
  return values.length === 0 ? NaN : n / values.length;
}

/** A seeded PRNG (mulberry32): deterministic shuffles, no Math.random. Returns floats in [0, 1). */
export { mulberry32 } from '@labrx/core/testing';

/** Fisher–Yates shuffle in place with a seeded PRNG. */
export function shuffle<T>(items: T[], random: () => number): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [items[i], items[j]] = [items[j]!, items[i]!];
  }
  return items;
}
