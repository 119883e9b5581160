/**
 * A FilterModule's filter register word (red_pitaya_filter_block.v / red_pitaya_lpf_block.v) from
 * cutoffs in Hz, as PyRPL writes it (attributes.py FilterRegister.from_python, lines 854-884): one
 * byte per stage, bit 7 on, bit 6 high-pass, the low `shiftBits` bits the shift with
 * alpha = 2^shift / 2^MAXSHIFT ≈ 1 − exp(−2π·|cutoff|/125 MHz), MAXSHIFT = clog2(125 MHz / minBw).
 * Decoding back to Hz is `filterCutoffsHz`; the stage's own per-cycle coefficient is `filterStages`.
 */

/** PyRPL's empirical correction factors per alpha (attributes.py:811-819); an alpha not listed has 1. */
export const FILTER_CORRECTION: Readonly<Record<number, number>> = {
  0.5: 0.7,
  0.25: 1.65,
  0.125: 1.17,
  0.0625: 1.08,
  0.03125: 1.04,
  0.015625: 1.02,
  0.0078125: 1.01,
  0.001953125: 1.0,
  0.00390625: 1.0,
};

/** clog2 as the Verilog defines it (lpf_block.v `CLOG2`). */
export function filterMaxShift(minBwHz: number): number {
  const x = 125e6 / minBwHz;
  if (x < 2) return 1;
  if (x > 2 ** 32) return -1;
  if (x > 2 ** 31) return 32;
  return Math.floor(Math.log2(x)) + 1;
}

/**
 * The register word for `cutoffsHz` (extra stages beyond `stages` are ignored, as PyRPL does).
 * @param cutoffsHz positive low-pass, negative high-pass, 0 off
 */
export function encodeFilterWord(cutoffsHz: readonly number[], stages: number, shiftBits: number, minBwHz: number): number {
  const maxShift = filterMaxShift(minBwHz);
  let word = 0;
  for (let i = 0; i < stages && i < cutoffsHz.length; i++) {
    let bw = cutoffsHz[i]!;
    if (bw === 0) continue;
    let alpha = 1 - Math.exp((-Math.abs(bw) * 2 * Math.PI) / 125e6);
    const c = FILTER_CORRECTION[alpha];
    if (c !== undefined) {
      bw /= c;
      alpha = 1 - Math.exp((-Math.abs(bw) * 2 * Math.PI) / 125e6);
    }
    let shift = Math.round(Math.log2(alpha * 2 ** maxShift));
    shift = Math.max(0, Math.min(2 ** shiftBits - 1, shift));
    const byte = 0x80 | (bw < 0 ? 0x40 : 0) | shift;
    word += byte * 2 ** (8 * i);
  }
  return word >>> 0;
}

/** One first-order stage as the FPGA runs it: y += alpha·(x − y) every 8 ns; the high-pass outputs x − y. */
export interface FilterStage {
  /** Per-cycle coefficient 2^shift / 2^MAXSHIFT (0 < alpha ≤ 1). */
  readonly alpha: number;
  readonly highpass: boolean;
}

/** The stages switched on in `word` (stages off are left out). */
export function filterStages(word: number, stages: number, shiftBits: number, minBwHz: number): FilterStage[] {
  const maxShift = filterMaxShift(minBwHz);
  const out: FilterStage[] = [];
  for (let i = 0; i < stages; i++) {
    const v = Math.floor((word >>> 0) / 2 ** (8 * i)) & 0xff;
    if (!(v & 0x80)) continue;
    const shift = Math.min(v & (2 ** shiftBits - 1), maxShift);
    out.push({ alpha: 2 ** shift / 2 ** maxShift, highpass: (v & 0x40) !== 0 });
  }
  return out;
}
