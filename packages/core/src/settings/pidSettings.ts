import { SettingsError } from '../errors/SettingsError.js';
import type { BoardInfo, PidLimits, ValueRange } from './boardInfo.js';
import { defineSettings, setting, type ResolvedSettingsOf, type UserSettingsOf } from './declareSettings.js';
import { bool, numberIn, numberList, oneOf, unavailable, type Rule } from './rules.js';

/** Where a feedback module's output (a PID's, an IQ module's oscillator) is summed into the DACs. */
export const PID_OUTPUT_DIRECTS = ['off', 'out1', 'out2', 'both'] as const;
/** Where a feedback module's output is summed into the DACs. */
export type PidOutputDirect = (typeof PID_OUTPUT_DIRECTS)[number];

const NO_PID = 'this board has no PID modules';
/** A number in the range `pick` gives of the board's PID limits (`unit` for messages), or nothing on a board without PIDs. */
const pidRange =
  (pick: (l: PidLimits) => ValueRange, unit = '') =>
  (info: BoardInfo): Rule<number> => {
    if (!info.pid) return unavailable(NO_PID, 'number');
    const [lo, hi] = pick(info.pid);
    return numberIn(lo, hi, unit);
  };

/**
 * A PID module's settings (pid0 … pid2 on PyRPL's FPGA and the simulator), declared once; the ranges
 * come from the board's `info.pid` (its FPGA's register widths), so a board without PIDs accepts
 * none. Names and conventions follow PyRPL's pid.py; units in the names or the `unit`. What derives:
 * see `SCOPE_SETTINGS` and docs/decisions/0009-declared-parameters.md. A PID keeps what is not given:
 * `checkChange` validates a change over the settings in force.
 */
export const PID_SETTINGS = defineSettings(
  'pid',
  {
    /** The signal the PID reads: 'in1', 'in2', another module ('pid0', 'iq2', 'asg0', …) or 'off' (FPGA reset: 'pid0'). */
    input: setting({ rule: (info) => (info.pid ? oneOf(info.pid.inputs) : unavailable<string>(NO_PID, 'choice')), default: 'pid0', doc: 'signal the PID reads' }),
    /** Where the output goes besides the signal bus. */
    outputDirect: setting({ rule: (info) => (info.pid ? oneOf(PID_OUTPUT_DIRECTS) : unavailable<PidOutputDirect>(NO_PID, 'choice')), default: 'off', doc: 'DAC output the PID is summed into' }),
    /** Setpoint in volts; error = input − setpoint. */
    setpoint: setting({ rule: pidRange((l) => l.setpointV, 'V'), default: 0, unit: 'V', doc: 'setpoint (error = input − setpoint)' }),
    /** Proportional gain (dimensionless). */
    p: setting({ rule: pidRange((l) => l.p), default: 0, doc: 'proportional gain' }),
    /** Integral gain as the integrator's unity-gain frequency in Hz (PyRPL's convention). */
    i: setting({ rule: pidRange((l) => l.iHz, 'Hz'), default: 0, unit: 'Hz', doc: 'integral gain (integrator unity-gain frequency)' }),
    /** Integrator state in volts (writing it sets the integrator: 0 resets it). */
    ival: setting({ rule: pidRange((l) => l.ivalV, 'V'), default: 0, unit: 'V', doc: 'integrator state (writing it sets the integrator)' }),
    /** Lower output limit in volts. */
    minVoltage: setting({ rule: pidRange((l) => l.outputV, 'V'), default: -1, unit: 'V', doc: 'lower output limit' }),
    /** Upper output limit in volts (FPGA reset: 8191/8192 V, the top of the 14-bit range). */
    maxVoltage: setting({ rule: pidRange((l) => l.outputV, 'V'), default: 8191 / 8192, unit: 'V', doc: 'upper output limit' }),
    /**
     * Input filter stages in Hz (PyRPL's `inputfilter`): up to `info.pid.inputFilterStages`
     * first-order sections, positive low-pass, negative high-pass, 0 off; the hardware rounds each to
     * its nearest cutoff (the read-back lists every stage).
     */
    inputFilterHz: setting({
      rule: (info) => (info.pid ? numberList(info.pid.inputFilterStages, 'cutoffs in Hz (positive low-pass, negative high-pass, 0 off)') : unavailable<readonly number[]>(NO_PID, 'number-list')),
      default: Object.freeze([]),
      unit: 'Hz',
      doc: 'input filter cutoffs (positive low-pass, negative high-pass, 0 off)',
    }),
    /**
     * True holds the integrator and zeroes the proportional part (PyRPL's `paused`, with the power-on
     * `pause_gains` 'pid'); false runs the PID. To reset the integrator write `ival: 0`.
     */
    paused: setting({ rule: (info) => (info.pid ? bool() : unavailable<boolean>(NO_PID, 'boolean')), default: false, doc: 'hold the integrator and zero P' }),
  },
  (r, given, { instrument }) => {
    if (r.minVoltage > r.maxVoltage) {
      const which = given.minVoltage !== undefined ? 'minVoltage' : 'maxVoltage';
      throw new SettingsError(instrument, which, r[which], `minVoltage ≤ maxVoltage (${r.minVoltage} V > ${r.maxVoltage} V)`);
    }
    return r;
  },
);

/** PID settings as a user gives them (all optional; what is not given stays as it is). */
export type PidSettings = UserSettingsOf<typeof PID_SETTINGS.table>;

/** A PID module's settings as the hardware holds them (values after its quantisation). */
export type ResolvedPidSettings = ResolvedSettingsOf<typeof PID_SETTINGS.table>;

/**
 * Validates a change to PID module `module` ('pid1') over `current` (the settings in force) and
 * returns only the settings given, checked; throws `SettingsError` naming the module, setting, value
 * and what is allowed (nothing may be written then).
 */
export function checkPidChange(settings: PidSettings | undefined, info: BoardInfo, module: string, current: ResolvedPidSettings = PID_SETTINGS.defaults): PidSettings {
  return PID_SETTINGS.checkChange(settings, info, current, module);
}
