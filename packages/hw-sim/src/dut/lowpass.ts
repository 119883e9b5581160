import { SettingsError } from '@labrx/core';
import { cdiv, cmul, type Complex, type Dut } from './Dut.js';

/**
 * A Butterworth low-pass of `order` 1…8 with its −3 dB point at `cutoff`:
 * |H(f)|² = 1 / (1 + (f/cutoff)^(2·order)), H(0) = 1; order 1 is 1 / (1 + j·f/cutoff).
 *
 * H(s) = Π_k (−p_k) / (s − p_k) with s = j·f/cutoff and the normalised poles
 * p_k = exp(jπ(2k + n − 1)/(2n)), k = 1…n (left half plane, unit circle).
 *
 * @param p.cutoff −3 dB frequency in Hz (> 0)
 * @param p.order filter order, an integer 1…8 (default 1)
 * @throws SettingsError for cutoff ≤ 0 or an order that is not an integer 1…8
 * @example lowpass({ cutoff: 20e3, order: 2 })
 */
export function lowpass(p: { cutoff: number; order?: number }): Dut {
  const order = p.order ?? 1;
  if (!(Number.isFinite(p.cutoff) && p.cutoff > 0)) throw new SettingsError('lowpass', 'cutoff', p.cutoff, 'a frequency above 0 (Hz)');
  if (!(Number.isInteger(order) && order >= 1 && order <= 8)) throw new SettingsError('lowpass', 'order', order, 'an integer from 1 to 8');
  const { cutoff } = p;
  const poles: Complex[] = [];
  for (let k = 1; k <= order; k++) {
    const a = (Math.PI * (2 * k + order - 1)) / (2 * order);
    poles.push({ re: Math.cos(a), im: Math.sin(a) });
  }
  return Object.freeze({
    spec: { kind: 'lowpass' as const, cutoff, order },
    name: `lowpass(cutoff=${cutoff} Hz, order=${order})`,
    response(f: number) {
      const s: Complex = { re: 0, im: f / cutoff };
      let h: Complex = { re: 1, im: 0 };
      for (const pk of poles) h = cmul(h, cdiv({ re: -pk.re, im: -pk.im }, { re: s.re - pk.re, im: s.im - pk.im }));
      return h;
    },
  });
}
