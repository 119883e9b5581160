/**
 * Squared magnitude of an IQ module's quadrature filter at `offsetHz` from its demodulation
 * frequency (dimensionless): the product over its first-order stages of 1/(1 + (f/fc)²) for a
 * low-pass stage (cutoff fc > 0) and (f/fc)²/(1 + (f/fc)²) for a high-pass one (cutoff −fc < 0);
 * stages of cutoff 0 are off. PyRPL's `transfer_function_iq` (spectrum_analyzer.py), whose
 * 1/(1 + j·f/fc) per stage this is the |·|² of: the FPGA's stages y += 2^−k·(x − y) at 125 MHz
 * are that to within (f/125 MHz)².
 *
 * @param offsetHz frequency offset from the demodulation frequency, Hz (either sign)
 * @param cutoffsHz the stages' cutoffs, Hz, as the module reads them back
 *
 * @example
 * iqFilterPowerResponse(1e3, [1e3]); // 0.5 (−3 dB)
 */
export function iqFilterPowerResponse(offsetHz: number, cutoffsHz: readonly number[]): number {
  let h = 1;
  for (const fc of cutoffsHz) {
    if (fc === 0) continue;
    const x = offsetHz / Math.abs(fc);
    const x2 = x * x;
    h *= fc > 0 ? 1 / (1 + x2) : x2 / (1 + x2);
  }
  return h;
}
