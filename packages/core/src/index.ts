/**
 * @labrx/core — types, settings rules, errors, DSP kernels, RxJS operators and adapters, and the
 * `BoardDriver` contract. Knows nothing of any particular hardware or transport.
 */
export * from './errors/index.js';
export * from './settings/rules.js';
export * from './settings/boardInfo.js';
export * from './settings/scopeSettings.js';
export * from './settings/asgSettings.js';
export * from './settings/asgBurst.js';
export * from './results/Trace.js';
export * from './results/StreamBlock.js';
export * from './settings/streamSettings.js';
export * from './settings/realtimeSettings.js';
export * from './results/Spectrum.js';
export * from './results/Spectrogram.js';
export * from './results/FrequencyResponse.js';
export * from './results/resultKind.js';
export type { AcquireOptions, BoardDriver, LeaseArbiter, IqDriver, IqMeasureRequest, IqResult, PidDriver, SamplerDriver } from './driver/BoardDriver.js';
export { deepCaptureWindow, type DeepCaptureChunk, type DeepCaptureEvent, type DeepCaptureTrigger, type DeepCaptureWindow, type DeepMemoryDriver } from './driver/DeepMemoryDriver.js';
export { raceLinkLoss, type AcquisitionHooks } from './driver/raceLinkLoss.js';
export * from './operators/index.js';
export * from './adapters/index.js';
export * from './time/index.js';
export * from './dsp/index.js';
export { uninitializedFloat64 } from './dsp/uninitializedFloat64.js';
export * from './settings/specanSettings.js';
export * from './settings/naSettings.js';
export { traceToPowerSpectrum, powerSpectrumLens, type PowerSpectrumVpk2, type TraceToPowerSpectrumOptions } from './operators/traceToPowerSpectrum.js';
export { toSpectrumUnit } from './operators/toSpectrumUnit.js';
export { iqTraceToPowerSpectrum, type IqTraceToPowerSpectrumOptions } from './operators/iqTraceToPowerSpectrum.js';
export * from './concurrency/index.js';
export * from './settings/declareSettings.js';
export * from './settings/iqSettings.js';
export * from './settings/pidSettings.js';
export * from './settings/iqModuleSettings.js';
export * from './stream/index.js';
