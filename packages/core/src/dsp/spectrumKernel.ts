import { SettingsError } from '../errors/SettingsError.js';
import { crossSpectrumVpk2 } from './crossSpectrum.js';
import { createFftPlan, type FftBackend, type RealFftPlan } from './fftPlan.js';
import { powerSpectrumVpk2 } from './powerSpectrum.js';
import { resolutionBandwidthHz } from './spectrumUnits.js';
import { makeWindow, type WindowInfo, type WindowName } from './windows.js';

/**
 * Window + real FFT + normalisation to Vpk², for blocks of a fixed length: everything the
 * spectrum analyzer does to one trace, with every buffer allocated once in the constructor.
 * Methods write into arrays the caller owns and allocate nothing, so a pipeline can run them on
 * every trace. Not re-entrant (it reuses its scratch buffers), which is fine: it is synchronous.
 *
 * @example
 * const k = new SpectrumKernel(16384, 'flattop');
 * const p1 = new Float64Array(k.bins), p2 = new Float64Array(k.bins);
 * k.powerPair(trace.ch1, trace.ch2, p1, p2);        // Vpk²
 * const rbw = k.rbwHz(trace.dt);                      // Hz
 * convertSpectrumUnit(p1, 'dBm', rbw, p1);
 *
 * // Averaging many traces: power and mean in one pass (what the spectrum analyzer's loop wants).
 * traces.forEach((tr, i) => k.accumulatePair(tr.ch1, tr.ch2, mean1, mean2, 1 / (i + 1)));
 */
export class SpectrumKernel {
  /** Block length in samples (the window's length). */
  readonly n: number;
  /** Zero-padding factor: the FFT is n · zeroPad points long (1: no padding). */
  readonly zeroPad: number;
  /** Output length: bins 0…(n·zeroPad)/2, i.e. n·zeroPad/2 + 1. */
  readonly bins: number;
  /** The window applied before the FFT. */
  readonly window: WindowInfo;
  /** The FFT plan (shared with every other kernel of the same size and backend). */
  readonly plan: RealFftPlan;

  /** The window's samples, or undefined for 'boxcar' (multiplying by 1 would waste a pass). */
  private readonly weights: Float64Array | undefined;
  private readonly re1: Float64Array;
  private readonly im1: Float64Array;
  private readonly re2: Float64Array;
  private readonly im2: Float64Array;
  /** With zero-padding: the windowed block followed by zeros, n · zeroPad samples. */
  private readonly padded: Float64Array | undefined;
  /** |X_k|² → Vpk² per bin: 1/(Σw)² at DC and Nyquist, 4/(Σw)² between (see `powerSpectrumVpk2`). */
  private readonly vpk2Scale: Float64Array;

  /**
   * @param n block length in samples: a power of two ≥ 4 (≥ 32 with 'pffft')
   * @param window window name (default 'hann')
   * @param backend FFT implementation (default 'fftjs'; 'pffft' needs `await initFftBackend('pffft')` first)
   * @param zeroPad zero-padding factor, a power of 2 (default 1): the spectrum is interpolated
   *   zeroPad times more finely (as PyRPL's ×16), which shows a tone's true peak between the
   *   unpadded bins; resolution (rbw) and each bin's density are unchanged, but neighbouring bins
   *   are no longer independent, so sums over bins count the power zeroPad times
   * @throws SettingsError for a bad length, window, backend or padding
   */
  constructor(n: number, window: WindowName = 'hann', backend: FftBackend = 'fftjs', zeroPad = 1) {
    if (!Number.isInteger(zeroPad) || zeroPad < 1 || (zeroPad & (zeroPad - 1)) !== 0) throw new SettingsError('dsp', 'zeroPad', zeroPad, 'a power of 2 ≥ 1');
    this.plan = createFftPlan(n * zeroPad, backend);
    this.window = makeWindow(window, n);
    this.n = n;
    this.zeroPad = zeroPad;
    this.padded = zeroPad > 1 ? new Float64Array(n * zeroPad) : undefined;
    this.bins = ((n * zeroPad) >>> 1) + 1;
    this.weights = window === 'boxcar' ? undefined : this.window.values;
    this.re1 = new Float64Array(this.bins);
    this.im1 = new Float64Array(this.bins);
    this.re2 = new Float64Array(this.bins);
    this.im2 = new Float64Array(this.bins);
    this.vpk2Scale = this.binScale();
  }

  /**
   * Per-bin factors that turn |X_k|² of this kernel's transform into Vpk² (4/(Σw)², 1/(Σw)² at
   * DC and Nyquist), multiplied by `gain` if given: what `accumulatePair`'s `scale` expects. A
   * fresh array the caller owns.
   *
   * @param gain optional per-bin factor (dimensionless, `bins` values), e.g. 1/|H(f)|² of a decimation filter to divide out
   * @throws SettingsError if `gain` has the wrong length
   */
  binScale(gain?: Float64Array): Float64Array {
    if (gain && gain.length !== this.bins) throw new SettingsError('dsp', 'gain length', gain.length, `${this.bins} (the kernel's bins)`);
    const edge = 1 / (this.window.sum * this.window.sum);
    const scale = new Float64Array(this.bins).fill(4 * edge);
    scale[0] = edge;
    scale[this.bins - 1] = edge;
    if (gain) for (let k = 0; k < scale.length; k++) scale[k]! *= gain[k]!;
    return scale;
  }

