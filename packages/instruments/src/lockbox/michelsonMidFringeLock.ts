import type { LockboxConfig } from './lockboxSettings.js';

/** What `michelsonMidFringeLock` needs to know of the interferometer and the wiring (SI units in the names). */
export interface MichelsonMidFringeLockOptions {
  /** Laser wavelength, m (default 1064e-9). */
  readonly wavelengthM?: number;
  /** Arm-length change per volt on the piezo, m/V (either sign). */
  readonly piezoMPerV: number;
  /** The loop's unity-gain frequency, Hz (default 1000). */
  readonly unityGainHz?: number;
  /** Sweep of the piezo while calibrating (defaults: ±0.5 V about 0 V at 100 Hz): it must cross a fringe. */
  readonly sweepAmplitudeV?: number;
  readonly sweepOffsetV?: number;
  readonly sweepFrequencyHz?: number;
  /** Piezo output limits, V (default −1 and the DAC's largest code, (2^13 − 1)/2^13). */
  readonly minVoltage?: number;
  readonly maxVoltage?: number;
  /** Wiring (defaults: piezo out1, output port in1, pid0). */
  readonly piezo?: 'out1' | 'out2';
  readonly output?: 'in1' | 'in2';
  readonly pid?: 'pid0' | 'pid1' | 'pid2';
  /** Relock after a loss (default false). */
  readonly autoRelock?: boolean;
}

/**
 * A mid-fringe lock of a Michelson interferometer (PyRPL's Interferometer lockbox): the output port
 * is P/2·(1 + V·cos φ) with φ = 4π·ΔL/λ; the lock variable x = φ − π/2 (rad) makes it
 * c − (max − min)/2·sin x (an 'inverted' fringe). The sweep finds the fringe's extremes and the mid
 * crossing nearest the sweep's centre; one stage jumps there and locks at x = 0 (the steepest point,
 * slope (max − min)/2 per rad). The actuator gain is 4π·piezoMPerV/λ rad/V. Judged locked within
 * ±0.5 rad.
 *
 * @example
 * await rp.lockbox.lock(michelsonMidFringeLock({ piezoMPerV: 1e-7 }));
 */
export function michelsonMidFringeLock(o: MichelsonMidFringeLockOptions): LockboxConfig {
  const wavelengthM = o.wavelengthM ?? 1064e-9;
  return {
    inputs: { port: { signal: o.output ?? 'in1', model: 'fringe', inverted: true } },
    outputs: {
      piezo: {
        pid: o.pid ?? 'pid0',
        dac: o.piezo ?? 'out1',
        minVoltage: o.minVoltage ?? -1,
        maxVoltage: o.maxVoltage ?? 1 - 2 ** -13,
        sweepAmplitude: o.sweepAmplitudeV ?? 0.5,
        sweepOffset: o.sweepOffsetV ?? 0,
        sweepFrequencyHz: o.sweepFrequencyHz ?? 100,
        unityGainHz: o.unityGainHz ?? 1000,
        actuatorGain: (4 * Math.PI * o.piezoMPerV) / wavelengthM,
      },
    },
    sequence: [{ name: 'mid-fringe', input: 'port', setpoint: 0, gainFactor: 1, durationS: 0.01, outputs: { piezo: { lock: true, offset: 'from-sweep' } } }],
    lockedThreshold: 0.5,
    autoRelock: o.autoRelock ?? false,
  };
}
