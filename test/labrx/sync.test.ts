import test from 'ava';
import { connect, connectSync, resonator, type SyncBoard } from 'labrx';
import { VirtualClock } from '@labrx/core/testing';
import type * as Procedures from './sync.procedures.js';

const procedures = new URL('./sync.procedures.ts', import.meta.url);
const dut = { kind: 'resonator', f0: 1e6, q: 20, gain: 0.5 } as const;

test('each sync call returns what the async face returns for the same seed and settings (same samples)', async (t) => {
  const sim = { seed: 5, noiseDensity: 1e-6 };
  const clock = new VirtualClock();
  const rp = await connect({ sim: { ...sim, dut: resonator(dut), scheduler: clock } });
  const rps = connectSync({ sim: { ...sim, dut, virtualTime: true } });
  t.teardown(() => rps.close());
  const asg = { waveform: 'sine', frequency: 1e6, amplitude: 0.4, output: 'out1' } as const;
  t.deepEqual(rps.asg0.set(asg), await rp.asg0.set(asg));
  t.deepEqual(rps.asg0.settings, rp.asg0.settings);

  // Both boards run on a virtual clock from 0 and draw noise from the same seeded PRNG in the same
  // order, so the samples must be identical bit for bit (no tolerance: any difference is a bug).
  const a = await clock.run(rp.scope.single({ decimation: 64, trigger: 'asg0', averages: 2 }));
  const s = rps.scope.single({ decimation: 64, trigger: 'asg0', averages: 2 });
  t.true(s.ch1 instanceof Float64Array && s.ch1.length === 16384);
  t.deepEqual(s, a);
  t.deepEqual(rps.scope.state, rp.scope.state);

  const sa = await clock.run(rp.specan.single({ span: 5e6, window: 'hann', unit: 'Vpk^2' }));
  const ss = rps.specan.single({ span: 5e6, window: 'hann', unit: 'Vpk^2' });
  t.deepEqual(ss, sa);

  const na = { start: 0.9e6, stop: 1.1e6, points: 11, rbw: 10e3, amplitude: 0.2 };
  const ra = await clock.run(rp.na.single(na));
  const rs = rps.na.single(na);
  t.deepEqual([...rs.re, ...rs.im, ...rs.frequencies], [...ra.re, ...ra.im, ...ra.frequencies]);
  // methods are rebuilt on the caller side: |H| at f0 is the resonator's gain, 0.5, within the
  // IQ estimate's noise (1e-6 V/√Hz over a 10 kHz rbw is ~1e-4 V on 0.1 V: 0.1 %); 2 % is loose
  t.deepEqual([...rs.magnitude()], [...ra.magnitude()]);
  t.true(Math.abs(rs.magnitude()[5]! - 0.5) < 0.01, `|H(f0)| = ${rs.magnitude()[5]}`);
  t.is(rs.phaseDeg().length, 11);
  await rp.close();
});

test('a sync call from inside an async function works, and engine acquisitions started earlier keep running while it blocks', async (t) => {
  const rps: SyncBoard<typeof Procedures> = connectSync<typeof Procedures>({ sim: { seed: 2 }, procedures });
  t.teardown(() => rps.close());
  // decimation 64: one acquisition takes 16384·64/125 MHz = 8.4 ms of real time
  rps.call('startCounting', 64);
  let mainTimerRan = false;
  const mainTimer = setTimeout(() => (mainTimerRan = true), 1);
  const inside = async (): Promise<[number, number, boolean]> => {
    await new Promise((r) => setImmediate(r)); // really inside the event loop, after an await
    const before = rps.call('count');
    const t0 = performance.now();
    rps.call('sleep', 400); // blocks this thread for 400 ms of real time
    const blockedMs = performance.now() - t0;
    const after = rps.call('count');
    const ranDuringBlock = mainTimerRan;
    t.true(blockedMs >= 399, `blocked ${blockedMs} ms`);
    return [before, after, ranDuringBlock];
  };
  const [before, after, ranDuringBlock] = await inside();
  clearTimeout(mainTimer);
  // 400 ms / 8.4 ms ≈ 48 acquisitions if the engine had both cores; we ask for 5 so that a
  // loaded 2-core machine passes, while a stalled engine (0 traces) fails.
  t.true(after - before >= 5, `the engine acquired ${after - before} traces while the caller blocked`);
  // what blocks is the calling thread only: its own 1 ms timer could not fire meanwhile
  t.false(ranDuringBlock);
  rps.call('stopCounting');
  t.false(rps.call('scopeRunning'));
});

