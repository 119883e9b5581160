import { SettingsError } from '../errors/SettingsError.js';
import type { BoardInfo } from './boardInfo.js';
import { bool, checkSettings, integerIn, numberAbove, numberIn, oneOf, type RuleTable } from './rules.js';

/** What the network analyzer divides the input by. */
export const NA_REFERENCES = ['in2', 'amplitude'] as const;
/** Inputs the network analyzer can measure. */
export const NA_INPUTS = ['in1', 'in2'] as const;

/** Network analyzer settings as a user gives them. */
export interface NaSettings {
  /** First frequency in Hz. */
  start?: number;
  /** Last frequency in Hz (≥ start). */
  stop?: number;
  /** Number of frequencies. */
  points?: number;
  /** Logarithmic (true) or linear (false) spacing. */
  logscale?: boolean;
  /** Resolution bandwidth in Hz: the demodulator integrates for averagePerPoint / rbw seconds. */
  rbw?: number;
  /** Integration time per point in units of 1 / rbw. */
  averagePerPoint?: number;
  /** Settling time before each point in units of 1 / rbw (PyRPL waits 0.5). */
  settle?: number;
  /** Excitation amplitude in volts (peak), sent on out1 by asg0. */
  amplitude?: number;
  /** Measured input. */
  input?: (typeof NA_INPUTS)[number];
  /** 'in2': the ratio input / in2 (out1 is wired to in2); 'amplitude': input / excitation amplitude. */
  reference?: (typeof NA_REFERENCES)[number];
  /** Sweeps averaged by `single$` (and the weight of `stream$`'s running average). */
  averages?: number;
}

/** Resolved network analyzer settings. */
export interface ResolvedNaSettings {
  /** Hz */ readonly start: number;
  /** Hz */ readonly stop: number;
  readonly points: number;
  readonly logscale: boolean;
  /** Hz */ readonly rbw: number;
  readonly averagePerPoint: number;
  readonly settle: number;
  /** V */ readonly amplitude: number;
  readonly input: (typeof NA_INPUTS)[number];
  readonly reference: (typeof NA_REFERENCES)[number];
  readonly averages: number;
}

/** Defaults: 1 kHz … 1 MHz, 101 log points, rbw 1 kHz, 0.1 V, input / in2. */
export const NA_DEFAULTS: ResolvedNaSettings = Object.freeze({
  start: 1e3,
  stop: 1e6,
  points: 101,
  logscale: true,
  rbw: 1000,
  averagePerPoint: 1,
  settle: 0.5,
  amplitude: 0.1,
  input: 'in1',
  reference: 'in2',
  averages: 1,
});

/** The rule table of network analyzer settings for `info`'s board: one `Rule` per setting name (validation, help, completion). */
export function naRules(info: BoardInfo): RuleTable<NaSettings> {
  return {
    start: numberAbove(0, 'Hz'),
    stop: numberAbove(0, 'Hz'),
    points: integerIn(1, 1_000_000),
    logscale: bool(),
    rbw: numberAbove(0, 'Hz'),
    averagePerPoint: integerIn(1, 100_000),
    settle: numberIn(0, 1000),
    amplitude: numberIn(0, info.fullScaleV, 'V'),
    input: oneOf(NA_INPUTS),
    reference: oneOf(NA_REFERENCES),
    averages: integerIn(1, 1_000_000),
  };
}

/** Validates network analyzer settings over `base`; throws `SettingsError`, changes nothing. */
export function resolveNaSettings(settings: NaSettings | undefined, info: BoardInfo, base: ResolvedNaSettings = NA_DEFAULTS, instrument = 'na'): ResolvedNaSettings {
  const s = checkSettings(instrument, naRules(info), settings);
  const r: ResolvedNaSettings = {
    start: s.start ?? base.start,
    stop: s.stop ?? base.stop,
    points: s.points ?? base.points,
    logscale: s.logscale ?? base.logscale,
    rbw: s.rbw ?? base.rbw,
    averagePerPoint: s.averagePerPoint ?? base.averagePerPoint,
    settle: s.settle ?? base.settle,
    amplitude: s.amplitude ?? base.amplitude,
    input: s.input ?? base.input,
    reference: s.reference ?? base.reference,
    averages: s.averages ?? base.averages,
  };
  const nyquist = info.sampleRateHz / 2;
  if (r.stop > nyquist) throw new SettingsError(instrument, 'stop', r.stop, `at most ${nyquist} Hz`);
  if (r.start > nyquist) throw new SettingsError(instrument, 'start', r.start, `at most ${nyquist} Hz`);
  if (r.stop < r.start) throw new SettingsError(instrument, s.stop !== undefined ? 'stop' : 'start', s.stop !== undefined ? r.stop : r.start, `stop ≥ start (start ${r.start} Hz, stop ${r.stop} Hz)`);
  if (r.input === 'in2' && r.reference === 'in2') throw new SettingsError(instrument, 'reference', r.reference, "'amplitude' when input is 'in2'");
  return Object.freeze(r);
}
