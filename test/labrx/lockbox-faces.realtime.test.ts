import test from 'ava';
import { VirtualClock } from '@labrx/core/testing';
import { createSimBoard, fabryPerot } from '@labrx/hw-sim';
import { startScpiServer } from '@labrx/scpi';
import { connect, connectSync, fabryPerotPdhLock, LockboxUnavailableError, sideOfFringeLock, type LockResult, type LockStatus } from 'labrx';
import { servePyrplSim } from '../pyrpl/pyrplSim.js';

// Serial: the blocking face blocks this thread, and with it any test running beside it. A real-time
// test file (run alone after the rest): the pyrpl:// leg runs the served closed loop in real time.
// One lock sequence, written once, on three faces: the embedded board (awaited, virtual time), the
// blocking face (connectSync, virtual time in the engine) and pyrpl:// against the simulated
// monitor_server (real time, real sockets). The same cavity (seeded, no disturbance) and the same
// loop rate (256 FPGA cycles per step, 488 kHz, which the served one keeps up with in real time).
const PLANT = { finesse: 3000, fsrHz: 1.5e9, piezoHzPerV: 5e6, detuningHz: 1e6, powerV: 0.8, seed: 21 } as const;
const SIM = { seed: 21, noiseDensity: 1e-8, loopDecimation: 256 } as const;
const SEQUENCE = sideOfFringeLock({ linewidthHz: 500e3, piezoHzPerV: 5e6 });

/** What the sequence reports. */
interface Outcome {
  readonly result: LockResult;
  readonly locked: LockStatus;
  readonly unlocked: LockStatus;
}

/**
 * The sequence: lock, read the status, unlock, read it again. `await` takes the blocking face's
 * plain values as it takes the awaited face's Promises, so the one function serves both.
 */
async function lockSequence(rp: { readonly lockbox: { lock(config: typeof SEQUENCE): unknown; readonly status: LockStatus; unlock(): unknown } }): Promise<Outcome> {
  const result = (await rp.lockbox.lock(SEQUENCE)) as LockResult;
  const locked = rp.lockbox.status;
  await rp.lockbox.unlock();
  return { result, locked, unlocked: rp.lockbox.status };
}

/**
 * The same result: the stages, the lock, the calibration (the sweep's transmission peak within
 * 1 % — the ADC's LSB is 0.12 mV of 0.8 V; its place on the piezo within 2 mV, the trace's step
 * over a 1 V sweep in 10 ms sampled every 1 µs at decimation 128 is 0.1 mV, the real-time
 * server's trigger latency allowed for), the error signal at the lock below 5 % of the peak, and
 * an unlocked, safe lockbox after.
 */
function sameOutcome(t: import('ava').ExecutionContext, name: string, o: Outcome, reference: Outcome): void {
  t.deepEqual(o.result.stages, reference.result.stages, name);
  t.true(o.locked.locked && o.locked.state === 'locked', `${name}: ${JSON.stringify(o.locked)}`);
  const c = o.result.calibrations.transmission!;
  const r = reference.result.calibrations.transmission!;
  t.true(Math.abs(c.max - r.max) < 0.01 * r.max, `${name}: peak ${c.max} vs ${r.max}`);
  t.true(Math.abs(c.centerV! - r.centerV!) < 2e-3, `${name}: resonance at ${c.centerV} V vs ${r.centerV} V`);
  t.true(Math.abs(o.locked.errorV!) < 0.05 * c.max, `${name}: error ${o.locked.errorV} V`);
  t.is(o.unlocked.state, 'unlocked', name);
  t.false(o.unlocked.locked, name);
}

