import type { Observable } from 'rxjs';

/**
 * What the mapped function may return for one item: a plain value (a synchronous function), a
 * Promise (an `async` function) or an Observable, of which `asyncMap` takes the **first** value
 * and then unsubscribes — the same rule as the awaited face of every instrument (`single`), so an
 * endless `stream$()` is fine too. An Observable that completes without a value fails that item
 * with `NoResultError`.
 */
export type AsyncMapOutput<R> = R | PromiseLike<R> | Observable<R>;

/**
 * The mapped function: called once per item with the item, its 0-based position in the input and
 * an `AbortSignal` that aborts when that item's work is no longer wanted (the map was unsubscribed
 * or aborted, or stopped by another item's error). It may throw synchronously: that fails the item.
 */
export type AsyncMapFn<T, R> = (item: T, index: number, signal: AbortSignal) => AsyncMapOutput<R>;

/** One item that succeeded: the item, its position in the input and the value `fn` produced. */
export interface AsyncMapFulfilled<T, R> {
  readonly status: 'fulfilled';
  readonly item: T;
  /** 0-based position of the item in the input. */
  readonly index: number;
  readonly value: R;
}

/** One item that failed: the item, its position in the input and the error, unchanged. */
export interface AsyncMapRejected<T> {
  readonly status: 'rejected';
  readonly item: T;
  /** 0-based position of the item in the input. */
  readonly index: number;
  readonly error: unknown;
}

/**
 * The outcome of one item (named as in `Promise.allSettled`): narrow on `status`.
 *
 * @example
 * for (const e of entries) if (e.status === 'rejected') console.log(`item ${e.index} failed`, e.error);
 */
export type AsyncMapSettled<T, R> = AsyncMapFulfilled<T, R> | AsyncMapRejected<T>;
