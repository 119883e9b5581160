import type { Complex } from '../dut/Dut.js';

/**
 * The scope's boxcar (mean of `decimation` consecutive raw samples at rate `sampleRateHz`) seen
 * by a tone at `frequencyHz`, for a sample stamped at the first raw sample of its window:
 * the discrete Dirichlet kernel sin(πfD/fs) / (D·sin(πf/fs)) (real, may be negative) times
 * exp(+jπf(D−1)/fs), the phase of the window's centre relative to its start.
 *
 * With `boxcar` off (point sampling) or D = 1 it is exactly 1.
 */
export function boxcarResponse(frequencyHz: number, decimation: number, boxcar: boolean, sampleRateHz: number): Complex {
  if (!boxcar || decimation === 1 || frequencyHz === 0) return { re: 1, im: 0 };
  const x = (Math.PI * frequencyHz) / sampleRateHz;
  const den = decimation * Math.sin(x);
  // at multiples of fs the kernel's limit is ±1 (every raw sample of the window is the same)
  const dirichlet = Math.abs(den) < 1e-300 ? 1 : Math.sin(x * decimation) / den;
  const shift = x * (decimation - 1);
  return { re: dirichlet * Math.cos(shift), im: dirichlet * Math.sin(shift) };
}
