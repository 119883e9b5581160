import { LabrxError } from '../errors/LabrxError.js';
import type { ArrayLens } from './ArrayLens.js';

/**
 * Per-subscription state of the averaging operators (the `scanInternals` of this folder): the
 * element-wise mean of the arrays seen so far, kept in `Float64Array`s allocated once, on the first
 * input.
 *
 * Each input is folded in as `m ← m + (x − m) / k` with `k = min(inputs so far, window)`. With an
 * infinite window this is the cumulative mean; with a finite one it becomes, after `window`
 * inputs, an exponential moving average of weight 1/window — PyRPL's continuous averaging
 * (`data_avg = (data_avg·(k−1) + new) / k`, `k = min(k + 1, trace_average)`). The incremental form
 * never builds a large sum, so it cannot overflow and its rounding error does not grow with the
 * magnitude of a running total.
 *
 * @internal Not exported from the package; used by averageCount, runningAverage, exponentialAverage.
 */
export class MeanAccumulator<T> {
  /** Element-wise means, one array per lens array; null until the first input. */
  private means: Float64Array[] | null = null;
  /** The most recent input, the template for `result()`. */
  private latest: T | undefined;
  /** How many inputs were folded in. */
  private inputs = 0;
  /** The weight denominator used for the latest input: min(inputs, window). */
  private weight = 0;

  constructor(
    private readonly lens: ArrayLens<T>,
    /** Operator name for error messages. */
    private readonly operator: string,
  ) {}

  /** How many inputs were folded in so far. */
  get count(): number {
    return this.inputs;
  }

  /**
   * Folds `value` into the means with weight 1/min(inputs, window). Throws `LabrxError` if its
   * arrays do not have the shape of the first input's (averaging samples of different time or
   * frequency bases would be meaningless).
   */
  add(value: T, window: number): void {
    const arrays = this.lens.arrays(value);
    if (this.means === null) {
      this.means = arrays.map((a) => new Float64Array(a.length));
    } else {
      this.checkShape(arrays, this.means);
    }
    this.inputs++;
    this.weight = Math.min(this.inputs, window);
    const k = this.weight;
    const means = this.means;
    for (let j = 0; j < means.length; j++) {
      const m = means[j]!;
      const x = arrays[j]!;
      // Division rather than multiplication by 1/k: one correctly rounded operation, so exact
      // inputs (small integers, halves) give exact means.
      for (let i = 0; i < m.length; i++) m[i]! += (x[i]! - m[i]!) / k;
    }
    this.latest = value;
  }

  /**
   * A new result with copies of the current means (so consumers may keep it while averaging goes
   * on) and `count` = min(inputs, window). Only valid after at least one `add`.
   */
  result(): T {
    if (this.means === null) throw new LabrxError(`${this.operator}: no input to average`);
    return this.lens.rebuild(this.latest as T, this.means.map((m) => m.slice()), this.weight);
  }

  private checkShape(arrays: readonly Float64Array[], means: Float64Array[]): void {
    if (arrays.length !== means.length) {
      throw new LabrxError(
        `${this.operator}: input ${this.inputs + 1} has ${arrays.length} arrays but the first had ${means.length}; cannot average results of different shapes`,
      );
    }
    for (let j = 0; j < means.length; j++) {
      const have = arrays[j]!.length;
      const want = means[j]!.length;
      if (have !== want) {
        throw new LabrxError(
          `${this.operator}: array ${j} of input ${this.inputs + 1} has ${have} samples but the first input's had ${want}; cannot average results of different shapes`,
        );
      }
    }
  }
}
