import { FileError } from '@labrx/core';

/**
 * A data file could not be written or read back as a labrx result: an unknown extension, a
 * damaged or foreign file, a missing metadata sidecar. Names the file and what is wrong.
 */
export class DataFileError extends FileError {}