test.serial('one lock sequence on the embedded board, the blocking face and pyrpl:// gives the same result', async (t) => {
  const clock = new VirtualClock();
  const embedded = await connect({ sim: { ...SIM, dut: fabryPerot(PLANT), scheduler: clock } });
  t.teardown(() => embedded.close());
  const reference = await clock.run(lockSequence(embedded));
  t.log(`embedded: locked in ${(reference.result.durationS * 1e3).toFixed(1)} ms, resonance at ${reference.result.calibrations.transmission!.centerV} V`);
  // the side of fringe: half a linewidth off resonance, on the piezo's scale 0.05 V above it
  t.true(Math.abs(reference.result.calibrations.transmission!.centerV! - -0.2) < 2e-3);

  const rps = connectSync({ sim: { ...SIM, dut: { kind: 'fabry-perot', ...PLANT }, virtualTime: true } });
  t.teardown(() => rps.close());
  const blocking = await lockSequence(rps);
  t.log(`blocking: locked in ${(blocking.result.durationS * 1e3).toFixed(1)} ms`);
  sameOutcome(t, 'blocking', blocking, reference);
  // locked$ as a sync iterable: a locked status every 20 ms of board time
  rps.lockbox.lock(SEQUENCE);
  const seen: LockStatus[] = [];
  for (const s of rps.lockbox.statuses()) {
    seen.push(s);
    if (seen.length === 4) break;
  }
  t.true(seen.every((s) => s.locked), JSON.stringify(seen));
  t.true(Math.abs(seen[3]!.timeS - seen[2]!.timeS - 0.02) < 1e-6, `${seen[2]!.timeS} → ${seen[3]!.timeS}`);
  rps.lockbox.unlock();
  t.false(rps.lockbox.status.locked);

  const served = await servePyrplSim({ ...SIM, dut: fabryPerot(PLANT) });
  t.teardown(served.close);
  const remote = await connect(served.server.url);
  t.teardown(() => remote.close());
  const overPyrpl = await lockSequence(remote);
  t.log(`pyrpl://: locked in ${(overPyrpl.result.durationS * 1e3).toFixed(1)} ms (real time)`);
  sameOutcome(t, 'pyrpl://', overPyrpl, reference);
  // and the served simulator's PID is off again: p = i = 0, integrator reset
  const pid = await remote.pid0!.get();
  t.like(pid, { p: 0, i: 0 });
  t.true(Math.abs(pid.ival) < 1e-3);
});

/**
 * The Pound–Drever–Hall preset (fabryPerotPdhLock) over pyrpl:// against the served simulator, in
 * real time, against the embedded board in virtual time: the same cavity, now with a random walk
 * of its resonance (σ = 1e5 Hz/√s), the same loop rate (256 FPGA cycles per step). Both must lock
 * with the one 'pdh' stage, calibrate the PDH error's peak-to-peak to 4·J0(β)·J1(β)·P (β = 0.5 rad,
 * P = 0.8 V; Black 2001) within 2 % (test/instruments/lockbox-physics.test.ts), and hold the
 * residual detuning at σ/√(4π·f_u) (f_u = 2 kHz: 631 Hz rms; see lockbox-physics for the theory)
 * within 20 %: 200 readings of the plant's detuning, at least 2 ms apart (the residual's
 * correlation time 1/(2π·f_u) = 80 µs ≪ 2 ms, so independent; 1/√(2·200) = 5 % scatter). The
 * served loop runs in the test's own thread, lazily up to the present whenever anything reads the
 * board: at 488 kHz it costs about 0.2 CPU s per second locked on this machine's cores (0.7 at
 * the default 1.95 MHz; bench/closed-loop.bench.ts), which is what lets it keep up under load.
 */
const PDH_PLANT = { finesse: 3000, fsrHz: 1.5e9, piezoHzPerV: 5e6, detuningHz: 1e6, powerV: 0.8, randomWalkHzPerRtS: 1e5, seed: 11 } as const;
const PDH = fabryPerotPdhLock({ linewidthHz: 500e3, piezoHzPerV: 5e6, modulationHz: 20e6, unityGainHz: 2000 });
const PDH_PP_V = 4 * 0.93847 * 0.242268 * 0.8;
const PDH_RESIDUAL_HZ = 1e5 / Math.sqrt(4 * Math.PI * 2000);

/** rms about the mean of 200 readings of the detuning, each after `wait()` (≥ 2 ms of board time). */
async function residualHz(read: () => Promise<number>, wait: () => Promise<void>): Promise<{ mean: number; rms: number }> {
  const v: number[] = [];
  for (let k = 0; k < 200; k++) {
    await wait();
    v.push(await read());
  }
  const mean = v.reduce((a, b) => a + b, 0) / v.length;
  return { mean, rms: Math.sqrt(v.reduce((a, b) => a + (b - mean) ** 2, 0) / v.length) };
}

