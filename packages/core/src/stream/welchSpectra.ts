import { Observable, type OperatorFunction } from 'rxjs';
import { decimationResponse } from '../dsp/decimationResponse.js';
import type { FftBackend, WorkArray } from '../dsp/fftPlan.js';
import { rfftFrequencies } from '../dsp/frequencyGrid.js';
import { SpectrumKernel } from '../dsp/spectrumKernel.js';
import { uninitializedFloat64 } from '../dsp/uninitializedFloat64.js';
import type { WindowName } from '../dsp/windows.js';
import type { StreamBlock } from '../results/StreamBlock.js';
import { keepFreedMemory } from './keepFreedMemory.js';
import { SegmentAssembler } from './SegmentAssembler.js';

/** Options of {@link welchSpectra}. */
export interface WelchSpectraOptions {
  /** Segment (FFT) length in samples: a power of 2. */
  readonly points: number;
  /** Samples between segment starts: points · (1 − overlap), 1 … points. */
  readonly hopSamples: number;
  readonly window: WindowName;
  /** FFT implementation. */
  readonly backend: FftBackend;
  /** Segments averaged (linear power) into each spectrum. */
  readonly averages: number;
  /** Channels analysed. */
  readonly input: 'both' | 'in1' | 'in2';
  /** The stream's decimation, and whether it was boxcar-averaged (then its response is divided out, as the spectrum analyzer does). */
  readonly decimation: number;
  readonly boxcar: boolean;
  /** ADC rate in Hz (125e6). */
  readonly sampleRateHz: number;
}

/** A Welch spectrum of a gapless stream, in Vpk² (before unit conversion). */
export interface WelchSpectrumVpk2 {
  /** Bin frequencies in Hz (0 … Nyquist of the stream). */
  readonly frequencies: Float64Array;
  /** ch1 in Vpk² (empty when not analysed). */
  readonly ch1: Float64Array;
  /** ch2 in Vpk² (empty when not analysed). */
  readonly ch2: Float64Array;
  /** Resolution bandwidth in Hz (ENBW × bin width). */
  readonly rbw: number;
  readonly window: WindowName;
  /** Segments averaged into this spectrum. */
  readonly averages: number;
  /** Stream index of the first sample of the first segment. */
  readonly index: number;
  /** Samples spanned, first segment's first to last segment's last: points + (averages − 1) · hop. */
  readonly samples: number;
  /** Seconds between samples. */
  readonly dt: number;
  /** Board time of the first sample, ms on the board's scheduler clock. */
  readonly timestamp: number;
  /** Samples reported lost (gap blocks) since the previous spectrum; 0 in a gapless run. */
  readonly lostSamples: number;
}

/**
 * Welch's method on a gapless stream: overlapping windowed segments (`points` long, every
 * `hopSamples`), each transformed and its power added to a running mean; every `averages` segments
 * one spectrum is emitted and the mean starts again. Every sample of the stream falls in at least
 * one segment (hop ≤ points), so any signal longer than one segment is seen: 100 % probability of
 * intercept. Segments never straddle a gap; a partial average at a gap is dropped and
 * `lostSamples` of the next spectrum says how much was lost.
 *
 * Allocation: one kernel; the segments' samples and the running means in the FFT plan's own
 * memory (`RealFftPlan.allocateWork`: pffft's heap), freed on unsubscribe; per emitted spectrum
 * its own result arrays, copied from the means (not cleared first: `uninitializedFloat64`).
 *
 * ```
 * blocks:  --b0--b1--b2--b3--b4--
 * spectra: ------s0------s1------  (averages segments each)
 * ```
 *
 * @see SegmentAssembler, SpectrumKernel
 */
