import test from 'ava';
import { WINDOW_NAMES, demodulateRatio, iqDemodulate, type Complex } from '@labrx/core';

const DT = 8e-9; // s, 125 MS/s
const N = 16384;
const T = N * DT; // block duration, s
const T0 = -(N / 2) * DT; // s, like a scope trace centred on its trigger

function sampled(fn: (t: number) => number, n = N, dt = DT, t0 = T0): Float64Array {
  const x = new Float64Array(n);
  for (let i = 0; i < n; i++) x[i] = fn(t0 + i * dt);
  return x;
}

const distance = (a: Complex, b: Complex): number => Math.hypot(a.re - b.re, a.im - b.im);

test('a whole number of periods: A·sin(2πft + p) gives Z = A·e^{j(p − π/2)} within 1e-9, for every window from 3 periods on', (t) => {
  const a = 0.37;
  const p = 0.9;
  for (const periods of [1, 3, 100, 2047]) {
    const f = periods / T;
    const x = sampled((time) => a * Math.sin(2 * Math.PI * f * time + p));
    // A K-term cosine window's transform vanishes at whole-bin offsets ≥ K, so the image at 2fT bins
    // drops out once 2fT ≥ K (5 for flattop): one period is exact with boxcar only.
    for (const window of periods === 1 ? (['boxcar'] as const) : WINDOW_NAMES) {
      const z = iqDemodulate(x, DT, T0, f, { window });
      const expected = { re: a * Math.cos(p - Math.PI / 2), im: a * Math.sin(p - Math.PI / 2) };
      // Only rounding remains (~1e-15 × √N); 1e-9 V leaves a wide margin.
      t.true(distance(z, expected) < 1e-9, `${periods} periods, ${window}: |ΔZ| = ${distance(z, expected)}`);
    }
  }
});

test('a cosine gives Z = A·e^{jp}; the phase refers to t = 0, not to the first sample', (t) => {
  const f = 300 / T;
  const x = sampled((time) => 0.5 * Math.cos(2 * Math.PI * f * time - 2.5));
  const z = iqDemodulate(x, DT, T0, f);
  t.true(distance(z, { re: 0.5 * Math.cos(-2.5), im: 0.5 * Math.sin(-2.5) }) < 1e-9);
  // The same samples with the time origin at the first sample: phase shifts by 2π·f·T0.
  const z0 = iqDemodulate(x, DT, 0, f);
  const shift = Math.atan2(z0.im, z0.re) - Math.atan2(z.im, z.re);
  const expected = 2 * Math.PI * f * T0;
  const wrapped = Math.atan2(Math.sin(shift - expected), Math.cos(shift - expected));
  t.true(Math.abs(wrapped) < 1e-9);
});

test('f = 0 gives the mean; `out` is reused', (t) => {
  const x = sampled(() => 0.125);
  const out = { re: 9, im: 9 };
  t.is(iqDemodulate(x, DT, T0, 0, undefined, out), out);
  t.true(Math.abs(out.re - 0.125) < 1e-15 && Math.abs(out.im) < 1e-15);
});

test('a fractional number of periods: the error is exactly the image leakage, and a window bounds it', (t) => {
  const a = 1;
  const p = 0.4;
  const fT = 100.37; // periods in the block
  const f = fT / T;
  const x = sampled((time) => a * Math.cos(2 * Math.PI * f * time + p));
  const truth = { re: a * Math.cos(p), im: a * Math.sin(p) };
  // Boxcar: Ẑ = Z + Z*·D(ν) with ν = 2fT bins and |D(ν)| = |sin(πν) / (N·sin(πν/N))| (Dirichlet),
  // so the error magnitude is predicted exactly: 1.156e-3 here.
  const nu = 2 * fT;
  const dirichlet = Math.abs(Math.sin(Math.PI * nu) / (N * Math.sin((Math.PI * nu) / N)));
  const boxErr = distance(iqDemodulate(x, DT, T0, f), truth);
  t.true(Math.abs(boxErr - a * dirichlet) < 1e-9, `boxcar error ${boxErr} vs predicted ${a * dirichlet}`);
  // Hann: |W(ν)|/W(0) = |sin(πν)| / (πν|ν² − 1|) ≤ 1/(πν(ν² − 1)) = 3.9e-8 for ν = 200.74
  // (continuous-time form; the periodic n-point window differs by O(ν²/N²), covered by the factor 2).
  const hannBound = (2 * a) / (Math.PI * nu * (nu * nu - 1));
  const hannErr = distance(iqDemodulate(x, DT, T0, f, { window: 'hann' }), truth);
  t.true(hannErr < hannBound, `hann error ${hannErr} vs bound ${hannBound}`);
  t.log(`fractional periods: boxcar error ${boxErr.toExponential(3)} (predicted ${dirichlet.toExponential(3)}), hann ${hannErr.toExponential(3)} (bound ${hannBound.toExponential(3)})`);
});

test('demodulateRatio of a delayed tone gives its gain and delay', (t) => {
  const f = 100 / T; // 762.9 kHz, whole periods
  const tau = 123.4e-9; // s
  const input = sampled((time) => 0.5 * Math.sin(2 * Math.PI * f * (time - tau)));
  const reference = sampled((time) => Math.sin(2 * Math.PI * f * time));
  const h = demodulateRatio(input, reference, f, DT);
  // H = 0.5·e^{−j2πfτ}: gain 0.5, delay −arg H / (2πf) (|2πfτ| = 0.59 rad < π, so no wrap).
  t.true(Math.abs(Math.hypot(h.re, h.im) - 0.5) < 1e-12);
  const delay = -Math.atan2(h.im, h.re) / (2 * Math.PI * f);
  t.true(Math.abs(delay / tau - 1) < 1e-9, `delay ${delay}`);

  // Not a whole number of periods: with 'blackman-harris' the image leakage at ν ≈ 2·100.37 bins is
  // below 1e-9 of each amplitude, so the delay is still right within 1e-6.
  const g = 100.37 / T;
  const input2 = sampled((time) => 0.5 * Math.sin(2 * Math.PI * g * (time - tau)));
  const reference2 = sampled((time) => Math.sin(2 * Math.PI * g * time));
  const out = { re: 0, im: 0 };
  const h2 = demodulateRatio(input2, reference2, g, DT, { window: 'blackman-harris' }, out);
  t.is(h2, out);
  const delay2 = -Math.atan2(h2.im, h2.re) / (2 * Math.PI * g);
  t.true(Math.abs(delay2 / tau - 1) < 1e-6, `delay ${delay2}`);
});
