import test from 'ava';
import { firstValueFrom } from 'rxjs';
import { ASG_DEFAULTS, SettingsError, type BoardDriver } from '@labrx/core';
import { createSimBoard, lowpass, resonator, SimBoard } from '@labrx/hw-sim';
import { fitSine } from '../helpers/fit.js';
import { setAsg, virtualSim } from './simHelpers.js';

test('a SimBoard is a BoardDriver describing a simulated STEMlab 125-14', (t) => {
  const { board, clock } = virtualSim({ seed: 7 });
  const driver: BoardDriver = board;
  t.is(driver.id, 'sim:7');
  t.is(driver.info.model, 'STEMlab 125-14 (simulated)');
  t.like(driver.info, { sampleRateHz: 125e6, bufferSize: 16384, adcBits: 14, fullScaleV: 1, asgCount: 2, iqCount: 3 });
  t.is(driver.scheduler, clock);
  t.false(driver.scopeRunning);
  t.true(createSimBoard() instanceof SimBoard);
  t.is(createSimBoard({ id: 'bench-3' }).id, 'bench-3');
  t.like(createSimBoard().options, { seed: 1, noiseDensity: 1e-7, extTrigger: null, id: 'sim:1' });
  t.is(createSimBoard().options.dut.name, 'wire');
});

test('invalid options throw SettingsError naming the option', (t) => {
  const cases: Array<[object, string]> = [
    [{ noiseDensity: -1e-9 }, 'noiseDensity'],
    [{ noiseDensity: NaN }, 'noiseDensity'],
    [{ seed: 1.5 }, 'seed'],
    [{ tones: [{ input: 'in3', frequency: 1, amplitude: 1 }] }, 'tones[0].input'],
    [{ tones: [{ input: 'in1', frequency: -1, amplitude: 1 }] }, 'tones[0].frequency'],
    [{ extTrigger: { frequency: 0 } }, 'extTrigger'],
    [{ dut: { name: 'x' } }, 'dut'],
  ];
  for (const [options, setting] of cases) {
    const e = t.throws(() => createSimBoard(options as never), { instanceOf: SettingsError });
    t.is(e?.setting, setting);
  }
});

test('setAsg applies, reads back and errors for a bad index', async (t) => {
  const { board } = virtualSim();
  t.deepEqual(board.asgSettings(1), ASG_DEFAULTS);
  const applied = await setAsg(board, 1, { frequency: 12345, amplitude: 0.25, output: 'out2' });
  t.like(board.asgSettings(1), { frequency: 12345, amplitude: 0.25, output: 'out2' });
  t.is(board.asgSettings(1), applied);
  t.deepEqual(board.asgSettings(0), ASG_DEFAULTS);
  await t.throwsAsync(firstValueFrom(board.setAsg(2, ASG_DEFAULTS)), { instanceOf: SettingsError });
  t.throws(() => board.asgSettings(-1), { instanceOf: SettingsError });
  // cold: nothing happens until subscribed
  board.setAsg(0, { ...ASG_DEFAULTS, frequency: 777 });
  t.is(board.asgSettings(0).frequency, 1000);
});

test('timeS follows the scheduler from the board’s creation', async (t) => {
  const { board, clock } = virtualSim();
  t.is(board.timeS(), 0);
  await clock.advanceBy(1500);
  t.is(board.timeS(), 1.5);
});

test('out2 reaches neither input in the default wiring', async (t) => {
  const { board } = virtualSim({ noiseDensity: 0 });
  await setAsg(board, 1, { frequency: 1e4, amplitude: 0.9, output: 'out2' });
  const ch1 = new Float64Array(4096), ch2 = new Float64Array(4096);
  board.sampleInputs({ startS: 0, decimation: 16 }, ch1, ch2);
  t.true(ch1.every((v) => v === 0) && ch2.every((v) => v === 0));
});

test('sampleInputs renders the same signal model as the scope, with fresh or repeatable noise', async (t) => {
  const dut = resonator({ f0: 3e5, q: 4, gain: 0.7 });
  const { board } = virtualSim({ dut });
  await setAsg(board, 0, { frequency: 3.3e5, amplitude: 0.6, output: 'out1' });
  const a1 = new Float64Array(16384), a2 = new Float64Array(16384);
  board.sampleInputs({ startS: 0.25, decimation: 4, boxcar: false }, a1, a2);
  const h = dut.response(3.3e5);
  const dt = 4 / 125e6;
  t.true(Math.abs(fitSine(a1, dt, 0.25, 3.3e5).amplitude - 0.6 * Math.hypot(h.re, h.im)) < 1e-4);
  const b1 = new Float64Array(16384), b2 = new Float64Array(16384);
  board.sampleInputs({ startS: 0.25, decimation: 4, boxcar: false }, b1, b2);
  t.notDeepEqual(a1, b1, 'a fresh noise realisation');
  const c1 = new Float64Array(16384), c2 = new Float64Array(16384), d1 = new Float64Array(16384), d2 = new Float64Array(16384);
  board.sampleInputs({ startS: 0.25, decimation: 4, realisation: 5 }, c1, c2);
  board.sampleInputs({ startS: 0.25, decimation: 4, realisation: 5 }, d1, d2);
  t.deepEqual([c1, c2], [d1, d2]);
});

test('inputComponents lists each input’s sinusoids through the wiring, phases in board time', async (t) => {
  const dut = lowpass({ cutoff: 1e5, order: 2 });
  const { board, clock } = virtualSim({ dut, tones: [{ input: 'in2', frequency: 5e4, amplitude: 0.1, phase: 90 }] });
  await clock.advanceBy(3);
  await setAsg(board, 0, { waveform: 'square', frequency: 2e4, amplitude: 0.3, offset: 0.05, output: 'out1' });
  const in1 = board.inputComponents('in1');
  const h = dut.response(2e4);
  t.is(in1.dc, 0.05);
  t.is(in1.tones[0]!.frequency, 2e4);
  t.true(Math.abs(in1.tones[0]!.amplitude - (4 / Math.PI) * 0.3 * Math.hypot(h.re, h.im)) < 1e-12);
  // the fundamental of a square wave started at 3 ms, through H: (4A/π)|H| sin(2πf(t − 0.003) + ∠H)
  const p = in1.tones[0]!.phase - (Math.atan2(h.im, h.re) - 2 * Math.PI * 2e4 * 0.003);
  t.true(Math.abs(Math.sin(p)) < 1e-9 && Math.cos(p) > 0);
  t.true(in1.tones.every((c) => c.frequency < 62.5e6) && in1.tones.length > 10);
  const in2 = board.inputComponents('in2');
  t.true(in2.tones.some((c) => c.frequency === 5e4 && c.amplitude === 0.1));
});