export function welchSpectra(options: WelchSpectraOptions): OperatorFunction<StreamBlock, WelchSpectrumVpk2> {
  const { points, hopSamples, window, backend, averages, input, decimation, boxcar, sampleRateHz } = options;
  return (source) =>
    new Observable<WelchSpectrumVpk2>((subscriber) => {
      // a fresh spectrum per average, kept by the consumer: have the process keep what the GC frees
      keepFreedMemory();
      let kernel: SpectrumKernel;
      let work: WelchWork;
      try {
        kernel = new SpectrumKernel(points, window, backend);
        work = allocateWelchWork(kernel, hopSamples, input);
      } catch (error) {
        subscriber.error(error);
        return undefined;
      }
      const { segments, mean1, mean2 } = work;
      const empty = new Float64Array(0);
      let frequencies: Float64Array | null = null;
      // |X|² → Vpk² per bin, with the boxcar decimation's 1/|H(f)|² folded in (computed once, on the
      // first segment, when dt is known: two sines per bin would cost more than the FFT)
      let scale: Float64Array | null = null;
      let count = 0;
      let firstIndex = 0;
      let firstMs = 0;
      let lost = 0;
      let dt = 0;
      let dtMs = 0;
      const onSegment = (ch1: Float64Array, ch2: Float64Array, index: number) => {
        if (count === 0) {
          firstIndex = index;
          firstMs = index * dtMs;
        }
        if (!scale) {
          frequencies = rfftFrequencies(points, dt);
          scale = kernel.binScale(boxcar && decimation > 1 ? Float64Array.from(frequencies, (f) => 1 / decimationResponse(f, decimation, sampleRateHz) ** 2) : undefined);
        }
        count++;
        // weight 1 overwrites: a new average needs no clearing
        const w = 1 / count;
        if (input !== 'in2') kernel.accumulate(ch1, mean1.view(), w, scale);
        if (input !== 'in1') kernel.accumulate(ch2, mean2.view(), w, scale);
        if (count < averages) return;
        const spectrum: WelchSpectrumVpk2 = {
          frequencies: frequencies!,
          // the emitted arrays are the consumer's: copies of the means (every value written)
          ch1: input === 'in2' ? empty : copyOut(mean1.view()),
          ch2: input === 'in1' ? empty : copyOut(mean2.view()),
          rbw: kernel.rbwHz(dt),
          window,
          averages: count,
          index: firstIndex,
          samples: points + (count - 1) * hopSamples,
          dt,
          timestamp: originMs + firstMs,
          lostSamples: lost,
        };
        count = 0;
        lost = 0;
        subscriber.next(spectrum);
      };
      let originMs = Number.NaN;
      const subscription = source.subscribe({
        next(block) {
          try {
            if (Number.isNaN(originMs)) {
              dt = block.dt;
              dtMs = dt * 1000;
              originMs = block.timestamp - block.index * dtMs;
            }
            if (block.kind === 'gap') lost += block.samples;
            if (!segments.push(block, onSegment)) {
              // a gap: the partial average would mix both sides of it (the next segment's weight 1 overwrites it)
              count = 0;
            }
          } catch (error) {
            subscriber.error(error);
          }
        },
        error: (e: unknown) => subscriber.error(e),
        complete: () => subscriber.complete(),
      });
      return () => {
        subscription.unsubscribe();
        work.free();
      };
    });
}

/** What one Welch subscription holds in the FFT plan's memory: the segments' line and the running means. */
interface WelchWork {
  readonly segments: SegmentAssembler;
  /** ch1's running mean (empty when not analysed). */
  readonly mean1: WorkArray;
  /** ch2's running mean (empty when not analysed). */
  readonly mean2: WorkArray;
  /** Gives all of it back. */
  free(): void;
}

/**
 * Allocates a subscription's work in the plan's own memory (pffft: its heap), where the transform
 * reads the segments and accumulates the means without copies; on a failure part-way, what was
 * allocated is freed before the error is thrown on.
 */
function allocateWelchWork(kernel: SpectrumKernel, hopSamples: number, input: WelchSpectraOptions['input']): WelchWork {
  const allocated: { free(): void }[] = [];
  const keep = <T extends { free(): void }>(x: T): T => (allocated.push(x), x);
  const free = () => allocated.forEach((x) => x.free());
  try {
    const work = (length: number) => kernel.plan.allocateWork(length);
    return {
      segments: keep(new SegmentAssembler(kernel.n, hopSamples, work)),
      mean1: keep(work(input === 'in2' ? 0 : kernel.bins)),
      mean2: keep(work(input === 'in1' ? 0 : kernel.bins)),
      free,
    };
  } catch (error) {
    free();
    throw error;
  }
}

/** A fresh array holding `values` (not cleared first: every value is written). */
function copyOut(values: Float64Array): Float64Array {
  const out = uninitializedFloat64(values.length);
  out.set(values);
  return out;
}
