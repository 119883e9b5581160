import test from 'ava';
import { ComplexSpectrumKernel, iqFilterPowerResponse, SettingsError, WINDOW_NAMES } from '@labrx/core';
import { fillGaussian, uniformSource } from './_gaussian.js';

const N = 4096;

/** z = g·A·e^{j(2π·bins·i/N + φ)}: what an IQ module of gain g makes of a tone A at `bins` bins above its centre. */
function complexTone(g: number, amplitude: number, bins: number, phase: number): [Float64Array, Float64Array] {
  const i = new Float64Array(N);
  const q = new Float64Array(N);
  for (let k = 0; k < N; k++) {
    const a = (2 * Math.PI * bins * k) / N + phase;
    i[k] = g * amplitude * Math.cos(a);
    q[k] = g * amplitude * Math.sin(a);
  }
  return [i, q];
}

for (const window of WINDOW_NAMES) {
  test(`'${window}': a complex tone at ±100 bins reads A² exactly at its own bin and nothing at the mirror`, (t) => {
    const k = new ComplexSpectrumKernel(N, window);
    const out = new Float64Array(k.bins);
    for (const bins of [100, -100]) {
      const [i, q] = complexTone(0.5, 0.3, bins, 0.7);
      k.powerVpk2(i, q, 0.5, out);
      // |Z_k| = g·A·Σw at the tone's own bin (on-bin: exact for every window)
      t.true(Math.abs(out[N / 2 + bins]! / 0.09 - 1) < 1e-9, `${out[N / 2 + bins]}`);
      // the mirror: a cosine-sum window leaks nowhere beyond its few bins
      t.true(out[N / 2 - bins]! < 1e-20 * 0.09 + 1e-25, `mirror ${out[N / 2 - bins]}`);
    }
  });
}

test('complex white noise of two-sided density 2g²·S reads 2·S·rbw Vpk² per bin (S in Vrms²/Hz after ÷2rbw), within 2 %', (t) => {
  // I and Q independent N(0, σ²): two-sided density of z = 2σ²/fs; with g = 0.5 that is 2g²·S for S = 4σ²/fs.
  const fs = 1e6;
  const sigma = 1e-3;
  const g = 0.5;
  const S = (2 * sigma * sigma) / fs / (2 * g * g);
  const k = new ComplexSpectrumKernel(N, 'hann');
  const out = new Float64Array(k.bins);
  const uniform = uniformSource(3);
  const i = new Float64Array(N);
  const q = new Float64Array(N);
  let mean = 0;
  const runs = 64;
  for (let r = 0; r < runs; r++) {
    fillGaussian(i, sigma, uniform);
    fillGaussian(q, sigma, uniform);
    k.powerVpk2(i, q, g, out);
    for (let m = 0; m < N; m++) mean += out[m]!;
  }
  mean /= runs * N;
  const rbw = k.rbwHz(1 / fs);
  // 262144 bin readings (χ² with 2 dof each, neighbours correlated by the window): ~0.3 % statistical
  t.true(Math.abs(mean / (2 * S * rbw) - 1) < 0.02, `${mean} vs ${2 * S * rbw}`);
});

test('zero-padding interpolates: a tone half-way between bins shows its peak at the padded bin', (t) => {
  const k = new ComplexSpectrumKernel(N, 'flattop', 4);
  t.is(k.bins, 4 * N);
  const out = new Float64Array(k.bins);
  const [i, q] = complexTone(0.5, 0.2, 37.5, 0);
  k.powerVpk2(i, q, 0.5, out);
  t.true(Math.abs(out[(4 * N) / 2 + 150]! / 0.04 - 1) < 1e-9);
});

test('bad lengths, padding and gain are SettingsErrors', (t) => {
  t.throws(() => new ComplexSpectrumKernel(1000), { instanceOf: SettingsError });
  t.throws(() => new ComplexSpectrumKernel(N, 'hann', 3), { instanceOf: SettingsError });
  const k = new ComplexSpectrumKernel(N);
  const out = new Float64Array(k.bins);
  t.throws(() => k.powerVpk2(new Float64Array(8), new Float64Array(N), 1, out), { instanceOf: SettingsError });
  t.throws(() => k.powerVpk2(new Float64Array(N), new Float64Array(N), 0, out), { instanceOf: SettingsError });
});

test('iqFilterPowerResponse: first-order stages, low-pass and high-pass, 0 off', (t) => {
  t.is(iqFilterPowerResponse(1e3, [1e3]), 0.5);
  t.is(iqFilterPowerResponse(-1e3, [1e3, 0]), 0.5);
  t.true(Math.abs(iqFilterPowerResponse(2e3, [1e3, 1e3]) - 1 / 25) < 1e-15);
  t.is(iqFilterPowerResponse(1e3, [-1e3]), 0.5);
  t.is(iqFilterPowerResponse(0, [-1e3]), 0);
  t.is(iqFilterPowerResponse(5e3, []), 1);
});
