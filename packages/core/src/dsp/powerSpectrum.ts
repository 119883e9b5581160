/**
 * Turns the bins 0…N/2 of a windowed real FFT into a one-sided power spectrum in Vpk².
 *
 * Normalisation (why these factors): a tone A·cos(2π f_k t + φ) at the centre of bin k gives
 * |X_k| = A·Σw/2, so |X_k|²·4/(Σw)² = A² whatever the window. Bin 0 (DC) and bin N/2 (Nyquist)
 * have no mirror image at negative frequency: a constant A gives |X_0| = A·Σw, and A·(−1)^n gives
 * |X_{N/2}| = A·Σw too, so they are scaled by 1/(Σw)² and read A² as well. `convertSpectrumUnit`
 * knows that these two bins hold no "peak vs rms" factor of two.
 *
 * @param re real parts of X_0…X_{N/2} (V·samples)
 * @param im imaginary parts, same length
 * @param windowSum Σw of the window applied before the FFT (dimensionless; N for boxcar)
 * @param out N/2+1 values in Vpk², owned by the caller (may alias neither input)
 *
 * @example
 * plan.forward(windowed, re, im);
 * powerSpectrumVpk2(re, im, makeWindow('hann', n).sum, out);
 */
export function powerSpectrumVpk2(re: Float64Array, im: Float64Array, windowSum: number, out: Float64Array): void {
  const last = out.length - 1;
  const edge = 1 / (windowSum * windowSum);
  const inner = 4 * edge;
  out[0] = edge * (re[0]! * re[0]! + im[0]! * im[0]!);
  for (let k = 1; k < last; k++) out[k] = inner * (re[k]! * re[k]! + im[k]! * im[k]!);
  if (last > 0) out[last] = edge * (re[last]! * re[last]! + im[last]! * im[last]!);
}

/**
 * `powerSpectrumVpk2` fused with averaging: mean_k += (P_k − mean_k) · weight, where P_k is the
 * bin's power in Vpk². With weight = 1/count this keeps the arithmetic mean of `count` spectra
 * (`addToRunningMean`); with a fixed weight 1/N, PyRPL's exponential continuous average
 * (`addToExponentialMean`). One pass instead of two, which is why it exists: at 16384 points the
 * separate passes cost about 15 % of a fft.js spectrum.
 *
 * @param re real parts of X_0…X_{N/2} (V·samples)
 * @param im imaginary parts, same length
 * @param windowSum Σw of the window (dimensionless)
 * @param mean N/2+1 values in Vpk², updated in place
 * @param weight the new spectrum's weight, in (0, 1]
 */
export function accumulatePowerVpk2(re: Float64Array, im: Float64Array, windowSum: number, mean: Float64Array, weight: number): void {
  const last = mean.length - 1;
  const edge = 1 / (windowSum * windowSum);
  const inner = 4 * edge;
  mean[0]! += (edge * (re[0]! * re[0]! + im[0]! * im[0]!) - mean[0]!) * weight;
  for (let k = 1; k < last; k++) mean[k]! += (inner * (re[k]! * re[k]! + im[k]! * im[k]!) - mean[k]!) * weight;
  if (last > 0) mean[last]! += (edge * (re[last]! * re[last]! + im[last]! * im[last]!) - mean[last]!) * weight;
}
