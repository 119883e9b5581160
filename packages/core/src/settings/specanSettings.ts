import { SettingsError } from '../errors/SettingsError.js';
import { FFT_BACKENDS } from '../dsp/fftPlan.js';
import { WINDOW_NAMES } from '../dsp/windows.js';
import { SPECTRUM_UNITS } from '../results/Spectrum.js';
import type { BoardInfo } from './boardInfo.js';
import { defineSettings, setting, type ResolvedSettingsOf, type UserSettingsOf } from './declareSettings.js';
import { integerIn, numberIn, oneOf, powerOfTwo } from './rules.js';

/** Which inputs the spectrum analyzer analyses. */
export const SPECAN_INPUTS = ['both', 'in1', 'in2'] as const;

/** The spectrum analyzer's settings, declared once; see `SCOPE_SETTINGS` for what derives from it. */
export const SPECAN_SETTINGS = defineSettings(
  'specan',
  {
    /** Analysed band in Hz, 0 … span: the scope's Nyquist frequency fs/2 / decimation. Excludes `decimation`. */
    span: setting({
      rule: (info) => numberIn(info.sampleRateHz / 2 / info.maxDecimation, info.sampleRateHz / 2, 'Hz'),
      default: 62.5e6,
      unit: 'Hz',
      doc: 'analysed band 0 … span (fs/2 / decimation), instead of decimation',
      form: false,
    }),
    /** Scope decimation (power of 2, 1…max); span = fs/2 / decimation. Excludes `span`. */
    decimation: setting({ rule: (info) => powerOfTwo(1, info.maxDecimation), default: 1, doc: 'scope decimation (span = fs/2 / decimation)', acquisition: true }),
    /** FFT window. */
    window: setting({ rule: () => oneOf(WINDOW_NAMES), default: 'hann', doc: 'FFT window' }),
    /** Unit of the result. 'dBm' and 'dBm/Hz' refer to 50 Ω. */
    unit: setting({ rule: () => oneOf(SPECTRUM_UNITS), default: 'Vpk^2', doc: "unit of the result ('dBm' into 50 Ω)" }),
    /** Spectra averaged (in linear power) into one result. */
    averages: setting({ rule: () => integerIn(1, 1_000_000), default: 1, doc: 'spectra averaged in linear power' }),
    /** Inputs analysed; a channel not analysed comes back as an empty array. */
    input: setting({ rule: () => oneOf(SPECAN_INPUTS), default: 'both', doc: 'inputs analysed' }),
    /** FFT implementation: 'fftjs' (Float64, default) or 'pffft' (WebAssembly SIMD, Float32). */
    backend: setting({ rule: () => oneOf(FFT_BACKENDS), default: 'fftjs', doc: "FFT implementation: 'fftjs' (Float64) or 'pffft' (WebAssembly SIMD)", form: false }),
    /**
     * Zero-padding factor (power of 2, 1…16; default 1): interpolates the spectrum that many times
     * more finely, as PyRPL's ×16, so a tone between bins shows its true peak. rbw is unchanged.
     */
    zeroPad: setting({ rule: () => powerOfTwo(1, 16), default: 1, doc: 'zero-padding factor of the FFT (PyRPL uses 16)' }),
  },
  (r, given, { info, instrument }) => {
    if (given.span !== undefined && given.decimation !== undefined && decimationForSpan(given.span, info) !== given.decimation) {
      throw new SettingsError(instrument, 'span', given.span, `either span or decimation, not both (span ${given.span} Hz means decimation ${decimationForSpan(given.span, info)})`);
    }
    const decimation = given.decimation ?? (given.span !== undefined ? decimationForSpan(given.span, info) : r.decimation);
    return { ...r, decimation, span: info.sampleRateHz / 2 / decimation };
  },
);

/** Spectrum analyzer settings as a user gives them. */
export type SpecanSettings = UserSettingsOf<typeof SPECAN_SETTINGS.table>;

/** Resolved spectrum analyzer settings. */
export type ResolvedSpecanSettings = ResolvedSettingsOf<typeof SPECAN_SETTINGS.table>;

/** Defaults: full span, Hann window, Vpk² (as PyRPL), one spectrum. */
export const SPECAN_DEFAULTS: ResolvedSpecanSettings = SPECAN_SETTINGS.defaults;

/** The rule table of spectrum analyzer settings for `info`'s board: one `Rule` per setting name (validation, help, completion). */
export function specanRules(info: BoardInfo) {
  return SPECAN_SETTINGS.rules(info);
}

/** The largest decimation whose Nyquist frequency (fs / 2D) still covers `spanHz`. */
export function decimationForSpan(spanHz: number, info: BoardInfo): number {
  let d = 1;
  while (d < info.maxDecimation && info.sampleRateHz / 2 / (d * 2) >= spanHz * (1 - 1e-12)) d *= 2;
  return d;
}

/** Validates spectrum analyzer settings over `base`; throws `SettingsError`, changes nothing. */
export function resolveSpecanSettings(settings: SpecanSettings | undefined, info: BoardInfo, base: ResolvedSpecanSettings = SPECAN_DEFAULTS, instrument = 'specan'): ResolvedSpecanSettings {
  return SPECAN_SETTINGS.resolve(settings, info, base, instrument);
}
