import { SettingsError } from '../errors/SettingsError.js';
import { FFT_BACKENDS } from '../dsp/fftPlan.js';
import { WINDOW_NAMES } from '../dsp/windows.js';
import { SPECTRUM_UNITS } from '../results/Spectrum.js';
import type { BoardInfo } from './boardInfo.js';
import { defineSettings, setting, type ResolvedSettingsOf, type UserSettingsOf } from './declareSettings.js';
import { integerIn, numberIn, oneOf, powerOfTwo, type Rule } from './rules.js';

/** Which inputs the spectrum analyzer analyses. */
export const SPECAN_INPUTS = ['both', 'in1', 'in2'] as const;

/**
 * How the spectrum analyzer analyses (PyRPL's `baseband` flag): 'baseband' takes the real FFT of
 * each input's scope trace (0 … span); 'iq' has IQ module iq2 demodulate one input at `center`
 * and takes the complex FFT of its two quadratures (center − span … center + span).
 */
export const SPECAN_MODES = ['baseband', 'iq'] as const;
/** A spectrum analyzer mode. */
export type SpecanMode = (typeof SPECAN_MODES)[number];

/** The IQ module that demodulates in iq mode (PyRPL's choice: iq2, whose second quadrature is the DSP signal iq2_2). */
export const SPECAN_IQ_MODULE = 2;

/** 'baseband' and 'iq' on a board with IQ modules; 'baseband' only (saying why) on one without. */
function modeRule(info: BoardInfo): Rule<SpecanMode> {
  if (info.iqModule && info.iqModule.count > SPECAN_IQ_MODULE) return oneOf(SPECAN_MODES);
  const allowed = "'baseband' (mode 'iq' demodulates with IQ module iq2, which this board does not have: PyRPL's FPGA and the embedded simulator have it)";
  return {
    allowed,
    kind: 'choice',
    choices: ['baseband'],
    check(value, instrument, setting) {
      if (value !== 'baseband') throw new SettingsError(instrument, setting, value, allowed);
      return value;
    },
  };
}

/** The spectrum analyzer's settings, declared once; see `SCOPE_SETTINGS` for what derives from it. */
export const SPECAN_SETTINGS = defineSettings(
  'specan',
  {
    /**
     * Analysed band in Hz: the scope's Nyquist frequency fs/2 / decimation; baseband 0 … span, iq
     * mode center − span … center + span (PyRPL's iq span, fs/decimation, is twice this). Excludes `decimation`.
     */
    span: setting({
      rule: (info) => numberIn(info.sampleRateHz / 2 / info.maxDecimation, info.sampleRateHz / 2, 'Hz'),
      default: 62.5e6,
      unit: 'Hz',
      doc: "analysed band fs/2 / decimation (0 … span; center ± span in mode 'iq'), instead of decimation",
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
    /** Inputs analysed; a channel not analysed comes back as an empty array. In mode 'iq' one input ('in1' when not given), whose spectrum is `ch1`. */
    input: setting({ rule: () => oneOf(SPECAN_INPUTS), default: 'both', doc: "inputs analysed (mode 'iq': the one demodulated)" }),
    /** FFT implementation: 'fftjs' (Float64, default) or 'pffft' (WebAssembly SIMD, Float32). */
    backend: setting({ rule: () => oneOf(FFT_BACKENDS), default: 'fftjs', doc: "FFT implementation: 'fftjs' (Float64) or 'pffft' (WebAssembly SIMD)", form: false }),
    /**
     * Zero-padding factor (power of 2, 1…16; default 1): interpolates the spectrum that many times
     * more finely, as PyRPL's ×16, so a tone between bins shows its true peak. rbw is unchanged.
     */
    zeroPad: setting({ rule: () => powerOfTwo(1, 16), default: 1, doc: 'zero-padding factor of the FFT (PyRPL uses 16)' }),
    /** 'baseband' (real FFT of each input) or 'iq' (an IQ module demodulates `input` at `center`; complex FFT). */
    mode: setting({ rule: modeRule, default: 'baseband', doc: "'baseband' (0 … span) or 'iq' (iq2 demodulates input at center: center ± span)", acquisition: true }),
    /** Centre frequency in Hz of mode 'iq' (the IQ module's demodulation frequency); 0 in baseband mode. */
    center: setting({ rule: (info) => numberIn(0, info.sampleRateHz / 2, 'Hz'), default: 0, unit: 'Hz', doc: "centre frequency of mode 'iq'", acquisition: true }),
  },
  (r, given, { info, instrument }) => {
    if (given.span !== undefined && given.decimation !== undefined && decimationForSpan(given.span, info) !== given.decimation) {
      throw new SettingsError(instrument, 'span', given.span, `either span or decimation, not both (span ${given.span} Hz means decimation ${decimationForSpan(given.span, info)})`);
    }
    const decimation = given.decimation ?? (given.span !== undefined ? decimationForSpan(given.span, info) : r.decimation);
    let input = r.input;
    if (r.mode === 'iq' && input === 'both') {
      if (given.input !== undefined) throw new SettingsError(instrument, 'input', given.input, "'in1' or 'in2' in mode 'iq' (one input is demodulated)");
      input = 'in1';
    }
    if (r.mode === 'baseband' && given.center !== undefined && given.center !== 0) {
      throw new SettingsError(instrument, 'center', given.center, "0 in mode 'baseband' (give mode: 'iq' to analyse around a centre frequency)");
    }
    // a centre carried over from defaults set for mode 'iq' means nothing in baseband mode
    const center = r.mode === 'baseband' ? 0 : r.center;
    return { ...r, input, center, decimation, span: info.sampleRateHz / 2 / decimation };
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
