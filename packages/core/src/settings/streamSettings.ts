import { SettingsError } from '../errors/SettingsError.js';
import type { BoardInfo } from './boardInfo.js';
import { defineSettings, setting, type ResolvedSettingsOf, type UserSettingsOf } from './declareSettings.js';
import { bool, integerIn, oneOf, powerOfTwo } from './rules.js';

/** What a gapless stream does when its consumer falls behind by more than `bufferSamples`. */
export const STREAM_OVERFLOW_POLICIES = ['error', 'gap'] as const;
/** 'error': stop with `StreamOverflowError`; 'gap': emit a `GapBlock` saying which samples were lost, and go on. */
export type StreamOverflowPolicy = (typeof STREAM_OVERFLOW_POLICIES)[number];

/** Largest block, in samples per channel (8 MiB per channel as Float64). */
export const MAX_BLOCK_SAMPLES = 1 << 20;
/** Largest buffer between board and consumer, in samples per channel (128 MiB per channel as Float64). */
export const MAX_BUFFER_SAMPLES = 1 << 24;
/** The automatic buffer holds at most this many samples per channel (16 MiB for both as Float64). */
export const AUTO_BUFFER_SAMPLES = 1 << 20;
/** …and spans at most this much board time (s), so a generator change is still in the simulator's history when a late block is read. */
export const AUTO_BUFFER_MAX_S = 4;

/**
 * Settings of a gapless stream (`rp.scope.continuous$`), declared once. The stream is the ADC's
 * sample stream after decimation, cut into blocks; between the board and the consumer sits a buffer
 * of `bufferSamples` samples per channel (docs/decisions/0016-gapless-streams-and-realtime-fft.md):
 * a consumer further behind than that has lost samples, and the stream says so (`onOverflow`).
 */
export const STREAM_SETTINGS = defineSettings(
  'scope.continuous',
  {
    /** Decimation of the 125 MS/s ADC stream: a power of 2 from 1 to the board's maximum. */
    decimation: setting({ rule: (info) => powerOfTwo(1, info.maxDecimation), default: 64, doc: 'decimation of the 125 MS/s ADC stream', acquisition: true }),
    /** Average the raw samples of each decimation step (true, the hardware default) or keep the first. */
    boxcar: setting({ rule: () => bool(), default: true, doc: 'average within each decimation step', acquisition: true }),
    /** Samples per channel in each block. */
    blockSamples: setting({ rule: () => integerIn(16, MAX_BLOCK_SAMPLES), default: 16384, doc: 'samples per channel in each block', acquisition: true }),
    /**
     * The bounded buffer between board and consumer, in samples per channel (≥ 2 blocks). Default:
     * 2^20 samples, or 4 s of board time if that is less, but at least 2 blocks.
     */
    bufferSamples: setting({ rule: () => integerIn(32, MAX_BUFFER_SAMPLES), default: AUTO_BUFFER_SAMPLES, doc: 'buffer between board and consumer (samples per channel)', acquisition: true }),
    /** What happens when the consumer falls behind by more than `bufferSamples`. */
    onOverflow: setting({ rule: () => oneOf(STREAM_OVERFLOW_POLICIES), default: 'error', doc: "consumer too slow: 'error' stops the stream, 'gap' marks the lost samples and goes on" }),
  },
  (r, given, { info, instrument }) => {
    const bufferSamples = given.bufferSamples ?? autoBufferSamples(r.decimation, r.blockSamples, info);
    if (bufferSamples < 2 * r.blockSamples) {
      throw new SettingsError(instrument, 'bufferSamples', bufferSamples, `an integer from ${2 * r.blockSamples} (two blocks of ${r.blockSamples}) to ${MAX_BUFFER_SAMPLES}`);
    }
    return { ...r, bufferSamples };
  },
);

/** Gapless stream settings as a user gives them. */
export type StreamSettings = UserSettingsOf<typeof STREAM_SETTINGS.table>;
/** Resolved gapless stream settings. */
export type ResolvedStreamSettings = ResolvedSettingsOf<typeof STREAM_SETTINGS.table>;

/** The buffer chosen when none is given: min(2^20, 4 s of samples), at least two blocks. */
export function autoBufferSamples(decimation: number, blockSamples: number, info: BoardInfo): number {
  const inSeconds = Math.floor((AUTO_BUFFER_MAX_S * info.sampleRateHz) / decimation);
  return Math.max(2 * blockSamples, Math.min(AUTO_BUFFER_SAMPLES, inSeconds));
}

/** Validates gapless stream settings over the defaults; throws `SettingsError` naming the setting. */
export function resolveStreamSettings(settings: StreamSettings | undefined, info: BoardInfo, instrument = 'scope.continuous'): ResolvedStreamSettings {
  return STREAM_SETTINGS.resolve(settings, info, STREAM_SETTINGS.defaults, instrument);
}
