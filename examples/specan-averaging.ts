/**
 * The seed's SpecAn: averaging FFTs of scope traces, as a pipeline. A weak tone sits in white
 * noise; as the number of averaged spectra grows, the noise floor's scatter shrinks (as 1/√n) while
 * its mean converges to the true density (a single spectrum reads low: the mean of √(χ²₂/2) is
 * √π/2 ≈ 0.886 of the rms), and the tone stands out ever more clearly.
 *
 * The spectrum analyzer is the scope's trace stream through window → FFT → |X|² → mean:
 *   rp.scope.acquisitions$(s).pipe(traceToPowerSpectrum({ window }), averageCount(n, powerSpectrumLens), toSpectrumUnit(unit))
 * which is exactly what `rp.specan.single$({ averages: n })` runs.
 *
 * Run: pnpm exec tsx examples/specan-averaging.ts
 */
import { connect } from 'labrx';

export async function main({ quick = false } = {}): Promise<void> {
  const rho = 1e-6; // V/√Hz
  const rp = await connect({ sim: { seed: 21, noiseDensity: rho } });
  await rp.asg0.set({ frequency: 1.2345e6, amplitude: 0.002, output: 'out1' });
  console.log(`noise ${rho} V/√Hz on each input, a 2 mV tone at 1.2345 MHz; span 3.9 MHz, hann window`);
  console.log('averages   floor mean (V/√Hz)   floor scatter   tone above floor (dB)');
  for (const averages of quick ? [1, 4, 16] : [1, 4, 16, 64, 256]) {
    const s = await rp.specan.single({ decimation: 16, window: 'hann', unit: 'Vrms/sqrt(Hz)', averages });
    // floor: the lowest fifth of the band, away from the tone
    const upTo = Math.floor(s.ch1.length / 5);
    let sum = 0, sum2 = 0;
    for (let k = 1; k < upTo; k++) {
      sum += s.ch1[k]!;
      sum2 += s.ch1[k]! ** 2;
    }
    const mean = sum / (upTo - 1);
    const scatter = Math.sqrt(sum2 / (upTo - 1) - mean * mean) / mean;
    let peak = 0;
    for (let k = 1; k < s.ch1.length; k++) peak = Math.max(peak, s.ch1[k]!);
    console.log(
      `${String(averages).padStart(8)}   ${mean.toExponential(3).padStart(18)}   ${(scatter * 100).toFixed(1).padStart(11)} %   ${(20 * Math.log10(peak / mean)).toFixed(1).padStart(21)}`,
    );
  }
  await rp.close();
}

if (import.meta.url === `file://${process.argv[1]}`) await main({ quick: process.argv.includes('--quick') });
