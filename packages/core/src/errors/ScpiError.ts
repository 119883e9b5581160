import { LabrxError } from './LabrxError.js';

/** An SCPI instrument reported an error (from its `SYST:ERR?` queue). */
export class ScpiError extends LabrxError {
  constructor(
    /** SCPI error code, e.g. -113 or 9506. */
    readonly scpiCode: number,
    /** The error text as the instrument reported it. */
    readonly text: string,
    /** The command that caused it, when known. */
    readonly command?: string,
  ) {
    super(`SCPI error ${scpiCode}, "${text}"${command ? ` after ${command}` : ''}`);
  }
}
