import FFT from 'fft.js';
import type { RealFftPlan } from './RealFftPlan.js';

/**
 * The part of fft.js (4.0.4, CommonJS) that labrx uses, typed: its own declaration file types
 * everything as `any`. `realTransform(out, data)` reads `size` real samples from `data` and writes
 * bins 0…size/2 as interleaved (re, im) pairs into `out[0…size+1]` (the rest of `out`, length
 * 2·size, is left for `completeSpectrum`, which we never need). The sign is e^{−j2πkn/N}.
 */
interface FftJs {
  readonly size: number;
  realTransform(out: Float64Array, data: Float64Array): void;
}

const FftJsCtor = FFT as unknown as new (size: number) => FftJs;

/**
 * Builds a real forward FFT plan of `size` points on fft.js (exact, Float64, radix-4).
 * Callers go through `createFftPlan`, which validates the size and caches plans.
 *
 * @param size transform length in samples: a power of two ≥ 4
 */
export function createFftJsPlan(size: number): RealFftPlan {
  const fft = new FftJsCtor(size);
  // fft.js writes the whole interleaved complex layout; one scratch buffer per plan keeps the
  // per-frame path allocation-free (plans are shared, which is safe: `forward` is synchronous).
  const scratch = new Float64Array(2 * size);
  const windowed = new Float64Array(size);
  const half = size >>> 1;
  return {
    size,
    backend: 'fftjs',
    forward(input, outRe, outIm, window) {
      let data = input;
      if (window) {
        for (let i = 0; i < size; i++) windowed[i] = input[i]! * window[i]!;
        data = windowed;
      }
      fft.realTransform(scratch, data);
      for (let k = 0, j = 0; k <= half; k++, j += 2) {
        outRe[k] = scratch[j]!;
        outIm[k] = scratch[j + 1]!;
      }
    },
    accumulatePower(input, window, scale, mean, weight) {
      let data = input;
      if (window) {
        for (let i = 0; i < size; i++) windowed[i] = input[i]! * window[i]!;
        data = windowed;
      }
      fft.realTransform(scratch, data);
      if (weight === 1) {
        for (let k = 0, j = 0; k <= half; k++, j += 2) mean[k] = scale[k]! * (scratch[j]! * scratch[j]! + scratch[j + 1]! * scratch[j + 1]!);
      } else {
        for (let k = 0, j = 0; k <= half; k++, j += 2) mean[k]! += (scale[k]! * (scratch[j]! * scratch[j]! + scratch[j + 1]! * scratch[j + 1]!) - mean[k]!) * weight;
      }
    },
    allocateWork(length) {
      // ordinary memory is fft.js's memory: nothing to copy either way
      const values = new Float64Array(length);
      return { length, view: () => values, free: () => undefined };
    },
  };
}
