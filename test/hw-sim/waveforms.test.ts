import test from 'ava';
import { firstValueFrom } from 'rxjs';
import { SCOPE_DEFAULTS } from '@labrx/core';
import { lowpass, resonator } from '@labrx/hw-sim';
import { fitSine, rmsAc } from '../helpers/fit.js';
import { FS, LSB, acquire, rms, setAsg, virtualSim } from './simHelpers.js';

// Board time (s) of sample i of a trace: the trigger instant (timestamp) + t0 + i·dt.
const boardTime = (tr: { timestamp: number; t0: number; dt: number }, i: number) => tr.timestamp / 1000 + tr.t0 + i * tr.dt;
const frac = (x: number) => x - Math.floor(x);

test('a 1 kHz, 0.4 V square wave shows flat ±0.4 V plateaus on in2 (boxcar on and off)', async (t) => {
  const { clock, board } = virtualSim({ seed: 2 });
  await setAsg(board, 0, { waveform: 'square', frequency: 1e3, amplitude: 0.4, output: 'out1' });
  for (const boxcar of [true, false]) {
    const tr = await acquire(clock, board, { decimation: 64, boxcar });
    // noise: σ = 9.9e-5 V (boxcar) or 7.9e-4 V (point): 6σ + ½ LSB covers every sample of 16384
    const tol = 6 * 1e-7 * Math.sqrt(FS / 2 / (boxcar ? 64 : 1)) + LSB / 2;
    let plateau = 0;
    for (let i = 0; i < tr.ch2.length; i++) {
      const u = frac(boardTime(tr, i) * 1e3); // the generator started at board time 0
      // a sample whose window is wholly inside a half period (one dt clear of the edges)
      if (Math.min(Math.abs(u - 0.5), u, 1 - u) * 1e-3 < 2 * tr.dt) continue;
      plateau++;
      const want = u < 0.5 ? 0.4 : -0.4;
      if (Math.abs(tr.ch2[i]! - want) > tol) return t.fail(`sample ${i} (u = ${u}): ${tr.ch2[i]} vs ${want}`);
      // the default DUT is a wire: in1 is the same waveform, from its own noise
      if (Math.abs(tr.ch1[i]! - want) > tol) return t.fail(`in1 sample ${i}: ${tr.ch1[i]}`);
    }
    t.true(plateau > 16000);
  }
});

test('a square wave through a first-order low-pass matches the RC steady state (Fourier path through the DUT)', async (t) => {
  const f = 1e3, fc = 5e3, a = 0.4;
  const { clock, board } = virtualSim({ seed: 2, noiseDensity: 0, dut: lowpass({ cutoff: fc }) });
  await setAsg(board, 0, { waveform: 'square', frequency: f, amplitude: a, output: 'out1' });
  const tr = await acquire(clock, board, { decimation: 64, boxcar: false });
  // periodic steady state of an RC (τ = 1/(2π fc)) driven by ±a: on the + half period
  // v(s) = a − (a + v0)·e^(−s/τ) with v0 = a·tanh(T/(4τ)) the level at the edges; odd symmetry on −
  const tau = 1 / (2 * Math.PI * fc);
  const v0 = a * Math.tanh(1 / (4 * f * tau));
  const rc = (u: number) => {
    const s = (u < 0.5 ? u : u - 0.5) / f;
    const v = a - (a + v0) * Math.exp(-s / tau);
    return u < 0.5 ? v : -v;
  };
  let worst = 0, sq = 0;
  for (let i = 0; i < tr.ch1.length; i++) {
    const e = tr.ch1[i]! - rc(frac(boardTime(tr, i) * f));
    worst = Math.max(worst, Math.abs(e));
    sq += e * e;
  }
  // Truncation at 512 harmonics (up to 511 kHz): the omitted harmonics have amplitude
  // (4a/πk)·|H(kf)| ≈ (4a/π)(fc/f)/k², summing to at most (4a/π)(fc/f)·Σ_{k>511, odd} 1/k² ≈ 2.5e-3 V
  // at the kinks (where they align), far less elsewhere; plus ½ LSB of quantisation.
  t.true(worst < 2.5e-3 + LSB, `worst ${worst} V`);
  t.true(Math.sqrt(sq / tr.ch1.length) < 2e-4, `rms error ${Math.sqrt(sq / tr.ch1.length)} V`);
});

