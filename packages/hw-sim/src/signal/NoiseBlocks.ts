import { fillGaussian } from '../prng/gaussian.js';
import { Xoshiro128 } from '../prng/xoshiro128.js';
import { forEachBlockRun } from './forEachBlockRun.js';

/**
 * Unit Gaussian noise indexed by (stream, sample index), generated in blocks of `blockSize` from
 * a PRNG seeded by (board seed, acquisition serial, stream, block). The same sample index always
 * gets the same value, however the samples are asked for (a trigger search chunk, then the trace
 * that straddles two chunks), so a trace is consistent with the trigger decision made on it.
 *
 * Keeps the few most recent blocks of each stream and reuses their arrays.
 */
export class NoiseBlocks {
  private readonly blocks = new Map<string, Float64Array>();
  private readonly spare: Float64Array[] = [];
  private readonly order: string[] = [];

  constructor(
    /** The board's seed as 32-bit words. */
    private readonly seedWords: readonly number[],
    private serial: number,
    /** Samples per block. */
    readonly blockSize: number,
    /** Blocks kept before the oldest is recycled. */
    private readonly capacity = 8,
  ) {}

  /** Starts over with another serial (another independent realisation), keeping the arrays. */
  reset(serial: number): void {
    this.serial = serial;
    for (const b of this.blocks.values()) this.spare.push(b);
    this.blocks.clear();
    this.order.length = 0;
  }

  /** The unit Gaussian samples of `block` of `stream` (do not modify). */
  block(stream: number, block: number): Float64Array {
    const key = `${stream}:${block}`;
    let b = this.blocks.get(key);
    if (b) return b;
    if (this.order.length >= this.capacity) {
      const old = this.order.shift()!;
      this.spare.push(this.blocks.get(old)!);
      this.blocks.delete(old);
    }
    b = this.spare.pop() ?? new Float64Array(this.blockSize);
    // block may exceed 2^32 in a very long trigger wait: fold the high part in separately
    fillGaussian(new Xoshiro128(...this.seedWords, this.serial, stream, block | 0, Math.floor(block / 2 ** 32)), b);
    this.blocks.set(key, b);
    this.order.push(key);
    return b;
  }

  /**
   * Adds std · noise[stream][index] to out[from + j] for stream indices index = first + j,
   * j = 0 … to − from − 1.
   */
  add(out: Float64Array, from: number, to: number, stream: number, first: number, std: number): void {
    if (std === 0) return;
    forEachBlockRun(from, to, first, this.blockSize, (i, blk, off, len) => {
      const src = this.block(stream, blk);
      for (let j = 0; j < len; j++) out[i + j]! += std * src[off + j]!;
    });
  }
}
