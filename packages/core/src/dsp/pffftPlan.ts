/// <reference path="./pffftWasm.d.ts" />
import type { PffftModule } from '@echogarden/pffft-wasm/simd';
import { SettingsError } from '../errors/SettingsError.js';
import type { RealFftPlan } from './RealFftPlan.js';

let pffft: PffftModule | undefined;
let loading: Promise<void> | undefined;

/**
 * Loads PFFFT (WebAssembly, SIMD build) once. Later calls share the same promise; a failed load
 * is not cached, so it can be retried.
 */
export function loadPffft(): Promise<void> {
  if (pffft) return Promise.resolve();
  loading ??= import('@echogarden/pffft-wasm/simd')
    .then((m) => m.default())
    .then((mod) => {
      pffft = mod;
    })
    .finally(() => {
      loading = undefined;
    });
  return loading;
}

/** True once `loadPffft` has finished. */
export function pffftReady(): boolean {
  return pffft !== undefined;
}

// pffft's enums (pffft.h): PFFFT_REAL = 0, PFFFT_FORWARD = 0.
const PFFFT_REAL = 0;
const PFFFT_FORWARD = 0;

/**
 * Builds a real forward FFT plan of `size` points on PFFFT (Float32, SIMD). Callers go through
 * `createFftPlan`, which validates the size, requires `loadPffft` to have finished, and caches
 * plans: the setup and heap buffers live as long as the process, like fft.js's tables.
 *
 * Precision: samples are rounded to Float32 on the way in (relative 6e-8) and the transform
 * accumulates Float32 rounding, so bins carry an error of order 1e-7 × the largest bin; a spectrum
 * has about 140 dB of dynamic range below its largest line instead of fft.js's ~300 dB.
 *
 * @param size transform length in samples: a power of two ≥ 32
 */
export function createPffftPlan(size: number): RealFftPlan {
  const mod = pffft;
  // createFftPlan checks both conditions first; these guard direct use.
  if (!mod) throw new SettingsError('dsp', 'fft backend', 'pffft', "'pffft' after await initFftBackend('pffft')");
  const setup = mod._pffft_new_setup(size, PFFFT_REAL);
  if (setup === 0) throw new SettingsError('dsp', 'fft size', size, "a size pffft supports for real transforms (a multiple of 32 of the form 2^a·3^b·5^c)");
  const bytes = size * 4;
  const inPtr = mod._pffft_aligned_malloc(bytes);
  const outPtr = mod._pffft_aligned_malloc(bytes);
  const workPtr = mod._pffft_aligned_malloc(bytes);
  const half = size >>> 1;
  const inIndex = inPtr >>> 2;
  const outIndex = outPtr >>> 2;
  return {
    size,
    backend: 'pffft',
    forward(input, outRe, outIm, window) {
      // Read HEAPF32 on every call: a later allocation (another plan) may grow memory and
      // replace the view.
      const heap = mod.HEAPF32;
      if (window) {
        // Window straight into the Float32 input buffer: one pass instead of two.
        for (let i = 0; i < size; i++) heap[inIndex + i] = input[i]! * window[i]!;
      } else {
        // TypedArray.set converts Float64 → Float32 in native code, without an intermediate array.
        heap.set(input.length === size ? input : input.subarray(0, size), inIndex);
      }
      mod._pffft_transform_ordered(setup, inPtr, outPtr, workPtr, PFFFT_FORWARD);
      // Ordered real output: [X_0, X_{N/2}, Re X_1, Im X_1, …, Re X_{N/2−1}, Im X_{N/2−1}].
      outRe[0] = heap[outIndex]!;
      outIm[0] = 0;
      outRe[half] = heap[outIndex + 1]!;
      outIm[half] = 0;
      for (let k = 1, j = outIndex + 2; k < half; k++, j += 2) {
        outRe[k] = heap[j]!;
        outIm[k] = heap[j + 1]!;
      }
    },
  };
}
