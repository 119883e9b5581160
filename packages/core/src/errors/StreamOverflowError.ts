import { LabrxError } from './LabrxError.js';

/**
 * A gapless stream's consumer fell behind by more than the stream's buffer (`bufferSamples`) and the
 * stream was asked to fail rather than mark a gap (`onOverflow: 'error'`). Samples from `index` on
 * were lost; every sample before `index` was delivered. The stream has stopped.
 */
export class StreamOverflowError extends LabrxError {
  constructor(
    /** The operation, e.g. 'scope.continuous'. */
    readonly operation: string,
    /** Stream index of the first sample lost. */
    readonly index: number,
    /** Samples per channel lost (at least; the stream stopped there). */
    readonly lostSamples: number,
    /** The buffer between board and consumer, in samples per channel. */
    readonly bufferSamples: number,
  ) {
    super(
      `${operation}: the consumer fell behind by more than the buffer of ${bufferSamples} samples; ${lostSamples} samples lost from sample ${index} (use onOverflow: 'gap' to go on with a marked gap, a larger bufferSamples, or a larger decimation)`,
    );
  }
}
