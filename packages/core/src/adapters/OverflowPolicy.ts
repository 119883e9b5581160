/** What to do with a value that arrives while `bufferSize` unread values are waiting. */
export type OverflowPolicy = 'drop-oldest' | 'drop-newest' | 'error';
