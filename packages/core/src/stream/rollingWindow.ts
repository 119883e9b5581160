import { Observable, type OperatorFunction } from 'rxjs';
import type { StreamBlock } from '../results/StreamBlock.js';

/** A sliding-window trace of a gapless stream (PyRPL's rolling mode). */
export interface RollingTrace {
  /** Seconds between samples. */
  readonly dt: number;
  /** Time of the first sample relative to the newest one, in seconds: −(length − 1)·dt (≤ 0). */
  readonly t0: number;
  /** Input 1, volts, oldest first; NaN where no sample is known yet (before the stream filled the window, or lost in a gap). */
  readonly ch1: Float64Array;
  /** Input 2, volts, as `ch1`. */
  readonly ch2: Float64Array;
  /** Stream index of the newest sample. */
  readonly index: number;
  /** Board time of the newest sample, ms on the board's scheduler clock. */
  readonly timestamp: number;
}

/**
 * Keeps the newest `length` samples of a gapless stream and emits them as one trace after every
 * block: a window that rolls along as the stream goes, for time bases longer than one acquisition.
 * Samples not known (the window not yet full, or a `GapBlock`) read NaN, so a plot shows the hole.
 * Each emission owns fresh arrays (the consumer may keep them).
 *
 * ```
 * blocks:  --b0------b1------b2--
 * traces:  --[..b0]--[.b0b1]-[b0b1b2]--
 * ```
 *
 * @param length window length in samples (≥ 1)
 */
export function rollingWindow(length: number): OperatorFunction<StreamBlock, RollingTrace> {
  return (source) =>
    new Observable<RollingTrace>((subscriber) => {
      // ring buffers: position p holds stream index i with p = i mod length
      const ring1 = new Float64Array(length).fill(Number.NaN);
      const ring2 = new Float64Array(length).fill(Number.NaN);
      let next = 0; // stream index after the newest sample written
      const write = (index: number, count: number, ch1: Float64Array | null, ch2: Float64Array | null) => {
        // only the last `length` samples of the block can survive
        const skip = Math.max(0, count - length);
        for (let j = skip; j < count; j++) {
          const p = (index + j) % length;
          ring1[p] = ch1 ? ch1[j]! : Number.NaN;
          ring2[p] = ch2 ? ch2[j]! : Number.NaN;
        }
      };
      return source.subscribe({
        next(block) {
          if (block.index > next) write(next, Math.min(block.index - next, length), null, null); // unreported hole: NaN
          if (block.kind === 'gap') write(block.index, block.samples, null, null);
          else write(block.index, block.samples, block.ch1, block.ch2);
          next = block.index + block.samples;
          if (block.kind === 'gap') return; // nothing new to show
          const ch1 = new Float64Array(length);
          const ch2 = new Float64Array(length);
          const start = (((next - length) % length) + length) % length;
          ch1.set(ring1.subarray(start));
          ch1.set(ring1.subarray(0, start), length - start);
          ch2.set(ring2.subarray(start));
          ch2.set(ring2.subarray(0, start), length - start);
          subscriber.next({ dt: block.dt, t0: -(length - 1) * block.dt, ch1, ch2, index: next - 1, timestamp: block.timestamp + (block.samples - 1) * block.dt * 1000 });
        },
        error: (e: unknown) => subscriber.error(e),
        complete: () => subscriber.complete(),
      });
    });
}
