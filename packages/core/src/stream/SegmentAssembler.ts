import type { SampleBlock, StreamBlock } from '../results/StreamBlock.js';

/**
 * Cuts a gapless stream into overlapping segments of `n` samples that start every `hop` samples
 * (Welch's segments: hop = n · (1 − overlap)), whatever the stream's block size. Each segment is
 * handed to a callback in two arrays the assembler owns (valid during the call only), so nothing is
 * allocated per segment. A segment never straddles a gap: after a `GapBlock` (or a block whose index
 * does not follow the previous one) assembly starts again at the next block.
 *
 * Pure and synchronous; the operators (`welchSpectra`) wrap it.
 *
 * @example
 * const a = new SegmentAssembler(16384, 8192);
 * a.push(block, (ch1, ch2, index) => kernel.accumulatePair(ch1, ch2, m1, m2, 1 / ++k));
 */
export class SegmentAssembler {
  /** ch1 of the segment being filled (n samples). */
  private readonly buf1: Float64Array;
  /** ch2 of the segment being filled. */
  private readonly buf2: Float64Array;
  /** Samples of the current segment filled so far. */
  private filled = 0;
  /** Stream index of the current segment's first sample. */
  private start = 0;
  /** Stream index the next block must start at to continue (NaN: nothing yet). */
  private expected = Number.NaN;

  constructor(
    /** Segment length in samples. */
    readonly n: number,
    /** Samples between segment starts, 1 … n (n: no overlap). */
    readonly hop: number,
  ) {
    this.buf1 = new Float64Array(n);
    this.buf2 = new Float64Array(n);
  }

  /** Forgets the partial segment (the next block starts a new one). */
  reset(): void {
    this.filled = 0;
    this.expected = Number.NaN;
  }

  /**
   * Adds a block; calls `onSegment(ch1, ch2, index)` for every segment it completes, `index` being
   * the segment's first stream index. Returns false when the block did not continue the previous
   * one (a gap), in which case the partial segment was dropped.
   */
  push(block: StreamBlock, onSegment: (ch1: Float64Array, ch2: Float64Array, index: number) => void): boolean {
    if (block.kind === 'gap') {
      this.reset();
      return false;
    }
    const continues = block.index === this.expected || Number.isNaN(this.expected);
    if (!continues) this.reset();
    if (this.filled === 0) this.start = block.index;
    this.expected = block.index + block.samples;
    this.fill(block, onSegment);
    return continues;
  }

  private fill(block: SampleBlock, onSegment: (ch1: Float64Array, ch2: Float64Array, index: number) => void): void {
    const { n, hop, buf1, buf2 } = this;
    let from = 0;
    while (from < block.samples) {
      const take = Math.min(n - this.filled, block.samples - from);
      buf1.set(block.ch1.subarray(from, from + take), this.filled);
      buf2.set(block.ch2.subarray(from, from + take), this.filled);
      this.filled += take;
      from += take;
      if (this.filled === n) {
        onSegment(buf1, buf2, this.start);
        if (hop < n) {
          buf1.copyWithin(0, hop, n);
          buf2.copyWithin(0, hop, n);
          this.filled = n - hop;
        } else this.filled = 0;
        this.start += hop;
        // hop > n is not allowed (constructor callers validate), so `start` stays on the segment grid
      }
    }
  }
}
