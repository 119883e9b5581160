import test from 'ava';
import { createSimBoard, lowpass, resonator, type SimBoardOptions } from '@labrx/hw-sim';
import { startPyrplServer } from '@labrx/pyrpl';
import { connect, type Board } from 'labrx';
import type { Trace } from '@labrx/core';
import { fitSine, rmsAc, wrapPi } from '../helpers/fit.js';

// The physics tests of test/instruments/scpi-physics.test.ts, unchanged, over pyrpl://: the
// simulator behind the simulated monitor_server (startPyrplServer), driven by PyrplBoard through
// PyRPL's register protocol. Real time (real sockets); decimations stay small.

async function open(options: SimBoardOptions): Promise<{ rp: Board; close(): Promise<void> }> {
  const sim = createSimBoard(options);
  const warnings: string[] = [];
  const server = await startPyrplServer({ board: sim, port: 0, onError: (e) => warnings.push((e as Error).message) });
  const rp = await connect(server.url);
  if (!rp.id.startsWith('pyrpl://') || rp.info.iqCount !== 3) throw new Error(`expected the PyrplBoard driver, got ${rp.id}`);
  return {
    rp,
    close: async () => {
      await rp.close();
      await server.close();
      await sim.close();
      if (warnings.length) throw new Error(`simulator warnings: ${warnings.join('; ')}`);
    },
  };
}

test('pyrpl: a 10 kHz sine through a first-order low-pass shows |H|·0.5 and ∠H on in1, 0.5 V on in2', async (t) => {
  const cutoff = 20e3, f = 10e3;
  const { rp, close } = await open({ seed: 3, dut: lowpass({ cutoff, order: 1 }), noiseDensity: 1e-7 });
  t.teardown(close);
  await rp.asg0.set({ waveform: 'sine', frequency: f, amplitude: 0.5, output: 'out1' });
  const tr = await rp.scope.single({ decimation: 64 });
  const h = { re: 1 / (1 + (f / cutoff) ** 2), im: -(f / cutoff) / (1 + (f / cutoff) ** 2) };
  const in1 = fitSine(tr.ch1, tr.dt, tr.t0, f);
  const in2 = fitSine(tr.ch2, tr.dt, tr.t0, f);
  // as over SCPI: noise σ·√(2/N) ≈ 1e-6 V, boxcar loss 1.1e-5; the table's peak 8191/8192 costs 1.2e-4: 1 % and 1° are loose
  t.true(Math.abs(in1.amplitude / (0.5 * Math.hypot(h.re, h.im)) - 1) < 0.01, `in1 ${in1.amplitude}`);
  t.true(Math.abs(in2.amplitude / 0.5 - 1) < 0.01, `in2 ${in2.amplitude}`);
  const dPhaseDeg = (wrapPi(in1.phase - in2.phase) * 180) / Math.PI;
  t.true(Math.abs(dPhaseDeg - (Math.atan2(h.im, h.re) * 180) / Math.PI) < 1, `phase ${dPhaseDeg}`);
});

test("pyrpl: 'ch1-rising' at 0.2 V puts the crossing at t = 0 within one sample; triggerDelay shifts t0", async (t) => {
  const { rp, close } = await open({ seed: 4, noiseDensity: 1e-8 });
  t.teardown(close);
  await rp.asg0.set({ frequency: 5e3, amplitude: 0.5, output: 'out1' });
  const around = (tr: Trace) => {
    const i0 = Math.round(-tr.t0 / tr.dt);
    return [tr.ch1[i0 - 1]!, tr.ch1[i0]!] as const;
  };
  const tr = await rp.scope.single({ decimation: 8, trigger: 'ch1-rising', threshold: 0.2, hysteresis: 0.01 });
  // the FPGA compares with its 14-bit level register (signed, ÷2^13): 0.2 V is stored as 1638/8192 V
  const level = Math.round(0.2 * 2 ** 13) / 2 ** 13;
  const [b0, a0] = around(tr);
  t.true(b0 < level && a0 >= level, `${b0} ${a0}`);
  t.is(tr.t0, -8192 * tr.dt);
  // the delay register counts whole samples: t0 agrees within one sample
  const tr2 = await rp.scope.single({ decimation: 8, trigger: 'ch1-rising', threshold: 0.2, triggerDelay: 20e-6 });
  t.true(Math.abs(tr2.t0 - (-8192 * tr2.dt + 20e-6)) <= tr2.dt, `t0 ${tr2.t0}`);
  const [b2, a2] = around(tr2);
  t.true(b2 < level && a2 >= level, `${b2} ${a2}`);
});

