import test from 'ava';
import {
  DBM_LOAD_OHMS,
  SettingsError,
  SpectrumKernel,
  convertSpectrumUnit,
  makeWindow,
  resolutionBandwidthHz,
  type SpectrumUnit,
} from '@labrx/core';

const FS = 125e6;
const DT = 1 / FS;

function tone(n: number, amplitude: number, bin: number): Float64Array {
  const x = new Float64Array(n);
  for (let i = 0; i < n; i++) x[i] = amplitude * Math.sin((2 * Math.PI * bin * i) / n);
  return x;
}

test("a 1 V peak tone in 50 Ω reads 10 dBm: 10·log10(0.5 V² / 50 Ω / 1 mW) = 10 exactly", (t) => {
  const n = 1024;
  for (const window of ['boxcar', 'hann', 'flattop'] as const) {
    const k = new SpectrumKernel(n, window);
    const vpk2 = new Float64Array(k.bins);
    k.powerVpk2(tone(n, 1, 100), vpk2);
    const dbm = new Float64Array(k.bins);
    convertSpectrumUnit(vpk2, 'dBm', k.rbwHz(DT), dbm);
    // Only FFT rounding (relative ~1e-15 in power, 4e-15 dB) separates it from 10.
    t.true(Math.abs(dbm[100]! - 10) < 1e-9, `${window}: ${dbm[100]} dBm`);
  }
  t.is(DBM_LOAD_OHMS, 50);
});

test('a 0.3 V tone: Vpk² ↔ dBm ↔ Vrms²/Hz ↔ Vrms/√Hz ↔ dBm/Hz agree with a hand calculation', (t) => {
  const n = 16384;
  const dt = 64 / FS; // decimation 64
  const k = new SpectrumKernel(n, 'flattop');
  const vpk2 = new Float64Array(k.bins);
  k.powerVpk2(tone(n, 0.3, 2000), vpk2);
  // rbw = ENBW × bin width = 3.7702 × (125 MHz / 64 / 16384) = 3.7702 × 119.209 Hz = 449.45 Hz
  const rbw = k.rbwHz(dt);
  t.true(Math.abs(rbw / (3.770246 * (FS / 64 / n)) - 1) < 1e-6, `rbw ${rbw}`);
  t.is(rbw, resolutionBandwidthHz(makeWindow('flattop', n), dt));
  const read = (unit: SpectrumUnit): number => {
    const out = new Float64Array(k.bins);
    convertSpectrumUnit(vpk2, unit, rbw, out);
    return out[2000]!;
  };
  // By hand: Vpk² = 0.09; Vrms² = 0.045; P = 0.045 / 50 = 0.9 mW → −0.45757 dBm.
  t.true(Math.abs(read('Vpk^2') - 0.09) < 1e-12);
  t.true(Math.abs(read('dBm') - 10 * Math.log10(0.9)) < 1e-9, `dBm ${read('dBm')}`);
  t.true(Math.abs(read('dBm') - -0.457575) < 1e-6);
  t.true(Math.abs(read('Vrms^2/Hz') / (0.045 / rbw) - 1) < 1e-12);
  // √(Vrms²/Hz): not Vrms²/rbw as PyRPL computes it.
  t.true(Math.abs(read('Vrms/sqrt(Hz)') / Math.sqrt(0.045 / rbw) - 1) < 1e-12);
  t.true(Math.abs(read('dBm/Hz') - (read('dBm') - 10 * Math.log10(rbw))) < 1e-9);
});

test('a density of 1e-7 V/√Hz is −127 dBm/Hz: 10·log10(1e-14 V²/Hz / 50 Ω / 1 mW)', (t) => {
  // Feed the converter directly: one interior bin whose Vrms²/Hz is 1e-14 at rbw 1 kHz.
  const rbw = 1000;
  const vpk2 = new Float64Array([0, 2 * 1e-14 * rbw, 0]);
  const out = new Float64Array(3);
  convertSpectrumUnit(vpk2, 'dBm/Hz', rbw, out);
  t.true(Math.abs(out[1]! - 10 * Math.log10(1e-14 / 50 / 1e-3)) < 1e-9);
  t.true(Math.abs(out[1]! - -126.9897) < 1e-4);
  convertSpectrumUnit(vpk2, 'Vrms/sqrt(Hz)', rbw, out);
  t.true(Math.abs(out[1]! / 1e-7 - 1) < 1e-12);
});

test("DC and Nyquist bins convert with Vrms² = Vpk² ('rfft' edges); 'none' treats every bin alike", (t) => {
  const vpk2 = new Float64Array([4, 4, 4]);
  const out = new Float64Array(3);
  convertSpectrumUnit(vpk2, 'Vrms^2/Hz', 2, out);
  t.deepEqual([...out], [2, 1, 2]);
  convertSpectrumUnit(vpk2, 'Vrms^2/Hz', 2, out, 'none');
  t.deepEqual([...out], [1, 1, 1]);
});

test('conversion can run in place', (t) => {
  const a = new Float64Array([0.09, 0.09, 0.09, 0.09]);
  convertSpectrumUnit(a, 'dBm', 10, a, 'none');
  for (const v of a) t.true(Math.abs(v - 10 * Math.log10(0.9)) < 1e-12);
});

test("unknown units and a non-positive rbw throw SettingsError", (t) => {
  const a = new Float64Array(4);
  const e = t.throws(() => convertSpectrumUnit(a, 'furlongs' as SpectrumUnit, 1, a), { instanceOf: SettingsError });
  t.regex(e!.message, /furlongs/);
  t.throws(() => convertSpectrumUnit(a, 'dBm', 0, a), { instanceOf: SettingsError });
  t.throws(() => convertSpectrumUnit(a, 'dBm', Number.NaN, a), { instanceOf: SettingsError });
});
