import type { ArrayLens, ResolvedScopeSettings, Trace } from '@labrx/core';

/** A minimal averaged result: one array and the count the lens was given. */
export interface Vec {
  readonly x: Float64Array;
  readonly count: number;
}

/** Lens over `Vec.x`; rebuild records `count`. */
export const vecLens: ArrayLens<Vec> = {
  arrays: (v) => [v.x],
  rebuild: (_template, [x], count) => ({ x: x!, count }),
};

/** A Vec of the given samples (count 1, as an input). */
export function vec(...xs: number[]): Vec {
  return { x: Float64Array.from(xs), count: 1 };
}

/** A Vec as an operator output: samples and count. */
export function out(count: number, ...xs: number[]): Vec {
  return { x: Float64Array.from(xs), count };
}

/** Seeded standard-normal generator (mulberry32 uniform + Box–Muller), so noise tests are reproducible. */
export { gaussianSource as gaussian } from '@labrx/core/testing';

/** A trace with given channels and timestamp; the other fields are fixed placeholders. */
export function trace(ch1: Float64Array, ch2: Float64Array, timestamp: number): Trace {
  return {
    dt: 8e-9,
    t0: -ch1.length * 4e-9,
    ch1,
    ch2,
    averages: 1,
    settings: { decimation: 1 } as unknown as ResolvedScopeSettings,
    timestamp,
  };
}

/** Mean of squares of `a` (its power about a known zero mean). */
export function meanSquare(a: Float64Array): number {
  let s = 0;
  for (const v of a) s += v * v;
  return s / a.length;
}
