import { LabrxError } from './LabrxError.js';

/** A hardware module is leased by someone else and the caller asked not to wait (`{ wait: false }`). */
export class ResourceBusyError extends LabrxError {
  constructor(
    /** The module asked for ('scope', 'asg0', 'iq1', …). */
    readonly resource: string,
    /** Who holds the lease now. */
    readonly holder: string,
  ) {
    super(`${resource} is busy: leased by ${holder}`);
  }
}
