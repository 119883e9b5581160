import { asyncScheduler, take, type Observable, type SchedulerLike, type Subscription } from 'rxjs';
import { AbortedError } from '../errors/AbortedError.js';
import { TimeoutError } from '../errors/TimeoutError.js';
import { NoResultError } from './NoResultError.js';
import { checkAdapterOptions } from './checkAdapterOptions.js';

/** Options of {@link once}. */
export interface OnceOptions {
  /** Aborting it stops the work and rejects with `AbortedError(operation, signal.reason)`. */
  signal?: AbortSignal;
  /**
   * Time limit in milliseconds on `scheduler` (≥ 0; `Infinity` or absent: none). When it passes
   * the work is stopped and the promise rejects with `TimeoutError(operation, timeoutMs)`.
   */
  timeoutMs?: number;
  /** The clock the time limit runs on; default `asyncScheduler` (real time). Pass a `VirtualClock` in tests. */
  scheduler?: SchedulerLike;
  /** Name for error messages, e.g. 'scope.single'; default 'once'. */
  operation?: string;
}

/**
 * The awaited face of a stream: a Promise of its first value.
 *
 * Subscribes to `source$`, resolves with the first value and unsubscribes at once, which stops
 * the work underneath (an acquisition, a sweep). Rejects with:
 * - `AbortedError(operation, signal.reason)` when `signal` aborts; if it is already aborted,
 *   rejects without subscribing at all;
 * - `TimeoutError(operation, timeoutMs)` when `timeoutMs` passes on `scheduler`;
 * - the source's own error, unchanged;
 * - `NoResultError` ("<operation> completed without a result", a `LabrxError`) if the source
 *   completes without a value;
 * - `SettingsError(operation, 'timeoutMs' | 'signal', …)` for a negative or non-numeric `timeoutMs`
 *   or a `signal` that is not an AbortSignal, without subscribing.
 *
 * However it settles, it removes its abort listener, cancels its timer and unsubscribes, so no
 * handle is left to keep the process alive.
 *
 * Unlike `firstValueFrom`, it stops the source the moment it has its value, honours an
 * AbortSignal and a time limit on an injectable clock, and raises typed labrx errors. It is
 * labrx's one Promise-with-abort adapter: the instruments' `single`, `asg.set`, `asyncMap` and
 * `fleet.map` all await through it (a second copy would be a bug waiting for its first fix).
 *
 * ## Example
 * ```ts
 * import { once } from '@labrx/core';
 * const trace = await once(scope.single$(), { signal, timeoutMs: 5000, operation: 'scope.single' });
 * ```
 *
 * @template T The value type.
 * @param source$ The stream to take one value from (subscribed once, only if not already aborted).
 * @param options Signal, time limit (ms), its scheduler and an operation name.
 * @returns A Promise of the first value.
 */
export function once<T>(source$: Observable<T>, options: OnceOptions = {}): Promise<T> {
  const { signal, timeoutMs, scheduler = asyncScheduler, operation = 'once' } = options;
  try {
    checkAdapterOptions(operation, { signal, timeoutMs });
  } catch (error) {
    return Promise.reject(error);
  }
  if (signal?.aborted) return Promise.reject(new AbortedError(operation, signal.reason));

  return new Promise<T>((resolve, reject) => {
    let settled = false;
    let subscription: Subscription | undefined;
    let timer: Subscription | undefined;

    const onAbort = (): void => settle(() => reject(new AbortedError(operation, signal?.reason)));

    // Runs the outcome once and releases everything, in every path (value, error, empty, abort,
    // timeout). Safe to call while subscribe() is still running: `subscription` may be unset then,
    // and take(1) has already unsubscribed from the source.
    function settle(outcome: () => void): void {
      if (settled) return;
      settled = true;
      signal?.removeEventListener('abort', onAbort);
      timer?.unsubscribe();
      subscription?.unsubscribe();
      outcome();
    }

    // take(1) stops the source right after the first value, even a synchronous one.
    subscription = source$.pipe(take(1)).subscribe({
      next: (value) => settle(() => resolve(value)),
      error: (err: unknown) => settle(() => reject(err)),
      complete: () => settle(() => reject(new NoResultError(operation))),
    });
    if (settled) return; // settled synchronously: no listener or timer to set up

    signal?.addEventListener('abort', onAbort, { once: true });
    if (timeoutMs !== undefined && timeoutMs !== Infinity) {
      timer = scheduler.schedule(() => settle(() => reject(new TimeoutError(operation, timeoutMs))), timeoutMs);
    }
  });
}
