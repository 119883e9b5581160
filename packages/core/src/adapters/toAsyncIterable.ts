import type { Observable } from 'rxjs';
import { BoundedAsyncIterable, type OverflowPolicy } from './BoundedAsyncIterable.js';

export type { OverflowPolicy } from './BoundedAsyncIterable.js';

/** Options of {@link toAsyncIterable}. */
export interface ToAsyncIterableOptions {
  /** Most unread values held per iteration: an integer from 1 to `MAX_BUFFER_SIZE` (2^20); default 16. */
  bufferSize?: number;
  /** What happens to a value arriving when the buffer is full; default 'drop-oldest'. */
  overflow?: OverflowPolicy;
  /** Aborting it unsubscribes and makes `next()` reject with `AbortedError(operation, signal.reason)`. */
  signal?: AbortSignal;
  /** Name for error messages, e.g. 'scope.stream'; default 'toAsyncIterable'. */
  operation?: string;
}

/**
 * The pull face of a stream: an async iterable with a bounded buffer, for `for await`.
 *
 * Each iteration subscribes to `source$` on its first `next()` and keeps at most `bufferSize`
 * unread values in a ring buffer (O(1) per value, no growth: a slow consumer costs bounded memory,
 * unlike ix's `from(observable)`, which queues without limit). When a value arrives and the buffer
 * is full:
 * - 'drop-oldest' (default) discards the oldest unread value: the consumer sees the newest data;
 * - 'drop-newest' discards the incoming value;
 * - 'error' unsubscribes; the consumer reads the values already buffered, then `next()` throws
 *   `BufferOverflowError` (naming `bufferSize`).
 * The returned object's `dropped` property counts the values discarded so far (over all its
 * iterations); each iterator has its own `dropped` and `buffered` (unread values now).
 *
 * `break` (the iterator's `return()`) and the abort signal unsubscribe from the source; an abort
 * makes the pending or next `next()` reject with `AbortedError` at once, discarding unread
 * values. A source error is thrown from `next()` after the values buffered before it; completion
 * ends the loop after them.
 *
 * ## Example
 * ```ts
 * import { toAsyncIterable } from '@labrx/core';
 * const traces = toAsyncIterable(scope.stream$(), { bufferSize: 2, overflow: 'drop-oldest' });
 * for await (const t of traces) { await slowPlot(t); if (done) break; } // break stops the scope
 * console.log(`${traces.dropped} traces skipped`);
 * ```
 *
 * @template T The value type.
 * @param source$ A cold Observable, subscribed once per iteration.
 * @param options bufferSize, overflow, signal, operation. Invalid values throw
 *   `SettingsError(operation, option, value, allowed)` at once.
 * @returns An `AsyncIterableX` (ix) with a `dropped` count.
 */
export function toAsyncIterable<T>(source$: Observable<T>, options: ToAsyncIterableOptions = {}): BoundedAsyncIterable<T> {
  const { bufferSize = 16, overflow = 'drop-oldest', signal, operation = 'toAsyncIterable' } = options;
  return new BoundedAsyncIterable(source$, { bufferSize, overflow, signal, operation });
}
