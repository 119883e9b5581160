import test from 'ava';
import { SettingsError, rfftFrequencies, sweepFrequencies } from '@labrx/core';

test('linear sweep: exact end points and a constant step', (t) => {
  const f = sweepFrequencies(0.5e6, 2e6, 101);
  t.is(f.length, 101);
  t.is(f[0], 0.5e6);
  t.is(f[100], 2e6);
  for (let i = 1; i < 101; i++) t.true(Math.abs(f[i]! - f[i - 1]! - 15e3) < 1e-6);
});

test('log sweep: exact end points and a constant ratio', (t) => {
  const f = sweepFrequencies(1e3, 1e6, 31, true);
  t.is(f[0], 1e3);
  t.is(f[30], 1e6);
  const ratio = 10 ** 0.1; // 3 decades in 30 steps
  for (let i = 1; i < 31; i++) t.true(Math.abs(f[i]! / f[i - 1]! / ratio - 1) < 1e-12);
  t.deepEqual([...sweepFrequencies(1e3, 1e6, 4, true)].map((v) => Math.round(v)), [1e3, 1e4, 1e5, 1e6]);
});

test('one point is the start; start = stop is allowed', (t) => {
  t.deepEqual([...sweepFrequencies(7e5, 9e5, 1)], [7e5]);
  t.deepEqual([...sweepFrequencies(1e6, 1e6, 3)], [1e6, 1e6, 1e6]);
});

test('bad sweeps throw SettingsError', (t) => {
  t.throws(() => sweepFrequencies(2e6, 1e6, 10), { instanceOf: SettingsError }); // stop < start
  t.throws(() => sweepFrequencies(1e6, 2e6, 0), { instanceOf: SettingsError });
  t.throws(() => sweepFrequencies(1e6, 2e6, 2.5), { instanceOf: SettingsError });
  t.throws(() => sweepFrequencies(0, 2e6, 10, true), { instanceOf: SettingsError });
  t.throws(() => sweepFrequencies(Number.NaN, 2e6, 10), { instanceOf: SettingsError });
});

test('rfftFrequencies: k/(n·dt) for k = 0…n/2, ending at the Nyquist frequency', (t) => {
  const dt = 8e-9 * 64;
  const f = rfftFrequencies(16384, dt);
  t.is(f.length, 8193);
  t.is(f[0], 0);
  t.true(Math.abs(f[8192]! - 1 / (2 * dt)) < 1e-9);
  t.true(Math.abs(f[1]! - 1 / (16384 * dt)) < 1e-12);
  const out = new Float64Array(5);
  t.is(rfftFrequencies(8, 1, out), out);
  t.deepEqual([...out], [0, 0.125, 0.25, 0.375, 0.5]);
  t.throws(() => rfftFrequencies(8, 0), { instanceOf: SettingsError });
});
