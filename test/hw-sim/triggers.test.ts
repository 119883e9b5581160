import test from 'ava';
import { firstValueFrom } from 'rxjs';
import { ConnectionLostError, SCOPE_DEFAULTS, type RawTrace } from '@labrx/core';
import { fitSine, wrapPi } from '../helpers/fit.js';
import { FS, acquire, setAsg, virtualSim } from './simHelpers.js';

const atTrigger = (tr: RawTrace) => Math.round(-tr.t0 / tr.dt);

test("'ch1-rising' at 0.2 V: the sample at t = 0 is the first ≥ 0.2 V, the one before is below", async (t) => {
  const { clock, board } = virtualSim({ seed: 3, noiseDensity: 1e-8 });
  await setAsg(board, 0, { frequency: 5e3, amplitude: 0.5, output: 'out1' });
  const tr = await acquire(clock, board, { decimation: 8, trigger: 'ch1-rising', threshold: 0.2, hysteresis: 0.01 });
  t.is(tr.t0, -8192 * tr.dt);
  t.true(tr.ch1[8191]! < 0.2 && tr.ch1[8192]! >= 0.2, `${tr.ch1[8191]}, ${tr.ch1[8192]}`);
  // the trigger instant (timestamp) is the board time of that sample: the analytic crossing of
  // 0.5·sin(2π·5e3·t) = 0.2 (rising) lies within one sample dt = 64 ns before it, plus the time the
  // signal takes to rise by at most one LSB (the ADC rounds): 1 LSB/14.4 kV/s = 8.5 ns
  const tc = Math.asin(0.4) / (2 * Math.PI * 5e3);
  const periods = (tr.timestamp / 1000 - tc) * 5e3;
  const lag = (periods - Math.floor(periods)) / 5e3;
  const slope = 2 * Math.PI * 5e3 * 0.5 * Math.cos(Math.asin(0.4));
  t.true(lag >= 0 && lag <= tr.dt + (2 / 2 ** 14) / slope, `trigger ${lag / tr.dt} samples after the crossing`);
});

test('a crossing many search chunks after arming is found, with the arming (hysteresis) carried across chunks', async (t) => {
  // a 200 Hz sine at decimation 1: one 131 µs chunk is 1/38 of a period, so the rising crossing
  // lies up to 38 chunks away and the dip below threshold − hysteresis is in an earlier chunk
  const { clock, board } = virtualSim({ seed: 3, noiseDensity: 1e-9 });
  await setAsg(board, 0, { frequency: 200, amplitude: 0.5, output: 'out1' });
  await clock.advanceBy(1.3); // start just after a rising crossing of 0.2 V
  const tr = await acquire(clock, board, { decimation: 1, trigger: 'ch1-rising', threshold: 0.2, hysteresis: 0.05 });
  t.true(tr.ch1[8191]! < 0.2 && tr.ch1[8192]! >= 0.2, `${tr.ch1[8191]}, ${tr.ch1[8192]}`);
  const tc = Math.asin(0.4) / (2 * Math.PI * 200);
  const periods = (tr.timestamp / 1000 - tc) * 200;
  t.is(Math.floor(periods), 1, 'the next period’s crossing');
  // the trigger sees quantised samples: the first ≥ 0.2 V comes within one sample after the
  // analogue signal passes the ADC's rounding point above 0.2 V, at most 1 LSB higher; at a slope
  // of 2π·200·0.5·cos(asin 0.4) = 576 V/s that is up to 1 LSB/576 V/s = 212 ns = 26.5 samples late
  const slope = 2 * Math.PI * 200 * 0.5 * Math.cos(Math.asin(0.4));
  const lag = (periods - 1) / 200;
  t.true(lag >= 0 && lag <= tr.dt + (2 / 2 ** 14) / slope, `trigger ${lag / tr.dt} samples after the crossing`);
  // the trace ends 8192 samples after the trigger
  t.true(Math.abs(clock.now() - (tr.timestamp + 8192 * tr.dt * 1000)) < 1e-9);
});

