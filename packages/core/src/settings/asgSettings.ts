import { SettingsError } from '../errors/SettingsError.js';
import type { BoardInfo } from './boardInfo.js';
import { defineSettings, setting, type ResolvedSettingsOf, type UserSettingsOf } from './declareSettings.js';
import { integerIn, numberIn, oneOf, sampleTable } from './rules.js';
import { asgBurstLengthS, ASG_BURST_GAP_MIN_S, ASG_BURST_PERIOD_MAX_S, ASG_MAX_BURST_COUNT, ASG_MAX_BURST_CYCLES } from './asgBurst.js';

/** Generator waveforms (docs/architecture.md). */
export const WAVEFORMS = ['sine', 'square', 'triangle', 'ramp-up', 'ramp-down', 'dc', 'noise', 'arbitrary'] as const;
/** A generator waveform. */
export type Waveform = (typeof WAVEFORMS)[number];

/** Where a generator's signal goes. */
export const ASG_OUTPUTS = ['off', 'out1', 'out2'] as const;
/** A generator output routing. */
export type AsgOutput = (typeof ASG_OUTPUTS)[number];

/**
 * What starts a generator (docs/architecture.md, "Bursts and triggers"): 'immediately' when its settings
 * are applied; 'ext-rising' / 'ext-falling' at each edge of the external trigger input (DIO0_P) while no
 * burst sequence runs; 'off' never (only `asg.trigger()`). Until triggered, the output holds the
 * waveform's value at `phase`. Names as the scope's triggers (`TRIGGER_SOURCES`).
 */
export const ASG_TRIGGERS = ['immediately', 'ext-rising', 'ext-falling', 'off'] as const;
/** A generator trigger. */
export type AsgTrigger = (typeof ASG_TRIGGERS)[number];

