import type { Observable, SchedulerLike } from 'rxjs';
import { once, toAsyncIterable, type OverflowPolicy } from '@labrx/core';

/** Options of the awaited face (`single`). */
export interface SingleOptions {
  /** Aborting stops the acquisition and rejects with `AbortedError`. */
  readonly signal?: AbortSignal;
  /** Rejects with `TimeoutError` after this many milliseconds (board clock) and stops the acquisition. */
  readonly timeoutMs?: number;
  /** Queue for busy modules (default) or fail at once with `ResourceBusyError`. */
  readonly wait?: boolean;
}

/** Options of the pull face (`stream`). */
export interface StreamOptions {
  /** Unread results kept at most (default 16). */
  readonly bufferSize?: number;
  /** What happens when the consumer is slower than the instrument (default 'drop-oldest'). */
  readonly overflow?: OverflowPolicy;
  /** Aborting ends the iteration and stops the acquisition. */
  readonly signal?: AbortSignal;
  /** Queue for busy modules (default) or fail at once with `ResourceBusyError`. */
  readonly wait?: boolean;
}

/** Turns a cold single-result Observable into the awaited face. Errors thrown while building it reject. */
export function awaitSingle<T>(build: () => Observable<T>, scheduler: SchedulerLike, operation: string, options: SingleOptions = {}): Promise<T> {
  let source$: Observable<T>;
  try {
    source$ = build();
  } catch (error) {
    return Promise.reject(error);
  }
  return once(source$, {
    operation,
    scheduler,
    ...(options.signal ? { signal: options.signal } : {}),
    ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}),
  });
}

/** Turns a cold stream into the pull face (bounded buffer, overflow policy). */
export function pullStream<T>(source$: Observable<T>, operation: string, options: StreamOptions = {}): AsyncIterable<T> {
  return toAsyncIterable(source$, {
    operation,
    ...(options.bufferSize !== undefined ? { bufferSize: options.bufferSize } : {}),
    ...(options.overflow !== undefined ? { overflow: options.overflow } : {}),
    ...(options.signal ? { signal: options.signal } : {}),
  });
}
