/**
 * Base class of every error labrx throws on purpose. `code` is a stable machine-readable name
 * (the class name), so that errors that crossed a worker or process boundary can be recognised.
 */
export class LabrxError extends Error {
  /** Stable name of the error kind, equal to the class name. */
  readonly code: string;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.code = new.target.name;
  }
}
