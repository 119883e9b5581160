import type { Observable, SchedulerLike } from 'rxjs';
import { checkAdapterOptions, once, SettingsError, toAsyncIterable, type OverflowPolicy } from '@labrx/core';

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

/**
 * Turns a cold single-result Observable into the awaited face. Bad options (`signal`, `timeoutMs`,
 * `wait`) reject with `SettingsError(operation, option, …)` before anything is built or started;
 * errors thrown while building reject too.
 */
export function awaitSingle<T>(build: () => Observable<T>, scheduler: SchedulerLike, operation: string, options: SingleOptions = {}): Promise<T> {
  let source$: Observable<T>;
  try {
    checkFaceOptions(operation, options, SINGLE_OPTIONS);
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

/**
 * Turns a cold stream into the pull face (bounded buffer, overflow policy). Bad options
 * (`bufferSize`, `overflow`, `signal`, `wait`) throw `SettingsError(operation, option, …)` before
 * the stream is built.
 */
export function pullStream<T>(build: () => Observable<T>, operation: string, options: StreamOptions = {}): AsyncIterable<T> {
  checkFaceOptions(operation, options, STREAM_OPTIONS);
  return toAsyncIterable(build(), {
    operation,
    ...(options.bufferSize !== undefined ? { bufferSize: options.bufferSize } : {}),
    ...(options.overflow !== undefined ? { overflow: options.overflow } : {}),
    ...(options.signal ? { signal: options.signal } : {}),
  });
}

const SINGLE_OPTIONS: readonly (keyof SingleOptions)[] = ['signal', 'timeoutMs', 'wait'];
const STREAM_OPTIONS: readonly (keyof StreamOptions)[] = ['bufferSize', 'overflow', 'signal', 'wait'];

/** Options must be an object (or absent) with known names only (a misspelt `timout` would silently do nothing), each valid. */
function checkFaceOptions(operation: string, options: unknown, known: readonly string[]): void {
  if (options === undefined) return;
  if (options === null || typeof options !== 'object') throw new SettingsError(operation, 'options', options, 'an object of options, or nothing');
  for (const key of Object.keys(options)) {
    if (!known.includes(key)) throw new SettingsError(operation, key, (options as Record<string, unknown>)[key], `an option of ${operation}: one of ${known.join(', ')}`);
  }
  checkAdapterOptions(operation, options);
}
