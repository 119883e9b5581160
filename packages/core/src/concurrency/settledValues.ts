import type { AsyncMapFulfilled, AsyncMapRejected, AsyncMapSettled } from './AsyncMapEntry.js';
import { MapErrors } from './MapErrors.js';

/**
 * The values of settled entries, in the entries' order, if every one succeeded; otherwise throws
 * a {@link MapErrors} carrying every failure and every success (sorted by input index).
 *
 * @example
 * const traces = settledValues(await asyncMap(boards, acquire, { onError: 'collect' }));
 *
 * @template T The item type.
 * @template R The value type.
 * @param entries What `asyncMap(…, { onError: 'collect' })` resolved with.
 * @param operation Names the map in the error message (default 'asyncMap').
 * @returns The values.
 * @throws MapErrors if any entry is rejected.
 */
export function settledValues<T, R>(entries: readonly AsyncMapSettled<T, R>[], operation = 'asyncMap'): R[] {
  const failures: AsyncMapRejected<T>[] = [];
  const successes: AsyncMapFulfilled<T, R>[] = [];
  for (const e of entries) (e.status === 'fulfilled' ? successes : failures).push(e as never);
  if (failures.length === 0) return successes.map((e) => e.value);
  const byIndex = (a: { index: number }, b: { index: number }): number => a.index - b.index;
  throw new MapErrors<T, R>(operation, failures.sort(byIndex), successes.sort(byIndex));
}
