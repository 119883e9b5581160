import { FileError } from '@labrx/core';

/**
 * The run catalogue could not do what was asked: an unknown run id, a damaged array (its checksum
 * does not match), a value that is not a result, a database file that cannot be opened. Names the
 * catalogue file and what is wrong.
 */
export class CatalogueError extends FileError {}
