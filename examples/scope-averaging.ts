/**
 * A noisy tone, averaged 1, 4, 16 and 64 times: the noise falls as 1/√averages while the tone stays.
 *
 * The generator drives out1 → (wire) → in1 and out1 → in2; the scope triggers on the generator
 * ('asg0'), so every trace starts at the same phase and averaging keeps the tone. in1 − in2 holds
 * only the two inputs' independent noise, so rms(in1 − in2)/√2 is the noise left on one channel.
 *
 * Run: pnpm exec tsx examples/scope-averaging.ts
 */
import { connect } from 'labrx';

export async function main({ quick = false } = {}): Promise<void> {
  const noiseDensity = 2e-6; // V/√Hz
  const rp = await connect({ sim: { seed: 11, noiseDensity } });
  await rp.asg0.set({ waveform: 'sine', frequency: 100e3, amplitude: 0.05, output: 'out1' });
  const decimation = 8;
  const sigma1 = noiseDensity * Math.sqrt(125e6 / decimation / 2); // boxcar-averaged noise per sample
  console.log(`tone 0.05 V at 100 kHz, noise ${noiseDensity} V/√Hz → σ = ${(sigma1 * 1e3).toFixed(3)} mV per sample at decimation ${decimation}`);
  console.log('averages   noise left (mV)   expected σ/√n (mV)   tone peak (mV)');
  for (const averages of quick ? [1, 4, 16] : [1, 4, 16, 64]) {
    const tr = await rp.scope.single({ decimation, trigger: 'asg0', averages });
    let s = 0;
    let peak = 0;
    for (let i = 0; i < tr.ch1.length; i++) {
      s += (tr.ch1[i]! - tr.ch2[i]!) ** 2;
      peak = Math.max(peak, Math.abs(tr.ch2[i]!));
    }
    const noise = Math.sqrt(s / tr.ch1.length / 2);
    console.log(
      `${String(averages).padStart(8)}   ${(noise * 1e3).toFixed(3).padStart(15)}   ${((sigma1 / Math.sqrt(averages)) * 1e3).toFixed(3).padStart(18)}   ${(peak * 1e3).toFixed(1).padStart(14)}`,
    );
  }
  await rp.close();
}

if (import.meta.url === `file://${process.argv[1]}`) await main({ quick: process.argv.includes('--quick') });
