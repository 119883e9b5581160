/** Data units of `ACQ:DATA:UNITS`. */
export type AcqUnits = 'VOLTS' | 'RAW';

/** Samples of one channel as a data query returns them. */
export type AcqSamples = { readonly units: 'VOLTS'; readonly values: Float32Array } | { readonly units: 'RAW'; readonly values: Int16Array };
