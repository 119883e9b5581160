/** What to do with a value that arrives while `bufferSize` unread values are waiting. */
export type OverflowPolicy = 'drop-oldest' | 'drop-newest' | 'error';

/** The overflow policies, in the order messages list them. */
export const OVERFLOW_POLICIES: readonly OverflowPolicy[] = ['drop-oldest', 'drop-newest', 'error'];
