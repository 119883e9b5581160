/** DSP kernels: pure, synchronous, writing into caller-owned arrays (no allocation per frame). */
export * from './windows.js';
export * from './fftPlan.js';
export * from './powerSpectrum.js';
export * from './crossSpectrum.js';
export * from './spectrumUnits.js';
export * from './spectrumKernel.js';
export * from './decimationResponse.js';
export * from './complex.js';
export * from './iqDemodulate.js';
export * from './frequencyGrid.js';
export * from './runningMean.js';
export * from './complexSpectrumKernel.js';
export * from './iqFilterResponse.js';
