import { dirichletKernel, type Complex } from '@labrx/core';

/**
 * The scope's boxcar (mean of `decimation` consecutive raw samples at rate `sampleRateHz`) seen
 * by a tone at `frequencyHz`, for a sample stamped at the first raw sample of its window:
 * the discrete Dirichlet kernel (core's `dirichletKernel`, real, may be negative) times
 * exp(+jπf(D−1)/fs), the phase of the window's centre relative to its start.
 *
 * With `boxcar` off (point sampling) or D = 1 it is exactly 1.
 */
export function boxcarResponse(frequencyHz: number, decimation: number, boxcar: boolean, sampleRateHz: number): Complex {
  if (!boxcar || decimation === 1 || frequencyHz === 0) return { re: 1, im: 0 };
  const dirichlet = dirichletKernel(frequencyHz, decimation, sampleRateHz);
  const shift = ((Math.PI * frequencyHz) / sampleRateHz) * (decimation - 1);
  return { re: dirichlet * Math.cos(shift), im: dirichlet * Math.sin(shift) };
}