test('falling and ch2 triggers mirror the rising one', async (t) => {
  const { clock, board } = virtualSim({ seed: 3, noiseDensity: 1e-8 });
  await setAsg(board, 0, { frequency: 20e3, amplitude: 0.6, output: 'out1' });
  const fall = await acquire(clock, board, { decimation: 4, trigger: 'ch2-falling', threshold: -0.1 });
  t.true(fall.ch2[8191]! > -0.1 && fall.ch2[8192]! <= -0.1);
  const rise2 = await acquire(clock, board, { decimation: 4, trigger: 'ch2-rising', threshold: 0.55 });
  t.true(rise2.ch2[8191]! < 0.55 && rise2.ch2[8192]! >= 0.55);
  const fall1 = await acquire(clock, board, { decimation: 4, trigger: 'ch1-falling', threshold: 0 });
  t.true(fall1.ch1[8191]! > 0 && fall1.ch1[8192]! <= 0);
});

test('triggerDelay shifts the crossing by the asked time, within one sample', async (t) => {
  const { clock, board } = virtualSim({ seed: 3, noiseDensity: 1e-8 });
  await setAsg(board, 0, { frequency: 5e3, amplitude: 0.5, output: 'out1' });
  for (const delayS of [20e-6, -300e-6, 2e-3, 0.3e-3]) {
    const tr = await acquire(clock, board, { decimation: 8, trigger: 'ch1-rising', threshold: 0.2, triggerDelay: delayS });
    t.true(Math.abs(tr.t0 - (-8192 * tr.dt + delayS)) <= tr.dt / 2, `t0 ${tr.t0} for delay ${delayS}`);
    const i0 = atTrigger(tr);
    if (i0 >= 1 && i0 < tr.ch1.length) t.true(tr.ch1[i0 - 1]! < 0.2 && tr.ch1[i0]! >= 0.2, `delay ${delayS}: ${tr.ch1[i0 - 1]}, ${tr.ch1[i0]}`);
    else {
      // delay 2 ms > half the 1.05 ms buffer: t = 0 is before the trace; the waveform is still
      // locked to the crossing, so a fit gives sin(phase at t = 0) = 0.2/0.5 on the rising side
      const fit = fitSine(tr.ch1, tr.dt, tr.t0, 5e3);
      const expected = Math.asin(0.4);
      // phase known to within one sample: 2π·5e3·64 ns = 2e-3 rad
      t.true(Math.abs(wrapPi(fit.phase - expected)) < 2.5e-3, `delay ${delayS}: phase ${fit.phase} vs ${expected}`);
    }
  }
});

test('an immediate acquisition takes exactly 16384·D/125 MHz of virtual time and little real time', async (t) => {
  const { clock, board } = virtualSim({ seed: 1 });
  await setAsg(board, 0, { frequency: 3, amplitude: 0.5, output: 'out1' });
  const real0 = performance.now();
  const tr = await acquire(clock, board, { decimation: 65536 });
  const realMs = performance.now() - real0;
  t.true(Math.abs(clock.now() - 8589.934592) < 1e-9, `virtual ${clock.now()} ms`);
  // virtual time does not sleep: under half the 8.6 s it stands for, even on a loaded machine
  t.true(realMs < 4295, `real ${realMs} ms`);
  t.is(tr.timestamp, 8192 * tr.dt * 1000); // the trigger is mid-buffer
  const start = clock.now();
  await acquire(clock, board, { decimation: 8192 });
  t.true(Math.abs(clock.now() - start - 1073.741824) < 1e-9);
  t.is(board.activeAcquisitions, 0);
  t.is(clock.nextFrame(), undefined);
});

