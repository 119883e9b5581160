import { LabrxError } from './LabrxError.js';

/** The board's driver cannot do what was asked (a feature its transport or firmware lacks). */
export class NotSupportedError extends LabrxError {
  constructor(
    /** The driver's id, e.g. 'scpi://127.0.0.1:5000'. */
    readonly driverId: string,
    /** What was asked, e.g. 'scope.continuous'. */
    readonly feature: string,
    /** What would work instead. */
    readonly hint: string,
  ) {
    super(`${feature} is not supported by ${driverId}: ${hint}`);
  }
}
