import test from 'ava';
import { FFT_BACKENDS, SettingsError, createFftPlan, initFftBackend, isFftBackendReady, type FftBackend } from '@labrx/core';
import { fillGaussian, uniformSource } from './_gaussian.js';

test.before(async () => {
  await initFftBackend('pffft');
});

/**
 * Naive DFT of bins `ks` with an exact twiddle table (index k·n mod N, so no phase grows with k·n)
 * and plain summation: error ~ √N · ε · rms(x), far below the tolerances below.
 */
function naiveDft(x: Float64Array, ks: readonly number[]): { re: Float64Array; im: Float64Array } {
  const n = x.length;
  const cos = new Float64Array(n);
  const sin = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    cos[i] = Math.cos((2 * Math.PI * i) / n);
    sin[i] = Math.sin((2 * Math.PI * i) / n);
  }
  const re = new Float64Array(ks.length);
  const im = new Float64Array(ks.length);
  ks.forEach((k, j) => {
    let sr = 0;
    let si = 0;
    for (let i = 0, idx = 0; i < n; i++, idx = (idx + k) % n) {
      sr += x[i]! * cos[idx]!;
      si -= x[i]! * sin[idx]!;
    }
    re[j] = sr;
    im[j] = si;
  });
  return { re, im };
}

// Tolerances:
// - fftjs, Float64, relative to ‖x‖₂ (= the rms of |X_k| over all N bins, by Parseval): a radix-4
//   FFT's error is ~ ε·log2 N ≈ 2.2e-16 · 14 ≈ 3e-15 of that; 1e-9 is the brief's bound.
// - pffft, Float32, relative to the largest bin max|X_k|: input rounding (u = 6e-8) plus at most
//   u·log2 N = 8.4e-7 from the transform at N = 16384, so < 1e-6 (measured: about 7e-8).
const TOLERANCE: Record<FftBackend, number> = { fftjs: 1e-9, pffft: 1e-6 };

for (const backend of FFT_BACKENDS) {
  test(`${backend}: forward matches a naive DFT on random data, sizes ${backend === 'pffft' ? 32 : 8}…16384`, (t) => {
    const uniform = uniformSource(12345);
    const minSize = backend === 'pffft' ? 32 : 8;
    for (let n = minSize; n <= 16384; n *= 2) {
      const x = fillGaussian(new Float64Array(n), 1, uniform);
      for (let i = 0; i < n; i++) x[i]! += 0.3; // a DC offset, so that bin 0 is tested with a real value
      const plan = createFftPlan(n, backend);
      const re = new Float64Array(n / 2 + 1);
      const im = new Float64Array(n / 2 + 1);
      plan.forward(x, re, im);
      // Every bin up to 1024 points; above, DC, Nyquist and 64 bins spread over the band (the
      // naive DFT costs N per bin).
      const ks: number[] = [];
      if (n <= 1024) for (let k = 0; k <= n / 2; k++) ks.push(k);
      else {
        ks.push(0, 1, n / 2 - 1, n / 2);
        for (let j = 0; j < 64; j++) ks.push(1 + Math.floor(uniform() * (n / 2 - 1)));
      }
      const ref = naiveDft(x, ks);
      let norm = 0;
      for (const v of x) norm += v * v;
      norm = Math.sqrt(norm);
      if (backend === 'pffft') for (let k = 0; k <= n / 2; k++) norm = Math.max(norm, Math.hypot(re[k]!, im[k]!));
      let worst = 0;
      ks.forEach((k, j) => {
        worst = Math.max(worst, Math.hypot(re[k]! - ref.re[j]!, im[k]! - ref.im[j]!) / norm);
      });
      t.true(worst < TOLERANCE[backend], `n=${n}: worst error ${worst.toExponential(2)} of the scale`);
      if (n === 16384) t.log(`${backend} n=${n}: worst error ${worst.toExponential(2)} of ${backend === 'pffft' ? 'max|X_k|' : '‖x‖'}`);
      // DC and Nyquist of a real signal are real.
      t.true(Math.abs(im[0]!) <= TOLERANCE[backend] * norm && Math.abs(im[n / 2]!) <= TOLERANCE[backend] * norm);
    }
  });
}