test('a trigger that never fires keeps waiting cheaply; unsubscribing stops it and leaves nothing scheduled', async (t) => {
  const { clock, board } = virtualSim({ seed: 8 });
  await setAsg(board, 0, { frequency: 1e3, amplitude: 0.3, output: 'out1' });
  let result: RawTrace | undefined;
  const sub = board.acquire({ ...SCOPE_DEFAULTS, decimation: 1, trigger: 'ch1-rising', threshold: 0.5 }).subscribe((v) => (result = v));
  t.is(board.activeAcquisitions, 1);
  t.is(board.acquisitionsStarted, 1);
  t.true(board.scopeRunning);
  // 10 ms of virtual time is 76 buffer lengths at decimation 1: each is searched once
  const real0 = performance.now();
  await clock.advanceBy(10);
  // cheap: one search per buffer length (~1.2 M samples); a wait that re-rendered per scheduler step would
  // take minutes. 8 s leaves room for a loaded machine (the cost is measured in bench/, not here).
  t.true(performance.now() - real0 < 8000);
  t.is(result, undefined);
  t.is(board.activeAcquisitions, 1);
  t.not(clock.nextFrame(), undefined, 'the search is still scheduled');
  sub.unsubscribe();
  t.is(board.activeAcquisitions, 0);
  t.false(board.scopeRunning);
  t.is(clock.nextFrame(), undefined);
});

test('unsubscribing mid-acquisition stops it', async (t) => {
  const { clock, board } = virtualSim();
  const sub = board.acquire({ ...SCOPE_DEFAULTS, decimation: 65536 }).subscribe(() => t.fail('no trace expected'));
  await clock.advanceBy(1000);
  t.is(board.activeAcquisitions, 1);
  sub.unsubscribe();
  t.is(board.activeAcquisitions, 0);
  t.is(clock.nextFrame(), undefined);
});

test("'asg0' triggers at the generator's period starts, locked to its phase setting", async (t) => {
  const { clock, board } = virtualSim({ seed: 12, noiseDensity: 0 });
  const f = 1e3, phaseDeg = 30;
  await setAsg(board, 0, { frequency: f, amplitude: 0.5, phase: phaseDeg, output: 'out1' });
  const phases: number[] = [];
  for (const waitMs of [0, 0.37, 5.123]) {
    await clock.advanceBy(waitMs);
    const tr = await acquire(clock, board, { decimation: 64, trigger: 'asg0' });
    // the trigger is a period start: a whole number of periods after the generator's start at 0
    const periods = (tr.timestamp / 1000) * f;
    t.true(periods - Math.floor(periods) < f * tr.dt * (1 + 1e-6) || Math.ceil(periods) - periods < 1e-9, `trigger at ${periods} periods`);
    phases.push(fitSine(tr.ch2, tr.dt, tr.t0, f).phase);
  }
  // the waveform's phase at t = 0 is the phase setting, plus the time from the period start to the
  // first sample at or after it (0 … 2π·f·dt = 3.2e-3 rad), plus the boxcar's half-window lead
  // π·f·(D−1)/fs = 1.6e-3 rad; noiseless, the fit itself errs by < 1e-5 rad
  const lead = (Math.PI * f * 63) / FS;
  for (const p of phases) {
    const late = wrapPi(p - (phaseDeg * Math.PI) / 180 - lead);
    t.true(late > -1e-5 && late < 2 * Math.PI * f * (64 / FS) + 1e-5, `phase ${p}: ${late} rad after the period start`);
  }
  // and the three traces, taken at unrelated times, show the same phase to within one sample
  t.true(Math.max(...phases) - Math.min(...phases) < 2 * Math.PI * f * (64 / FS) + 1e-5);
});

test("'asg1' triggers even with its output off; a 0 Hz generator never triggers", async (t) => {
  const { clock, board } = virtualSim();
  await setAsg(board, 1, { frequency: 2e3, output: 'off' });
  const tr = await acquire(clock, board, { decimation: 16, trigger: 'asg1' });
  const periods = (tr.timestamp / 1000) * 2e3;
  t.true(periods - Math.floor(periods) <= 2e3 * tr.dt * (1 + 1e-6));
  await setAsg(board, 1, { frequency: 0, output: 'off' });
  const sub = board.acquire({ ...SCOPE_DEFAULTS, decimation: 16, trigger: 'asg1' }).subscribe(() => t.fail());
  await clock.advanceBy(100);
  t.is(board.activeAcquisitions, 1);
  sub.unsubscribe();
});

