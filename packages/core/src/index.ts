/**
 * @labrx/core — types, settings rules, errors, DSP kernels, RxJS operators and adapters, and the
 * `BoardDriver` contract. Knows nothing of any particular hardware or transport.
 */
export * from './errors/index.js';
export * from './settings/rules.js';
export * from './settings/boardInfo.js';
export * from './settings/scopeSettings.js';
export * from './settings/asgSettings.js';
export * from './results/Trace.js';
export * from './results/Spectrum.js';
export * from './results/FrequencyResponse.js';
export type { BoardDriver } from './driver/BoardDriver.js';
