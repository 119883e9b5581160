import test from 'ava';
import { firstValueFrom } from 'rxjs';
import { ASG_DEFAULTS, SettingsError, asgHoldLevels, resolveAsgSettings } from '@labrx/core';
import { checkBursts } from '../helpers/burstCheck.js';
import { setAsg, virtualSim } from './simHelpers.js';

// Generator bursts and triggers in the embedded simulator, on virtual time: the model is PyRPL's FPGA
// (red_pitaya_asg_ch.v): a trigger starts the table at `phase`; a burst of N cycles ends at the N-th
// period boundary ((N − phase/360)/f after its start) and holds the waveform's value at phase 0; before
// the first trigger the output holds the value at `phase`. Inputs are rendered with `sampleInputs` at
// known board times (in2 = out1, a wire), decimation 8 (64 ns), noise 1e-8 V/√Hz (28 µV per sample).

const f = 20e3, a = 0.4, offset = 0.1, dec = 8, dt = dec / 125e6;

/** in2 over [fromS, fromS + durationS) at decimation 8. */
function in2(board: ReturnType<typeof virtualSim>['board'], fromS: number, durationS: number): Float64Array {
  const n = Math.ceil(durationS / dt);
  const ch1 = new Float64Array(n), ch2 = new Float64Array(n);
  board.sampleInputs({ startS: fromS, decimation: dec }, ch1, ch2);
  return ch2;
}

test("'immediately' with phase 90°: 3 cycles from +A, ending at phase 0 after (3 − ¼)/f, held at the offset; repeated 500 µs later", async (t) => {
  const { clock, board } = virtualSim({ seed: 5, noiseDensity: 1e-8 });
  await clock.advanceBy(1);
  const ts = board.timeS();
  await setAsg(board, 0, { waveform: 'sine', frequency: f, amplitude: a, offset, phase: 90, burstCycles: 3, burstCount: 2, burstPeriod: 500e-6, output: 'out1' });
  const from = ts - 100e-6;
  const x = in2(board, from, 1.5e-3);
  // before the settings applied the generator was off: 0 V
  checkBursts(t, x, dt, from - ts, { frequency: f, amplitude: a, offset, phase: 90, burstS: 2.75 / f, count: 2, period: 500e-6, beforeV: 0, afterV: offset });
  t.deepEqual(asgHoldLevels({ ...ASG_DEFAULTS, amplitude: a, offset, phase: 90 }), { beforeV: offset + a, afterV: offset });
});

test("'off' holds the value at `phase` (no output for a sine at 0° without offset); triggerAsg starts one burst at its instant", async (t) => {
  const { clock, board } = virtualSim({ seed: 6, noiseDensity: 1e-8 });
  await setAsg(board, 0, { waveform: 'sine', frequency: f, amplitude: a, burstCycles: 4, trigger: 'off', output: 'out1' });
  await clock.advanceBy(1);
  const quiet = in2(board, 0, 2e-3);
  t.true(quiet.every((v) => Math.abs(v) < 2e-3), "'off' plays nothing");
  await setAsg(board, 0, { waveform: 'sine', frequency: f, amplitude: a, offset, phase: 90, burstCycles: 4, trigger: 'off', output: 'out1' });
  await clock.advanceBy(1);
  const tt = board.timeS();
  await firstValueFrom(board.triggerAsg(0));
  await clock.advanceBy(1);
  const from = tt - 300e-6;
  const x = in2(board, from, 1e-3);
  checkBursts(t, x, dt, from - tt, { frequency: f, amplitude: a, offset, phase: 90, burstS: 3.75 / f, count: 1, period: 1e-3, beforeV: offset + a, afterV: offset });
});

test("'ext-falling' starts at the external input's falling edges; an edge during a sequence is ignored, the next one after it starts the next", async (t) => {
  // falling edges of the 1 kHz square wave at (k + ½) ms; the sequence (3 bursts 600 µs apart, 2.75 cycles
  // each = 137.5 µs) lasts 1.3375 ms, so the edge at 1.5 ms falls inside it and the next sequence waits for 2.5 ms
  const { clock, board } = virtualSim({ seed: 7, noiseDensity: 1e-8, extTrigger: { frequency: 1e3 } });
  await clock.advanceBy(0.2);
  await setAsg(board, 0, { waveform: 'sine', frequency: f, amplitude: a, offset, phase: 90, burstCycles: 3, burstCount: 3, burstPeriod: 600e-6, trigger: 'ext-falling', output: 'out1' });
  await clock.advanceBy(5);
  const seq = { frequency: f, amplitude: a, offset, phase: 90, burstS: 2.75 / f, count: 3, period: 600e-6, afterV: offset };
  const first = in2(board, 0.25e-3, 2.2e-3);
  checkBursts(t, first, dt, 0.25e-3 - 0.5e-3, { ...seq, beforeV: offset + a, untilS: 2e-3 });
  const second = in2(board, 2.2e-3, 1.5e-3);
  checkBursts(t, second, dt, 2.2e-3 - 2.5e-3, { ...seq, beforeV: offset });
});

