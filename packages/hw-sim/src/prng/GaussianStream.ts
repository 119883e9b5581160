import { fillGaussian } from './gaussian.js';
import { Xoshiro128 } from './xoshiro128.js';

const BLOCK = 256;

/**
 * Standard normal deviates one at a time without allocating: draws blocks of 256 from its own
 * seeded `Xoshiro128` (through `fillGaussian`) and hands them out in order. Deterministic: the same
 * seed words give the same sequence, however the draws are spread over calls.
 */
export class GaussianStream {
  private readonly rng: Xoshiro128;
  private readonly block = new Float64Array(BLOCK);
  private next = BLOCK;

  /** @param seedWords 32-bit words seeding the generator (e.g. the plant's seed and a stream id). */
  constructor(...seedWords: number[]) {
    this.rng = new Xoshiro128(...seedWords);
  }

  /** The next deviate (mean 0, variance 1). */
  draw(): number {
    if (this.next === BLOCK) {
      fillGaussian(this.rng, this.block);
      this.next = 0;
    }
    return this.block[this.next++]!;
  }
}
