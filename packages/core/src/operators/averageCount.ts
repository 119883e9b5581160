import { Observable, take, type OperatorFunction } from 'rxjs';
import type { ArrayLens } from './ArrayLens.js';
import { checkPositiveInteger } from './checkPositiveInteger.js';
import { MeanAccumulator } from './MeanAccumulator.js';

/**
 * Averages exactly `n` results element by element, emits the mean once and completes.
 *
 * Takes the first `n` values of the source and unsubscribes from it right after the n-th (so an
 * acquisition underneath stops), then emits one result built by `lens.rebuild` with
 * `count = n`. If the source completes earlier, emits the mean of what arrived (with that count)
 * if anything did, and nothing otherwise. Errors pass through unchanged; an input whose arrays do
 * not match the first input's shape errors with `LabrxError`.
 *
 * Accumulates into `Float64Array`s allocated once per subscription; the emitted arrays are fresh.
 *
 * ```
 * source:          --a--b--c--d--
 * averageCount(3, lens)
 * result:          --------(m|)       m = mean(a, b, c), count 3
 * source subscr.:  ^-------!
 * ```
 *
 * ## Example
 * ```ts
 * import { averageCount, traceLens } from '@labrx/core';
 * const mean$ = acquisitions$.pipe(averageCount(16, traceLens)); // one Trace with averages: 16
 * ```
 *
 * @see runningAverage for a mean after every input
 * @see exponentialAverage for PyRPL's continuous averaging
 * @template T The result type.
 * @param n How many results to average: an integer ≥ 1 (else `SettingsError`, at call time).
 * @param lens Reads and rebuilds the arrays of a result.
 * @returns An operator that emits one averaged result and completes.
 */
export function averageCount<T>(n: number, lens: ArrayLens<T>): OperatorFunction<T, T> {
  checkPositiveInteger(n, 'averageCount', 'n');
  return (source) =>
    new Observable<T>((subscriber) => {
      const acc = new MeanAccumulator(lens, 'averageCount');
      // take(n) unsubscribes from the source as soon as the n-th value arrives, even when a
      // synchronous source emits it during subscribe.
      return source.pipe(take(n)).subscribe({
        next(value) {
          if (subscriber.closed) return;
          try {
            acc.add(value, Infinity);
          } catch (err) {
            subscriber.error(err);
          }
        },
        error: (err: unknown) => subscriber.error(err),
        complete() {
          if (subscriber.closed) return;
          if (acc.count > 0) {
            let mean: T;
            try {
              mean = acc.result();
            } catch (err) {
              subscriber.error(err);
              return;
            }
            subscriber.next(mean);
          }
          subscriber.complete();
        },
      });
    });
}
