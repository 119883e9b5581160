import { SettingsError } from '../errors/SettingsError.js';
import type { BoardInfo } from './boardInfo.js';
import { bool, checkSettings, integerIn, numberIn, oneOf, powerOfTwo, type RuleTable } from './rules.js';

/** Scope trigger sources (docs/architecture.md). 'asg0'/'asg1' fire at the start of each generator period. */
export const TRIGGER_SOURCES = [
  'immediate',
  'ch1-rising',
  'ch1-falling',
  'ch2-rising',
  'ch2-falling',
  'ext-rising',
  'ext-falling',
  'asg0',
  'asg1',
] as const;
/** A scope trigger source. */
export type TriggerSource = (typeof TRIGGER_SOURCES)[number];

/** Settings a user gives the scope (all optional; defaults in `SCOPE_DEFAULTS`). */
export interface ScopeSettings {
  /** Decimation of the 125 MS/s ADC stream: a power of 2 from 1 to 65536. Excludes `duration`. */
  decimation?: number;
  /** Trace length in seconds; the smallest decimation whose buffer spans it is chosen. Excludes `decimation`. */
  duration?: number;
  /** Trigger source. */
  trigger?: TriggerSource;
  /** Trigger threshold in volts (channel triggers). */
  threshold?: number;
  /** Trigger hysteresis in volts: the signal must pass threshold ∓ hysteresis before it can trigger again. */
  hysteresis?: number;
  /** Trigger delay in seconds: 0 puts the trigger in the middle of the buffer; positive shows later times. */
  triggerDelay?: number;
  /** Average the raw samples within each decimation step (true) or keep every `decimation`-th sample (false). */
  boxcar?: boolean;
  /** Number of traces averaged into one result. */
  averages?: number;
}

/** Fully resolved scope settings, as the driver receives them. */
export interface ResolvedScopeSettings {
  /** Decimation (power of 2). */
  readonly decimation: number;
  readonly trigger: TriggerSource;
  /** V */
  readonly threshold: number;
  /** V */
  readonly hysteresis: number;
  /** s */
  readonly triggerDelay: number;
  readonly boxcar: boolean;
  readonly averages: number;
}

/** Defaults, as after `ACQ:RST` on a Red Pitaya but with an immediate trigger. */
export const SCOPE_DEFAULTS: ResolvedScopeSettings = Object.freeze({
  decimation: 1,
  trigger: 'immediate',
  threshold: 0,
  hysteresis: 0.005,
  triggerDelay: 0,
  boxcar: true,
  averages: 1,
});

const MAX_DECIMATION = 65536;

/** The rule table of scope settings for `info`'s board: one `Rule` per setting name (validation, help, completion). */
export function scopeRules(info: BoardInfo): RuleTable<ScopeSettings> {
  const longest = (info.bufferSize * MAX_DECIMATION) / info.sampleRateHz;
  return {
    decimation: powerOfTwo(1, MAX_DECIMATION),
    duration: numberIn(0, longest, 's'),
    trigger: oneOf(TRIGGER_SOURCES),
    threshold: numberIn(-info.fullScaleV, info.fullScaleV, 'V'),
    hysteresis: numberIn(0, 2 * info.fullScaleV, 'V'),
    triggerDelay: numberIn(-1e3, 1e3, 's'),
    boxcar: bool(),
    averages: integerIn(1, 1_000_000),
  };
}

/** Smallest power-of-two decimation whose buffer (bufferSize · decimation / sampleRate) spans `durationS`. */
export function decimationForDuration(durationS: number, info: BoardInfo): number {
  let d = 1;
  while (d < MAX_DECIMATION && (info.bufferSize * d) / info.sampleRateHz < durationS * (1 - 1e-12)) d *= 2;
  return d;
}

/**
 * Validates user scope settings on top of `base` and returns the resolved settings, or throws
 * `SettingsError` (nothing is applied in that case). Also checks that `triggerDelay` does not reach
 * before the start of the buffer (at most bufferSize/2 samples before the trigger).
 */
export function resolveScopeSettings(
  settings: ScopeSettings | undefined,
  info: BoardInfo,
  base: ResolvedScopeSettings = SCOPE_DEFAULTS,
  instrument = 'scope',
): ResolvedScopeSettings {
  const s = checkSettings(instrument, scopeRules(info), settings);
  if (s.decimation !== undefined && s.duration !== undefined) {
    const d = decimationForDuration(s.duration, info);
    if (d !== s.decimation) {
      throw new SettingsError(instrument, 'duration', s.duration, `either decimation or duration, not both (duration ${s.duration} s needs decimation ${d}, not ${s.decimation})`);
    }
  }
  const decimation = s.decimation ?? (s.duration !== undefined ? decimationForDuration(s.duration, info) : base.decimation);
  const resolved: ResolvedScopeSettings = {
    decimation,
    trigger: s.trigger ?? base.trigger,
    threshold: s.threshold ?? base.threshold,
    hysteresis: s.hysteresis ?? base.hysteresis,
    triggerDelay: s.triggerDelay ?? base.triggerDelay,
    boxcar: s.boxcar ?? base.boxcar,
    averages: s.averages ?? base.averages,
  };
  const dt = decimation / info.sampleRateHz;
  const earliest = -(info.bufferSize / 2) * dt;
  if (resolved.triggerDelay < earliest - 1e-15) {
    throw new SettingsError(instrument, 'triggerDelay', resolved.triggerDelay, `at least ${earliest} s at decimation ${decimation} (half a buffer before the trigger)`);
  }
  return Object.freeze(resolved);
}

/** A stable key for settings that make acquisitions identical (used to share one acquisition). */
export function scopeSettingsKey(s: ResolvedScopeSettings): string {
  return `${s.decimation}|${s.trigger}|${s.threshold}|${s.hysteresis}|${s.triggerDelay}|${s.boxcar}`;
}
