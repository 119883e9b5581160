import type { Plant } from './Plant.js';

/**
 * True if `x` is a `Plant` object (a `step` function and a plain-data `spec` with a `kind`), as
 * opposed to a linear `Dut` (which has `response`) or a description. For code that takes either,
 * e.g. the simulator's `dut` option.
 */
export function isPlant(x: unknown): x is Plant {
  if (x === null || typeof x !== 'object') return false;
  const p = x as Partial<Plant>;
  return typeof p.step === 'function' && typeof p.state === 'function' && p.spec !== null && typeof p.spec === 'object' && typeof p.spec.kind === 'string';
}
