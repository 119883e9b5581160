import { SettingsError } from '../errors/SettingsError.js';

/** The Red Pitaya 125-14's ADC rate in samples per second, the default `sampleRateHz` below. */
const DEFAULT_SAMPLE_RATE_HZ = 125e6;

/**
 * Magnitude response of the scope's decimation filter: with decimation D the scope keeps the mean
 * of D consecutive ADC samples (a boxcar), whose response at frequency f is the discrete Dirichlet
 * kernel |sin(π f D / fs) / (D · sin(π f / fs))| (dimensionless; 1 at DC, and 1 for every f when D = 1).
 * Inside the decimated band |f| ≤ fs/(2D) it falls to 2/π ≈ 0.637 (−3.9 dB) at the band edge.
 *
 * @param frequencyHz frequency in Hz
 * @param decimation D, an integer ≥ 1
 * @param sampleRateHz ADC rate fs in samples per second (default 125e6)
 * @throws SettingsError for a decimation that is not an integer ≥ 1
 *
 * @example
 * decimationResponse(0, 64);          // 1
 * decimationResponse(125e6 / 128, 64) // 0.6367 (band edge: 2/π for large D)
 */
export function decimationResponse(frequencyHz: number, decimation: number, sampleRateHz: number = DEFAULT_SAMPLE_RATE_HZ): number {
  checkDecimation(decimation);
  return Math.abs(dirichletKernel(frequencyHz, decimation, sampleRateHz));
}

/**
 * The discrete Dirichlet kernel sin(π f D / fs) / (D · sin(π f / fs)): the signed (real) response of
 * a D-sample boxcar mean to a tone at f, relative to the window's centre. 1 at DC and for D = 1; at
 * multiples of fs, where both sines vanish, its limit ±1 is returned as 1 (every sample equal).
 * The one implementation of the boxcar response: the scope's decimation filter here, the
 * simulator's boxcar (with the window's phase) and the network analyzer's software demodulation.
 *
 * @param frequencyHz frequency in Hz
 * @param decimation D (samples averaged)
 * @param sampleRateHz raw sample rate fs in samples per second
 */
export function dirichletKernel(frequencyHz: number, decimation: number, sampleRateHz: number): number {
  if (decimation === 1) return 1;
  const x = (Math.PI * frequencyHz) / sampleRateHz;
  const den = decimation * Math.sin(x);
  return Math.abs(den) < 1e-300 ? 1 : Math.sin(decimation * x) / den;
}

/**
 * Divides a spectrum in Vpk² by the squared decimation response at each bin, as PyRPL does, so
 * that a tone reads its true A² anywhere in the band and not only near DC. Valid inside the
 * decimated band (|f| < fs/D), where the response has no zero.
 *
 * @param vpk2 spectrum in Vpk² (or any power unit, linear)
 * @param frequenciesHz the bins' frequencies in Hz, same length
 * @param decimation D, an integer ≥ 1
 * @param sampleRateHz ADC rate fs in samples per second (default 125e6)
 * @param out result, same length, owned by the caller (may be `vpk2`)
 */
export function compensateDecimation(
  vpk2: Float64Array,
  frequenciesHz: Float64Array,
  decimation: number,
  sampleRateHz: number = DEFAULT_SAMPLE_RATE_HZ,
  out: Float64Array = vpk2,
): void {
  checkDecimation(decimation);
  if (decimation === 1) {
    if (out !== vpk2) out.set(vpk2);
    return;
  }
  for (let k = 0; k < vpk2.length; k++) {
    const h = decimationResponse(frequenciesHz[k]!, decimation, sampleRateHz);
    out[k] = vpk2[k]! / (h * h);
  }
}

function checkDecimation(decimation: number): void {
  if (!Number.isInteger(decimation) || decimation < 1) throw new SettingsError('dsp', 'decimation', decimation, 'an integer ≥ 1');
}
