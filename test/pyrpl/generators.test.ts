import test from 'ava';
import { SettingsError } from '@labrx/core';
import { firstValueFrom } from 'rxjs';
import { DRIVERS } from '../helpers/driverRigs.js';
import { fitSine, rmsAc } from '../helpers/fit.js';

// Generator tables over pyrpl://: what PyrplBoard writes (16384-word tables, amplitude/offset, step,
// start phase) is what the simulated FPGA plays, seen on in2 (out1 wired straight to in2).

const open = (noiseDensity = 1e-8) => DRIVERS.pyrpl.open({ seed: 31, noiseDensity });

test("an 'arbitrary' table [0, 1, 0, −1] plays a triangle: peaks ±A, fundamental 8A/π²", async (t) => {
  const { rp, close } = await open();
  t.teardown(close);
  const f = 10e3, a = 0.4;
  await rp.asg0.set({ waveform: 'arbitrary', data: [0, 1, 0, -1], frequency: f, amplitude: a, output: 'out1' });
  const tr = await rp.scope.single({ decimation: 8 });
  let max = -Infinity, min = Infinity;
  for (const v of tr.ch2) (max = Math.max(max, v)), (min = Math.min(min, v));
  // table codes round(8191·x): peak 8191/8192·A; one sample of 64 ns misses the apex by A·4·f·64 ns = 1e-3 V at most
  t.true(Math.abs(max - a) < 2.5e-3 && Math.abs(min + a) < 2.5e-3, `max ${max} min ${min}`);
  const fit = fitSine(tr.ch2, tr.dt, tr.t0, f);
  t.true(Math.abs(fit.amplitude / ((8 * a) / Math.PI ** 2) - 1) < 0.005, `fundamental ${fit.amplitude}`);
});

test("'noise' of 0.1 V rms reads 0.1 V rms at decimation 1 (table of rms 0.25 played with the FPGA's random phase)", async (t) => {
  const { rp, close } = await open();
  t.teardown(close);
  await rp.asg0.set({ waveform: 'noise', amplitude: 0.1, output: 'out1' });
  const tr = await rp.scope.single({ decimation: 1, boxcar: false });
  // the table's own rms is 0.25·(1 ± 0.55 %) (16384 Gaussian draws; the server plays what the table
  // holds), the estimate from 16384 samples ±0.55 %: 3 % is over 3σ of both
  t.true(Math.abs(rmsAc(tr.ch2) / 0.1 - 1) < 0.03, `rms ${rmsAc(tr.ch2)}`);
  await t.throwsAsync(rp.asg0.set({ waveform: 'noise', amplitude: 0.6 }), { instanceOf: SettingsError });
});

test("trigger 'asg0' fires at the generator's period start: a sine with phase 90° reads +A at t = 0; offset and square levels", async (t) => {
  const { rp, close } = await open();
  t.teardown(close);
  await rp.asg0.set({ waveform: 'sine', frequency: 10e3, amplitude: 0.5, phase: 90, output: 'out1' });
  const tr = await rp.scope.single({ decimation: 8, trigger: 'asg0' });
  const i0 = Math.round(-tr.t0 / tr.dt);
  // start phase 90° = 2^28 of 2^30; one sample (64 ns) from the apex costs 0.5·(1 − cos(2π·10 kHz·64 ns)) = 4e-6 V
  t.true(Math.abs(tr.ch2[i0]! - 0.5) < 1e-3, `${tr.ch2[i0]}`);
  await rp.asg0.set({ waveform: 'square', frequency: 1e3, amplitude: 0.3, offset: -0.2, phase: 0, output: 'out1' });
  const sq = await rp.scope.single({ decimation: 64, trigger: 'asg0' });
  const j0 = Math.round(-sq.t0 / sq.dt);
  // first half period +A + offset, second −A + offset (2^13 per volt, 1 LSB = 0.12 mV)
  t.true(Math.abs(sq.ch2[j0 + 100]! - 0.1) < 1e-3, `${sq.ch2[j0 + 100]}`);
  t.true(Math.abs(sq.ch2[j0 + 1500]! + 0.5) < 1e-3, `${sq.ch2[j0 + 1500]}`);
});

