import type { LockboxOutputSettings } from './lockboxSettings.js';

/** The piezo output's options every preset shares (SI units in the names). */
export interface PiezoOutputOptions {
  /** The loop's unity-gain frequency, Hz (default: the preset's). */
  readonly unityGainHz?: number;
  /** Sweep of the piezo while calibrating (defaults: ±0.5 V about 0 V at 100 Hz). */
  readonly sweepAmplitudeV?: number;
  readonly sweepOffsetV?: number;
  readonly sweepFrequencyHz?: number;
  /** Piezo output limits, V (default −1 and the DAC's largest code, (2^13 − 1)/2^13). */
  readonly minVoltage?: number;
  readonly maxVoltage?: number;
  /** The DAC driving the piezo (default out1). */
  readonly piezo?: 'out1' | 'out2';
  /** The PID that locks (default pid0). */
  readonly pid?: 'pid0' | 'pid1' | 'pid2';
}

/**
 * The presets' piezo output with the defaults filled in; `actuatorGain` is the lock variable's
 * change per volt on the piezo (the preset's own unit), `defaultUnityGainHz` the preset's loop
 * bandwidth when `o.unityGainHz` is not given.
 */
export function piezoOutput(o: PiezoOutputOptions, actuatorGain: number, defaultUnityGainHz: number): LockboxOutputSettings {
  return {
    pid: o.pid ?? 'pid0',
    dac: o.piezo ?? 'out1',
    minVoltage: o.minVoltage ?? -1,
    maxVoltage: o.maxVoltage ?? 1 - 2 ** -13,
    sweepAmplitude: o.sweepAmplitudeV ?? 0.5,
    sweepOffset: o.sweepOffsetV ?? 0,
    sweepFrequencyHz: o.sweepFrequencyHz ?? 100,
    unityGainHz: o.unityGainHz ?? defaultUnityGainHz,
    actuatorGain,
  };
}
