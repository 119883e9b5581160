export { asyncMap$ } from './asyncMap$.js';
export { asyncMap, type AsyncMapPromiseOptions } from './asyncMap.js';
export {
  resolveAsyncMapOptions,
  type AsyncMapOptions,
  type AsyncMapOrder,
  type AsyncMapErrorPolicy,
  type ResolvedAsyncMapOptions,
} from './asyncMapOptions.js';
export type { AsyncMapFn, AsyncMapOutput, AsyncMapFulfilled, AsyncMapRejected, AsyncMapSettled } from './AsyncMapEntry.js';
export { settleOutput } from './settleOutput.js';
export { MapErrors } from './MapErrors.js';
export { settledValues } from './settledValues.js';