  /** Resolution bandwidth in Hz for samples `dtS` seconds apart: enbwBins / (n · dt). */
  rbwHz(dtS: number): number {
    return resolutionBandwidthHz(this.window, dtS);
  }

  /**
   * One-sided power spectrum of `input` in Vpk² (see `powerSpectrumVpk2`).
   *
   * @param input n samples in volts
   * @param out n/2+1 values in Vpk²
   */
  powerVpk2(input: Float64Array, out: Float64Array): void {
    this.transform(input, this.re1, this.im1);
    powerSpectrumVpk2(this.re1, this.im1, this.window.sum, out);
  }

  /**
   * Cross-spectrum conj(X1)·X2 of two blocks in Vpk² (see `crossSpectrumVpk2`).
   *
   * @param in1 n samples of ch1 in volts
   * @param in2 n samples of ch2 in volts
   * @param outRe n/2+1 values, real part in Vpk²
   * @param outIm n/2+1 values, imaginary part in Vpk²
   */
  crossSpectrum(in1: Float64Array, in2: Float64Array, outRe: Float64Array, outIm: Float64Array): void {
    this.transform(in1, this.re1, this.im1);
    this.transform(in2, this.re2, this.im2);
    crossSpectrumVpk2(this.re1, this.im1, this.re2, this.im2, this.window.sum, outRe, outIm);
  }

  /**
   * Both channels' power spectra, and optionally their cross-spectrum, from one FFT per channel
   * (what the spectrum analyzer does per trace).
   *
   * @param in1 n samples of ch1 in volts
   * @param in2 n samples of ch2 in volts
   * @param out1 n/2+1 values, ch1 in Vpk²
   * @param out2 n/2+1 values, ch2 in Vpk²
   * @param crossRe if given (with `crossIm`), real part of conj(X1)·X2 in Vpk²
   * @param crossIm imaginary part of conj(X1)·X2 in Vpk²
   */
  powerPair(in1: Float64Array, in2: Float64Array, out1: Float64Array, out2: Float64Array, crossRe?: Float64Array, crossIm?: Float64Array): void {
    this.transform(in1, this.re1, this.im1);
    this.transform(in2, this.re2, this.im2);
    const sum = this.window.sum;
    powerSpectrumVpk2(this.re1, this.im1, sum, out1);
    powerSpectrumVpk2(this.re2, this.im2, sum, out2);
    if (crossRe && crossIm) crossSpectrumVpk2(this.re1, this.im1, this.re2, this.im2, sum, crossRe, crossIm);
  }

  /**
   * Adds both channels' power spectra to running averages in one pass each: mean_k += (P_k −
   * mean_k) · weight, P_k the bin's power in Vpk² (times a per-bin `scale` if given). The spectrum
   * analyzer's inner loop without intermediate arrays; with weight 1 the means are overwritten,
   * so fresh arrays need no clearing. On 'pffft' the power is read from the transform's own
   * buffer (`RealFftPlan.accumulatePower`).
   *
   * @param in1 n samples of ch1 in volts
   * @param in2 n samples of ch2 in volts
   * @param mean1 n/2+1 values, ch1's average in Vpk², updated in place
   * @param mean2 n/2+1 values, ch2's average in Vpk², updated in place
   * @param weight the new spectra's weight: 1/count for an arithmetic mean, 1/N for an exponential one
   * @param scale per-bin |X|² → result factors from `binScale` (default: plain Vpk²)
   *
   * @example
   * for (let i = 1; i <= averages; i++) kernel.accumulatePair(traces[i - 1].ch1, traces[i - 1].ch2, mean1, mean2, 1 / i);
   */
  accumulatePair(in1: Float64Array, in2: Float64Array, mean1: Float64Array, mean2: Float64Array, weight: number, scale: Float64Array = this.vpk2Scale): void {
    this.accumulate(in1, mean1, weight, scale);
    this.accumulate(in2, mean2, weight, scale);
  }

  /**
   * One channel's power spectrum into a running average (as `accumulatePair` does for two).
   *
   * @param input n samples in volts
   * @param mean n/2+1 values in Vpk² (times `scale`), updated in place
   * @param weight the new spectrum's weight in (0, 1]
   * @param scale per-bin factors from `binScale` (default: plain Vpk²)
   */
  accumulate(input: Float64Array, mean: Float64Array, weight: number, scale: Float64Array = this.vpk2Scale): void {
    if (input.length !== this.n) throw new SettingsError('dsp', 'block length', input.length, `${this.n} samples (the kernel's length)`);
    if (scale.length !== this.bins) throw new SettingsError('dsp', 'scale length', scale.length, `${this.bins} (the kernel's bins)`);
    const padded = this.padded;
    if (!padded) return this.plan.accumulatePower(input, this.weights, scale, mean, weight);
    this.pad(input, padded);
    this.plan.accumulatePower(padded, undefined, scale, mean, weight);
  }

  private transform(input: Float64Array, re: Float64Array, im: Float64Array): void {
    if (input.length !== this.n) throw new SettingsError('dsp', 'block length', input.length, `${this.n} samples (the kernel's length)`);
    const padded = this.padded;
    if (!padded) return this.plan.forward(input, re, im, this.weights);
    this.pad(input, padded);
    this.plan.forward(padded, re, im);
  }

  /** Windows `input` into the first n samples of `padded`; the rest stays zero from construction. */
  private pad(input: Float64Array, padded: Float64Array): void {
    const w = this.weights;
    for (let i = 0; i < this.n; i++) padded[i] = w ? input[i]! * w[i]! : input[i]!;
  }
}
