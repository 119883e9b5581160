import test from 'ava';
import { VirtualClock } from '@labrx/core/testing';
import { createSimBoard, fabryPerot } from '@labrx/hw-sim';
import { startScpiServer } from '@labrx/scpi';
import { connect, connectSync, LockboxUnavailableError, sideOfFringeLock, type LockResult, type LockStatus } from 'labrx';
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
