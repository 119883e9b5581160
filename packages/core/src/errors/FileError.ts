import { LabrxError } from './LabrxError.js';

/**
 * A file (or a store kept in one) could not be read or written as asked: names the file and what is
 * wrong. The base of the errors of data files, the run catalogue and recordings, which differ only
 * in their class (so a caller can tell them apart), not in what they carry.
 */
export class FileError extends LabrxError {
  constructor(
    /** The file (or '(buffer)' when decoding from memory). */
    readonly path: string,
    /** What is wrong, for people. */
    readonly reason: string,
    options?: { cause?: unknown },
  ) {
    super(`${path}: ${reason}`, options);
  }
}
