/** Fixed facts about a board model (units in the names). */
export interface BoardInfo {
  /** Model name, e.g. 'STEMlab 125-14 (simulated)'. */
  readonly model: string;
  /** ADC/DAC base sample rate in samples per second (125e6 on a 125-14). */
  readonly sampleRateHz: number;
  /** Scope buffer length per channel in samples (16384). */
  readonly bufferSize: number;
  /** ADC resolution in bits (14). */
  readonly adcBits: number;
  /** Input full scale in volts: samples lie in [-fullScaleV, fullScaleV) (1 V, LV jumpers). */
  readonly fullScaleV: number;
  /** Number of signal generators. */
  readonly asgCount: number;
  /** Number of IQ demodulator modules (0 when the driver has none, e.g. plain SCPI). */
  readonly iqCount: number;
}

/** The Red Pitaya STEMlab 125-14 with LV inputs (docs/architecture.md). */
export const RED_PITAYA_125_14: BoardInfo = Object.freeze({
  model: 'STEMlab 125-14',
  sampleRateHz: 125e6,
  bufferSize: 16384,
  adcBits: 14,
  fullScaleV: 1,
  asgCount: 2,
  iqCount: 3,
});

/** Volts per ADC count: 2·fullScale / 2^bits (1.2207e-4 V on a 125-14). */
export function lsbVolts(info: BoardInfo): number {
  return (2 * info.fullScaleV) / 2 ** info.adcBits;
}
