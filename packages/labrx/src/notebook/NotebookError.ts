import { LabrxError } from '@labrx/core';

/**
 * A notebook display was asked for where there is none: `show` or `showLive` called outside a
 * Jupyter kernel that runs labrx (see README, "Notebooks") and without a `display` of its own.
 */
export class NotebookError extends LabrxError {}
