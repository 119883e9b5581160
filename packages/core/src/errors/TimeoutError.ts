import { LabrxError } from './LabrxError.js';

/** An operation did not finish within its time limit; the work underneath was stopped. */
export class TimeoutError extends LabrxError {
  constructor(
    /** What timed out (for example 'scope.single'). */
    readonly operation: string,
    /** The limit that was exceeded, in milliseconds. */
    readonly timeoutMs: number,
  ) {
    super(`${operation} timed out after ${timeoutMs} ms`);
  }
}
