/**
 * One-sided cross-spectrum conj(X1)·X2 of two windowed real FFTs, normalised like
 * `powerSpectrumVpk2` (4/(Σw)² inside, 1/(Σw)² at DC and Nyquist), so that in Vpk²:
 * - for ch1 = ch2 it equals the power spectrum (imaginary part 0);
 * - for two tones A1·cos(ωt+φ1), A2·cos(ωt+φ2) at a bin centre it is A1·A2·e^{j(φ2−φ1)}:
 *   its argument is the phase of ch2 relative to ch1, its magnitude the product of the peaks.
 *
 * @param re1 real parts of ch1's X_0…X_{N/2} (V·samples)
 * @param im1 imaginary parts of ch1's bins
 * @param re2 real parts of ch2's bins
 * @param im2 imaginary parts of ch2's bins
 * @param windowSum Σw of the window (dimensionless)
 * @param outRe real part, N/2+1 values in Vpk², owned by the caller
 * @param outIm imaginary part, N/2+1 values in Vpk², owned by the caller
 */
export function crossSpectrumVpk2(
  re1: Float64Array,
  im1: Float64Array,
  re2: Float64Array,
  im2: Float64Array,
  windowSum: number,
  outRe: Float64Array,
  outIm: Float64Array,
): void {
  const last = outRe.length - 1;
  const edge = 1 / (windowSum * windowSum);
  const inner = 4 * edge;
  for (let k = 0; k <= last; k++) {
    const s = k === 0 || k === last ? edge : inner;
    const ar = re1[k]!;
    const ai = im1[k]!;
    const br = re2[k]!;
    const bi = im2[k]!;
    // (ar − j·ai)(br + j·bi)
    outRe[k] = s * (ar * br + ai * bi);
    outIm[k] = s * (ar * bi - ai * br);
  }
}