test('ext triggers follow options.extTrigger edges; without it they never fire and schedule nothing', async (t) => {
  const none = virtualSim();
  const sub = none.board.acquire({ ...SCOPE_DEFAULTS, trigger: 'ext-rising' }).subscribe(() => t.fail());
  await none.clock.advanceBy(1000);
  t.is(none.board.activeAcquisitions, 1);
  t.is(none.clock.nextFrame(), undefined);
  sub.unsubscribe();
  t.is(none.board.activeAcquisitions, 0);

  const { clock, board } = virtualSim({ extTrigger: { frequency: 1e3 } });
  await clock.advanceBy(0.25);
  const rise = await acquire(clock, board, { decimation: 8, trigger: 'ext-rising' });
  const dt = rise.dt;
  // rising edges at whole ms, falling at half ms; the trigger sample is the first at or after the edge
  const cyc = (ms: number) => ms - Math.floor(ms);
  t.true(cyc(rise.timestamp) * 1e-3 < dt * (1 + 1e-6), `rising at ${rise.timestamp} ms`);
  const fall = await acquire(clock, board, { decimation: 8, trigger: 'ext-falling' });
  t.true(Math.abs(cyc(fall.timestamp) - 0.5) * 1e-3 < dt * (1 + 1e-6), `falling at ${fall.timestamp} ms`);
});

test('a triggered trace is emitted (trigger + (8192 + delay)·dt) after the trigger', async (t) => {
  const { clock, board } = virtualSim({ seed: 3, noiseDensity: 1e-8 });
  await setAsg(board, 0, { frequency: 700, amplitude: 0.5, output: 'out1' });
  for (const triggerDelay of [0, 1e-3, -2e-3]) {
    const tr = await acquire(clock, board, { decimation: 256, trigger: 'ch1-rising', threshold: 0.3, triggerDelay });
    const delaySamples = Math.round(triggerDelay / tr.dt);
    t.true(Math.abs(clock.now() - (tr.timestamp + (8192 + delaySamples) * tr.dt * 1000)) < 1e-9);
  }
});

test('concurrent acquisitions each keep their own timing and physics', async (t) => {
  const { clock, board } = virtualSim({ seed: 21 });
  await setAsg(board, 0, { frequency: 10e3, amplitude: 0.5, output: 'out1' });
  const done: number[] = [];
  const a = firstValueFrom(board.acquire({ ...SCOPE_DEFAULTS, decimation: 64 })).then((tr) => (done.push(clock.now()), tr));
  const b = firstValueFrom(board.acquire({ ...SCOPE_DEFAULTS, decimation: 8 })).then((tr) => (done.push(clock.now()), tr));
  t.is(board.activeAcquisitions, 2);
  const [ta, tb] = await clock.run(Promise.all([a, b]));
  t.deepEqual(done.map((ms) => Math.round(ms * 1e6) / 1e6), [1.048576, 8.388608]);
  for (const tr of [ta, tb]) t.true(Math.abs(fitSine(tr.ch2, tr.dt, tr.t0, 10e3).amplitude - 0.5) < 1e-3);
  t.is(board.activeAcquisitions, 0);
});

test('close() fails acquisitions in flight with ConnectionLostError and refuses new ones', async (t) => {
  const { clock, board } = virtualSim();
  const pending = firstValueFrom(board.acquire({ ...SCOPE_DEFAULTS, decimation: 1024 }));
  await clock.advanceBy(10);
  await board.close();
  await t.throwsAsync(pending, { instanceOf: ConnectionLostError });
  t.is(board.activeAcquisitions, 0);
  t.is(clock.nextFrame(), undefined);
  await t.throwsAsync(firstValueFrom(board.acquire(SCOPE_DEFAULTS)), { instanceOf: ConnectionLostError });
  await t.throwsAsync(firstValueFrom(board.setAsg(0, board.asgSettings(0))), { instanceOf: ConnectionLostError });
  await board.close(); // idempotent
  t.pass();
});