test('triangle peaks at ±amplitude; ramps run from −A to +A and wrap at the period start', async (t) => {
  const { clock, board } = virtualSim({ seed: 2, noiseDensity: 0 });
  await setAsg(board, 0, { waveform: 'triangle', frequency: 1e3, amplitude: 0.4, output: 'out1' });
  const tri = await acquire(clock, board, { decimation: 64 });
  // apexes are sampled within one dt: slope 4·A·f = 1.6 V/ms → 0.8 mV; boxcar rounding at the apex adds < 0.4 mV
  t.true(Math.abs(Math.max(...tri.ch2) - 0.4) < 1.3e-3 && Math.abs(Math.min(...tri.ch2) + 0.4) < 1.3e-3);
  // every sample: the boxcar mean of a straight piece is its value at the window centre, exact
  // but near an apex, where it is off by at most slope·window/4 = 1.6 V/ms · 0.512 µs / 4 = 0.2 mV
  const triangle = (u: number) => (u < 0.25 ? 4 * u : u < 0.75 ? 2 - 4 * u : 4 * u - 4);
  const centre = (63 / FS) / 2;
  let worst = 0;
  for (let i = 0; i < tri.ch2.length; i++) worst = Math.max(worst, Math.abs(tri.ch2[i]! - 0.4 * triangle(frac((boardTime(tri, i) + centre) * 1e3))));
  t.true(worst < 2.1e-4 + LSB / 2, `triangle worst ${worst} V`);
  await setAsg(board, 0, { waveform: 'ramp-up', frequency: 1e3, amplitude: 0.4, output: 'out1' });
  const up = await acquire(clock, board, { decimation: 64, trigger: 'asg0', boxcar: false });
  // at the trigger the ramp has just restarted from −A; the sample before is the top of the last period
  t.true(Math.abs(up.ch2[8192]! + 0.4) < 0.8 * 1e3 * up.dt + LSB, `start ${up.ch2[8192]}`);
  t.true(Math.abs(up.ch2[8191]! - 0.4) < 0.8 * 1e3 * up.dt + LSB, `end ${up.ch2[8191]}`);
  t.true(up.ch2[8200]! > up.ch2[8192]!);
  await setAsg(board, 0, { waveform: 'ramp-down', frequency: 1e3, amplitude: 0.4, output: 'out1' });
  const down = await acquire(clock, board, { decimation: 64, trigger: 'asg0', boxcar: false });
  t.true(Math.abs(down.ch2[8192]! - 0.4) < 0.8 * 1e3 * down.dt + LSB && down.ch2[8200]! < down.ch2[8192]!);
});

test('an arbitrary table is played once per period with linear interpolation; through a DUT, its Fourier series', async (t) => {
  const data = [0, 1, 0.5, -1, -0.25];
  const { clock, board } = virtualSim({ seed: 2, noiseDensity: 0 });
  await setAsg(board, 0, { waveform: 'arbitrary', data, frequency: 2e3, amplitude: 0.5, offset: 0.1, output: 'out1' });
  const interp = (u: number) => {
    const p = u * data.length, m = Math.floor(p) % data.length, s = p - Math.floor(p);
    return data[m]! + (data[(m + 1) % data.length]! - data[m]!) * s;
  };
  const tr = await acquire(clock, board, { decimation: 32, boxcar: false });
  let worst = 0;
  for (let i = 0; i < tr.ch2.length; i++) worst = Math.max(worst, Math.abs(tr.ch2[i]! - (0.1 + 0.5 * interp(frac(boardTime(tr, i) * 2e3)))));
  // noiseless: only the ADC rounding, ½ LSB (plus double-precision time stamps, < 1e-9 V)
  t.true(worst <= LSB / 2 + 1e-9, `worst ${worst / LSB} LSB`);
  // a sampled sine table (L = 64) through a resonator tuned to it: the fundamental of a linearly
  // interpolated table is sinc²(π/L) = 0.99920 of the sine, passed with the resonator's gain
  const L = 64, f = 50e3;
  const sim = virtualSim({ seed: 2, noiseDensity: 0, dut: resonator({ f0: f, q: 10, gain: 0.8 }) });
  const table = Array.from({ length: L }, (_, m) => Math.sin((2 * Math.PI * m) / L));
  await setAsg(sim.board, 0, { waveform: 'arbitrary', data: table, frequency: f, amplitude: 0.5, output: 'out1' });
  const tr2 = await acquire(sim.clock, sim.board, { decimation: 16, boxcar: false });
  const sinc = Math.sin(Math.PI / L) / (Math.PI / L);
  const got = fitSine(tr2.ch1, tr2.dt, tr2.t0, f).amplitude;
  // harmonics 63 and 65 (3.2 MHz) remain but the resonator cuts them to < 1e-5 V; quantisation
  // errs by < 1e-6 V on the fit
  t.true(Math.abs(got - 0.5 * sinc * sinc * 0.8) < 2e-5, `in1 fundamental ${got} vs ${0.5 * sinc * sinc * 0.8}`);
});

