import type { WorkArray } from '../dsp/RealFftPlan.js';
import type { SampleBlock, StreamBlock } from '../results/StreamBlock.js';

/** Where a {@link SegmentAssembler} keeps its samples: an array of `length` values per channel. */
export type SegmentStorage = (length: number) => WorkArray;

/**
 * Line length in segments: the partial segment is moved to the front once every (L − 1)·n/hop
 * segments. 4 up to 65536-sample segments (2 MiB per channel), 2 above (the line may live in a
 * WebAssembly heap, which never shrinks).
 */
const lineSegments = (n: number): number => (n <= 65536 ? 4 : 2);

/**
 * Cuts a gapless stream into overlapping segments of `n` samples that start every `hop` samples
 * (Welch's segments: hop = n · (1 − overlap)), whatever the stream's block size. Each segment is
 * handed to a callback as two views into arrays the assembler owns (valid during the call only),
 * so nothing but the two views is allocated per segment. A segment never straddles a gap: after a
 * `GapBlock` (or a block whose index does not follow the previous one) assembly starts again at the
 * next block.
 *
 * Each sample is copied once, into a line of 4n samples per channel (2n above 65536) in which consecutive segments
 * lie one after the other (overlapping); only when the line is full is the partial segment moved to
 * its front. So the overlap costs no copy per segment. With `storage` the line lives where the
 * consumer computes (an FFT plan's heap, `RealFftPlan.allocateWork`), so the segments reach the
 * transform without another copy; call `free()` when done.
 *
 * Pure and synchronous; the operators (`welchSpectra`) wrap it.
 *
 * @example
 * const a = new SegmentAssembler(16384, 8192, (length) => kernel.plan.allocateWork(length));
 * a.push(block, (ch1, ch2, index) => kernel.accumulatePair(ch1, ch2, m1, m2, 1 / ++k));
 * a.free();
 */
export class SegmentAssembler {
  /** Samples per channel in the line (4n, or 2n for long segments). */
  private readonly length: number;
  private readonly line1: WorkArray;
  private readonly line2: WorkArray;
  /** Line position of the next sample. */
  private write = 0;
  /** Line position of the current segment's first sample (write − segmentStart samples filled). */
  private segmentStart = 0;
  /** Stream index of the current segment's first sample. */
  private start = 0;
  /** Stream index the next block must start at to continue (NaN: nothing yet). */
  private expected = Number.NaN;

  /**
   * @param n segment length in samples
   * @param hop samples between segment starts, 1 … n (n: no overlap)
   * @param storage where the samples are kept (default: ordinary Float64Arrays)
   */
  constructor(
    /** Segment length in samples. */
    readonly n: number,
    /** Samples between segment starts, 1 … n (n: no overlap). */
    readonly hop: number,
    storage: SegmentStorage = plainStorage,
  ) {
    this.length = lineSegments(n) * n;
    this.line1 = storage(this.length);
    try {
      this.line2 = storage(this.length);
    } catch (error) {
      this.line1.free();
      throw error;
    }
  }

  /** Forgets the partial segment (the next block starts a new one). */
  reset(): void {
    this.write = 0;
    this.segmentStart = 0;
    this.expected = Number.NaN;
  }

  /** Gives the storage back (see the constructor's `storage`); the assembler must not be used after. */
  free(): void {
    this.line1.free();
    this.line2.free();
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
    if (this.write === this.segmentStart) this.start = block.index;
    this.expected = block.index + block.samples;
    this.fill(block, onSegment);
    return continues;
  }

  private fill(block: SampleBlock, onSegment: (ch1: Float64Array, ch2: Float64Array, index: number) => void): void {
    const { n, hop, length } = this;
    let from = 0;
    while (from < block.samples) {
      // views are taken afresh each time: the callback may have grown the storage's memory
      const a = this.line1.view();
      const b = this.line2.view();
      if (this.segmentStart + n > length) {
        // the line is full: move the partial segment (fewer than n samples) to its front
        a.copyWithin(0, this.segmentStart, this.write);
        b.copyWithin(0, this.segmentStart, this.write);
        this.write -= this.segmentStart;
        this.segmentStart = 0;
      }
      const take = Math.min(this.segmentStart + n - this.write, block.samples - from);
      a.set(block.ch1.subarray(from, from + take), this.write);
      b.set(block.ch2.subarray(from, from + take), this.write);
      this.write += take;
      from += take;
      if (this.write - this.segmentStart === n) {
        const s = this.segmentStart;
        onSegment(a.subarray(s, s + n), b.subarray(s, s + n), this.start);
        // hop ≤ n (callers validate), so the next segment starts within what is written
        this.segmentStart += hop;
        this.start += hop;
      }
    }
  }
}

/** Ordinary memory. */
function plainStorage(length: number): WorkArray {
  const values = new Float64Array(length);
  return { length, view: () => values, free: () => undefined };
}
