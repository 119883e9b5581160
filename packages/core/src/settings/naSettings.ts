import { SettingsError } from '../errors/SettingsError.js';
import type { BoardInfo } from './boardInfo.js';
import { defineSettings, setting, type ResolvedSettingsOf, type UserSettingsOf } from './declareSettings.js';
import { bool, integerIn, numberAbove, numberIn, oneOf } from './rules.js';

/** What the network analyzer divides the input by. */
export const NA_REFERENCES = ['in2', 'amplitude'] as const;
/** Inputs the network analyzer can measure. */
export const NA_INPUTS = ['in1', 'in2'] as const;

/**
 * The longest one sweep point may take, settling plus integration, in seconds: one day. A
 * resolution bandwidth so small that a point would take longer (rbw 5e-324 Hz would integrate for
 * 10^323 s) is refused up front, naming `rbw`, instead of failing inside the sweep.
 */
export const NA_MAX_POINT_S = 86_400;

/**
 * The network analyzer's settings, declared once; see `SCOPE_SETTINGS` for what derives from it.
 * Every setting but `averages` shapes a sweep (`NA_SETTINGS.key`).
 */
export const NA_SETTINGS = defineSettings(
  'na',
  {
    /** First frequency in Hz. */
    start: setting({ rule: (info) => numberAbove(0, 'Hz', info.sampleRateHz / 2), default: 1e3, unit: 'Hz', doc: 'first frequency', acquisition: true }),
    /** Last frequency in Hz (≥ start). */
    stop: setting({ rule: (info) => numberAbove(0, 'Hz', info.sampleRateHz / 2), default: 1e6, unit: 'Hz', doc: 'last frequency (≥ start)', acquisition: true }),
    /** Number of frequencies. */
    points: setting({ rule: () => integerIn(1, 1_000_000), default: 101, doc: 'number of frequencies', acquisition: true }),
    /** Logarithmic (true) or linear (false) spacing. */
    logscale: setting({ rule: () => bool(), default: true, doc: 'logarithmic frequency spacing (false: linear)', acquisition: true }),
    /**
     * Resolution bandwidth in Hz: the demodulator integrates for averagePerPoint / rbw seconds. At
     * most fs/2 (no wider than the input's band); at least what keeps a point within `NA_MAX_POINT_S`.
     */
    rbw: setting({ rule: (info) => numberIn(1 / NA_MAX_POINT_S, info.sampleRateHz / 2, 'Hz'), default: 1000, unit: 'Hz', doc: 'resolution bandwidth: integration of averagePerPoint / rbw per point', acquisition: true }),
    /** Integration time per point in units of 1 / rbw. */
    averagePerPoint: setting({ rule: () => integerIn(1, 100_000), default: 1, doc: 'integration per point in units of 1 / rbw', acquisition: true }),
    /** Settling time before each point in units of 1 / rbw (PyRPL waits 0.5). */
    settle: setting({ rule: () => numberIn(0, 1000), default: 0.5, doc: 'settling before each point in units of 1 / rbw', acquisition: true }),
    /** Excitation amplitude in volts (peak), sent on out1 by asg0. */
    amplitude: setting({ rule: (info) => numberIn(0, info.fullScaleV, 'V'), default: 0.1, unit: 'V', doc: 'excitation amplitude on out1', acquisition: true }),
    /** Measured input. */
    input: setting({ rule: () => oneOf(NA_INPUTS), default: 'in1', doc: 'measured input', acquisition: true }),
    /** 'in2': the ratio input / in2 (out1 is wired to in2); 'amplitude': input / excitation amplitude. */
    reference: setting({ rule: () => oneOf(NA_REFERENCES), default: 'in2', doc: 'divide by: in2 or the excitation amplitude', acquisition: true }),
    /** Sweeps averaged by `single$` (and the weight of `stream$`'s running average). */
    averages: setting({ rule: () => integerIn(1, 1_000_000), default: 1, doc: 'sweeps averaged (complex mean)' }),
  },
  (r, given, { instrument }) => {
    if (r.stop < r.start) throw new SettingsError(instrument, given.stop !== undefined ? 'stop' : 'start', given.stop !== undefined ? r.stop : r.start, `stop ≥ start (start ${r.start} Hz, stop ${r.stop} Hz)`);
    if (r.input === 'in2' && r.reference === 'in2') throw new SettingsError(instrument, 'reference', r.reference, "'amplitude' when input is 'in2'");
    const pointS = (r.settle + r.averagePerPoint) / r.rbw;
    if (!(pointS <= NA_MAX_POINT_S)) {
      const least = (r.settle + r.averagePerPoint) / NA_MAX_POINT_S;
      const which = given.rbw !== undefined || (given.settle === undefined && given.averagePerPoint === undefined) ? 'rbw' : given.averagePerPoint !== undefined ? 'averagePerPoint' : 'settle';
      throw new SettingsError(instrument, which, r[which], `a point lasting at most ${NA_MAX_POINT_S} s: (settle + averagePerPoint) / rbw ≤ ${NA_MAX_POINT_S} s, so rbw ≥ ${least} Hz with settle ${r.settle} and averagePerPoint ${r.averagePerPoint}`);
    }
    return r;
  },
);

/** Network analyzer settings as a user gives them. */
export type NaSettings = UserSettingsOf<typeof NA_SETTINGS.table>;

/** Resolved network analyzer settings. */
export type ResolvedNaSettings = ResolvedSettingsOf<typeof NA_SETTINGS.table>;

/** Defaults: 1 kHz … 1 MHz, 101 log points, rbw 1 kHz, 0.1 V, input / in2. */
export const NA_DEFAULTS: ResolvedNaSettings = NA_SETTINGS.defaults;

/** The rule table of network analyzer settings for `info`'s board: one `Rule` per setting name (validation, help, completion). */
export function naRules(info: BoardInfo) {
  return NA_SETTINGS.rules(info);
}

/** Validates network analyzer settings over `base`; throws `SettingsError`, changes nothing. */
export function resolveNaSettings(settings: NaSettings | undefined, info: BoardInfo, base: ResolvedNaSettings = NA_DEFAULTS, instrument = 'na'): ResolvedNaSettings {
  return NA_SETTINGS.resolve(settings, info, base, instrument);
}
