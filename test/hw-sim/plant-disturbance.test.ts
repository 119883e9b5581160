import test from 'ava';
import { fabryPerot, michelson, type Plant } from '@labrx/hw-sim';
import { meanStd, run } from './plantHelpers.js';

const FP = { finesse: 3000, fsrHz: 1.5e9 } as const;

/** The disturbance (Hz or m) after each of n steps of dt. */
function trace(plant: Plant, n: number, dt: number, key = 'disturbanceHz'): Float64Array {
  const xs = new Float64Array(n);
  let i = 0;
  run(plant, n, dt, (_s, p) => (xs[i++] = p.state()[key]!));
  return xs;
}

test('drift: the offset is driftPerS·t (cavity in Hz/s, Michelson in m/s)', (t) => {
  const xs = trace(fabryPerot({ ...FP, driftHzPerS: 1234 }), 1000, 1e-4);
  t.true(Math.abs(xs[999]! - 1234 * 0.1) < 1e-9);
  const m = michelson({ driftMPerS: 1e-7, lengthOffsetM: 1e-9 });
  run(m, 10, 1e-3, () => {});
  t.true(Math.abs(m.state().disturbanceM! - 1e-9) < 1e-20 && Math.abs(m.state().lengthOffsetM! - 2e-9) < 1e-20);
});

test('random walk: increments of rms rate·√dt, independent, and deterministic for a seed', (t) => {
  const rate = 50; // Hz/√s
  const dt = 1e-5;
  const n = 40000;
  const xs = trace(fabryPerot({ ...FP, randomWalkHzPerRtS: rate, seed: 5 }), n, dt);
  const inc = new Float64Array(n - 1);
  for (let i = 1; i < n; i++) inc[i - 1] = xs[i]! - xs[i - 1]!;
  const { std } = meanStd(inc);
  // rms of n Gaussian increments: relative standard error √(1/(2n)) = 0.35 %; allowed 3σ
  t.true(Math.abs(std / (rate * Math.sqrt(dt)) - 1) < 3 * Math.sqrt(0.5 / n), `${std}`);
  // lag-1 correlation of independent increments: standard error 1/√n = 0.5 %; allowed 3σ
  let c = 0;
  for (let i = 1; i < inc.length; i++) c += inc[i]! * inc[i - 1]!;
  t.true(Math.abs(c / (inc.length - 1) / std ** 2) < 3 / Math.sqrt(n));
  const again = trace(fabryPerot({ ...FP, randomWalkHzPerRtS: rate, seed: 5 }), n, dt);
  t.deepEqual(again, xs);
  t.notDeepEqual(trace(fabryPerot({ ...FP, randomWalkHzPerRtS: rate, seed: 6 }), n, dt), xs);
});

test('Poisson kicks: count within 3σ of rate·T, exponential intervals, random signs, deterministic for a seed', (t) => {
  const rate = 20; // Hz
  const dt = 1e-4;
  const n = 1_000_000; // 100 s: 2000 kicks expected
  const size = 1e3;
  const xs = trace(fabryPerot({ ...FP, kickRateHz: rate, kickHz: size, seed: 9 }), n, dt);
  const times: number[] = [];
  let up = 0;
  for (let i = 1; i < n; i++) {
    const d = xs[i]! - xs[i - 1]!;
    if (d !== 0) {
      times.push((i + 1) * dt);
      if (d > 0) up++;
    }
  }
  const expected = rate * n * dt;
  // a step changes the offset by ±size (two kicks in one step, probability rate·dt = 0.2 % per kick, are rare: count them by kickCount)
  const p = fabryPerot({ ...FP, kickRateHz: rate, kickHz: size, seed: 9 });
  run(p, n, dt, () => {});
  const count = p.state().kickCount!;
  t.true(Math.abs(count - expected) < 3 * Math.sqrt(expected), `${count} kicks, expected ${expected} ± ${Math.sqrt(expected)}`);
  t.true(times.length <= count && times.length > count - 20);
  // intervals: exponential with mean 1/rate and standard deviation 1/rate (standard error of each ≈ (1/rate)/√N; allowed 3σ plus dt)
  const iv = times.slice(1).map((x, i) => x - times[i]!);
  const m = meanStd(iv);
  const se = 1 / rate / Math.sqrt(iv.length);
  t.true(Math.abs(m.mean - 1 / rate) < 3 * se + dt, `mean interval ${m.mean}`);
  // the sample std of an exponential has standard error √((µ4 − σ⁴)/(4σ²N)) = √2·(1/rate)/√N (µ4 = 9/rate⁴)
  t.true(Math.abs(m.std - 1 / rate) < 3 * Math.SQRT2 * se + dt, `interval std ${m.std}`);
  // signs: binomial(1/2) over the kicks, allowed 3σ
  t.true(Math.abs(up / times.length - 0.5) < 3 * 0.5 / Math.sqrt(times.length), `${up} up of ${times.length}`);
  t.deepEqual(trace(fabryPerot({ ...FP, kickRateHz: rate, kickHz: size, seed: 9 }), 10000, dt), xs.slice(0, 10000));
});

test('kicks at given times: a step of kickHz, or a damped ring kick·e^{−t/τ}·sin(2πft) that superposes exactly', (t) => {
  const dt = 1e-5;
  const xs = trace(fabryPerot({ ...FP, kicksAtS: [0.01, 0.02], kickHz: 500 }), 3000, dt);
  // applied in the first step whose end is after the kick time (rounding in i·dt: one step either way)
  const at = (s: number) => xs[Math.round(s / dt) - 1]!;
  t.is(at(0.0099), 0);
  t.is(at(0.0101), 500);
  t.is(at(0.0201), 1000);
  const f = 300, tau = 0.01, size = 2e-9;
  const m = michelson({ kicksAtS: [0.005, 0.012], kickM: size, kickShape: 'ring', kickRingHz: f, kickDecayS: tau });
  const ring = (age: number) => (age > 0 ? size * Math.exp(-age / tau) * Math.sin(2 * Math.PI * f * age) : 0);
  let worst = 0;
  run(m, 3000, dt, (_s, p, tS) => {
    // which step a kick lands in depends on i·dt rounding; skip the two steps around each kick
    if (Math.abs(tS - 0.005) < 2 * dt || Math.abs(tS - 0.012) < 2 * dt) return;
    worst = Math.max(worst, Math.abs(p.state().disturbanceM! - ring(tS - 0.005) - ring(tS - 0.012)));
  });
  t.true(worst < 1e-12 * size, `worst ${worst}`);
  t.is(m.state().kickCount, 2);
});
