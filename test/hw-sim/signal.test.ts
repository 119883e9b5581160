import test from 'ava';
import { lowpass, resonator } from '@labrx/hw-sim';
import { fitSine, rmsAc, wrapPi } from '../helpers/fit.js';
import { FS, LSB, acquire, setAsg, virtualSim } from './simHelpers.js';

const deg = (rad: number) => (rad * 180) / Math.PI;

test('a 0.5 V, 10 kHz sine through a first-order 20 kHz low-pass: in1 = |H|·0.5 V at ∠H, in2 = 0.5 V', async (t) => {
  const f = 10e3, fc = 20e3;
  const { clock, board } = virtualSim({ seed: 5, dut: lowpass({ cutoff: fc, order: 1 }) });
  await setAsg(board, 0, { waveform: 'sine', frequency: f, amplitude: 0.5, output: 'out1' });
  // decimation 64: dt = 0.512 µs, 8.4 ms = 84 periods in the buffer
  for (const boxcar of [true, false]) {
    const tr = await acquire(clock, board, { decimation: 64, boxcar });
    const h = lowpass({ cutoff: fc }).response(f);
    const in1 = fitSine(tr.ch1, tr.dt, tr.t0, f);
    const in2 = fitSine(tr.ch2, tr.dt, tr.t0, f);
    // default noise 1e-7 V/√Hz: σ ≤ 7.9e-4 V per sample (point sampling), so the fitted amplitude's
    // standard error is σ·√(2/N) ≤ 8.7e-6 V and its phase's 1.7e-5 rad; quantisation adds
    // LSB/√12 = 3.5e-5 V per sample, less still. The 1 % / 1° bounds of the brief are 500σ; the
    // tighter 1e-4 relative / 0.01° bounds below are still > 5σ.
    // with the boxcar both inputs also carry the Dirichlet factor, 1 − 4.3e-5 at 10 kHz, D = 64
    const x = (Math.PI * f) / FS;
    const dirichlet = boxcar ? Math.sin(64 * x) / (64 * Math.sin(x)) : 1;
    const want1 = 0.5 * Math.hypot(h.re, h.im) * dirichlet;
    t.true(Math.abs(in1.amplitude / want1 - 1) < 1e-4, `in1 ${in1.amplitude} vs ${want1}`);
    t.true(Math.abs(in2.amplitude / (0.5 * dirichlet) - 1) < 1e-4, `in2 ${in2.amplitude}`);
    const dphi = deg(wrapPi(in1.phase - in2.phase));
    t.true(Math.abs(dphi - deg(Math.atan2(h.im, h.re))) < 0.01, `phase ${dphi}° vs ${deg(Math.atan2(h.im, h.re))}°`);
  }
});

test('a sine at a resonator’s f0 passes with the gain and no phase shift; off resonance it follows H', async (t) => {
  const f0 = 1e6, q = 20, gain = 0.5;
  const dut = resonator({ f0, q, gain });
  const { clock, board } = virtualSim({ seed: 2, dut });
  for (const f of [f0, f0 * 1.02, f0 / 1.05]) {
    await setAsg(board, 0, { waveform: 'sine', frequency: f, amplitude: 0.4, output: 'out1' });
    const tr = await acquire(clock, board, { decimation: 8 }); // dt = 64 ns, 1 ms span
    const in1 = fitSine(tr.ch1, tr.dt, tr.t0, f);
    const in2 = fitSine(tr.ch2, tr.dt, tr.t0, f);
    const h = dut.response(f);
    // the boxcar (on by default) scales both inputs by the Dirichlet factor: 0.9935 at 1 MHz, D = 8
    const x = (Math.PI * f) / FS;
    const dirichlet = Math.sin(8 * x) / (8 * Math.sin(x));
    // σ = 1e-7·√(125e6/16) = 2.8e-4 V → amplitude error ~3e-6 V; bounds are > 10σ
    t.true(Math.abs(in2.amplitude - 0.4 * dirichlet) < 5e-5, `|in2| at ${f} Hz: ${in2.amplitude}`);
    t.true(Math.abs(in1.amplitude - 0.4 * dirichlet * Math.hypot(h.re, h.im)) < 5e-5, `|in1| at ${f} Hz: ${in1.amplitude}`);
    t.true(Math.abs(deg(wrapPi(in1.phase - in2.phase)) - deg(Math.atan2(h.im, h.re))) < 0.05, `∠ at ${f} Hz`);
  }
});

