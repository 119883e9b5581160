import type { Complex } from '@labrx/core';

export { cdiv, cmul, type Complex } from '@labrx/core';

/**
 * A linear device under test between out1 and in1: its complex transfer function H(f)
 * (dimensionless, output volts per input volt) at a frequency in Hz. The simulator applies it to
 * every sinusoidal component of out1 (steady state: transients after a generator change are not
 * modelled). H(0) should be real, as for every physical two-port.
 */
export interface Dut {
  /** A description for messages, e.g. 'lowpass(cutoff=20000 Hz, order=1)'. */
  readonly name: string;
  /** H(f) at `frequencyHz` (≥ 0). */
  response(frequencyHz: number): Complex;
  /** The same device as plain data (so it can cross to a worker thread or into a file). */
  readonly spec?: DutSpec;
}

/** A device under test as plain data: `{ kind: 'resonator', f0: 1e6, q: 20, gain: 0.5 }` is `resonator({ f0: 1e6, q: 20, gain: 0.5 })`. */
export type DutSpec =
  | { readonly kind: 'wire' }
  /** f0 Hz, q dimensionless, gain dimensionless (default 1) */
  | { readonly kind: 'resonator'; readonly f0: number; readonly q: number; readonly gain?: number }
  /** cutoff Hz (−3 dB), order 1…8 (default 1) */
  | { readonly kind: 'lowpass'; readonly cutoff: number; readonly order?: number }
  /** seconds of delay */
  | { readonly kind: 'delay'; readonly seconds: number }
  /** devices in series */
  | { readonly kind: 'chain'; readonly parts: readonly DutSpec[] };

// Duts known to be exactly H = 1 (wire(), chains of wires). The simulator then takes the exact
// time-domain path for in1 too instead of a truncated Fourier series (no Gibbs ripple on a wire).
const identities = new WeakSet<Dut>();

/** Marks a Dut as the identity (H ≡ 1) so the simulator may skip it. Internal. */
export function markIdentity<D extends Dut>(dut: D): D {
  identities.add(dut);
  return dut;
}

/** True if `dut` is known to be H ≡ 1 (a wire or a chain of wires). */
export function isIdentity(dut: Dut): boolean {
  return identities.has(dut);
}

