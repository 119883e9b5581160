import FFT from 'fft.js';
import { SettingsError } from '../errors/SettingsError.js';
import { resolutionBandwidthHz } from './spectrumUnits.js';
import { makeWindow, type WindowInfo, type WindowName } from './windows.js';

/** fft.js's complex transform, typed: `transform(out, data)` on interleaved (re, im) pairs, sign e^{−j2πkn/N}. */
interface ComplexFftJs {
  readonly size: number;
  transform(out: Float64Array, data: Float64Array): void;
}

const ComplexFftCtor = FFT as unknown as new (size: number) => ComplexFftJs;

/**
 * Window + complex FFT + normalisation to Vpk² for a complex baseband block z = I + jQ (what an IQ
 * module's two quadratures give, PyRPL's spectrum analyzer in iq mode): a two-sided spectrum whose
 * bins run from −fs/2 to fs/2 − fs/N (fftshift order) around the demodulation frequency.
 *
 * Normalisation: a complex tone z = g·A·e^{j(2π f_k t + φ)} at the centre of bin k gives
 * |Z_k| = g·A·Σw, so |Z_k|²/(g·Σw)² = A² whatever the window. `g` is the demodulator's gain
 * (`quadratureGain`): an IQ module that turns A·sin(2π(f_c + Δf)t + φ) into I + jQ = g·A·e^{j(2πΔf t + φ')}
 * (PyRPL's FPGA with quadrature_factor 1: g = 1/2). So a tone reads A² Vpk², as in baseband
 * mode, and white noise of one-sided density S (V²/Hz) at the demodulator's input, which becomes
 * complex noise of two-sided density 2g²·S, reads 2·S·rbw Vpk² per bin, i.e. S in 'Vrms^2/Hz',
 * as in baseband mode. No bin is special (no DC or Nyquist edge: use `edges: 'none'` when converting units).
 *
 * Buffers are allocated once; `powerVpk2` allocates nothing. Not re-entrant (synchronous).
 *
 * @example
 * const k = new ComplexSpectrumKernel(16384, 'flattop');
 * const p = new Float64Array(k.bins);
 * k.powerVpk2(trace.ch1, trace.ch2, 0.5, p);  // p[k.bins / 2] is the centre frequency
 */
export class ComplexSpectrumKernel {
  /** Block length in samples (the window's length). */
  readonly n: number;
  /** Zero-padding factor (a power of 2): the FFT is n · zeroPad points long. */
  readonly zeroPad: number;
  /** Output length: n · zeroPad bins, from −fs/2 (bin 0) to fs/2 − fs/(n·zeroPad); bin bins/2 is 0 Hz offset. */
  readonly bins: number;
  /** The window applied before the FFT. */
  readonly window: WindowInfo;
  private readonly fft: ComplexFftJs;
  private readonly data: Float64Array;
  private readonly spectrum: Float64Array;

  /**
   * @param n block length in samples: a power of two from 4 to 2^22
   * @param window window name (default 'hann')
   * @param zeroPad zero-padding factor, a power of 2 (default 1)
   * @throws SettingsError for a bad length or padding
   */
  constructor(n: number, window: WindowName = 'hann', zeroPad = 1) {
    if (!Number.isInteger(n) || n < 4 || n > 1 << 22 || (n & (n - 1)) !== 0) throw new SettingsError('dsp', 'block length', n, 'a power of 2 from 4 to 4194304 (samples)');
    if (!Number.isInteger(zeroPad) || zeroPad < 1 || zeroPad > 64 || (zeroPad & (zeroPad - 1)) !== 0) throw new SettingsError('dsp', 'zeroPad', zeroPad, 'a power of 2 from 1 to 64');
    this.n = n;
    this.zeroPad = zeroPad;
    this.bins = n * zeroPad;
    this.window = makeWindow(window, n);
    this.fft = new ComplexFftCtor(this.bins);
    this.data = new Float64Array(2 * this.bins);
    this.spectrum = new Float64Array(2 * this.bins);
  }

  /** Resolution bandwidth in Hz for samples `dtS` seconds apart: enbwBins / (n · dt). */
  rbwHz(dtS: number): number {
    return resolutionBandwidthHz(this.window, dtS);
  }

  /**
   * Two-sided power spectrum of z = i + j·q in Vpk², fftshifted: out[m] is the offset
   * (m − bins/2) / (bins · dt) from the demodulation frequency.
   *
   * @param i n samples of the in-phase quadrature, V
   * @param q n samples of the quadrature, V
   * @param quadratureGain g, the demodulator's gain (dimensionless, > 0): z = g·A·e^{jφ} for a tone of amplitude A
   * @param out `bins` values in Vpk², owned by the caller
   * @throws SettingsError for blocks of the wrong length or a gain that is not above 0
   */
  powerVpk2(i: Float64Array, q: Float64Array, quadratureGain: number, out: Float64Array): void {
    const n = this.n;
    if (i.length !== n || q.length !== n) throw new SettingsError('dsp', 'block length', i.length !== n ? i.length : q.length, `${n} samples (the kernel's length)`);
    if (out.length !== this.bins) throw new SettingsError('dsp', 'output length', out.length, `${this.bins} (the kernel's bins)`);
    if (!(quadratureGain > 0) || !Number.isFinite(quadratureGain)) throw new SettingsError('dsp', 'quadratureGain', quadratureGain, 'a finite number above 0');
    const w = this.window.values;
    const d = this.data;
    for (let k = 0, j = 0; k < n; k++, j += 2) {
      d[j] = i[k]! * w[k]!;
      d[j + 1] = q[k]! * w[k]!;
    }
    // the padding (if any) stays zero from construction
    this.fft.transform(this.spectrum, d);
    const s = this.spectrum;
    const g = quadratureGain * this.window.sum;
    const scale = 1 / (g * g);
    const bins = this.bins;
    const half = bins >>> 1;
    for (let m = 0; m < bins; m++) {
      const k = (m + half) & (bins - 1); // fftshift: out[0] is bin −bins/2
      const re = s[2 * k]!;
      const im = s[2 * k + 1]!;
      out[m] = scale * (re * re + im * im);
    }
  }
}
