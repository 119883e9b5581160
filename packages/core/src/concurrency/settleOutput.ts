import { finalize, isObservable, Subscription, take, type Observable } from 'rxjs';
import { NoResultError } from '../adapters/NoResultError.js';
import type { AsyncMapOutput } from './AsyncMapEntry.js';

/**
 * Waits for one value out of whatever a mapped function returned and reports it exactly once:
 * a plain value at once (synchronously), a Promise when it settles, an Observable's first value
 * or its error — reported only after the Observable has been unsubscribed and its teardown has
 * run, so the work underneath has stopped; an Observable that completes empty reports
 * `NoResultError(operation)`. Unsubscribing the returned subscription cancels without a report.
 *
 * @template R The value type.
 * @param output A value, a PromiseLike or an Observable.
 * @param operation Name for `NoResultError` (for example 'asyncMap item 3').
 * @param onValue Called once with the value.
 * @param onError Called once with the error, unchanged.
 * @returns The Observable's subscription (to cancel it), or undefined for values and Promises,
 *   which cannot be cancelled — the caller ignores their late outcome instead.
 */
export function settleOutput<R>(
  output: AsyncMapOutput<R>,
  operation: string,
  onValue: (value: R) => void,
  onError: (error: unknown) => void,
): Subscription | undefined {
  if (isObservable(output)) {
    let outcome: { readonly value: R } | { readonly error: unknown } | undefined;
    let cancelled = false;
    // The outcome is reported from finalize, i.e. after the source's own teardown has run: an
    // item counts as finished only once its work has really stopped (a lease released, a timer
    // cleared), so the next item never overlaps it and `concurrency` holds strictly. take(1)
    // ends the source right after its first value, even a synchronous one.
    const inner = (output)
      .pipe(
        take(1),
        finalize(() => {
          if (cancelled) return;
          if (outcome === undefined) onError(new NoResultError(operation));
          else if ('value' in outcome) onValue(outcome.value);
          else onError(outcome.error);
        }),
      )
      .subscribe({
        next: (value) => (outcome = { value }),
        error: (error: unknown) => (outcome = { error }),
      });
    return new Subscription(() => {
      cancelled = true;
      inner.unsubscribe();
    });
  }
  if (isPromiseLike<R>(output)) {
    output.then(onValue, onError);
    return undefined;
  }
  onValue(output);
  return undefined;
}

function isPromiseLike<R>(x: unknown): x is PromiseLike<R> {
  return (typeof x === 'object' || typeof x === 'function') && x !== null && typeof (x as { then?: unknown }).then === 'function';
}
