import test from 'ava';
import { lsbVolts, RED_PITAYA_125_14 } from '@labrx/core';
import { acquire, virtualSim } from './simHelpers.js';
import { fitSine } from '../helpers/fit.js';

// A 5 V-amplitude, 100 kHz tone on in1 (an external source: the generators stop at 1 V), no
// input noise, so that what the scope shows is the ADC alone: quantisation and clipping.
const F = 1e5;
const A = 5;
const board = () => virtualSim({ noiseDensity: 0, tones: [{ input: 'in1', frequency: F, amplitude: A }] });
// decimation 8 without boxcar: point samples every 64 ns, 1250 per period, 105 periods per trace
const SETTINGS = { decimation: 8, boxcar: false } as const;

test("at 'hv' (±20 V full scale) a 5 V tone reads 5 V: the fit is within 1e-4, the peaks within one LSB", async (t) => {
  const { clock, board: b } = board();
  const tr = await acquire(clock, b, { ...SETTINGS, gain: 'hv' });
  const lsb = 40 / 2 ** 14;
  // Quantisation noise σ = LSB/√12 = 0.70 mV gives an amplitude error σ·√(2/N) = 8e-6 V (N = 16384),
  // i.e. 1.6e-6 of 5 V: 1e-4 is loose against it and tight against any gain error.
  const fit = fitSine(tr.ch1, tr.dt, tr.t0, F);
  t.true(Math.abs(fit.amplitude / A - 1) < 1e-4, `amplitude ${fit.amplitude} V`);
  // the sampled peaks miss the crest by at most 1 − cos(π/1250) = 3e-6 relative (15 µV), plus ½ LSB of rounding
  const max = Math.max(...tr.ch1);
  const min = Math.min(...tr.ch1);
  t.true(Math.abs(max - A) <= lsb, `max ${max} V`);
  t.true(Math.abs(min + A) <= lsb, `min ${min} V`);
});

test("at 'lv' (±1 V full scale) the same tone clips at −1 V and 1 V − 1 LSB, for 87 % of the time", async (t) => {
  const { clock, board: b } = board();
  const tr = await acquire(clock, b, { ...SETTINGS, gain: 'lv' });
  const lsb = lsbVolts(RED_PITAYA_125_14, 'lv');
  t.is(lsb, 2 / 2 ** 14);
  t.is(Math.max(...tr.ch1), 1 - lsb);
  t.is(Math.min(...tr.ch1), -1);
  // |5·sin θ| ≥ 1 for a fraction 1 − (2/π)·asin(1/5) = 0.8718 of each period; 105 whole periods of
  // 1250 samples count it to within a few samples per crossing (≤ 4·105 / 16384 ≈ 2.6 %, so ±3 %)
  const railed = tr.ch1.filter((v) => v >= 1 - lsb || v <= -1).length / tr.ch1.length;
  const expected = 1 - (2 / Math.PI) * Math.asin(1 / A);
  t.true(Math.abs(railed - expected) < 0.03, `railed ${railed}, expected ${expected}`);
});

test("the quantisation step at 'hv' is 40 V / 2^14 = 2.44 mV: every sample is a whole number of steps, and neighbouring codes occur", async (t) => {
  const { clock, board: b } = board();
  const tr = await acquire(clock, b, { ...SETTINGS, gain: 'hv' });
  const step = lsbVolts(RED_PITAYA_125_14, 'hv');
  t.is(step, 40 / 2 ** 14);
  // every sample is n·step exactly (to float rounding of n·step, < 1e-9 of a step)
  t.true(tr.ch1.every((v) => Math.abs(v / step - Math.round(v / step)) < 1e-9));
  // a 5 V sine sweeps through ±2048 codes with up to 25 samples per code near zero: the smallest gap
  // between distinct values is exactly one step (not two, as a coarser ADC would give)
  const codes = [...new Set(Array.from(tr.ch1, (v) => Math.round(v / step)))].sort((a, b) => a - b);
  let gap = Infinity;
  for (let i = 1; i < codes.length; i++) gap = Math.min(gap, codes[i]! - codes[i - 1]!);
  t.is(gap, 1);
  t.true(codes[0]! >= -2048 && codes[codes.length - 1]! <= 2048, `codes ${codes[0]} … ${codes[codes.length - 1]}`);
});
