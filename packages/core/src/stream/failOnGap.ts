import { Observable, type OperatorFunction } from 'rxjs';
import { StreamOverflowError } from '../errors/StreamOverflowError.js';
import type { SampleBlock, StreamBlock } from '../results/StreamBlock.js';

/**
 * A gapless stream with `onOverflow: 'error'`: passes sample blocks on and turns the first
 * `GapBlock` into a `StreamOverflowError` (which unsubscribes the source, stopping the board).
 *
 * ```
 * blocks: --a--b--G--c--
 * result: --a--b--#        (# = StreamOverflowError naming G's index and length)
 * ```
 *
 * @param operation name for the error, e.g. 'scope.continuous'
 * @param bufferSamples the stream's buffer (samples per channel), for the error's message
 */
export function failOnGap(operation: string, bufferSamples: number): OperatorFunction<StreamBlock, SampleBlock> {
  return (source) =>
    new Observable<SampleBlock>((subscriber) =>
      source.subscribe({
        next(block) {
          if (block.kind === 'samples') subscriber.next(block);
          else subscriber.error(new StreamOverflowError(operation, block.index, block.samples, bufferSamples));
        },
        error: (e: unknown) => subscriber.error(e),
        complete: () => subscriber.complete(),
      }),
    );
}
