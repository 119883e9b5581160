import type { GapBlock, StreamBlock } from '@labrx/core';

/**
 * One client's queue of gapless-stream blocks on a board server: the blocks the shared board stream
 * produced that the client has no credit for yet, bounded in samples per channel by the client's
 * `bufferSamples` (docs/decisions/0016-gapless-streams-and-realtime-fft.md, "Remote boards"). A block
 * that does not fit drops the oldest queued blocks into one `GapBlock` at the front of the queue, of
 * exactly the samples dropped (and any gap among them), as the board's own ring would: never a
 * silent hole. Gap blocks count no samples.
 */
export class BlockRelayQueue {
  private readonly blocks: StreamBlock[] = [];
  private queued = 0;
  /** Samples (per channel) dropped into gaps so far. */
  dropped = 0;

  /** @param bufferSamples the bound, samples per channel (at least two blocks) */
  constructor(readonly bufferSamples: number) {}

  /** Blocks waiting. */
  get length(): number {
    return this.blocks.length;
  }

  /** Samples per channel waiting (gaps not counted). */
  get queuedSamples(): number {
    return this.queued;
  }

  /** Adds the board stream's next block (consecutive with the last pushed); drops the oldest into a gap when over the bound. */
  push(block: StreamBlock): void {
    this.blocks.push(block);
    if (block.kind === 'samples') this.queued += block.samples;
    if (this.queued <= this.bufferSamples) return;
    const first = this.blocks[0]!;
    let end = first.index;
    let lost = 0;
    while (this.queued > this.bufferSamples) {
      const b = this.blocks.shift()!;
      if (b.kind === 'samples') {
        this.queued -= b.samples;
        lost += b.samples;
      }
      end = b.index + b.samples;
    }
    // a gap right behind the dropped blocks joins the new one
    while (this.blocks[0]?.kind === 'gap') {
      const g = this.blocks.shift()!;
      end = g.index + g.samples;
    }
    this.dropped += lost;
    const gap: GapBlock = { kind: 'gap', index: first.index, samples: end - first.index, dt: first.dt, timestamp: first.timestamp };
    this.blocks.unshift(gap);
  }

  /** The oldest block waiting, removed, or undefined. */
  shift(): StreamBlock | undefined {
    const b = this.blocks.shift();
    if (b?.kind === 'samples') this.queued -= b.samples;
    return b;
  }
}
