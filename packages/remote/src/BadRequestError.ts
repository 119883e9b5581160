import { LabrxError } from '@labrx/core';

/** A board server got a message it cannot act on (malformed JSON, unknown board or op, oversized). */
export class BadRequestError extends LabrxError {
  constructor(
    /** The subject the message came on. */
    readonly subject: string,
    /** What is wrong with it. */
    readonly reason: string,
  ) {
    super(`bad request on ${subject}: ${reason}`);
  }
}
