/**
 * The response of a FilterModule's input filter register (red_pitaya_filter_block.v, as PyRPL reads
 * it: attributes.py FilterRegister.to_python, lines 749-852): up to `stages` first-order sections, one
 * byte each: bit 7 on, bit 6 high-pass, low bits the shift; alpha = 2^shift / 2^MAXSHIFT with
 * MAXSHIFT = clog2(125 MHz / minBw), cutoff −ln(1 − alpha)·125 MHz / 2π times PyRPL's empirical
 * correction for the largest alphas.
 */
import { FILTER_CORRECTION, filterMaxShift } from '../map/filterWord.js';

/** Cutoffs in Hz of the stages of `word` (positive low-pass, negative high-pass, 0 off). */
export function filterCutoffsHz(word: number, stages: number, shiftBits: number, minBwHz: number): number[] {
  const maxShift = filterMaxShift(minBwHz);
  const out: number[] = [];
  for (let i = 0; i < stages; i++) {
    const v = Math.floor((word >>> 0) / 2 ** (8 * i)) & 0xff;
    if (!(v & 0x80)) {
      out.push(0);
      continue;
    }
    const shift = v & (2 ** shiftBits - 1);
    const alpha = 2 ** shift / 2 ** maxShift;
    let bw = (-Math.log(1 - alpha) / (2 * Math.PI)) * 125e6;
    bw *= FILTER_CORRECTION[alpha] ?? 1;
    out.push(v & 0x40 ? -bw : bw);
  }
  return out;
}

/** The complex response at `frequencyHz` of first-order sections with these cutoffs. */
export function filterResponse(cutoffsHz: readonly number[], frequencyHz: number): { re: number; im: number } {
  let re = 1;
  let im = 0;
  for (const c of cutoffsHz) {
    if (c === 0) continue;
    const x = frequencyHz / Math.abs(c);
    // low-pass 1/(1 + jx); high-pass jx/(1 + jx)
    const d = 1 + x * x;
    const h = c > 0 ? { re: 1 / d, im: -x / d } : { re: (x * x) / d, im: x / d };
    [re, im] = [re * h.re - im * h.im, re * h.im + im * h.re];
  }
  return { re, im };
}