test("a continuous generator on 'ext-rising' holds its level until the first edge, then plays on from it at `phase`", async (t) => {
  const { clock, board } = virtualSim({ seed: 8, noiseDensity: 1e-8, extTrigger: { frequency: 1e3 } });
  await clock.advanceBy(0.3);
  await setAsg(board, 0, { waveform: 'sine', frequency: f, amplitude: a, offset, phase: 30, trigger: 'ext-rising', output: 'out1' });
  await clock.advanceBy(5);
  // edge at 1 ms; the whole 1.9 ms after it is one sine (a 'burst' of 38 cycles), edges at 2 ms … ignored
  const x = in2(board, 0.5e-3, 2.4e-3);
  checkBursts(t, x, dt, 0.5e-3 - 1e-3, { frequency: f, amplitude: a, offset, phase: 30, burstS: 1.9e-3, count: 1, period: 1, beforeV: offset + a / 2, afterV: offset, untilS: 1.9e-3 });
});

test('a continuous generator renders bit for bit as before: burst settings are ignored while burstCycles is 0', async (t) => {
  const render = async (extra: object) => {
    const { clock, board } = virtualSim({ seed: 9 });
    await clock.advanceBy(0.5);
    await setAsg(board, 0, { waveform: 'square', frequency: 3.3e5, amplitude: 0.3, offset: -0.1, phase: 12, output: 'out1', ...extra });
    await clock.advanceBy(0.5);
    const ch1 = new Float64Array(4096), ch2 = new Float64Array(4096);
    board.sampleInputs({ startS: 0.4e-3, decimation: 4, realisation: 3 }, ch1, ch2);
    return [ch1, ch2];
  };
  t.deepEqual(await render({ burstCount: 9, burstPeriod: 0.25 }), await render({}));
});

test('bad burst settings: SettingsError naming the setting, its value and what is allowed; nothing resolved', (t) => {
  const { board } = virtualSim();
  const base = resolveAsgSettings({ waveform: 'sine', frequency: 1e3, amplitude: 0.5 }, board.info);
  const bad = (s: object, setting: string, value: unknown, allowed: RegExp, on = base) => {
    const e = t.throws(() => resolveAsgSettings(s as never, board.info, on), { instanceOf: SettingsError });
    t.like(e, { instrument: 'asg', setting, value });
    t.regex(e!.message, allowed);
  };
  bad({ trigger: 'now' }, 'trigger', 'now', /one of 'immediately', 'ext-rising', 'ext-falling', 'off'/);
  bad({ burstCycles: -1 }, 'burstCycles', -1, /integer from 0 to 65535/);
  bad({ burstCount: 65536 }, 'burstCount', 65536, /integer from 1 to 65535/);
  bad({ burstPeriod: 5 }, 'burstPeriod', 5, /from 0.000001 to 4 \(s\)/);
  // 10 cycles of 1 kHz last 10 ms: a 5 ms period cannot hold them (+1 µs gap)
  bad({ burstCycles: 10, burstCount: 2, burstPeriod: 5e-3 }, 'burstPeriod', 5e-3, /at least the burst's length \+ 1 µs \(0\.010001 s\)/);
  bad({ frequency: 0 }, 'frequency', 0, /burstCycles 0/, resolveAsgSettings({ burstCycles: 10 }, board.info, base));
  bad({ burstCycles: 1, waveform: 'dc' }, 'burstCycles', 1, /periodic waveform/);
  // one burst needs no period
  t.like(resolveAsgSettings({ burstCycles: 10, burstPeriod: 5e-3 }, board.info, base), { burstCycles: 10, burstCount: 1 });
});

test('with the closed loop running (a PID acting), the scope reads the bursts from the loop and the sampler holds the level between them', async (t) => {
  const { clock, board } = virtualSim({ seed: 10, noiseDensity: 1e-8, extTrigger: { frequency: 100 } });
  // pid0 acting on out2 (nothing listens) keeps the loop running: the scope then reads the loop's 512 ns steps
  await firstValueFrom(board.pid.set(0, { input: 'asg1', outputDirect: 'out2', p: 0.5 }));
  t.true(board.loopRunning);
  await setAsg(board, 0, { waveform: 'sine', frequency: f, amplitude: a, offset, burstCycles: 3, burstCount: 2, burstPeriod: 500e-6, trigger: 'ext-rising', output: 'out1' });
  const tr = await clock.run(firstValueFrom(board.acquire({ ...(await import('@labrx/core')).SCOPE_DEFAULTS, decimation: 64, trigger: 'ext-rising' })));
  // the loop holds the waveform's value at each step's middle: within a step of the edges the check skips 2 samples (1 µs)
  checkBursts(t, tr.ch2, tr.dt, tr.t0, { frequency: f, amplitude: a, offset, phase: 0, burstS: 3 / f, count: 2, period: 500e-6, beforeV: offset, afterV: offset });
  // between sequences (edges every 10 ms): the sampler reads the held level on out1
  const s = await firstValueFrom(board.sampler.sample('out1'));
  t.true(Math.abs(s - offset) < 2e-3, `sampler ${s} V`);
});
