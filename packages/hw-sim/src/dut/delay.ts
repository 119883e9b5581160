import { SettingsError } from '@labrx/core';
import type { Dut } from './Dut.js';

/**
 * A pure time delay (a cable): H(f) = exp(−j·2π·f·seconds); |H| = 1, phase slope −360°·seconds per Hz.
 *
 * @param p.seconds the delay in seconds (≥ 0, finite)
 * @throws SettingsError for a negative or non-finite delay
 * @example delay({ seconds: 50e-9 }) // 10 m of coax
 */
export function delay(p: { seconds: number }): Dut {
  if (!(Number.isFinite(p.seconds) && p.seconds >= 0)) throw new SettingsError('delay', 'seconds', p.seconds, 'a delay of 0 s or more');
  const { seconds } = p;
  return Object.freeze({
    spec: { kind: 'delay' as const, seconds },
    name: `delay(${seconds} s)`,
    response(f: number) {
      // reduce f·τ to a fraction of a cycle first so large f·τ keeps full precision in the angle
      const cycles = f * seconds;
      const a = -2 * Math.PI * (cycles - Math.floor(cycles));
      return { re: Math.cos(a), im: Math.sin(a) };
    },
  });
}
