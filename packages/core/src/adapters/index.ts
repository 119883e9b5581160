export { once, type OnceOptions } from './once.js';
export { toAsyncIterable, type ToAsyncIterableOptions } from './toAsyncIterable.js';
export { BoundedAsyncIterable, BoundedAsyncIterator, type OverflowPolicy, type BoundedIterationSettings } from './BoundedAsyncIterable.js';
export { BufferOverflowError } from './BufferOverflowError.js';
export { NoResultError } from './NoResultError.js';
export { checkAdapterOptions, MAX_BUFFER_SIZE } from './checkAdapterOptions.js';
export { OVERFLOW_POLICIES } from './OverflowPolicy.js';
