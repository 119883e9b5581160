import type { Trace } from '../results/Trace.js';

/**
 * How an averaging operator reads and rebuilds a result made of `Float64Array`s. The operators
 * know nothing of traces or spectra: they average whatever arrays the lens hands them, element by
 * element, and let the lens put the means back into a result of the same kind.
 *
 * @template T The result type (for example `Trace`).
 *
 * @example
 * const spectrumPowerLens: ArrayLens<{ psd: Float64Array; averages: number }> = {
 *   arrays: (s) => [s.psd],
 *   rebuild: (s, [psd], count) => ({ ...s, psd, averages: count }),
 * };
 */
export interface ArrayLens<T> {
  /**
   * The arrays to average, in a fixed order (e.g. `trace => [trace.ch1, trace.ch2]`). Every input
   * of one subscription must give the same number of arrays with the same lengths. Not modified.
   */
  arrays(value: T): readonly Float64Array[];
  /**
   * A new result like `template` carrying `means` (fresh arrays, owned by the result, in the
   * order `arrays` gave them). `template` is the most recent input; `count` is how many inputs
   * the means stand for.
   */
  rebuild(template: T, means: Float64Array[], count: number): T;
}

/**
 * The lens for scope traces: averages `ch1` and `ch2` (volts) sample by sample. The rebuilt trace
 * keeps `dt`, `t0`, `settings` and `timestamp` of the latest input (so the timestamp is that of the
 * last trigger averaged) and sets `averages` to the number of inputs averaged.
 */
export const traceLens: ArrayLens<Trace> = {
  arrays: (trace) => [trace.ch1, trace.ch2],
  rebuild: (template, [ch1, ch2], count) => ({ ...template, ch1: ch1!, ch2: ch2!, averages: count }),
};