test('input noise: rms = ρ·√(fs/2) point-sampled at any decimation, ρ·√(fs/(2D)) with the boxcar', async (t) => {
  const rho = 1e-5;
  const { clock, board } = virtualSim({ seed: 11, noiseDensity: rho });
  for (const decimation of [1, 64, 8192]) {
    for (const boxcar of [false, true]) {
      const tr = await acquire(clock, board, { decimation, boxcar });
      const bandwidth = (boxcar ? FS / decimation : FS) / 2;
      const want = rho * Math.sqrt(bandwidth);
      // the rms of N = 16384 Gaussian samples has relative standard error 1/√(2N) = 0.55 %;
      // quantisation adds LSB²/12 to the variance, ≤ 0.09 % of it at the smallest σ here
      // (8.7e-4 V = 7 LSB). 3 % is 5.4 standard errors (the brief asks for 5 %); measured: ≤ 1.1 %.
      for (const ch of [tr.ch1, tr.ch2]) {
        const got = rmsAc(ch);
        t.true(Math.abs(got / want - 1) < 0.03, `D=${decimation} boxcar=${boxcar}: ${got} vs ${want}`);
      }
      // the two inputs' noise is independent: correlation ~ N(0, 1/N), 5σ = 0.04
      let c = 0;
      for (let i = 0; i < tr.ch1.length; i++) c += tr.ch1[i]! * tr.ch2[i]!;
      t.true(Math.abs(c / tr.ch1.length / (rmsAc(tr.ch1) * rmsAc(tr.ch2))) < 0.04);
    }
  }
});

test('a tone above the decimated Nyquist frequency appears at its alias, exact without boxcar, × Dirichlet with it', async (t) => {
  const { clock, board } = virtualSim({ seed: 4 });
  const decimation = 64;
  const fsd = FS / decimation; // 1.953125 MHz, Nyquist 976.6 kHz
  const f = 5.3e6;
  await setAsg(board, 0, { waveform: 'sine', frequency: f, amplitude: 0.5, output: 'out1' });
  // 5.3 MHz − 3·fsd = −559.375 kHz: a mirrored alias at 559.375 kHz
  const alias = Math.abs(f - Math.round(f / fsd) * fsd);
  t.true(Math.abs(alias - 559375) < 1e-6);
  const point = await acquire(clock, board, { decimation, boxcar: false });
  const fitP = fitSine(point.ch2, point.dt, point.t0, alias);
  // σ (point sampling) = 7.9e-4 V → amplitude standard error 8.7e-6 V: 1e-4 relative is > 5σ
  t.true(Math.abs(fitP.amplitude / 0.5 - 1) < 1e-4, `point-sampled alias amplitude ${fitP.amplitude}`);
  // and nothing is left at the tone's naive in-band frequency
  t.true(fitSine(point.ch2, point.dt, point.t0, 300e3).amplitude < 1e-4);
  const box = await acquire(clock, board, { decimation, boxcar: true });
  const x = (Math.PI * f) / FS;
  const dirichlet = Math.sin(x * decimation) / (decimation * Math.sin(x));
  const fitB = fitSine(box.ch2, box.dt, box.t0, alias);
  // |Dirichlet| = 0.0933: 46.6 mV; σ = 9.9e-5 V → standard error 1.1e-6 V = 2.4e-5 relative
  t.true(Math.abs(fitB.amplitude / (0.5 * Math.abs(dirichlet)) - 1) < 2e-4, `boxcar alias ${fitB.amplitude} vs ${0.5 * Math.abs(dirichlet)}`);
});