test('pyrpl: white noise of 1e-5 V/√Hz reads an rms of 1e-5·√(62.5 MHz) = 79 mV at decimation 1', async (t) => {
  const { rp, close } = await open({ seed: 6, noiseDensity: 1e-5 });
  t.teardown(close);
  const tr = await rp.scope.single({ decimation: 1 });
  const expected = 1e-5 * Math.sqrt(62.5e6);
  // 16384 samples estimate an rms to 1/√(2N) = 0.55 % (1σ); the 14-bit words carry the ADC's codes exactly
  for (const x of [tr.ch1, tr.ch2]) t.true(Math.abs(rmsAc(x) / expected - 1) < 0.03, `rms ${rmsAc(x)}`);
});

test('pyrpl: the spectrum analyzer shows a 100 kHz, 0.5 V tone as 0.25 Vpk² in the right bin', async (t) => {
  const { rp, close } = await open({ seed: 7, noiseDensity: 1e-7 });
  t.teardown(close);
  await rp.asg0.set({ frequency: 1e5, amplitude: 0.5, output: 'out1' });
  const s = await rp.specan.single({ decimation: 8, window: 'flattop', unit: 'Vpk^2' });
  let k = 0;
  for (let i = 1; i < s.ch2.length; i++) if (s.ch2[i]! > s.ch2[k]!) k = i;
  // bins 954 Hz wide; flat-top reads the peak within 0.01 dB; the table peak 8191/8192 is −2.4e-4 in power: 1 % is loose
  t.true(Math.abs(s.frequencies[k]! - 1e5) <= 954, `peak at ${s.frequencies[k]} Hz`);
  t.true(Math.abs(s.ch2[k]! / 0.25 - 1) < 0.01, `peak ${s.ch2[k]} Vpk²`);
});

test('pyrpl: the network analyzer on the FPGA IQ modules measures a resonator (f0 1 MHz, Q 20, gain 0.5) within 1 % and 1°', async (t) => {
  const f0 = 1e6, q = 20, gain = 0.5;
  const { rp, close } = await open({ seed: 8, dut: resonator({ f0, q, gain }), noiseDensity: 1e-7 });
  t.teardown(close);
  t.true(rp.na.usesIqModules);
  for (const reference of ['in2', 'amplitude'] as const) {
    const h = await rp.na.single({ start: f0 * (1 - 1 / (2 * q)), stop: f0 * (1 + 1 / (2 * q)), points: 3, rbw: 1e3, amplitude: 0.2, reference });
    const mag = h.magnitude();
    const phase = h.phaseDeg();
    for (let i = 0; i < 3; i++) {
      const f = h.frequencies[i]!;
      const x = q * (f / f0 - f0 / f);
      // H = gain/(1 + jx). rbw 1 kHz: noise 1e-7·√1 kHz = 3 µV against 0.1 V (1e-4 rad); the IQ
      // frequency step (0.03 Hz) moves x by 1e-6: 1 % and 1° hold with margin
      t.true(Math.abs(mag[i]! / (gain / Math.hypot(1, x)) - 1) < 0.01, `${reference}: |H(${f})| = ${mag[i]}`);
      t.true(Math.abs(phase[i]! + (Math.atan(x) * 180) / Math.PI) < 1, `${reference}: ∠H(${f}) = ${phase[i]}°`);
    }
  }
});