test('procedures compose, call instruments, and are the same functions awaited in-thread (the tworoutine)', async (t) => {
  const rps = connectSync<typeof Procedures>({ sim: { seed: 4, virtualTime: true }, procedures });
  t.teardown(() => rps.close());
  t.true(rps.procedures.includes('composed'));
  const sync = rps.call('composed', 12_345);
  const { composed } = await import('./sync.procedures.js');
  const clock = new VirtualClock();
  const rp = await connect({ sim: { seed: 4, scheduler: clock } });
  const awaited = await clock.run(composed(rp, 12_345));
  t.deepEqual(sync, { echoed: 'inner', samples: 16384, frequency: 12_345 });
  t.deepEqual(awaited, sync);
  await rp.close();
});

test('typed arrays of results are transferred: single() and handOver() detach the engine copy; plain results are cloned', async (t) => {
  const rps = connectSync<typeof Procedures>({ sim: { seed: 6, virtualTime: true }, procedures });
  t.teardown(() => rps.close());
  const handed = rps.call('handOverTrace');
  t.is(handed.ch1.length, 16384);
  t.is(rps.call('keptByteLength'), 0, 'the engine copy was detached: moved, not copied');
  const cloned = rps.call('cloneTrace');
  t.is(cloned.ch1.length, 16384);
  t.is(rps.call('keptByteLength'), 16384 * 8, 'without handOver the engine keeps its array');
});

test('virtual time: an 8.6 s acquisition returns at once and board time advances by exactly its duration', (t) => {
  const rps = connectSync<typeof Procedures>({ sim: { seed: 1, virtualTime: true }, procedures });
  t.teardown(() => rps.close());
  t.true(rps.virtualTime);
  t.is(rps.call('sleep', 0), 0, 'board time starts at 0');
  const t0 = performance.now();
  const tr = rps.scope.single({ decimation: 65536 });
  t.true(performance.now() - t0 < 4000, `took ${performance.now() - t0} ms of real time for 8.6 s of board time`);
  // An immediate acquisition at decimation 65536 fills 16384·65536/125 MHz = 8589.934592 ms of
  // board time (ADR 0005), with the trigger in the middle (t0 = −half the buffer). Virtual time is
  // exact up to float rounding of the sums (1e-9 ms).
  t.true(Math.abs(tr.t0 + 4.294967296) < 1e-12, `t0 ${tr.t0}`);
  t.true(Math.abs(tr.timestamp - 4294.967296) < 1e-9, `trigger at ${tr.timestamp} ms`);
  t.true(Math.abs(rps.call('sleep', 0) - 8589.934592) < 1e-9, 'the call ran to the end of the acquisition, and time stands still between calls');
  t.true(Math.abs(rps.call('sleep', 1000) - 9589.934592) < 1e-9, 'a procedure sleeping 1 s of board time');
});

test("blocking face: asg0.trigger() starts a waiting ('off') generator's burst; before it the output holds", (t) => {
  const rps = connectSync({ sim: { seed: 2, noiseDensity: 1e-8, virtualTime: true } });
  t.teardown(() => rps.close());
  // 1000 cycles of 1 kHz: a 1 s burst, far longer than the 8.4 ms traces
  rps.asg0.set({ waveform: 'sine', frequency: 1e3, amplitude: 0.5, burstCycles: 1000, trigger: 'off', output: 'out1' });
  const rmsOf = (x: Float64Array) => Math.sqrt(x.reduce((s, v) => s + v * v, 0) / x.length);
  t.true(rmsOf(rps.scope.single({ decimation: 64 }).ch2) < 1e-3, 'holds 0 V (the sine at 0°) until triggered');
  t.is(rps.asg0.trigger(), undefined);
  // 8.39 ms = 8.39 periods: the rms of a whole-and-a-bit number of periods is 0.5/√2 within 2 %
  const rms = rmsOf(rps.scope.single({ decimation: 64 }).ch2);
  t.true(Math.abs(rms / (0.5 / Math.SQRT2) - 1) < 0.02, `rms ${rms}`);
});
