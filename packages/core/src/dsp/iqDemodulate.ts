import type { Complex } from './complex.js';
import { makeWindow, type WindowName } from './windows.js';

/** Options of `iqDemodulate` and `demodulateRatio`. */
export interface IqDemodulateOptions {
  /**
   * Window applied to the block (default 'boxcar'). With a whole number of periods in the block
   * 'boxcar' is exact; otherwise the tone's negative-frequency image leaks into the result, by the
   * window's sidelobe level at 2·f·T bins (T = block duration), and a 'hann' or 'blackman-harris'
   * window suppresses it.
   */
  readonly window?: WindowName;
}

/** Samples between exact recomputations of the phasor; the rotation recurrence in between drifts by ~1e-14. */
const RESYNC = 256;

/**
 * Demodulates a block of samples at frequency f (an IQ demodulator, in software).
 *
 * Convention: a signal x(t) = Re{ Z · e^{j2πft} } has complex amplitude Z, estimated as
 * Z = (2 / Σw) · Σ_n w_n · x_n · e^{−j2πf·t_n} with t_n = t0 + n·dt (for f = 0: Z = Σ w_n x_n / Σw,
 * the mean). So A·cos(2πft + p) gives Z = A·e^{jp}, and A·sin(2πft + p) gives Z = A·e^{j(p − π/2)}:
 * |Z| is the peak amplitude (volts for volts in), arg Z the phase of the cosine at t = 0.
 *
 * Exact (to rounding) when the block holds a whole number of periods of f (with a window of K
 * cosine terms, at least K/2 of them: 'hann' 1, 'flattop' 2.5); otherwise the result carries the
 * image's leakage, see `IqDemodulateOptions.window`. Allocates nothing when `out` is given.
 *
 * @param samples x_n, e.g. volts
 * @param dtS sample interval in seconds
 * @param t0S time of the first sample in seconds (sets the phase reference t = 0)
 * @param frequencyHz f in Hz (≥ 0)
 * @param options window
 * @param out where to write Z (returned); a new object when omitted
 *
 * @example
 * const z = iqDemodulate(trace.ch1, trace.dt, trace.t0, 1e6);
 * Math.hypot(z.re, z.im); // peak amplitude of the 1 MHz component, V
 */
export function iqDemodulate(samples: Float64Array, dtS: number, t0S: number, frequencyHz: number, options?: IqDemodulateOptions, out?: Complex): Complex {
  const n = samples.length;
  const result = out ?? { re: 0, im: 0 };
  const name = options?.window ?? 'boxcar';
  const window = name === 'boxcar' || n === 0 ? undefined : makeWindow(name, n);
  const w = window?.values;
  const sumW = window ? window.sum : n;
  // Rotation by e^{−j2πf·dt} per sample; the phasor is recomputed exactly every RESYNC samples
  // from the cycle count reduced to [0, 1), so that large f·t loses no phase precision.
  const step = 2 * Math.PI * frequencyHz * dtS;
  const cr = Math.cos(step);
  const ci = -Math.sin(step);
  const fT0 = frequencyHz * t0S;
  const fDt = frequencyHz * dtS;
  let sr = 0;
  let si = 0;
  for (let start = 0; start < n; start += RESYNC) {
    let cycles = fT0 + fDt * start;
    cycles -= Math.floor(cycles);
    let pr = Math.cos(2 * Math.PI * cycles);
    let pi = -Math.sin(2 * Math.PI * cycles);
    const end = Math.min(n, start + RESYNC);
    for (let i = start; i < end; i++) {
      const x = w ? samples[i]! * w[i]! : samples[i]!;
      sr += x * pr;
      si += x * pi;
      const nr = pr * cr - pi * ci;
      pi = pr * ci + pi * cr;
      pr = nr;
    }
  }
  const scale = (frequencyHz === 0 ? 1 : 2) / sumW;
  result.re = sr * scale;
  result.im = si * scale;
  return result;
}

const zIn: Complex = { re: 0, im: 0 };
const zRef: Complex = { re: 0, im: 0 };

/**
 * Complex ratio Z_input / Z_reference of two simultaneously sampled blocks demodulated at f (the
 * network analyzer's transfer function H(f), computed in software from scope traces when a board
 * has no IQ modules). The time origin cancels in the ratio, so no t0 is needed. A reference with
 * no component at f gives a non-finite result.
 *
 * @param inputBlock samples of the response (e.g. in1, volts)
 * @param referenceBlock samples of the excitation (e.g. in2, volts), same length and times
 * @param frequencyHz f in Hz
 * @param dtS sample interval in seconds
 * @param options window (see `IqDemodulateOptions`)
 * @param out where to write the ratio (returned); a new object when omitted
 *
 * @example
 * const h = demodulateRatio(trace.ch1, trace.ch2, 1e6, trace.dt);
 * Math.atan2(h.im, h.re); // phase of in1 relative to in2 at 1 MHz, rad
 */
export function demodulateRatio(
  inputBlock: Float64Array,
  referenceBlock: Float64Array,
  frequencyHz: number,
  dtS: number,
  options?: IqDemodulateOptions,
  out?: Complex,
): Complex {
  const result = out ?? { re: 0, im: 0 };
  iqDemodulate(inputBlock, dtS, 0, frequencyHz, options, zIn);
  iqDemodulate(referenceBlock, dtS, 0, frequencyHz, options, zRef);
  const d = zRef.re * zRef.re + zRef.im * zRef.im;
  // zIn / zRef = zIn · conj(zRef) / |zRef|²
  result.re = (zIn.re * zRef.re + zIn.im * zRef.im) / d;
  result.im = (zIn.im * zRef.re - zIn.re * zRef.im) / d;
  return result;
}
