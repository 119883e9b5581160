import { SettingsError } from '../errors/SettingsError.js';
import { INPUT_GAINS, longestTraceS, type BoardInfo } from './boardInfo.js';
import { defineSettings, inputSetting, setting, type ResolvedSettingsOf, type UserSettingsOf } from './declareSettings.js';
import { bool, integerIn, numberIn, oneOf, powerOfTwo, traceSamples } from './rules.js';

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

/**
 * The scope's settings, declared once: rule (from the board's limits), default, unit, doc, and
 * whether the setting shapes an acquisition (the sharing key). Types, defaults, validation, CLI
 * flags, completion and the studio's fields all derive from this table.
 */
export const SCOPE_SETTINGS = defineSettings(
  'scope',
  {
    /** Decimation of the ADC stream: a power of 2 from 1 to the board's maximum. Excludes `duration`. */
    decimation: setting({ rule: (info) => powerOfTwo(1, info.maxDecimation), default: 1, doc: 'decimation of the 125 MS/s ADC stream', acquisition: true }),
    /** Trace length in seconds; the smallest decimation whose buffer spans it is chosen. Excludes `decimation`. */
    duration: inputSetting({ rule: (info) => numberIn(0, longestTraceS(info), 's'), unit: 's', doc: 'trace length instead of decimation (the smallest decimation that spans it)', form: false }),
    /** Trigger source. */
    trigger: setting({ rule: () => oneOf(TRIGGER_SOURCES), default: 'immediate', doc: 'trigger source', acquisition: true }),
    /** Trigger threshold in volts (channel triggers). */
    threshold: setting({ rule: (info) => numberIn(-info.inputFullScaleV.hv, info.inputFullScaleV.hv, 'V'), default: 0, unit: 'V', doc: 'trigger threshold', acquisition: true }),
    /** Trigger hysteresis in volts: the signal must pass threshold ∓ hysteresis before it can trigger again. */
    hysteresis: setting({ rule: (info) => numberIn(0, 2 * info.inputFullScaleV.hv, 'V'), default: 0.005, unit: 'V', doc: 'trigger hysteresis', acquisition: true }),
    /** Trigger delay in seconds: 0 puts the trigger in the middle of the buffer; positive shows later times. */
    triggerDelay: setting({ rule: () => numberIn(-1e3, 1e3, 's'), default: 0, unit: 's', doc: 'trigger delay (0: trigger mid-buffer; positive shows later times)', acquisition: true }),
    /** Average the raw samples within each decimation step (true) or keep every `decimation`-th sample (false). */
    boxcar: setting({ rule: () => bool(), default: true, doc: 'average the raw samples within each decimation step', acquisition: true }),
    /**
     * Input gain of both inputs: 'lv' ±1 V or 'hv' ±20 V full scale (the Red Pitaya's LV/HV jumpers).
     * The ADC's 14 bits span the chosen full scale, so the LSB is 2·FS/2^14 and signals clip at ±FS.
     */
    gain: setting({
      rule: () => oneOf(INPUT_GAINS),
      default: 'lv',
      doc: "input gain: 'lv' ±1 V or 'hv' ±20 V full scale (jumpers)",
      acquisition: true,
      // the Red Pitaya's `ACQ:SOUR<n>:GAIN LV|HV`, for both inputs
      wire: { scpi: (g) => g.toUpperCase() },
    }),
    /**
     * Samples per channel in one trace: one buffer (16384, the default) or, on a board with deep
     * memory (`BoardInfo.deepMemorySamples`), up to its limit; longer traces are deep-memory captures
     * (docs/architecture.md, "Deep memory").
     */
    samples: setting({
      rule: (info) => traceSamples(info.bufferSize, info.deepMemorySamples),
      default: 16384,
      doc: 'samples per channel in one trace (more than one buffer uses deep memory)',
      acquisition: true,
    }),
    /** Number of traces averaged into one result. */
    averages: setting({ rule: () => integerIn(1, 1_000_000), default: 1, doc: 'acquisitions averaged into one result' }),
  },
  (r, given, { info, instrument }) => {
    let decimation = r.decimation;
    if (given.duration !== undefined) {
      const d = decimationForDuration(given.duration, info);
      if (given.decimation !== undefined && d !== given.decimation) {
        throw new SettingsError(instrument, 'duration', given.duration, `either decimation or duration, not both (duration ${given.duration} s needs decimation ${d}, not ${given.decimation})`);
      }
      decimation = d;
    }
    const earliest = -(r.samples / 2) * (decimation / info.sampleRateHz);
    if (r.triggerDelay < earliest - 1e-15) {
      throw new SettingsError(instrument, 'triggerDelay', r.triggerDelay, `at least ${earliest} s at decimation ${decimation} (half a trace of ${r.samples} samples before the trigger)`);
    }
    const fullScale = info.inputFullScaleV[r.gain];
    if (Math.abs(r.threshold) > fullScale) {
      throw new SettingsError(instrument, 'threshold', r.threshold, `a number from ${-fullScale} to ${fullScale} (V) at gain '${r.gain}'`);
    }
    if (r.hysteresis > 2 * fullScale) {
      throw new SettingsError(instrument, 'hysteresis', r.hysteresis, `a number from 0 to ${2 * fullScale} (V) at gain '${r.gain}'`);
    }
    return { ...r, decimation };
  },
);

/** Settings a user gives the scope (all optional; defaults in `SCOPE_DEFAULTS`). */
export type ScopeSettings = UserSettingsOf<typeof SCOPE_SETTINGS.table>;

/** Fully resolved scope settings, as the driver receives them. */
export type ResolvedScopeSettings = ResolvedSettingsOf<typeof SCOPE_SETTINGS.table>;

/** Defaults, as after `ACQ:RST` on a Red Pitaya but with an immediate trigger. */
export const SCOPE_DEFAULTS: ResolvedScopeSettings = SCOPE_SETTINGS.defaults;

/** The rule table of scope settings for `info`'s board: one `Rule` per setting name (validation, help, completion). */
export function scopeRules(info: BoardInfo) {
  return SCOPE_SETTINGS.rules(info);
}

/** Smallest power-of-two decimation whose buffer (bufferSize · decimation / sampleRate) spans `durationS`. */
export function decimationForDuration(durationS: number, info: BoardInfo): number {
  let d = 1;
  while (d < info.maxDecimation && (info.bufferSize * d) / info.sampleRateHz < durationS * (1 - 1e-12)) d *= 2;
  return d;
}

/**
 * Validates user scope settings on top of `base` and returns the resolved settings, or throws
 * `SettingsError` (nothing is applied in that case). Also checks that `triggerDelay` does not reach
 * before the start of the buffer (at most bufferSize/2 samples before the trigger), and the trigger
 * level against the chosen gain's full scale.
 */
export function resolveScopeSettings(settings: ScopeSettings | undefined, info: BoardInfo, base: ResolvedScopeSettings = SCOPE_DEFAULTS, instrument = 'scope'): ResolvedScopeSettings {
  return SCOPE_SETTINGS.resolve(settings, info, base, instrument);
}

/** A stable key for settings that make acquisitions identical (used to share one acquisition): derived from the table's `acquisition` rows. */
export function scopeSettingsKey(s: ResolvedScopeSettings): string {
  return SCOPE_SETTINGS.key(s);
}