test("'noise' waveform: rms = amplitude on in2 (÷√D with boxcar); through a low-pass its rms follows ∫|H|²", async (t) => {
  const { clock, board } = virtualSim({ seed: 30, noiseDensity: 0, dut: lowpass({ cutoff: 10e6 }) });
  await setAsg(board, 0, { waveform: 'noise', amplitude: 0.1, offset: 0.05, output: 'out1' });
  const point = await acquire(clock, board, { decimation: 1, boxcar: false });
  // rms of 16384 samples: 0.55 % standard error; 3 % bounds are 5σ
  t.true(Math.abs(rmsAc(point.ch2) / 0.1 - 1) < 0.03, `in2 rms ${rmsAc(point.ch2)}`);
  t.true(Math.abs(point.ch2.reduce((s, v) => s + v, 0) / point.ch2.length - 0.05) < 5 * (0.1 / 128), 'offset');
  // a first-order low-pass at fc passes the fraction (fc/(fs/2))·atan((fs/2)/fc) of white noise's power
  const fc = 10e6, half = FS / 2;
  const want = 0.1 * Math.sqrt((fc / half) * Math.atan(half / fc));
  // the filtered noise has ~ N·(π/2)(fc/(fs/2)) ≈ 4100 independent samples: 1.1 % standard error, 6 % is > 5σ
  t.true(Math.abs(rmsAc(point.ch1) / want - 1) < 0.06, `in1 rms ${rmsAc(point.ch1)} vs ${want}`);
  const box = await acquire(clock, board, { decimation: 16, boxcar: true });
  t.true(Math.abs(rmsAc(box.ch2) / (0.1 / 4) - 1) < 0.03, `boxcar in2 rms ${rmsAc(box.ch2)}`);
  // the two inputs carry the same realisation: in1 is strongly correlated with in2
  let c = 0;
  for (let i = 0; i < point.ch1.length; i++) c += (point.ch1[i]! - 0.05) * (point.ch2[i]! - 0.05);
  t.true(c / point.ch1.length / (rmsAc(point.ch1) * rmsAc(point.ch2)) > 0.3);
});

test("'dc' outputs its offset (amplitude ignored); through a resonator DC is blocked", async (t) => {
  const { clock, board } = virtualSim({ noiseDensity: 0, dut: resonator({ f0: 1e5, q: 3 }) });
  await setAsg(board, 0, { waveform: 'dc', offset: -0.35, amplitude: 0.5, output: 'out1' });
  const tr = await acquire(clock, board, { decimation: 8 });
  t.true(tr.ch2.every((v) => Math.abs(v + 0.35) <= LSB / 2));
  t.true(rms(tr.ch1) === 0);
});

test('a generator change during an acquisition shows up in the trace from that instant', async (t) => {
  const { clock, board } = virtualSim({ noiseDensity: 0 });
  await setAsg(board, 0, { waveform: 'dc', offset: 0.2, output: 'out1' });
  const pending = firstValueFrom(board.acquire({ ...SCOPE_DEFAULTS, decimation: 1024 }));
  // halfway (the buffer spans 134 ms), switch the level
  await clock.advanceBy(67.108864 / 2);
  await setAsg(board, 0, { waveform: 'dc', offset: -0.3, output: 'out1' });
  const tr = await clock.run(pending);
  // the change applies at 33.55 ms, the board time of sample 4096 exactly
  const switchAt = Math.ceil((67.108864 / 2 / 1000) / tr.dt - 1e-9);
  t.is(switchAt, 4096);
  t.true(tr.ch2.subarray(0, switchAt).every((v) => Math.abs(v - 0.2) <= LSB / 2));
  t.true(tr.ch2.subarray(switchAt).every((v) => Math.abs(v + 0.3) <= LSB / 2));
});