/** A signal generator's settings (asg0, asg1), declared once; see `SCOPE_SETTINGS` for what derives from it. */
export const ASG_SETTINGS = defineSettings(
  'asg',
  {
    /** Waveform. */
    waveform: setting({ rule: () => oneOf(WAVEFORMS), default: 'sine', doc: 'waveform' }),
    /** Hz, 0 to half the DAC rate (62.5e6). */
    frequency: setting({ rule: (info) => numberIn(0, info.sampleRateHz / 2, 'Hz'), default: 1000, unit: 'Hz', doc: 'frequency' }),
    /** Peak amplitude in volts, 0 to full scale; |amplitude| + |offset| ≤ full scale. For 'noise', the rms in volts. */
    amplitude: setting({ rule: (info) => numberIn(0, info.fullScaleV, 'V'), default: 0, unit: 'V', doc: "peak amplitude (rms for 'noise')" }),
    /** DC offset in volts, −full scale to full scale. */
    offset: setting({ rule: (info) => numberIn(-info.fullScaleV, info.fullScaleV, 'V'), default: 0, unit: 'V', doc: 'DC offset' }),
    /** Start phase in degrees, −360 to 360. */
    phase: setting({ rule: () => numberIn(-360, 360, 'deg'), default: 0, unit: 'deg', doc: 'phase at each period start' }),
    /** One period of an 'arbitrary' waveform: 1 to bufferSize values in −1…1, scaled by `amplitude` (null: none). */
    data: setting({ rule: (info) => sampleTable(1, info.bufferSize, -1, 1), default: null, doc: "one period of an 'arbitrary' waveform (−1…1, times amplitude)", form: false }),
    /** Output routing. */
    output: setting({ rule: () => oneOf(ASG_OUTPUTS), default: 'off', doc: 'output routing' }),
    /** What starts the waveform (or each burst sequence): see `ASG_TRIGGERS`. PyRPL `trigger_source`, SCPI `SOUR<n>:TRig:SOUR`. */
    trigger: setting({ rule: () => oneOf(ASG_TRIGGERS), default: 'immediately', doc: 'trigger (immediately, ext-rising, ext-falling, off: only asg.trigger())' }),
    /**
     * Table periods per burst, 0…65535: 0 plays continuously from the trigger; N > 0 plays from the trigger (at
     * `phase`) up to the N-th period boundary, then holds the waveform's value at phase 0. PyRPL `cycles_per_burst`
     * (32 bits), SCPI `SOUR<n>:BURS:NCYC` (1…65535): the common range.
     */
    burstCycles: setting({ rule: () => integerIn(0, ASG_MAX_BURST_CYCLES), default: 0, doc: 'periods per burst (0: continuous)' }),
    /** Bursts per trigger, 1…65535, `burstPeriod` apart (PyRPL `bursts` + 1, a 16-bit count; SCPI `SOUR<n>:BURS:NOR`). */
    burstCount: setting({ rule: () => integerIn(1, ASG_MAX_BURST_COUNT), default: 1, doc: 'bursts per trigger' }),
    /**
     * Seconds from one burst's start to the next's, 1 µs…4 s; at least the burst's length + 1 µs when
     * `burstCount` > 1 (PyRPL counts the gap in whole µs, `delay_between_bursts`; SCPI `SOUR<n>:BURS:INT:PER` in µs).
     */
    burstPeriod: setting({ rule: () => numberIn(1e-6, ASG_BURST_PERIOD_MAX_S, 's'), default: 1e-3, unit: 's', doc: 'burst start to next burst start' }),
  },
  (r, given, { info, instrument }) => {
    if (r.waveform !== 'noise' && r.waveform !== 'dc' && Math.abs(r.amplitude) + Math.abs(r.offset) > info.fullScaleV + 1e-12) {
      const which = given.offset !== undefined && given.amplitude === undefined ? 'offset' : 'amplitude';
      throw new SettingsError(instrument, which, which === 'offset' ? r.offset : r.amplitude, `|amplitude| + |offset| at most ${info.fullScaleV} V (amplitude ${r.amplitude} V, offset ${r.offset} V)`);
    }
    if (r.waveform === 'arbitrary' && r.data === null) {
      throw new SettingsError(instrument, 'data', undefined, `one period of samples (1 to ${info.bufferSize} values in −1…1) when waveform is 'arbitrary'`);
    }
    if (r.burstCycles > 0) {
      if (r.waveform === 'noise' || r.waveform === 'dc' || !(r.frequency > 0)) {
        const which = given.burstCycles !== undefined ? 'burstCycles' : given.frequency !== undefined ? 'frequency' : 'waveform';
        const value = which === 'burstCycles' ? r.burstCycles : which === 'frequency' ? r.frequency : r.waveform;
        throw new SettingsError(instrument, which, value, `burstCycles 0 (continuous) unless a periodic waveform above 0 Hz plays (waveform '${r.waveform}', frequency ${r.frequency} Hz)`);
      }
      const lengthS = asgBurstLengthS(r);
      if (r.burstCount > 1 && r.burstPeriod < lengthS + ASG_BURST_GAP_MIN_S - 1e-12) {
        const which = given.burstPeriod !== undefined ? 'burstPeriod' : given.burstCycles !== undefined ? 'burstCycles' : given.frequency !== undefined ? 'frequency' : 'burstPeriod';
        const value = which === 'burstCycles' ? r.burstCycles : which === 'frequency' ? r.frequency : r.burstPeriod;
        throw new SettingsError(instrument, which, value, `burstPeriod at least the burst's length + 1 µs (${lengthS + ASG_BURST_GAP_MIN_S} s) with burstCount ${r.burstCount}`);
      }
    }
    return r;
  },
);

/** Generator settings as a user gives them (all optional; `ASG_DEFAULTS` fills the rest). */
export type AsgSettings = UserSettingsOf<typeof ASG_SETTINGS.table>;

/** Fully resolved generator settings. */
export type ResolvedAsgSettings = ResolvedSettingsOf<typeof ASG_SETTINGS.table>;

/** Generator defaults: a 1 kHz sine of 0 V, output off. */
export const ASG_DEFAULTS: ResolvedAsgSettings = ASG_SETTINGS.defaults;

/** The rule table of generator settings for `info`'s board: one `Rule` per setting name (validation, help, completion). */
export function asgRules(info: BoardInfo) {
  return ASG_SETTINGS.rules(info);
}

/**
 * Validates generator settings on top of `base` (the current settings) and returns the resolved
 * whole, or throws `SettingsError` without changing anything.
 */
export function resolveAsgSettings(settings: AsgSettings | undefined, info: BoardInfo, base: ResolvedAsgSettings = ASG_DEFAULTS, instrument = 'asg'): ResolvedAsgSettings {
  return ASG_SETTINGS.resolve(settings, info, base, instrument);
}
