import { SettingsError } from '../errors/SettingsError.js';
import { FFT_BACKENDS } from '../dsp/RealFftPlan.js';
import { WINDOW_NAMES } from '../dsp/windows.js';
import { SPECTRUM_UNITS } from '../results/Spectrum.js';
import type { BoardInfo } from './boardInfo.js';
import { defineSettings, setting, type ResolvedSettingsOf, type UserSettingsOf } from './declareSettings.js';
import { integerIn, numberIn, oneOf, powerOfTwo } from './rules.js';
import { decimationForSpan, SPECAN_INPUTS } from './specanSettings.js';
import { autoBufferSamples, MAX_BUFFER_SAMPLES, STREAM_OVERFLOW_POLICIES } from './streamSettings.js';

/**
 * Settings of the real-time spectrum analyzer (`rp.specan.realtime$`, `spectrogram$`): Welch's
 * method on the scope's gapless stream. `span`/`decimation`, `window`, `unit`, `input` mean what
 * they mean for the spectrum analyzer; `points` is the segment (FFT) length, `overlap` the fraction
 * of a segment shared with the next, `averages` the segments per spectrum.
 */
export const REALTIME_SETTINGS = defineSettings(
  'specan.realtime',
  {
    /** Analysed band in Hz, 0 … span = fs/2 / decimation. Excludes `decimation`. */
    span: setting({ rule: (info) => numberIn(info.sampleRateHz / 2 / info.maxDecimation, info.sampleRateHz / 2, 'Hz'), default: 62.5e6 / 8, unit: 'Hz', doc: 'analysed band 0 … span (fs/2 / decimation), instead of decimation', form: false }),
    /** Decimation of the stream (power of 2); span = fs/2 / decimation. Excludes `span`. */
    decimation: setting({ rule: (info) => powerOfTwo(1, info.maxDecimation), default: 8, doc: 'stream decimation (span = fs/2 / decimation)', acquisition: true }),
    /** Segment (FFT) length in samples. */
    points: setting({ rule: () => powerOfTwo(32, 1 << 20), default: 16384, doc: 'segment (FFT) length in samples' }),
    /** FFT window. */
    window: setting({ rule: () => oneOf(WINDOW_NAMES), default: 'hann', doc: 'FFT window' }),
    /** Fraction of each segment shared with the next (0: none; 0.5 and 0.75 are Welch's usual choices). */
    overlap: setting({ rule: () => numberIn(0, 0.9375, ''), default: 0.5, doc: 'fraction of a segment shared with the next' }),
    /** Segments averaged (linear power) into one spectrum. */
    averages: setting({ rule: () => integerIn(1, 1_000_000), default: 1, doc: 'segments averaged per spectrum' }),
    /** Unit of the result ('dBm' into 50 Ω). */
    unit: setting({ rule: () => oneOf(SPECTRUM_UNITS), default: 'Vpk^2', doc: "unit of the result ('dBm' into 50 Ω)" }),
    /** Inputs analysed; a channel not analysed comes back empty. */
    input: setting({ rule: () => oneOf(SPECAN_INPUTS), default: 'both', doc: 'inputs analysed' }),
    /** FFT implementation: 'pffft' (WebAssembly SIMD, Float32, the default here: docs/decisions/0016) or 'fftjs' (Float64). */
    backend: setting({ rule: () => oneOf(FFT_BACKENDS), default: 'pffft', doc: "FFT implementation: 'pffft' (Float32, fast) or 'fftjs' (Float64)", form: false }),
    /** The stream's buffer between board and analyzer, samples per channel (default as `scope.continuous$`). */
    bufferSamples: setting({ rule: () => integerIn(64, MAX_BUFFER_SAMPLES), default: 1 << 20, doc: 'stream buffer (samples per channel)', form: false }),
    /** The analyzer falls behind: 'error' stops, 'gap' drops the partial average and goes on. */
    onOverflow: setting({ rule: () => oneOf(STREAM_OVERFLOW_POLICIES), default: 'error', doc: "analyzer too slow: 'error' stops, 'gap' goes on" }),
  },
  (r, given, { info, instrument }) => {
    if (given.span !== undefined && given.decimation !== undefined && decimationForSpan(given.span, info) !== given.decimation) {
      throw new SettingsError(instrument, 'span', given.span, `either span or decimation, not both (span ${given.span} Hz means decimation ${decimationForSpan(given.span, info)})`);
    }
    const decimation = given.decimation ?? (given.span !== undefined ? decimationForSpan(given.span, info) : r.decimation);
    const bufferSamples = given.bufferSamples ?? autoBufferSamples(decimation, r.points, info);
    if (bufferSamples < 2 * r.points) throw new SettingsError(instrument, 'bufferSamples', bufferSamples, `an integer from ${2 * r.points} (two segments of ${r.points}) to ${MAX_BUFFER_SAMPLES}`);
    return { ...r, decimation, span: info.sampleRateHz / 2 / decimation, bufferSamples };
  },
);

/** Real-time spectrum analyzer settings as a user gives them. */
export type RealtimeSettings = UserSettingsOf<typeof REALTIME_SETTINGS.table>;
/** Resolved real-time spectrum analyzer settings. */
export type ResolvedRealtimeSettings = ResolvedSettingsOf<typeof REALTIME_SETTINGS.table>;

/** Samples between segment starts: points · (1 − overlap), rounded, at least 1. */
export function hopSamples(s: Pick<ResolvedRealtimeSettings, 'points' | 'overlap'>): number {
  return Math.max(1, Math.round(s.points * (1 - s.overlap)));
}

/** Validates real-time spectrum analyzer settings over the defaults; throws `SettingsError`, changes nothing. */
export function resolveRealtimeSettings(settings: RealtimeSettings | undefined, info: BoardInfo, instrument = 'specan.realtime'): ResolvedRealtimeSettings {
  return REALTIME_SETTINGS.resolve(settings, info, REALTIME_SETTINGS.defaults, instrument);
}
