import type { LockboxConfig } from './lockboxSettings.js';
import { piezoOutput, type PiezoOutputOptions } from './piezoOutput.js';

/** What `fabryPerotPdhLock` needs to know of the cavity and the wiring (SI units in the names); its unity-gain frequency defaults to 2000 Hz. */
export interface FabryPerotPdhLockOptions extends PiezoOutputOptions {
  /** The cavity's FWHM linewidth, Hz (FSR / finesse). */
  readonly linewidthHz: number;
  /** Shift of the resonance per volt on the piezo, Hz/V (either sign). */
  readonly piezoHzPerV: number;
  /** Phase-modulation frequency, Hz (well above the linewidth: the sidebands are reflected). */
  readonly modulationHz: number;
  /** Modulation amplitude on the EOM's DAC, V (default 0.5). */
  readonly modulationV?: number;
  /** Demodulation phase, deg (default 0: the PDH error in the I quadrature). */
  readonly phaseDeg?: number;
  /** Wiring (defaults: piezo out1, EOM out2, reflection in1, transmission in2, iq0, pid0). */
  readonly eom?: 'out1' | 'out2';
  readonly reflection?: 'in1' | 'in2';
  readonly transmission?: 'in1' | 'in2';
  readonly iq?: 'iq0' | 'iq1' | 'iq2';
  /** Relock after a loss (default false). */
  readonly autoRelock?: boolean;
}

/**
 * A Pound–Drever–Hall lock of a Fabry–Perot cavity (PyRPL's FabryPerot lockbox with its `pdh`
 * input): an IQ module phase-modulates the light through the EOM and demodulates the reflection (its
 * output on the DSP bus is the PDH error); the sweep finds the resonance on the transmission and the
 * PDH error's size with the sampler over a sweep of ±3 half linewidths around it; one stage jumps
 * the piezo to the resonance and locks on the PDH error at zero detuning. The lock is judged on the
 * transmission (above half its peak), which is unambiguous far from resonance where the PDH error
 * is zero too.
 *
 * The lock variable is the detuning in half linewidths, so the piezo's actuator gain is
 * piezoHzPerV / (linewidthHz / 2) per volt.
 *
 * @example
 * await rp.lockbox.lock(fabryPerotPdhLock({ linewidthHz: 500e3, piezoHzPerV: 5e6, modulationHz: 20e6 }));
 */
export function fabryPerotPdhLock(o: FabryPerotPdhLockOptions): LockboxConfig {
  const iq = o.iq ?? 'iq0';
  return {
    inputs: {
      transmission: { signal: o.transmission ?? 'in2', model: 'lorentzian' },
      pdh: {
        signal: iq,
        model: 'dispersive',
        locateWith: 'transmission',
        zoom: 3,
        samples: 200,
        iqFrequencyHz: o.modulationHz,
        iqInput: o.reflection ?? 'in1',
        iqAmplitudeV: o.modulationV ?? 0.5,
        iqOutput: o.eom ?? 'out2',
        iqPhaseDeg: o.phaseDeg ?? 0,
        iqBandwidthHz: Math.max(10, Math.min(1e6, o.linewidthHz / 4)),
        iqGain: 1,
      },
    },
    outputs: {
      piezo: piezoOutput(o, o.piezoHzPerV / (o.linewidthHz / 2), 2000),
    },
    sequence: [{ name: 'pdh', input: 'pdh', setpoint: 0, gainFactor: 1, durationS: 0.01, outputs: { piezo: { lock: true, offset: 'from-sweep' } } }],
    lockedInput: 'transmission',
    lockedThreshold: 1,
    autoRelock: o.autoRelock ?? false,
  };
}
