import { LabrxError } from '../errors/LabrxError.js';

/**
 * A pull consumer fell behind: `bufferSize` unread values were waiting when another arrived, and
 * the overflow policy was 'error'. The stream underneath has been unsubscribed.
 */
export class BufferOverflowError extends LabrxError {
  constructor(
    /** What overflowed (for example 'scope.stream'). */
    readonly operation: string,
    /** The number of unread values the buffer holds. */
    readonly bufferSize: number,
  ) {
    super(`${operation}: the consumer fell behind; more than bufferSize = ${bufferSize} unread values`);
  }
}
