/** Waveforms a lockbox output may sweep with (the generator's, docs/architecture.md "The simulator"). */
export const SWEEP_WAVEFORMS = ['triangle', 'ramp-up', 'ramp-down', 'sine'] as const;

/** One of `SWEEP_WAVEFORMS`. */
export type SweepWaveform = (typeof SWEEP_WAVEFORMS)[number];

/** A sweep as a generator plays it. */
export interface SweepShape {
  readonly waveform: SweepWaveform;
  /** V (peak) */
  readonly amplitudeV: number;
  /** V */
  readonly offsetV: number;
  /** Hz */
  readonly frequencyHz: number;
}

/**
 * The swept output's voltage `tS` seconds after a period start of the generator (where its 'asgN'
 * trigger fires, phase 0): 'triangle' is (2/π)·asin(sin θ), 'ramp-up' rises from −amplitude to
 * +amplitude over each period, 'ramp-down' falls, 'sine' is sin θ; θ = 2π·f·t.
 */
export function sweepVoltage(sweep: SweepShape, tS: number): number {
  const cycles = sweep.frequencyHz * tS;
  const frac = cycles - Math.floor(cycles);
  let shape: number;
  switch (sweep.waveform) {
    case 'triangle':
      // (2/π)·asin(sin θ) without the trigonometry: 0 → 1 over the first quarter, → −1 at three quarters
      shape = frac < 0.25 ? 4 * frac : frac < 0.75 ? 2 - 4 * frac : 4 * frac - 4;
      break;
    case 'ramp-up':
      shape = 2 * frac - 1;
      break;
    case 'ramp-down':
      shape = 1 - 2 * frac;
      break;
    case 'sine':
      shape = Math.sin(2 * Math.PI * frac);
      break;
  }
  return sweep.offsetV + sweep.amplitudeV * shape;
}
