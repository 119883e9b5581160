import { SettingsError } from '../errors/SettingsError.js';
import { FFT_BACKENDS, type FftBackend } from '../dsp/fftPlan.js';
import { WINDOW_NAMES, type WindowName } from '../dsp/windows.js';
import { SPECTRUM_UNITS, type SpectrumUnit } from '../results/Spectrum.js';
import type { BoardInfo } from './boardInfo.js';
import { checkSettings, integerIn, numberIn, oneOf, powerOfTwo, type RuleTable } from './rules.js';

/** Which inputs the spectrum analyzer analyses. */
export const SPECAN_INPUTS = ['both', 'in1', 'in2'] as const;

/** Spectrum analyzer settings as a user gives them. */
export interface SpecanSettings {
  /** Analysed band in Hz, 0 … span: the scope's Nyquist frequency 62.5 MHz / decimation. Excludes `decimation`. */
  span?: number;
  /** Scope decimation (power of 2, 1…65536); span = 62.5 MHz / decimation. Excludes `span`. */
  decimation?: number;
  /** FFT window. */
  window?: WindowName;
  /** Unit of the result. 'dBm' and 'dBm/Hz' refer to 50 Ω. */
  unit?: SpectrumUnit;
  /** Spectra averaged (in linear power) into one result. */
  averages?: number;
  /** Inputs analysed; a channel not analysed comes back as an empty array. */
  input?: (typeof SPECAN_INPUTS)[number];
  /** FFT implementation: 'fftjs' (Float64, default) or 'pffft' (WebAssembly SIMD, Float32). */
  backend?: FftBackend;
  /**
   * Zero-padding factor (power of 2, 1…16; default 1): interpolates the spectrum that many times
   * more finely, as PyRPL's ×16, so a tone between bins shows its true peak. rbw is unchanged.
   */
  zeroPad?: number;
}

/** Resolved spectrum analyzer settings. */
export interface ResolvedSpecanSettings {
  readonly decimation: number;
  /** Hz */
  readonly span: number;
  readonly window: WindowName;
  readonly unit: SpectrumUnit;
  readonly averages: number;
  readonly input: (typeof SPECAN_INPUTS)[number];
  readonly backend: FftBackend;
  readonly zeroPad: number;
}

/** Defaults: full span, Hann window, Vpk² (as PyRPL), one spectrum. */
export const SPECAN_DEFAULTS: ResolvedSpecanSettings = Object.freeze({
  decimation: 1,
  span: 62.5e6,
  window: 'hann',
  unit: 'Vpk^2',
  averages: 1,
  input: 'both',
  backend: 'fftjs',
  zeroPad: 1,
});

/** The rule table of spectrum analyzer settings for `info`'s board: one `Rule` per setting name (validation, help, completion). */
export function specanRules(info: BoardInfo): RuleTable<SpecanSettings> {
  const nyquist = info.sampleRateHz / 2;
  return {
    span: numberIn(nyquist / 65536, nyquist, 'Hz'),
    decimation: powerOfTwo(1, 65536),
    window: oneOf(WINDOW_NAMES),
    unit: oneOf(SPECTRUM_UNITS),
    averages: integerIn(1, 1_000_000),
    input: oneOf(SPECAN_INPUTS),
    backend: oneOf(FFT_BACKENDS),
    zeroPad: powerOfTwo(1, 16),
  };
}

/** The largest decimation whose Nyquist frequency (fs / 2D) still covers `spanHz`. */
export function decimationForSpan(spanHz: number, info: BoardInfo): number {
  let d = 1;
  while (d < 65536 && info.sampleRateHz / 2 / (d * 2) >= spanHz * (1 - 1e-12)) d *= 2;
  return d;
}

/** Validates spectrum analyzer settings over `base`; throws `SettingsError`, changes nothing. */
export function resolveSpecanSettings(
  settings: SpecanSettings | undefined,
  info: BoardInfo,
  base: ResolvedSpecanSettings = SPECAN_DEFAULTS,
  instrument = 'specan',
): ResolvedSpecanSettings {
  const s = checkSettings(instrument, specanRules(info), settings);
  if (s.span !== undefined && s.decimation !== undefined && decimationForSpan(s.span, info) !== s.decimation) {
    throw new SettingsError(instrument, 'span', s.span, `either span or decimation, not both (span ${s.span} Hz means decimation ${decimationForSpan(s.span, info)})`);
  }
  const decimation = s.decimation ?? (s.span !== undefined ? decimationForSpan(s.span, info) : base.decimation);
  return Object.freeze({
    decimation,
    span: info.sampleRateHz / 2 / decimation,
    window: s.window ?? base.window,
    unit: s.unit ?? base.unit,
    averages: s.averages ?? base.averages,
    input: s.input ?? base.input,
    backend: s.backend ?? base.backend,
    zeroPad: s.zeroPad ?? base.zeroPad,
  });
}
