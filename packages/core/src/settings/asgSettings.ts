import { SettingsError } from '../errors/SettingsError.js';
import type { BoardInfo } from './boardInfo.js';
import { checkSettings, numberIn, oneOf, sampleTable, type RuleTable } from './rules.js';

/** Generator waveforms (docs/architecture.md). */
export const WAVEFORMS = ['sine', 'square', 'triangle', 'ramp-up', 'ramp-down', 'dc', 'noise', 'arbitrary'] as const;
/** A generator waveform. */
export type Waveform = (typeof WAVEFORMS)[number];

/** Where a generator's signal goes. */
export const ASG_OUTPUTS = ['off', 'out1', 'out2'] as const;
/** A generator output routing. */
export type AsgOutput = (typeof ASG_OUTPUTS)[number];

/** Generator settings as a user gives them (all optional; `ASG_DEFAULTS` fills the rest). */
export interface AsgSettings {
  waveform?: Waveform;
  /** Hz, 0 to 62.5e6 (half the DAC rate). */
  frequency?: number;
  /** Peak amplitude in volts, 0 to 1; |amplitude| + |offset| ≤ 1 V. For 'noise', the rms in volts. */
  amplitude?: number;
  /** DC offset in volts, −1 to 1. */
  offset?: number;
  /** Start phase in degrees, −360 to 360. */
  phase?: number;
  /** One period of an 'arbitrary' waveform: 1 to 16384 values in −1…1, scaled by `amplitude`. */
  data?: ArrayLike<number>;
  /** Output routing. */
  output?: AsgOutput;
}

/** Fully resolved generator settings. */
export interface ResolvedAsgSettings {
  readonly waveform: Waveform;
  /** Hz */
  readonly frequency: number;
  /** V (peak; rms for 'noise') */
  readonly amplitude: number;
  /** V */
  readonly offset: number;
  /** degrees */
  readonly phase: number;
  /** One period of the arbitrary waveform (−1…1), or null. */
  readonly data: Float64Array | null;
  readonly output: AsgOutput;
}

/** Generator defaults: a 1 kHz sine of 0 V, output off. */
export const ASG_DEFAULTS: ResolvedAsgSettings = Object.freeze({
  waveform: 'sine',
  frequency: 1000,
  amplitude: 0,
  offset: 0,
  phase: 0,
  data: null,
  output: 'off',
});

/** The rule table of generator settings for `info`'s board: one `Rule` per setting name (validation, help, completion). */
export function asgRules(info: BoardInfo): RuleTable<AsgSettings> {
  return {
    waveform: oneOf(WAVEFORMS),
    frequency: numberIn(0, info.sampleRateHz / 2, 'Hz'),
    amplitude: numberIn(0, info.fullScaleV, 'V'),
    offset: numberIn(-info.fullScaleV, info.fullScaleV, 'V'),
    phase: numberIn(-360, 360, 'deg'),
    data: sampleTable(1, info.bufferSize, -1, 1),
    output: oneOf(ASG_OUTPUTS),
  };
}

/**
 * Validates generator settings on top of `base` (the current settings) and returns the resolved
 * whole, or throws `SettingsError` without changing anything.
 */
export function resolveAsgSettings(settings: AsgSettings | undefined, info: BoardInfo, base: ResolvedAsgSettings = ASG_DEFAULTS, instrument = 'asg'): ResolvedAsgSettings {
  const s = checkSettings(instrument, asgRules(info), settings) as Partial<Omit<AsgSettings, 'data'>> & { data?: Float64Array };
  const r: ResolvedAsgSettings = {
    waveform: s.waveform ?? base.waveform,
    frequency: s.frequency ?? base.frequency,
    amplitude: s.amplitude ?? base.amplitude,
    offset: s.offset ?? base.offset,
    phase: s.phase ?? base.phase,
    data: s.data ?? base.data,
    output: s.output ?? base.output,
  };
  if (r.waveform !== 'noise' && r.waveform !== 'dc' && Math.abs(r.amplitude) + Math.abs(r.offset) > info.fullScaleV + 1e-12) {
    const which = s.offset !== undefined && s.amplitude === undefined ? 'offset' : 'amplitude';
    throw new SettingsError(instrument, which, which === 'offset' ? r.offset : r.amplitude, `|amplitude| + |offset| at most ${info.fullScaleV} V (amplitude ${r.amplitude} V, offset ${r.offset} V)`);
  }
  if (r.waveform === 'arbitrary' && r.data === null) {
    throw new SettingsError(instrument, 'data', undefined, "one period of samples (1 to 16384 values in −1…1) when waveform is 'arbitrary'");
  }
  return Object.freeze(r);
}
