import { Observable, type OperatorFunction } from 'rxjs';
import type { ArrayLens } from './ArrayLens.js';
import { checkPositiveInteger } from './checkPositiveInteger.js';
import { MeanAccumulator } from './MeanAccumulator.js';

/**
 * PyRPL's continuous averaging: the cumulative mean of the first `n` inputs, then an exponential
 * moving average with weight 1/n. One output per input.
 *
 * With k = min(inputs so far, n), each input x updates the element-wise mean m as
 * `m ← m + (x − m) / k`. Every output carries `count` = k through `lens.rebuild`. For white noise
 * of variance σ² on each sample, the steady-state variance of the output is σ²/(2n − 1): about half
 * that of an n-average, because old inputs keep a small weight forever.
 *
 * Accumulates into `Float64Array`s allocated once per subscription; every output carries fresh
 * arrays. An input whose arrays do not match the first input's shape errors with `LabrxError`.
 *
 * ```
 * source:          --a--b--c--|      values 0, 4, 8
 * exponentialAverage(2, lens)
 * result:          --x--y--z--|      0, 2, 5  (2 + (8 − 2)/2); counts 1, 2, 2
 * ```
 *
 * ## Example
 * ```ts
 * import { exponentialAverage, traceLens } from '@labrx/core';
 * scope.stream$().pipe(exponentialAverage(8, traceLens)).subscribe((t) => plot(t));
 * ```
 *
 * @see runningAverage for the mean of everything so far
 * @see averageCount for a single n-average
 * @template T The result type.
 * @param n The averaging depth: an integer ≥ 1 (else `SettingsError`, at call time). n = 1 passes
 *   copies of the inputs through.
 * @param lens Reads and rebuilds the arrays of a result.
 * @returns An operator emitting the running average after each input.
 */
export function exponentialAverage<T>(n: number, lens: ArrayLens<T>): OperatorFunction<T, T> {
  checkPositiveInteger(n, 'exponentialAverage', 'n');
  return meanOfRecent(n, lens, 'exponentialAverage');
}

/**
 * One output per input: the running mean of the first `depth` inputs, then an exponential average
 * with weight 1/depth (depth Infinity: the mean of everything so far). Shared by
 * `exponentialAverage` and `runningAverage`; `name` goes into error messages.
 */
export function meanOfRecent<T>(depth: number, lens: ArrayLens<T>, name: string): OperatorFunction<T, T> {
  return (source) =>
    new Observable<T>((subscriber) => {
      const acc = new MeanAccumulator(lens, name);
      return source.subscribe({
        next(value) {
          if (subscriber.closed) return;
          let mean: T;
          try {
            acc.add(value, depth);
            mean = acc.result();
          } catch (err) {
            subscriber.error(err);
            return;
          }
          subscriber.next(mean);
        },
        error: (err: unknown) => subscriber.error(err),
        complete: () => subscriber.complete(),
      });
    });
}
