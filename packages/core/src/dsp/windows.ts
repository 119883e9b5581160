import { SettingsError } from '../errors/SettingsError.js';

/** The window functions the spectrum analyzer offers (docs/architecture.md), in the order users see them. */
export const WINDOW_NAMES = ['boxcar', 'hann', 'hamming', 'blackman', 'blackman-harris', 'flattop'] as const;

/** A window function's name. */
export type WindowName = (typeof WINDOW_NAMES)[number];

/** One window of a given length, with the two figures that turn FFT bins into physical units. */
export interface WindowInfo {
  readonly name: WindowName;
  /** The window's samples w[0..n-1] (dimensionless). Shared through the cache: never write to it. */
  readonly values: Float64Array;
  /**
   * Coherent gain: the mean of w (dimensionless). A tone of peak amplitude A at a bin centre gives
   * |X_k| = A · n · coherentGain / 2.
   */
  readonly coherentGain: number;
  /**
   * Equivalent noise bandwidth in bins: n · Σw² / (Σw)². The resolution bandwidth is
   * `enbwBins · fs / n` Hz.
   */
  readonly enbwBins: number;
  /** Σw (dimensionless), kept because every normalisation uses it. */
  readonly sum: number;
  /** Σw² (dimensionless). */
  readonly sumSquares: number;
}

/**
 * Cosine-sum coefficients a0, a1, a2, … of w[n] = Σ_k (−1)^k a_k cos(2π k n / N).
 * Standard values (the ones numpy/scipy use), so that results compare with theirs.
 */
const COEFFICIENTS: Readonly<Record<WindowName, readonly number[]>> = {
  boxcar: [1],
  hann: [0.5, 0.5],
  hamming: [0.54, 0.46],
  // "Conventional" Blackman (numpy.blackman), not the exact-Blackman 7938/18608 variant.
  blackman: [0.42, 0.5, 0.08],
  // 4-term Blackman-Harris, −92 dB sidelobes (scipy.signal.windows.blackmanharris).
  'blackman-harris': [0.35875, 0.48829, 0.14128, 0.01168],
  // 5-term flat top (scipy.signal.windows.flattop, Matlab flattopwin): scalloping below 0.01 dB.
  flattop: [0.21557895, 0.41663158, 0.277263158, 0.083578947, 0.006947368],
};

const cache = new Map<string, WindowInfo>();

/**
 * Returns the periodic ("DFT-even") window `name` of length `n`, built once per (name, n) and cached.
 *
 * Periodic rather than symmetric because it is the right choice for spectral analysis: its
 * transform sampled at the FFT bins is exact (a cosine-sum window of K terms leaks into exactly
 * 2K−1 bins), its coherent gain is exactly a0, and an FFT of length n sees it as one period.
 * It equals scipy's `get_window(name, n)` (which is periodic by default).
 *
 * @param name one of {@link WINDOW_NAMES}
 * @param n window length in samples (integer ≥ 1)
 * @throws SettingsError for an unknown name or a bad length
 *
 * @example
 * const w = makeWindow('hann', 16384);
 * w.coherentGain; // 0.5
 * w.enbwBins;     // 1.5
 */
export function makeWindow(name: WindowName, n: number): WindowInfo {
  const key = `${name}/${n}`;
  const hit = cache.get(key);
  if (hit) return hit;
  if (!isWindowName(name)) {
    throw new SettingsError('dsp', 'window', name, `one of ${WINDOW_NAMES.map((w) => `'${w}'`).join(', ')}`);
  }
  if (!Number.isInteger(n) || n < 1 || n > 1 << 24) {
    throw new SettingsError('dsp', 'window length', n, 'an integer from 1 to 16777216 (samples)');
  }
  const coefficients = COEFFICIENTS[name];
  const values = new Float64Array(n);
  let sum = 0;
  let sumSquares = 0;
  for (let i = 0; i < n; i++) {
    const phase = (2 * Math.PI * i) / n;
    let w = 0;
    for (let k = 0; k < coefficients.length; k++) w += (k % 2 === 0 ? 1 : -1) * coefficients[k]! * Math.cos(k * phase);
    values[i] = w;
    sum += w;
    sumSquares += w * w;
  }
  const info: WindowInfo = Object.freeze({
    name,
    values,
    coherentGain: sum / n,
    enbwBins: (n * sumSquares) / (sum * sum),
    sum,
    sumSquares,
  });
  cache.set(key, info);
  return info;
}

/** True when `name` is one of {@link WINDOW_NAMES}. */
export function isWindowName(name: unknown): name is WindowName {
  return typeof name === 'string' && (WINDOW_NAMES as readonly string[]).includes(name);
}