test("iq.measure locked to a generator that does not play a sine at its frequency is refused (PyRPL's IQ cannot follow it)", async (t) => {
  const { rp, close } = await open();
  t.teardown(close);
  await rp.asg0.set({ waveform: 'sine', frequency: 1e5, amplitude: 0.2, output: 'out1' });
  const request = { input: 'in2' as const, frequencyHz: 2e5, lockToAsg: 0, settleS: 1e-4, integrationS: 1e-3 };
  await t.throwsAsync(firstValueFrom(rp.iq0.measure$(request)), { instanceOf: SettingsError, message: /iq0\.lockToAsg = 0/ });
  // at the generator's frequency: the module excites and demodulates; in2 = out1 reads A·e^{j0}
  const z = await firstValueFrom(rp.iq0.measure$({ ...request, frequencyHz: 1e5 }));
  t.true(Math.hypot(z.re - 0.2, z.im) < 2e-4, `${z.re} ${z.im}`);
});

test('bursts and triggers land in PyRPL\'s registers (asg.py:216-250): trigger_source bits, cycles_per_burst, bursts − 1, delay in µs; a software trigger writes the field to 1 and back', async (t) => {
  const { servePyrplSim } = await import('./pyrplSim.js');
  const { connectPyrplBoard, addressOf, asgControlBits } = await import('@labrx/pyrpl');
  const { resolveAsgSettings } = await import('@labrx/core');
  const served = await servePyrplSim({ seed: 3, noiseDensity: 1e-8 });
  const board = await connectPyrplBoard(served.server.url);
  t.teardown(async () => {
    await board.close();
    await served.close();
  });
  const words = async (ch: 0 | 1) => Array.from(await firstValueFrom(board.read$(addressOf(`asg${ch}`, 'cycles_per_burst'), 3)));
  const field = async (ch: 0 | 1) => (((await board.readWord(0x40200000)) >>> asgControlBits(ch).trigger) & 7);
  // 5 cycles of 50 kHz (100 µs) three times 300 µs apart: a 200 µs gap
  const s1 = resolveAsgSettings({ waveform: 'sine', frequency: 50e3, amplitude: 0.4, burstCycles: 5, burstCount: 3, burstPeriod: 300e-6, trigger: 'ext-falling', output: 'out2' }, board.info, undefined, 'asg1');
  t.deepEqual(await firstValueFrom(board.setAsg(1, s1)), s1);
  t.deepEqual(await words(1), [5, 2, 200]);
  t.is(await field(1), 3);
  // phase 90°: the burst lasts 4.75 periods (95 µs), the gap rounds 205.4 µs to whole µs
  const s0 = resolveAsgSettings({ waveform: 'square', frequency: 50e3, amplitude: 0.2, phase: 90, burstCycles: 5, burstCount: 2, burstPeriod: 300.4e-6, trigger: 'off', output: 'out1' }, board.info, undefined, 'asg0');
  await firstValueFrom(board.setAsg(0, s0));
  t.deepEqual(await words(0), [5, 1, 205]);
  t.is(await field(0), 0);
  t.is(await field(1), 3, "asg1's field kept");
  await firstValueFrom(board.triggerAsg(0));
  t.is(await field(0), 0, 'back to off after the pulse');
  // continuous 'immediately' writes zeros and field 1
  await firstValueFrom(board.setAsg(0, resolveAsgSettings({ waveform: 'sine', frequency: 1e3, amplitude: 0.1, output: 'out1' }, board.info, undefined, 'asg0')));
  t.deepEqual(await words(0), [0, 0, 0]);
  t.is(await field(0), 1);
});