test.serial('the Pound–Drever–Hall lock over pyrpl:// in real time: locked as the embedded board, the PDH error calibrated and the residual within 20 % of σ/√(4π·f_u)', async (t) => {
  const clock = new VirtualClock();
  const embedded = await connect({ sim: { ...SIM, seed: 5, dut: fabryPerot(PDH_PLANT), scheduler: clock } });
  t.teardown(() => embedded.close());
  const reference = (await clock.run(embedded.lockbox.lock(PDH))) as LockResult;
  const sim = embedded.driver as import('@labrx/hw-sim').SimBoard;
  const refResidual = await residualHz(
    async () => sim.plantState().detuningHz!,
    () => clock.advanceBy(2),
  );
  t.log(`embedded: locked in ${(reference.durationS * 1e3).toFixed(1)} ms; residual ${refResidual.rms.toFixed(0)} Hz rms (theory ${PDH_RESIDUAL_HZ.toFixed(0)} Hz)`);

  // The served simulator on its default real-time clock (sub-millisecond): its register server plays the
  // IQ oscillator (the EOM's 20 MHz) on a generator slot, phased at the one instant the board restarts
  // the generator (BoardDriver.atOneInstant), so the PDH error comes out of the quadrature as embedded.
  const served = await servePyrplSim({ ...SIM, seed: 5, dut: fabryPerot(PDH_PLANT) });
  t.teardown(served.close);
  const remote = await connect(served.server.url);
  t.teardown(() => remote.close());
  const wall0 = performance.now(), board0 = served.sim.timeS();
  const result = await remote.lockbox.lock(PDH);
  t.log(`pyrpl://: locked in ${(result.durationS * 1e3).toFixed(1)} ms of board time, ${(performance.now() - wall0).toFixed(0)} ms wall (board ${((served.sim.timeS() - board0) * 1e3).toFixed(0)} ms)`);
  const remoteResidual = await residualHz(
    async () => served.sim.plantState().detuningHz!,
    () => new Promise((resolve) => setTimeout(resolve, 2)),
  );
  const status = remote.lockbox.status;
  t.log(`pyrpl://: residual ${remoteResidual.rms.toFixed(0)} Hz rms about ${remoteResidual.mean.toFixed(0)} Hz; pdh p-p ${(remote.lockbox.calibration.pdh!.max - remote.lockbox.calibration.pdh!.min).toFixed(4)} V`);

  // The calibration's bounds: in virtual time the 200 sampler readings fall 0.0618 sweep periods
  // apart, so the extremes are found within 1 % (p-p within 2 % of theory, the setpoint within 0.5 %
  // of a half width of the zero crossing; lockbox-physics). Over pyrpl:// in real time the readings'
  // times are the round trips', and in five runs (load average 9 to 11) the p-p read 0.0 to 5.2 %
  // low and the setpoint sat 0.2 to 4.6 kHz below the zero crossing, always on that side (a bias
  // whose cause is not established; the EOM tone is in phase with the demodulation within 4e-3°
  // here): bounds of 10 % and 8 % of a half width (20 kHz) are empirical, about twice the worst seen.
  // The residual about the setpoint is the physics (the gain the calibration sets moves f_u by the
  // p-p's error at most): within 20 % of theory on both faces. Seen over pyrpl://: 1.04 to 1.19 × theory
  // in six runs at load average 9 to 13 (embedded 1.01): the served lock sits 5–8 % above the embedded
  // one for a reason not established, so a heavily loaded machine may fail this bound now and then.
  for (const [name, r, res, cal, locked, ppTol, meanTol] of [
    ['embedded', reference, refResidual, embedded.lockbox.calibration, embedded.lockbox.status, 0.02, 0.005],
    ['pyrpl://', result, remoteResidual, remote.lockbox.calibration, status, 0.1, 0.08],
  ] as const) {
    t.deepEqual(r.stages, ['pdh'], name);
    t.true(locked.locked && locked.state === 'locked', `${name}: ${JSON.stringify(locked)}`);
    const pp = cal.pdh!.max - cal.pdh!.min;
    t.true(Math.abs(pp - PDH_PP_V) < ppTol * PDH_PP_V, `${name}: pdh p-p ${pp} V vs ${PDH_PP_V} V`);
    t.true(Math.abs(res.mean) < meanTol * 250e3, `${name}: mean ${res.mean} Hz`);
    t.true(Math.abs(res.rms / PDH_RESIDUAL_HZ - 1) < 0.2, `${name}: residual ${res.rms} Hz rms vs ${PDH_RESIDUAL_HZ} Hz`);
  }
  await remote.lockbox.unlock();
  t.false(remote.lockbox.status.locked);
});

test.serial('over stock SCPI the lockbox says the board has no PIDs and what to use instead (LockboxUnavailableError)', async (t) => {
  const sim = createSimBoard({ seed: 1 });
  const server = await startScpiServer({ board: sim, port: 0 });
  t.teardown(async () => {
    await server.close();
    await sim.close();
  });
  const rp = await connect(server.url);
  t.teardown(() => rp.close());
  const e = t.throws(() => rp.lockbox.configure(SEQUENCE), { instanceOf: LockboxUnavailableError });
  t.regex(e!.message, /needs PID modules, which board scpi:\/\/127\.0\.0\.1:\d+ does not have \(stock Red Pitaya SCPI firmware has no PIDs\): connect to a board running PyRPL's FPGA image \('pyrpl:\/\/host:2222'\) or to the simulator \('sim:\/\/'\)/);
  await t.throwsAsync(rp.lockbox.lock(SEQUENCE), { instanceOf: LockboxUnavailableError });
  t.is(rp.leases.holderOf('asg1'), undefined);
});