test('fftjs: forward writes exactly bins 0…N/2 and does not touch its input', (t) => {
  const n = 64;
  const x = fillGaussian(new Float64Array(n), 1, uniformSource(1));
  const copy = x.slice();
  const re = new Float64Array(n).fill(7);
  const im = new Float64Array(n).fill(7);
  createFftPlan(n).forward(x, re, im);
  t.deepEqual(x, copy);
  for (let k = n / 2 + 1; k < n; k++) t.true(re[k] === 7 && im[k] === 7);
});

for (const backend of FFT_BACKENDS) {
  test(`${backend}: forward(x, re, im, w) equals forward(w·x, re, im) and leaves x alone`, (t) => {
    const n = 256;
    const x = fillGaussian(new Float64Array(n), 1, uniformSource(5));
    const copy = x.slice();
    const w = new Float64Array(n).map((_, i) => 0.5 - 0.5 * Math.cos((2 * Math.PI * i) / n));
    const wx = x.map((v, i) => v * w[i]!);
    const plan = createFftPlan(n, backend);
    const a = [new Float64Array(n / 2 + 1), new Float64Array(n / 2 + 1)] as const;
    const b = [new Float64Array(n / 2 + 1), new Float64Array(n / 2 + 1)] as const;
    plan.forward(x, a[0], a[1], w);
    plan.forward(wx, b[0], b[1]);
    t.deepEqual(x, copy);
    // The same products, rounded the same way (to Float64, then to Float32 for pffft): identical.
    t.deepEqual(a, b);
  });
}

test('pffft: a plan still transforms correctly after a larger plan grew the WebAssembly heap (its heap views are rebuilt)', (t) => {
  const n = 128;
  const plan = createFftPlan(n, 'pffft');
  const x = fillGaussian(new Float64Array(n), 1, uniformSource(11));
  const before = [new Float64Array(n / 2 + 1), new Float64Array(n / 2 + 1)] as const;
  plan.forward(x, before[0], before[1]);
  const scale = new Float64Array(n / 2 + 1).fill(1);
  const powerBefore = new Float64Array(n / 2 + 1);
  plan.accumulatePower(x, undefined, scale, powerBefore, 1);
  // 3 × 16 MiB of buffers: more than the heap held, so it grows and the old ArrayBuffer is detached
  createFftPlan(1 << 22, 'pffft');
  const after = [new Float64Array(n / 2 + 1), new Float64Array(n / 2 + 1)] as const;
  plan.forward(x, after[0], after[1]);
  const powerAfter = new Float64Array(n / 2 + 1);
  plan.accumulatePower(x, undefined, scale, powerAfter, 1);
  t.deepEqual(after, before);
  t.deepEqual(powerAfter, powerBefore);
  // and the power is |X_k|² of forward's bins, bit for bit (accumulatePower runs the SIMD glue,
  // forward the JavaScript loops: the same IEEE operations), with a window too
  for (let k = 0; k <= n / 2; k++) t.is(powerAfter[k], after[0][k]! ** 2 + after[1][k]! ** 2);
  const w = Float64Array.from({ length: n }, (_, i) => 0.5 - 0.5 * Math.cos((2 * Math.PI * i) / n));
  plan.forward(x, after[0], after[1], w);
  plan.accumulatePower(x, w, scale, powerAfter, 1);
  for (let k = 0; k <= n / 2; k++) t.is(powerAfter[k], after[0][k]! ** 2 + after[1][k]! ** 2);
  // weight ½ into a mean that held 1: (1 + P)/2 per bin
  const half = new Float64Array(n / 2 + 1).fill(1);
  plan.accumulatePower(x, w, scale, half, 0.5);
  for (let k = 0; k <= n / 2; k++) t.is(half[k], 1 + (powerAfter[k]! - 1) * 0.5);
});

test('plans are cached per (backend, size)', (t) => {
  t.is(createFftPlan(256), createFftPlan(256, 'fftjs'));
  t.not(createFftPlan(256), createFftPlan(512));
  t.not(createFftPlan(256), createFftPlan(256, 'pffft'));
  t.is(createFftPlan(256, 'pffft').backend, 'pffft');
  t.true(isFftBackendReady('fftjs') && isFftBackendReady('pffft'));
});

test('bad sizes and backends throw SettingsError', (t) => {
  for (const n of [0, 2, 3, 100, 1.5, 2 ** 25]) t.throws(() => createFftPlan(n), { instanceOf: SettingsError }, `size ${n}`);
  t.throws(() => createFftPlan(16, 'pffft'), { instanceOf: SettingsError });
  t.throws(() => createFftPlan(64, 'kissfft' as FftBackend), { instanceOf: SettingsError });
});
