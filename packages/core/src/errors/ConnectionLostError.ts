import { LabrxError } from './LabrxError.js';

/** The link to a board (socket, worker) closed or failed while work was pending. */
export class ConnectionLostError extends LabrxError {
  constructor(
    /** Which board or address was lost. */
    readonly target: string,
    reason: string,
    options?: { cause?: unknown },
  ) {
    super(`connection to ${target} lost: ${reason}`, options);
  }
}
