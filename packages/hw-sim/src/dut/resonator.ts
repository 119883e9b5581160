import { SettingsError } from '@labrx/core';
import type { Dut } from './Dut.js';

/**
 * A band-pass resonator (a series RLC seen across its resistor):
 * H(f) = gain / (1 + j·q·(f/f0 − f0/f)), so H(f0) = gain (phase 0), |H| = gain/√2 at
 * f0·(√(1 + 1/(4q²)) ± 1/(2q)), and H(0) = 0 (no DC passes).
 *
 * @param p.f0 centre frequency in Hz (> 0)
 * @param p.q quality factor (> 0, dimensionless)
 * @param p.gain transmission at f0 (dimensionless, finite; default 1)
 * @throws SettingsError for f0 ≤ 0, q ≤ 0 or a non-finite gain
 * @example resonator({ f0: 1e6, q: 20, gain: 0.5 })
 */
export function resonator(p: { f0: number; q: number; gain?: number }): Dut {
  const gain = p.gain ?? 1;
  if (!(Number.isFinite(p.f0) && p.f0 > 0)) throw new SettingsError('resonator', 'f0', p.f0, 'a frequency above 0 (Hz)');
  if (!(Number.isFinite(p.q) && p.q > 0)) throw new SettingsError('resonator', 'q', p.q, 'a number above 0');
  if (!Number.isFinite(gain)) throw new SettingsError('resonator', 'gain', gain, 'a finite number');
  const { f0, q } = p;
  return Object.freeze({
    spec: { kind: 'resonator' as const, f0, q, gain },
    name: `resonator(f0=${f0} Hz, q=${q}, gain=${gain})`,
    response(f: number) {
      if (f === 0) return { re: 0, im: 0 };
      const x = q * (f / f0 - f0 / f);
      // gain / (1 + j x) = gain (1 − j x) / (1 + x²)
      const d = 1 + x * x;
      return { re: gain / d, im: (-gain * x) / d };
    },
  });
}
