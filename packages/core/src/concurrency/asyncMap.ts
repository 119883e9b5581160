import { map, toArray, type Observable } from 'rxjs';
import { once } from '../adapters/once.js';
import type { AsyncMapFn, AsyncMapSettled } from './AsyncMapEntry.js';
import { asyncMap$ } from './asyncMap$.js';
import type { AsyncMapOptions } from './asyncMapOptions.js';

/** Options of the Promise face {@link asyncMap}. */
export interface AsyncMapPromiseOptions extends AsyncMapOptions {
  /**
   * Aborting it cancels the map (as unsubscribing `asyncMap$` does: Observables in flight are
   * unsubscribed, every in-flight item's `signal` is aborted, nothing more starts) and rejects
   * with `AbortedError(name, signal.reason)`. Already aborted: rejects without calling `fn`.
   */
  readonly signal?: AbortSignal;
}

/**
 * Maps every item through `fn` with at most `concurrency` in flight and resolves with all the
 * results: the awaited face of {@link asyncMap$}, the async map of the seed — five one-second
 * calls take one second, and plain and async functions mix in one map.
 *
 * - `onError: 'stop'` (default): resolves with the values (`R[]`) in the chosen `order`, or rejects
 *   with the first item error, unchanged, after cancelling the items still running.
 * - `onError: 'collect'`: always resolves, with one entry per item,
 *   `{ status: 'fulfilled', item, index, value } | { status: 'rejected', item, index, error }`, so the
 *   caller has both the successes and the failures (see `settledValues` to get the values or a
 *   `MapErrors`).
 *
 * `fn(item, index, signal)`: `signal` aborts when this item's work is no longer wanted; pass it
 * to anything that accepts one (an instrument's `single(s, { signal })`).
 *
 * ## Example
 * ```ts
 * const traces = await asyncMap(boards, (rp, _i, signal) => rp.scope.single({ decimation: 8192 }, { signal }));
 * // five boards: ≈ 1.07 s, not 5 × 1.07 s
 * const outcome = await asyncMap(urls, ping, { concurrency: 8, onError: 'collect' });
 * ```
 *
 * @see asyncMap$ for the Observable face
 * @template T The item type.
 * @template R The result type.
 * @param items The items (any iterable).
 * @param fn The function to apply; see `AsyncMapFn`.
 * @param options `concurrency`, `order`, `onError`, `signal`.
 * @returns The values (`'stop'`) or the settled entries (`'collect'`), in the chosen order.
 *   Rejects with `SettingsError` for bad options, before calling `fn`.
 */
export function asyncMap<T, R>(items: Iterable<T>, fn: AsyncMapFn<T, R>, options?: AsyncMapPromiseOptions & { readonly onError?: 'stop' }): Promise<R[]>;
export function asyncMap<T, R>(
  items: Iterable<T>,
  fn: AsyncMapFn<T, R>,
  options: AsyncMapPromiseOptions & { readonly onError: 'collect' },
): Promise<AsyncMapSettled<T, R>[]>;
export function asyncMap<T, R>(items: Iterable<T>, fn: AsyncMapFn<T, R>, options?: AsyncMapPromiseOptions): Promise<R[] | AsyncMapSettled<T, R>[]>;
export function asyncMap<T, R>(items: Iterable<T>, fn: AsyncMapFn<T, R>, options: AsyncMapPromiseOptions = {}): Promise<R[] | AsyncMapSettled<T, R>[]> {
  const { signal, ...mapOptions } = options;
  const name = options.name ?? 'asyncMap';
  let entries$: Observable<AsyncMapSettled<T, R>>;
  try {
    entries$ = asyncMap$(items, fn, mapOptions);
  } catch (error) {
    return Promise.reject(error);
  }
  const collect = mapOptions.onError === 'collect';
  // The awaited face of every labrx stream: `once` checks the signal, honours it (unsubscribing
  // cancels the map) and rejects with AbortedError(name, reason). With 'stop' every entry is fulfilled.
  const all$ = entries$.pipe(
    map((entry) => (collect ? entry : (entry as { readonly value: R }).value)),
    toArray(),
  );
  return once(all$, { operation: name, ...(signal !== undefined ? { signal } : {}) }) as Promise<R[] | AsyncMapSettled<T, R>[]>;
}
