import type { OperatorFunction } from 'rxjs';
import type { ArrayLens } from './ArrayLens.js';
import { meanOfRecent } from './exponentialAverage.js';

/**
 * Emits, for every input, the element-wise mean of all inputs so far (the cumulative mean), with
 * `count` = number of inputs through `lens.rebuild`.
 *
 * One output per input; completes and errors when the source does. Accumulates into
 * `Float64Array`s allocated once per subscription; every output carries fresh arrays that the
 * consumer may keep. An input whose arrays do not match the first input's shape errors with
 * `LabrxError` (and unsubscribes from the source).
 *
 * ```
 * source:          --a--b--c--|
 * runningAverage(lens)
 * result:          --x--y--z--|     x = a, y = mean(a, b), z = mean(a, b, c); counts 1, 2, 3
 * ```
 *
 * ## Example
 * ```ts
 * import { runningAverage, traceLens } from '@labrx/core';
 * scope.stream$().pipe(runningAverage(traceLens)).subscribe((t) => plot(t)); // ever smoother
 * ```
 *
 * @see averageCount to stop after n inputs
 * @see exponentialAverage to forget old inputs
 * @template T The result type.
 * @param lens Reads and rebuilds the arrays of a result.
 * @returns An operator emitting the cumulative mean after each input.
 */
export function runningAverage<T>(lens: ArrayLens<T>): OperatorFunction<T, T> {
  return meanOfRecent(Infinity, lens, 'runningAverage');
}
