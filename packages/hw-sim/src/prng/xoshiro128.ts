/**
 * xoshiro128** (Blackman & Vigna, 2018): a small, fast 32-bit PRNG with a 2^128 − 1 period that
 * passes BigCrush. All arithmetic is 32-bit (`Math.imul`, shifts), which V8 compiles to integer
 * instructions, so a draw costs a few nanoseconds. Not cryptographic.
 *
 * The state is four public 32-bit words so hot loops (the Gaussian filler) can copy them into
 * locals and write them back.
 */
export class Xoshiro128 {
  s0: number;
  s1: number;
  s2: number;
  s3: number;

  /**
   * Seeds the state from up to four 32-bit words through splitmix32, so that nearby seeds
   * (1, 2, 3…) give unrelated streams and the all-zero state cannot occur.
   */
  constructor(...seedWords: number[]) {
    let h = 0x9e3779b9;
    for (const w of seedWords) h = splitmix32(h ^ (w >>> 0)) ^ Math.imul(h, 0x85ebca6b);
    this.s0 = splitmix32((h = (h + 0x9e3779b9) | 0));
    this.s1 = splitmix32((h = (h + 0x9e3779b9) | 0));
    this.s2 = splitmix32((h = (h + 0x9e3779b9) | 0));
    this.s3 = splitmix32((h = (h + 0x9e3779b9) | 0));
    if ((this.s0 | this.s1 | this.s2 | this.s3) === 0) this.s0 = 1;
  }

  /** Next 32 random bits as a signed int32. */
  nextInt32(): number {
    const r = Math.imul(rotl(Math.imul(this.s1, 5), 7), 9);
    const t = this.s1 << 9;
    this.s2 ^= this.s0;
    this.s3 ^= this.s1;
    this.s1 ^= this.s2;
    this.s0 ^= this.s3;
    this.s2 ^= t;
    this.s3 = rotl(this.s3, 11);
    return r | 0;
  }

  /** A uniform double in [0, 1) with 32 bits of resolution. */
  nextFloat(): number {
    return (this.nextInt32() >>> 0) * 2.3283064365386963e-10;
  }
}

/** 32-bit rotate left. */
export function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}

/** splitmix32 / murmur3 finaliser: a bijective 32-bit mix, used to seed and to hash stream ids. */
export function splitmix32(x: number): number {
  x = (x + 0x9e3779b9) | 0;
  x = Math.imul(x ^ (x >>> 16), 0x85ebca6b);
  x = Math.imul(x ^ (x >>> 13), 0xc2b2ae35);
  return (x ^ (x >>> 16)) | 0;
}
