import type { Observable, Subscription } from 'rxjs';
import { AsyncIterableX } from 'ix/asynciterable';
import { AbortedError } from '../errors/AbortedError.js';
import { StreamOverflowError } from '../errors/StreamOverflowError.js';
import type { GapBlock, StreamBlock } from '../results/StreamBlock.js';
import type { StreamOverflowPolicy } from '../settings/streamSettings.js';

/** Options of {@link toBlockIterable}. */
export interface BlockIterableOptions {
  /** Most unread samples held (per channel): the same bound as the board's side of the stream. */
  readonly bufferSamples: number;
  /** Consumer further behind than `bufferSamples`: 'error' ends the loop with `StreamOverflowError`, 'gap' drops the oldest unread blocks and says so with a `GapBlock`. */
  readonly onOverflow: StreamOverflowPolicy;
  /** Aborting ends the loop with `AbortedError` and stops the stream. */
  readonly signal?: AbortSignal | undefined;
  /** Name for errors, e.g. 'scope.continuous'. */
  readonly operation: string;
}

/**
 * The pull face of a gapless stream: an async iterable whose queue between the (push) stream and
 * the (pulling) consumer is bounded in samples, not in blocks, so that it means what the board's
 * buffer means: the consumer may be at most `bufferSamples` behind the board.
 *
 * When a block arrives that would take the unread samples past `bufferSamples`:
 * - 'error': the stream is stopped; the consumer reads what was queued, then `next()` throws
 *   `StreamOverflowError` naming the first lost sample;
 * - 'gap': the oldest unread sample blocks are dropped, as the board's ring overwrites its oldest
 *   samples, and replaced by one `GapBlock` covering them (gaps take no room and merge), so the
 *   consumer learns exactly which samples it did not get.
 * Gaps the stream itself reports are queued as they come ('error': they end the loop the same way).
 *
 * Each iteration subscribes on its first `next()`; `break` and the signal unsubscribe.
 *
 * @example
 * for await (const b of toBlockIterable(board.stream(s), { bufferSamples: 1 << 20, onOverflow: 'gap', operation: 'x' })) {
 *   if (b.kind === 'gap') console.log('lost', b.samples, 'from', b.index);
 * }
 */
export function toBlockIterable(source$: Observable<StreamBlock>, options: BlockIterableOptions): AsyncIterableX<StreamBlock> {
  return new BlockIterable(source$, options);
}

class BlockIterable extends AsyncIterableX<StreamBlock> {
  constructor(
    private readonly source$: Observable<StreamBlock>,
    private readonly options: BlockIterableOptions,
  ) {
    super();
  }

  async *[Symbol.asyncIterator](extraSignal?: AbortSignal): AsyncGenerator<StreamBlock, void, undefined> {
    const { bufferSamples, onOverflow, operation } = this.options;
    const signals = [this.options.signal, extraSignal].filter((s): s is AbortSignal => s !== undefined);
    const queue: StreamBlock[] = [];
    let head = 0;
    let queued = 0; // unread samples (sample blocks only)
    let ending: { readonly error: unknown } | 'complete' | null = null;
    let wake: (() => void) | null = null;
    const notify = () => {
      const w = wake;
      wake = null;
      w?.();
    };
    const pushGap = (gap: GapBlock) => {
      const last = queue.length > head ? queue[queue.length - 1]! : undefined;
      if (last?.kind === 'gap' && last.index + last.samples === gap.index) queue[queue.length - 1] = { ...last, samples: last.samples + gap.samples };
      else queue.push(gap);
    };
    const aborted = signals.find((s) => s.aborted);
    if (aborted) throw new AbortedError(operation, aborted.reason);
    const onAbort = (event: Event) => {
      ending = { error: new AbortedError(operation, (event.target as AbortSignal).reason) };
      queue.length = head = queued = 0;
      subscription?.unsubscribe();
      notify();
    };
    // `let`, not `const`: a synchronous source may overflow (and stop) while subscribe() is running
    let subscription: Subscription | undefined = undefined;
    subscription = this.source$.subscribe({
      next(block) {
        if (ending !== null) return;
        if (block.kind === 'gap') {
          if (onOverflow === 'error') {
            ending = { error: new StreamOverflowError(operation, block.index, block.samples, bufferSamples) };
            subscription?.unsubscribe();
          } else pushGap(block);
          return notify();
        }
        if (queued + block.samples > bufferSamples) {
          if (onOverflow === 'error') {
            // the consumer gets what is queued; this block and everything after is lost
            ending = { error: new StreamOverflowError(operation, block.index, block.samples, bufferSamples) };
            subscription?.unsubscribe();
            return notify();
          }
          // drop the oldest unread blocks (as a ring overwrites) into one gap at the front
          const first = queue[head];
          let lostTo = Number.NaN;
          while (queued + block.samples > bufferSamples && head < queue.length) {
            const b = queue[head++]!;
            if (b.kind === 'samples') queued -= b.samples;
            lostTo = b.index + b.samples;
          }
          if (first && !Number.isNaN(lostTo)) {
            const gap: GapBlock = { kind: 'gap', index: first.index, samples: lostTo - first.index, dt: first.dt, timestamp: first.timestamp };
            queue[--head] = gap;
          }
        }
        queue.push(block);
        queued += block.samples;
        notify();
      },
      error(e: unknown) {
        if (ending === null) ending = { error: e };
        notify();
      },
      complete() {
        if (ending === null) ending = 'complete';
        notify();
      },
    });
    // an ending during subscribe() could not unsubscribe yet (RxJS's synchronous sources check `closed`)
    if (ending !== null) subscription.unsubscribe();
    for (const s of signals) s.addEventListener('abort', onAbort);
    try {
      for (;;) {
        if (queue.length > head) {
          const block = queue[head]!;
          queue[head++] = undefined as unknown as StreamBlock;
          if (head > 1024 && head * 2 > queue.length) {
            queue.splice(0, head);
            head = 0;
          }
          if (block.kind === 'samples') queued -= block.samples;
          yield block;
          continue;
        }
        const end = ending as { readonly error: unknown } | 'complete' | null;
        if (end === 'complete') return;
        if (end !== null) throw end.error;
        await new Promise<void>((resolve) => (wake = resolve));
      }
    } finally {
      for (const s of signals) s.removeEventListener('abort', onAbort);
      subscription?.unsubscribe();
    }
  }
}
