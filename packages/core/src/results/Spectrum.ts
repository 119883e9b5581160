/** Units a spectrum can be expressed in (docs/architecture.md). 'dBm' assumes 50 Ω. */
export const SPECTRUM_UNITS = ['Vpk^2', 'Vrms^2/Hz', 'Vrms/sqrt(Hz)', 'dBm', 'dBm/Hz'] as const;
/** A spectrum unit. */
export type SpectrumUnit = (typeof SPECTRUM_UNITS)[number];

/** A two-channel spectrum. */
export interface Spectrum<S = unknown> {
  /** Bin centres in Hz. */
  readonly frequencies: Float64Array;
  /** Input 1 in `unit`. */
  readonly ch1: Float64Array;
  /** Input 2 in `unit`. */
  readonly ch2: Float64Array;
  readonly unit: SpectrumUnit;
  /** Resolution bandwidth in Hz (ENBW × bin width). */
  readonly rbw: number;
  /** The window used. */
  readonly window: string;
  /** Spectra averaged into this one. */
  readonly averages: number;
  readonly settings: S;
}
