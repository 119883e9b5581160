import { LabrxError } from '../errors/LabrxError.js';
import type { AsyncMapFulfilled, AsyncMapRejected } from './AsyncMapEntry.js';

/**
 * Some items of a map failed: carries every failure with its item and index, and every success,
 * so that a caller who must treat any failure as an error still gets both. Like `AggregateError`,
 * with `errors` holding the bare errors in input order; the message lists the first few.
 *
 * @example
 * try { settledValues(await asyncMap(boards, work, { onError: 'collect' })); }
 * catch (e) { if (e instanceof MapErrors) for (const f of e.failures) console.log(f.index, f.error); }
 */
export class MapErrors<T = unknown, R = unknown> extends LabrxError {
  /** The bare errors, in input order (as `AggregateError.errors`). */
  readonly errors: unknown[];
  constructor(
    /** What was mapped (for example 'asyncMap' or 'fleet.close'). */
    readonly operation: string,
    /** Every item that failed, in input order. */
    readonly failures: readonly AsyncMapRejected<T>[],
    /** Every item that succeeded, in input order. */
    readonly successes: readonly AsyncMapFulfilled<T, R>[] = [],
  ) {
    const total = failures.length + successes.length;
    const shown = failures
      .slice(0, 3)
      .map((f) => `#${f.index}: ${f.error instanceof Error ? f.error.message : String(f.error)}`)
      .join('; ');
    const more = failures.length > 3 ? `; and ${failures.length - 3} more` : '';
    super(`${operation}: ${failures.length} of ${total} failed (${shown}${more})`, { cause: failures[0]?.error });
    this.errors = failures.map((f) => f.error);
  }
}
