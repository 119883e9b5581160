import type { LockboxConfig } from './lockboxSettings.js';
import { piezoOutput, type PiezoOutputOptions } from './piezoOutput.js';

/** What `michelsonMidFringeLock` needs to know of the interferometer and the wiring (SI units in the names); its unity-gain frequency defaults to 1000 Hz. */
export interface MichelsonMidFringeLockOptions extends PiezoOutputOptions {
  /** Laser wavelength, m (default 1064e-9). */
  readonly wavelengthM?: number;
  /** Arm-length change per volt on the piezo, m/V (either sign). */
  readonly piezoMPerV: number;
  /** Wiring (defaults: piezo out1, output port in1, pid0). */
  readonly output?: 'in1' | 'in2';
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
      piezo: piezoOutput(o, (4 * Math.PI * o.piezoMPerV) / wavelengthM, 1000),
    },
    sequence: [{ name: 'mid-fringe', input: 'port', setpoint: 0, gainFactor: 1, durationS: 0.01, outputs: { piezo: { lock: true, offset: 'from-sweep' } } }],
    lockedThreshold: 0.5,
    autoRelock: o.autoRelock ?? false,
  };
}
