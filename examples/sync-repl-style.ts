/**
 * A script written the way one types at a REPL: configure, acquire, print — no `await` anywhere.
 * `connectSync` runs the board in an engine thread; every call below blocks until its result is in.
 *
 * A 1 MHz resonator (Q 20, gain 0.5) sits between out1 and in1; out1 also goes to in2.
 *
 * Run: pnpm exec tsx examples/sync-repl-style.ts
 */
import { connectSync } from 'labrx';

export async function main({ quick = false } = {}): Promise<void> {
  const rp = connectSync({ sim: { seed: 7, noiseDensity: 1e-7, dut: { kind: 'resonator', f0: 1e6, q: 20, gain: 0.5 } } });

  rp.asg0.set({ waveform: 'sine', frequency: 1e6, amplitude: 0.5, output: 'out1' });
  console.log('asg0:', rp.asg0.settings);

  const trace = rp.scope.single({ decimation: 8, trigger: 'asg0', averages: quick ? 2 : 8 });
  const rms = (xs: Float64Array): number => Math.sqrt(xs.reduce((s, x) => s + x * x, 0) / xs.length);
  console.log(`scope: ${trace.ch1.length} points, dt ${trace.dt * 1e9} ns; rms in1 ${(rms(trace.ch1) * 1e3).toFixed(1)} mV, in2 ${(rms(trace.ch2) * 1e3).toFixed(1)} mV`);
  console.log(`       in1/in2 = ${(rms(trace.ch1) / rms(trace.ch2)).toFixed(3)} (the resonator's gain at f0: 0.5)`);

  const spectrum = rp.specan.single({ span: 5e6, window: 'flattop', unit: 'Vpk^2' });
  let peak = 0;
  for (let i = 1; i < spectrum.ch1.length; i++) if (spectrum.ch1[i]! > spectrum.ch1[peak]!) peak = i;
  console.log(`specan: in1 peak at ${(spectrum.frequencies[peak]! / 1e6).toFixed(3)} MHz, ${Math.sqrt(spectrum.ch1[peak]!).toFixed(3)} Vpk`);

  const response = rp.na.single({ start: 0.9e6, stop: 1.1e6, points: quick ? 21 : 81, rbw: 1e4, amplitude: 0.2 });
  const magnitude = response.magnitude();
  let top = 0;
  for (let i = 1; i < magnitude.length; i++) if (magnitude[i]! > magnitude[top]!) top = i;
  console.log(`na: |H| peaks at ${(response.frequencies[top]! / 1e6).toFixed(4)} MHz, |H| = ${magnitude[top]!.toFixed(3)}, phase ${response.phaseDeg()[top]!.toFixed(1)}°`);

  let n = 0;
  for (const t of rp.scope.stream({ decimation: 64 })) {
    console.log(`stream: trace ${++n} triggered at ${t.timestamp.toFixed(1)} ms`);
    if (n === 3) break; // stops the acquisition in the engine
  }
  console.log('scope now:', rp.scope.state);
  rp.close();
}

if (import.meta.url === `file://${process.argv[1]}`) await main({ quick: process.argv.includes('--quick') });
