/**
 * FFT implementations labrx can run on.
 * - 'fftjs': fft.js, exact Float64, synchronous, always available. The default.
 * - 'pffft': PFFFT compiled to WebAssembly with SIMD (`@echogarden/pffft-wasm`), Float32, several
 *   times faster; needs `await initFftBackend('pffft')` once before plans can be built. Results carry
 *   Float32 rounding: about 1e-7 of the block's largest bin (see test/core/dsp/fftPlan.test.ts).
 */
export const FFT_BACKENDS = ['fftjs', 'pffft'] as const;

/** An FFT implementation's name. */
export type FftBackend = (typeof FFT_BACKENDS)[number];

/**
 * A forward real FFT of fixed length, built once per size. The one interface every backend
 * implements, so that the spectrum kernels do not know which library computes the transform.
 */
export interface RealFftPlan {
  /** Transform length N in samples. */
  readonly size: number;
  /** Which implementation computes it. */
  readonly backend: FftBackend;
  /**
   * X_k = Σ_{n=0}^{N−1} w_n x_n e^{−j2πkn/N} for k = 0…N/2 (unnormalised, same units as the input
   * times samples), with w_n = 1 when no `window` is given. Writes N/2+1 values into `outRe` and
   * `outIm`, which the caller owns; reads exactly N samples from `input` and does not modify it.
   * Allocates nothing. The window is applied here, not by the caller, because a backend can then
   * fuse it with the copy it makes anyway (pffft writes w·x straight into its Float32 buffer).
   */
  forward(input: Float64Array, outRe: Float64Array, outIm: Float64Array, window?: Float64Array): void;
  /**
   * The transform's power, scaled per bin and folded into a running mean, without handing out
   * the complex bins: mean_k += (scale_k · |X_k|² − mean_k) · weight for k = 0…N/2, with X as in
   * `forward`. With weight 1 it stores scale_k · |X_k|² and ignores what `mean` held, so a fresh
   * array needs no clearing. What a power spectrum needs, in one pass over the transform's own
   * output (the fast path of the real-time analyzer: a backend can skip the copies `forward` makes).
   *
   * @param input N samples (volts); not modified
   * @param window N weights, or undefined for none
   * @param scale N/2+1 per-bin factors (e.g. 4/(Σw)², times a decimation compensation; units of mean per (V·samples)²)
   * @param mean N/2+1 values, updated in place (owned by the caller)
   * @param weight the new power's weight in (0, 1]: 1/count for an arithmetic mean
   */
  accumulatePower(input: Float64Array, window: Float64Array | undefined, scale: Float64Array, mean: Float64Array, weight: number): void;
  /**
   * A Float64 array of `length` values in the memory the plan computes in (pffft: its WebAssembly
   * heap; fft.js: an ordinary array). Inputs and means that are views of such arrays are read and
   * written there in place by `accumulatePower`, without the copies in and out an ordinary array
   * costs (each 8 bytes per sample or bin, per call): what a stream that keeps its segments and
   * running means between calls wants. Values start at 0. The caller frees it when done.
   *
   * @param length number of values (each 8 bytes)
   */
  allocateWork(length: number): WorkArray;
}

/**
 * An array in an FFT plan's own memory (`RealFftPlan.allocateWork`). That memory can grow (another
 * plan's allocation), which replaces its views: take the current one with `view()` whenever it may
 * have happened (after creating a plan), rather than keeping it. Values survive the growth.
 */
export interface WorkArray {
  /** Number of values. */
  readonly length: number;
  /** The current view of the values (length `length`). */
  view(): Float64Array;
  /** Gives the memory back; neither this nor any earlier view may be used after. Idempotent. */
  free(): void;
}
