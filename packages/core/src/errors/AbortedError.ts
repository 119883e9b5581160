import { LabrxError } from './LabrxError.js';

/** The caller aborted the operation through its AbortSignal. */
export class AbortedError extends LabrxError {
  constructor(
    /** What was aborted (for example 'scope.single'). */
    readonly operation: string,
    /** The signal's reason, if any. */
    readonly reason?: unknown,
  ) {
    super(`${operation} was aborted`);
  }
}
