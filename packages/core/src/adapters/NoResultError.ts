import { LabrxError } from '../errors/LabrxError.js';

/** An awaited operation's stream completed without producing a result (`once` on an empty source). */
export class NoResultError extends LabrxError {
  constructor(
    /** What completed empty (for example 'scope.single'). */
    readonly operation: string,
  ) {
    super(`${operation} completed without a result`);
  }
}
