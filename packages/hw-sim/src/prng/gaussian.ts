import type { Xoshiro128 } from './xoshiro128.js';

/*
 * Ziggurat method for standard normal deviates (Marsaglia & Tsang, J. Stat. Softw. 5(8), 2000),
 * 128 layers. About 98.8 % of draws take the fast path: one 32-bit random word, one table compare,
 * one multiply. Doornik (2005) showed that the original, which takes the layer index from the same
 * low bits as the value, is correlated; here the layer is the low 7 bits and the value the upper 25
 * bits of the word, so they are independent.
 */
const LAYERS = 128;
const M = 2 ** 24; // |hz| < 2^24: the 25-bit signed value from the upper bits
const kn = new Float64Array(LAYERS); // integers < 2^24; a Float64Array keeps the compare in doubles
const wn = new Float64Array(LAYERS);
const fn = new Float64Array(LAYERS);
const R = 3.442619855899; // start of the tail
{
  let dn = R;
  let tn = dn;
  const vn = 9.91256303526217e-3; // area of each layer
  const q = vn / Math.exp(-0.5 * dn * dn);
  kn[0] = Math.floor((dn / q) * M);
  kn[1] = 0;
  wn[0] = q / M;
  wn[LAYERS - 1] = dn / M;
  fn[0] = 1;
  fn[LAYERS - 1] = Math.exp(-0.5 * dn * dn);
  for (let i = LAYERS - 2; i >= 1; i--) {
    dn = Math.sqrt(-2 * Math.log(vn / dn + Math.exp(-0.5 * dn * dn)));
    kn[i + 1] = Math.floor((dn / tn) * M);
    tn = dn;
    fn[i] = Math.exp(-0.5 * dn * dn);
    wn[i] = dn / M;
  }
}

/**
 * Fills `out[from … to)` with independent standard normal deviates (mean 0, variance 1) drawn
 * from `rng`. Deterministic: the same generator state gives the same numbers.
 */
export function fillGaussian(rng: Xoshiro128, out: Float64Array, from = 0, to = out.length): void {
  // the generator state lives in locals inside the loop (V8 keeps them in registers)
  // (xoshiro128** written out: V8 then keeps the whole loop in registers, about 4× faster here).
  // The rare slow path is called outside the inner loop: the inner loop breaks on a rejection and
  // the outer one takes it. Called (and inlined) inside the inner loop, the wedge and tail code
  // made V8 spill the loop's registers on every draw: 5.5 → 3.8 ns a draw, the same numbers.
  let s0 = rng.s0, s1 = rng.s1, s2 = rng.s2, s3 = rng.s3;
  const k = kn, w = wn;
  let i = from;
  while (i < to) {
    for (; i < to; i++) {
      const x = Math.imul(s1, 5);
      const r = Math.imul((x << 7) | (x >>> 25), 9);
      const t = s1 << 9;
      s2 ^= s0; s3 ^= s1; s1 ^= s2; s0 ^= s3; s2 ^= t; s3 = (s3 << 11) | (s3 >>> 21);
      const hz = r >> 7;
      const iz = r & 127;
      if (Math.abs(hz) >= k[iz]!) {
        out[i] = r; // the rejected word, taken up below
        break;
      }
      out[i] = hz * w[iz]!;
    }
    if (i === to) break;
    const r = out[i]!;
    rng.s0 = s0; rng.s1 = s1; rng.s2 = s2; rng.s3 = s3;
    out[i++] = slowPath(rng, r >> 7, r & 127);
    s0 = rng.s0; s1 = rng.s1; s2 = rng.s2; s3 = rng.s3;
  }
  rng.s0 = s0; rng.s1 = s1; rng.s2 = s2; rng.s3 = s3;
}

/** One standard normal deviate (convenience; use `fillGaussian` in loops). */
export function gaussian(rng: Xoshiro128): number {
  const one = new Float64Array(1);
  fillGaussian(rng, one);
  return one[0]!;
}

// The rare wedge and tail cases (about 1.2 % of draws).
function slowPath(rng: Xoshiro128, hz: number, iz: number): number {
  for (;;) {
    if (iz === 0) {
      // tail beyond R: Marsaglia's exponential rejection
      let x: number, y: number;
      do {
        x = -Math.log(1 - rng.nextFloat()) / R;
        y = -Math.log(1 - rng.nextFloat());
      } while (y + y < x * x);
      return hz > 0 ? R + x : -R - x;
    }
    const x = hz * wn[iz]!;
    if (fn[iz]! + rng.nextFloat() * (fn[iz - 1]! - fn[iz]!) < Math.exp(-0.5 * x * x)) return x;
    const r = rng.nextInt32();
    hz = r >> 7;
    iz = r & 127;
    if (Math.abs(hz) < kn[iz]!) return hz * wn[iz]!;
  }
}
