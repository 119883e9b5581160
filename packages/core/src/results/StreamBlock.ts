/**
 * One block of a gapless stream (`rp.scope.continuous$`): consecutive samples of both inputs, and the
 * index of the first since the stream started, so a consumer can prove that nothing was lost: block
 * k+1's `index` is block k's `index + samples`, or a `GapBlock` says what is missing.
 */
export interface SampleBlock {
  readonly kind: 'samples';
  /** Stream index of the first sample: samples since the stream started (0, blockSamples, …). */
  readonly index: number;
  /** Number of samples per channel in this block. */
  readonly samples: number;
  /** Seconds between samples (decimation / 125 MHz). */
  readonly dt: number;
  /** Input 1, volts (`samples` values). */
  readonly ch1: Float64Array;
  /** Input 2, volts (`samples` values). */
  readonly ch2: Float64Array;
  /** Board time of the first sample, ms on the board's scheduler clock. */
  readonly timestamp: number;
}

/**
 * Samples the consumer did not get because it fell behind by more than the stream's buffer
 * (`bufferSamples`) and the stream was asked to go on (`onOverflow: 'gap'`): the next block starts at
 * `index + samples`. Never emitted with `onOverflow: 'error'` (the stream errors with
 * `StreamOverflowError` instead).
 */
export interface GapBlock {
  readonly kind: 'gap';
  /** Stream index of the first lost sample. */
  readonly index: number;
  /** Number of samples lost per channel. */
  readonly samples: number;
  /** Seconds between samples. */
  readonly dt: number;
  /** Board time of the first lost sample, ms on the board's scheduler clock. */
  readonly timestamp: number;
}

/** What a gapless stream emits: samples, or a marked gap. */
export type StreamBlock = SampleBlock | GapBlock;
