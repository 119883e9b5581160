import { Observable, throwError, timeout, type SchedulerLike } from 'rxjs';
import { settleOutput, TimeoutError, type AsyncMapFn } from '@labrx/core';

/**
 * Wraps a mapped function so that each call gets at most `timeoutMs` on `scheduler(item)` (the
 * item's board clock, virtual in tests). When the time is up the item fails with
 * `TimeoutError(name(item), timeoutMs)`, an Observable it returned is unsubscribed, and the signal
 * it was given aborts with that error, so a Promise-based call can stop too. The signal also
 * aborts when the map itself cancels the item.
 *
 * @param fn The function to limit.
 * @param timeoutMs Milliseconds per item, > 0.
 * @param scheduler The clock for an item.
 * @param name Names an item's operation in the `TimeoutError`.
 * @returns A function with the same contract as `fn`, returning an Observable.
 */
export function withTimeout<T, R>(
  fn: AsyncMapFn<T, R>,
  timeoutMs: number,
  scheduler: (item: T) => SchedulerLike,
  name: (item: T) => string,
): AsyncMapFn<T, R> {
  return (item, index, outer) => {
    const error = new TimeoutError(name(item), timeoutMs);
    const work$ = new Observable<R>((subscriber) => {
      const controller = new AbortController();
      const forward = (): void => controller.abort(outer.reason);
      outer.addEventListener('abort', forward, { once: true });
      let finished = false;
      const inner = settleOutput(
        fn(item, index, controller.signal),
        name(item),
        (value) => {
          finished = true;
          subscriber.next(value);
          subscriber.complete();
        },
        (err) => {
          finished = true;
          subscriber.error(err);
        },
      );
      return () => {
        outer.removeEventListener('abort', forward);
        inner?.unsubscribe();
        // Torn down before finishing and not by the map's own cancellation: the time ran out.
        if (!finished && !controller.signal.aborted) controller.abort(error);
      };
    });
    return work$.pipe(timeout({ first: timeoutMs, scheduler: scheduler(item), with: () => throwError(() => error) }));
  };
}
