import type { ScpiApiError } from './scpiErrors.js';

/**
 * Where a failure that happens after a command returned (an acquisition or a generator update that
 * fails later on the board) is reported: the error queue of the connection that caused it.
 */
export interface ScpiErrorSink {
  /** Queues an API error as if `command` had failed with it. */
  pushApiError(error: ScpiApiError, command: string): void;
}

/** A sink that drops reports, for work started by no connection (server start-up, reset). */
export const NO_ERROR_SINK: ScpiErrorSink = { pushApiError: () => undefined };