test('boxcar: the mean of D raw samples scales a tone by the Dirichlet kernel and leads the window-start stamp by π·f·(D−1)/fs', async (t) => {
  // compare the fitted phase of in2 at 100 kHz with boxcar on and off at D = 1024 (window 8.2 µs,
  // 0.82 of a period): the boxcar result leads by π·f·(D−1)/fs and shrinks by the Dirichlet factor
  const { clock, board } = virtualSim({ seed: 9, noiseDensity: 0 });
  const f = 100e3, D = 1024;
  await setAsg(board, 0, { waveform: 'sine', frequency: f, amplitude: 0.8, output: 'out1' });
  const tr = await acquire(clock, board, { decimation: D, boxcar: true });
  // board time of each sample: the trigger (timestamp) plus t0 + i·dt; the generator started at 0
  const fit = fitSine(tr.ch2, tr.dt, tr.timestamp / 1000 + tr.t0, f);
  const x = (Math.PI * f) / FS;
  const dirichlet = Math.sin(x * D) / (D * Math.sin(x));
  // noiseless: only quantisation (3.5e-5 V rms) → amplitude error 4e-7 V, phase 5e-7 rad
  t.true(Math.abs(fit.amplitude - 0.8 * Math.abs(dirichlet)) < 1e-5, `${fit.amplitude} vs ${0.8 * dirichlet}`);
  const expectedPhase = x * (D - 1) + (dirichlet < 0 ? Math.PI : 0);
  t.true(Math.abs(wrapPi(fit.phase - expectedPhase)) < 1e-4, `phase ${fit.phase} vs ${expectedPhase}`);
});

test('the ADC: every sample is a whole number of LSB, and over-range clips at −1 V and 1 V − 1 LSB', async (t) => {
  const { clock, board } = virtualSim({ seed: 6, tones: [{ input: 'in2', frequency: 3.1e3, amplitude: 0.6 }] });
  await setAsg(board, 0, { waveform: 'sine', frequency: 1e3, amplitude: 0.9, offset: 0.1, output: 'out1' });
  const tr = await acquire(clock, board, { decimation: 256 }); // 33.5 ms: 33 periods
  for (const ch of [tr.ch1, tr.ch2]) for (const v of ch) if (!Number.isInteger(v / LSB)) return t.fail(`${v} V is not a multiple of the LSB`);
  // in1 peaks at 0.9 + 0.1 = 1.0 V ≥ 1 − LSB: clipped at the top, never at the bottom (−0.8 V)
  t.is(Math.max(...tr.ch1), 1 - LSB);
  t.true(Math.min(...tr.ch1) > -0.81 && Math.min(...tr.ch1) < -0.79);
  // in2 reaches 1.0 + 0.6 and −0.8 − 0.6 V: it clips at both ends, for a good share of the time
  t.is(Math.max(...tr.ch2), 1 - LSB);
  t.is(Math.min(...tr.ch2), -1);
  const top = tr.ch2.filter((v) => v === 1 - LSB).length;
  const bottom = tr.ch2.filter((v) => v === -1).length;
  t.true(top > 500 && bottom > 500, `clipped samples: ${top} high, ${bottom} low`);
  // an in-range signal is rounded to the nearest LSB: noiseless 0.3 V DC reads round(0.3/LSB)·LSB
  const quiet = virtualSim({ noiseDensity: 0 });
  await setAsg(quiet.board, 0, { waveform: 'dc', offset: 0.3, output: 'out1' });
  const dc = await acquire(quiet.clock, quiet.board, { decimation: 1 });
  t.true(dc.ch2.every((v) => v === Math.round(0.3 / LSB) * LSB));
});

test('same seed and same calls give identical samples; another seed gives other noise', async (t) => {
  const run = async (seed: number) => {
    const { clock, board } = virtualSim({ seed, dut: resonator({ f0: 2e5, q: 5 }) });
    await setAsg(board, 0, { waveform: 'sine', frequency: 2.1e5, amplitude: 0.3, output: 'out1' });
    const a = await acquire(clock, board, { decimation: 16, trigger: 'ch2-rising', threshold: 0.1 });
    const b = await acquire(clock, board, { decimation: 4 });
    return [a, b];
  };
  const [a1, b1] = await run(17);
  const [a2, b2] = await run(17);
  t.deepEqual([a1!.ch1, a1!.ch2, b1!.ch1, b1!.ch2, a1!.timestamp], [a2!.ch1, a2!.ch2, b2!.ch1, b2!.ch2, a2!.timestamp]);
  const [a3] = await run(18);
  let differ = 0;
  for (let i = 0; i < a1!.ch1.length; i++) if (a1!.ch1[i] !== a3!.ch1[i]) differ++;
  // the 2.9e-4 V noise is 2.3 LSB: almost every sample differs between seeds
  t.true(differ > a1!.ch1.length / 2, `${differ} samples differ`);
  // successive acquisitions on one board draw fresh noise
  t.notDeepEqual(a1!.ch1.slice(0, 100), b1!.ch1.slice(0, 100));
});
