import { Observable, type Subscription } from 'rxjs';
import { AbortedError } from '../errors/AbortedError.js';
import { SettingsError } from '../errors/SettingsError.js';
import type { AsyncMapFn, AsyncMapFulfilled, AsyncMapSettled } from './AsyncMapEntry.js';
import { resolveAsyncMapOptions, type AsyncMapOptions } from './asyncMapOptions.js';
import { settleOutput } from './settleOutput.js';

/** One item in flight: how to cancel it. */
interface Slot {
  readonly controller: AbortController;
  subscription: Subscription | undefined;
}

/**
 * Maps every item through `fn` with at most `concurrency` items in flight, as a cold Observable
 * of entries `{ status, item, index, value | error }`. The Observable face of {@link asyncMap}.
 *
 * `fn(item, index, signal)` may be synchronous (returns a value or throws), `async` (returns a
 * Promise) or return an Observable, of which the **first** value counts (then it is unsubscribed,
 * as the awaited face `single()` does). Plain and async functions mix freely in one map.
 *
 * - Concurrency: never more than `concurrency` items are in flight; the next item is pulled from
 *   `items` (lazily, so a generator works) only when one finishes.
 * - Order: `'input'` emits entries in the input's order (holding back early finishers);
 *   `'completion'` emits each as soon as it finishes.
 * - Errors: with `'stop'` (default) the first item error errors the Observable with that error,
 *   unchanged, and cancels the rest; with `'collect'` it is emitted as a `'rejected'` entry and the
 *   other items still run. Either way the Observable completes after the last item.
 * - Cancellation: unsubscribing (or a `'stop'` error) unsubscribes every Observable in flight,
 *   aborts every in-flight item's `signal` with an `AbortedError`, starts nothing more and closes
 *   the input iterator. A Promise cannot be cancelled: its late outcome is ignored, and `fn` should
 *   pass `signal` on to whatever can stop.
 *
 * ```
 * items a, b, c; concurrency 2; fn(a) takes 4 frames, fn(b) 1, fn(c) 2 (starts when b ends)
 * 'completion': -B-C(A|)
 * 'input':      ----(ABC|)
 * ```
 *
 * ## Example
 * ```ts
 * asyncMap$(boards, (rp) => rp.scope.single$({ decimation: 64 }), { concurrency: 16, order: 'completion' })
 *   .subscribe(({ index, value }) => console.log(`board ${index}: ${value.ch1.length} samples`));
 * ```
 *
 * @see asyncMap for the Promise face (an array, and an AbortSignal)
 * @template T The item type.
 * @template R The result type.
 * @param items The items (any iterable; pulled only as slots free up).
 * @param fn The function to apply; see {@link AsyncMapFn}.
 * @param options `concurrency` (integer ≥ 1 or Infinity), `order`, `onError`.
 * @returns A cold Observable of one entry per item.
 * @throws SettingsError at once for bad options, a non-iterable `items` or a non-function `fn`.
 */
export function asyncMap$<T, R>(
  items: Iterable<T>,
  fn: AsyncMapFn<T, R>,
  options?: AsyncMapOptions & { readonly onError?: 'stop' },
): Observable<AsyncMapFulfilled<T, R>>;
export function asyncMap$<T, R>(
  items: Iterable<T>,
  fn: AsyncMapFn<T, R>,
  options: AsyncMapOptions & { readonly onError: 'collect' },
): Observable<AsyncMapSettled<T, R>>;
export function asyncMap$<T, R>(items: Iterable<T>, fn: AsyncMapFn<T, R>, options?: AsyncMapOptions): Observable<AsyncMapSettled<T, R>>;
export function asyncMap$<T, R>(items: Iterable<T>, fn: AsyncMapFn<T, R>, options: AsyncMapOptions = {}): Observable<AsyncMapSettled<T, R>> {
  const { concurrency, order, onError, name } = resolveAsyncMapOptions(options);
  if (items === null || typeof (items as Partial<Iterable<T>> | undefined)?.[Symbol.iterator] !== 'function') {
    throw new SettingsError(name, 'items', items, 'an iterable (an array, a Set, a generator, …)');
  }
  if (typeof fn !== 'function') throw new SettingsError(name, 'fn', fn, 'a function (item, index, signal) => value | Promise | Observable');

  return new Observable<AsyncMapSettled<T, R>>((subscriber) => {
    const iterator = items[Symbol.iterator]();
    const running = new Map<number, Slot>();
    // 'input' order: entries that finished before an earlier item, keyed by index.
    const held = new Map<number, AsyncMapSettled<T, R>>();
    let started = 0;
    let nextToEmit = 0;
    let exhausted = false;
    let closed = false;
    let pumping = false;
    // What in-flight items' signals are aborted with: unsubscribed, or another item's error.
    let abortReason: unknown = 'unsubscribed';

    function pump(): void {
      // A synchronous fn finishes inside start(), which calls pump() again: the outer loop's
      // condition already sees the freed slot, so the inner call just returns (no recursion depth
      // growing with the number of items).
      if (pumping) return;
      pumping = true;
      try {
        while (!closed && !exhausted && running.size < concurrency) {
          let step: IteratorResult<T>;
          try {
            step = iterator.next();
          } catch (error) {
            subscriber.error(error); // the input itself failed: not an item error
            return;
          }
          if (step.done) exhausted = true;
          else start(step.value, started++);
        }
      } finally {
        pumping = false;
      }
      if (!closed && exhausted && running.size === 0) subscriber.complete();
    }

    function start(item: T, index: number): void {
      const slot: Slot = { controller: new AbortController(), subscription: undefined };
      running.set(index, slot);
      let output;
      try {
        output = fn(item, index, slot.controller.signal);
      } catch (error) {
        finish({ status: 'rejected', item, index, error });
        return;
      }
      const subscription = settleOutput(
        output,
        `${name} item ${index}`,
        (value) => finish({ status: 'fulfilled', item, index, value }),
        (error) => finish({ status: 'rejected', item, index, error }),
      );
      // Finished (or torn down) during subscribe: nothing left to cancel.
      if (running.get(index) === slot) slot.subscription = subscription;
      else subscription?.unsubscribe();
    }

    function finish(entry: AsyncMapSettled<T, R>): void {
      // Late outcomes of cancelled items (Promises cannot be cancelled) are dropped here.
      if (closed || !running.delete(entry.index)) return;
      if (entry.status === 'rejected' && onError === 'stop') {
        abortReason = entry.error;
        subscriber.error(entry.error);
        return;
      }
      if (order === 'completion') {
        subscriber.next(entry);
      } else {
        held.set(entry.index, entry);
        for (let e = held.get(nextToEmit); e !== undefined && !closed; e = held.get(nextToEmit)) {
          held.delete(nextToEmit++);
          subscriber.next(e);
        }
      }
      pump();
    }

    pump();

    return () => {
      closed = true;
      const reason = new AbortedError(name, abortReason);
      for (const slot of running.values()) {
        slot.subscription?.unsubscribe();
        slot.controller.abort(reason);
      }
      running.clear();
      held.clear();
      // Lets a generator run its finally blocks; errors from it have nowhere to go but up.
      if (!exhausted) iterator.return?.();
    };
  });
}
