import type { Complex } from '../dut/Dut.js';
import type { InputComponent } from '../signal/SignalModel.js';

const TWO_PI = 2 * Math.PI;

/** sin(x)/x, 1 at 0. */
function sinc(x: number): number {
  return Math.abs(x) < 1e-8 ? 1 - (x * x) / 6 : Math.sin(x) / x;
}

/** The fractional part of x. */
function frac(x: number): number {
  return x - Math.floor(x);
}

/**
 * A lock-in's complex amplitude for a sum of sinusoids and a DC level over board times
 * [fromS, toS]: z = (2j/T)·∫ x(t)·e^(−jθ(t)) dt with θ(t) = 2π·f·(t − originS), so that
 * A·sin(θ + φ) reads exactly A·e^(jφ). Each component integrates in closed form
 * (∫ e^(jΔt) dt = T·e^(jΔ·t_c)·sinc(ΔT/2)), so the cost is per tone, not per sample. A component
 * at another frequency leaks in with sinc(π(f_k − f)T), and each component's negative-frequency
 * image with sinc(π(f_k + f)T), as for a rectangular integration window.
 *
 * The integral is continuous-time; the hardware sums samples at 125 MS/s, which differs by a
 * factor 1 − O((f/fs)²) (2.6e-4 at 10 MHz), negligible next to noise for the sweeps labrx does.
 *
 * @param tones the input's sinusoids, amplitude·sin(2π·frequency·t + phase) in board time t (s)
 * @param dc the input's DC level (V)
 * @param frequencyHz the local oscillator's frequency
 * @param originS board time (s) at which the local oscillator's phase is 0 (its generator's phase origin)
 */
export function demodulate(tones: readonly InputComponent[], dc: number, frequencyHz: number, originS: number, fromS: number, toS: number): Complex {
  const f = frequencyHz;
  const duration = toS - fromS;
  const centre = (fromS + toS) / 2;
  const lo = TWO_PI * frac(f * originS); // e^(+jω·origin) from the LO's phase reference
  let re = 0;
  let im = 0;
  for (const c of tones) {
    // a·e^(jp)·e^(jω origin)·e^(j(ω_k − ω)t_c)·sinc((ω_k − ω)T/2)
    const d = c.frequency - f;
    const g1 = c.amplitude * sinc(Math.PI * d * duration);
    const a1 = c.phase + lo + TWO_PI * frac(d * centre);
    // − a·e^(−jp)·e^(jω origin)·e^(−j(ω_k + ω)t_c)·sinc((ω_k + ω)T/2)
    const s = c.frequency + f;
    const g2 = c.amplitude * sinc(Math.PI * s * duration);
    const a2 = -c.phase + lo - TWO_PI * frac(s * centre);
    re += g1 * Math.cos(a1) - g2 * Math.cos(a2);
    im += g1 * Math.sin(a1) - g2 * Math.sin(a2);
  }
  if (dc !== 0) {
    // (2j/T)·dc·∫ e^(−jθ) dt = 2j·dc·e^(jω origin)·e^(−jω t_c)·sinc(ωT/2)
    const g = 2 * dc * sinc(Math.PI * f * duration);
    const a = lo - TWO_PI * frac(f * centre);
    re += -g * Math.sin(a);
    im += g * Math.cos(a);
  }
  return { re, im };
}
