import type { LockboxConfig } from './lockboxSettings.js';
import { piezoOutput, type PiezoOutputOptions } from './piezoOutput.js';

/** What `sideOfFringeLock` needs to know of the cavity and the wiring (SI units in the names); its unity-gain frequency defaults to 1000 Hz. */
export interface SideOfFringeLockOptions extends PiezoOutputOptions {
  /** The cavity's FWHM linewidth, Hz. */
  readonly linewidthHz: number;
  /** Shift of the resonance per volt on the piezo, Hz/V (either sign). */
  readonly piezoHzPerV: number;
  /** Which side: +1 (resonance above the laser) or −1 (default +1). */
  readonly side?: 1 | -1;
  /** Wiring (defaults: piezo out1, transmission in2, pid0). */
  readonly transmission?: 'in1' | 'in2';
  /** Relock after a loss (default false). */
  readonly autoRelock?: boolean;
}

/**
 * A side-of-fringe lock on a cavity's transmission: the sweep finds the transmission peak and its
 * height; one stage puts the piezo half a linewidth off resonance (where the transmission is half its
 * peak and steepest, slope (max − min)/2 per half linewidth) and locks there. Judged locked while the
 * detuning stays within ±0.5 half linewidths of the setpoint.
 *
 * @example
 * await rp.lockbox.lock(sideOfFringeLock({ linewidthHz: 500e3, piezoHzPerV: 5e6 }));
 */
export function sideOfFringeLock(o: SideOfFringeLockOptions): LockboxConfig {
  return {
    inputs: { transmission: { signal: o.transmission ?? 'in2', model: 'lorentzian' } },
    outputs: {
      piezo: piezoOutput(o, o.piezoHzPerV / (o.linewidthHz / 2), 1000),
    },
    sequence: [{ name: 'side', input: 'transmission', setpoint: o.side ?? 1, gainFactor: 1, durationS: 0.01, outputs: { piezo: { lock: true, offset: 'from-sweep' } } }],
    lockedThreshold: 0.5,
    autoRelock: o.autoRelock ?? false,
  };
}
