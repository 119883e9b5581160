import type { SyncChannel } from './SyncChannel.js';

/**
 * The blocking face of an instrument's `stream`: a sync iterator (and iterable, once) whose
 * `next()` blocks until the engine has the next result. `break` in a for-of loop calls `return()`,
 * which stops the acquisition in the engine before it returns. An iterator dropped without
 * `return()` is stopped when it is garbage-collected.
 *
 * @example
 * for (const trace of rp.scope.stream({ decimation: 64 })) { plot(trace); if (++n === 3) break; }
 */
export class SyncStream<T> implements IterableIterator<T> {
  private done = false;

  /** @internal Made by the blocking face; `id` names the stream in the engine. */
  constructor(
    private readonly channel: SyncChannel,
    private readonly id: number,
    private readonly operation: string,
    private readonly timeoutMs: () => number,
    private readonly revive: (v: unknown) => T,
  ) {
    abandoned.register(this, { channel, id }, this);
  }

  /** Blocks for the next result; `{ done: true }` once the stream ended (or after `return()`). */
  next(): IteratorResult<T> {
    if (this.done) return { done: true, value: undefined };
    let r: { done: boolean; value: unknown };
    try {
      r = this.channel.call({ op: 'next', stream: this.id }, this.timeoutMs(), this.operation, SyncStream.prototype.next) as { done: boolean; value: unknown };
    } catch (error) {
      this.finish();
      // a timed-out or failed next leaves nothing to read: stop the engine's side too
      this.channel.notify({ op: 'cancel', id: this.id });
      throw error;
    }
    if (r.done) {
      this.finish();
      return { done: true, value: undefined };
    }
    return { done: false, value: this.revive(r.value) };
  }

  /** Stops the stream in the engine (its acquisition ends before this returns). */
  return(): IteratorResult<T> {
    if (!this.done) {
      this.finish();
      if (!this.channel.lost) this.channel.call({ op: 'return', stream: this.id }, this.timeoutMs(), this.operation, SyncStream.prototype.return);
    }
    return { done: true, value: undefined };
  }

  [Symbol.iterator](): this {
    return this;
  }

  private finish(): void {
    this.done = true;
    abandoned.unregister(this);
  }
}

// Iterators dropped mid-stream would keep acquiring in the engine forever: cancel them when collected.
const abandoned = new FinalizationRegistry<{ channel: SyncChannel; id: number }>(({ channel, id }) => channel.notify({ op: 'cancel', id }));
