/**
 * Find a resonator's f0 and Q from a network-analyzer sweep.
 *
 * A coarse logarithmic sweep finds the peak; a fine linear sweep around it measures the response;
 * f0 is where the phase crosses 0° (H = gain / (1 + jQ(f/f0 − f0/f)) is real at f0), and Q comes from
 * the −3 dB points: Q = f0 / (f₊ − f₋).
 *
 * Run: pnpm exec tsx examples/resonance.ts
 */
import { connect, resonator, type FrequencyResponse } from 'labrx';

/** f0 (Hz) from the zero crossing of the phase, interpolated linearly. */
export function phaseZeroHz(h: FrequencyResponse): number {
  const ph = h.phaseDeg();
  for (let i = 1; i < ph.length; i++) {
    if (ph[i - 1]! > 0 && ph[i]! <= 0) return h.frequencies[i - 1]! + ((h.frequencies[i]! - h.frequencies[i - 1]!) * ph[i - 1]!) / (ph[i - 1]! - ph[i]!);
  }
  return NaN;
}

/** The two frequencies where |H| falls to peak/√2, interpolated linearly. */
export function halfPowerHz(h: FrequencyResponse): [number, number] {
  const m = h.magnitude();
  let k = 0;
  for (let i = 1; i < m.length; i++) if (m[i]! > m[k]!) k = i;
  const level = m[k]! / Math.SQRT2;
  const cross = (i: number, j: number) => h.frequencies[i]! + ((h.frequencies[j]! - h.frequencies[i]!) * (m[i]! - level)) / (m[i]! - m[j]!);
  let lo = NaN, hi = NaN;
  for (let i = k; i > 0; i--) if (m[i - 1]! < level) { lo = cross(i, i - 1); break; }
  for (let i = k; i < m.length - 1; i++) if (m[i + 1]! < level) { hi = cross(i, i + 1); break; }
  return [lo, hi];
}

export async function main({ quick = false } = {}): Promise<void> {
  const truth = { f0: 1.234e6, q: 35, gain: 0.8 };
  const rp = await connect({ sim: { seed: 5, dut: resonator(truth) } });
  const coarse = await rp.na.single({ start: 0.1e6, stop: 10e6, points: quick ? 101 : 201, logscale: true, rbw: 2e3 });
  const m = coarse.magnitude();
  const guess = coarse.frequencies[m.indexOf(Math.max(...m))]!;
  const span = (3 * guess) / truth.q;
  const fine = await rp.na.single({ start: guess - span, stop: guess + span, points: quick ? 101 : 301, logscale: false, rbw: 500 });
  const f0 = phaseZeroHz(fine);
  const [lo, hi] = halfPowerHz(fine);
  const q = f0 / (hi - lo);
  console.log(`coarse peak near ${(guess / 1e6).toFixed(4)} MHz`);
  console.log(`f0 = ${(f0 / 1e6).toFixed(6)} MHz (true ${(truth.f0 / 1e6).toFixed(6)}), Q = ${q.toFixed(2)} (true ${truth.q}), |H(f0)| = ${Math.max(...fine.magnitude()).toFixed(4)} (true ${truth.gain})`);
  await rp.close();
}

if (import.meta.url === `file://${process.argv[1]}`) await main({ quick: process.argv.includes('--quick') });
