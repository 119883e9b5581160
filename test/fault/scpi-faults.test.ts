import test from 'ava';
import { ConnectionLostError, LabrxError, ScpiError, TimeoutError } from '@labrx/core';
import { createSimBoard, type SimBoard } from '@labrx/hw-sim';
import { startScpiServer, type ScpiServer } from '@labrx/scpi';
import { connectScpiBoard, type ScpiBoard } from '@labrx/scpi';
import { connect } from 'labrx';
import { outcome, withFaultyDriver, worstRoundTripMs, type FaultRigSpec } from '../helpers/faultRig.js';

// Fault injection between the SCPI driver and the simulator's SCPI server (issue #12): for each
// fault, the driver's caller gets a typed error within the stated time, no handle is left once the
// board is closed, the generators are given back their settings, and another client of the same
// server is answered throughout.
//
// Stated time: a command that gets no complete reply fails at `timeoutMs` (TIMEOUT_MS here); a link
// that is cut fails at once. SLACK_MS covers a loaded test machine's scheduling, not protocol time.

const TIMEOUT_MS = 1000;
const SLACK_MS = 1500;

let sim: SimBoard;
let server: ScpiServer;
/** A client of the same server, not behind the proxy: it must never notice the faults. */
let bystander: ScpiBoard;

test.before(async () => {
  sim = createSimBoard({ seed: 12 });
  server = await startScpiServer({ board: sim, port: 0 });
  bystander = await connectScpiBoard({ host: '127.0.0.1', port: server.port, timeoutMs: 5000 });
  // the server's first acquisition compiles its code paths: not a fault
  await connect({ driver: bystander }).then((b) => b.scope.single({ decimation: 1 }));
});

test.after.always(async () => {
  await bystander?.close();
  await server?.close();
  await sim?.close();
});

/** The rig: a driver of the served board behind a fault proxy, the bystander answered after each fault. */
const RIG: FaultRigSpec<ScpiBoard> = {
  get server() {
    return server;
  },
  connect: (port, scheduler) => connectScpiBoard({ host: '127.0.0.1', port, timeoutMs: TIMEOUT_MS, connectTimeoutMs: 5000, scheduler }),
  async checkBystander() {
    // the bystander was answered throughout, and still is
    const idn = await bystander.query('*IDN?');
    if (idn !== 'REDPITAYA,INSTR2025,,01-21') throw new Error(`the bystander read ${idn}`);
  },
};

/** A driver behind a fresh fault proxy (`withFaultyDriver`). */
const withFaults = (t: Parameters<typeof withFaultyDriver>[0], body: Parameters<typeof withFaultyDriver<ScpiBoard>>[2]) => withFaultyDriver(t, RIG, body);

/** Measures the bystander's *IDN? round trip while `during` runs. */
const bystanderWorstMs = (during: Promise<unknown>) => worstRoundTripMs(() => bystander.query('*IDN?'), during);

test.serial('replies stall: TimeoutError at timeoutMs; when the network recovers, the link resynchronises and works', (t) =>
  withFaults(t, async ({ proxy, rp }) => {
    await rp.asg0.set({ frequency: 1e4, amplitude: 0.2, output: 'out1' });
    proxy.set('down', { kind: 'stall' });
    const op = outcome(rp.asg0.set({ frequency: 2e4 }));
    const worst = await bystanderWorstMs(op);
    const { error, ms } = await op;
    t.true(error instanceof TimeoutError, String(error));
    // not before the timeout, up to the event loop's cached time: a Node timer counts from the loop's
    // time at its turn's start, so work earlier in that turn makes it fire that much early (2.5 ms seen)
    t.true(ms >= TIMEOUT_MS - 50 && ms < TIMEOUT_MS + SLACK_MS, `${ms} ms`);
    t.true(worst < SLACK_MS, `the bystander waited ${worst} ms`);
    proxy.set('down', { kind: 'pass' }); // the held replies arrive late: dropped by the resynchronisation
    t.like(await rp.asg0.set({ frequency: 3e4 }), { frequency: 3e4 });
    t.is(sim.asgSettings(0).frequency, 3e4);
  }));

test.serial('commands go into a black hole: TimeoutError, then ConnectionLostError once even the resynchronisation is lost', (t) =>
  withFaults(t, async ({ proxy, rp }) => {
    proxy.set('up', { kind: 'drop' });
    const first = await outcome(rp.asg0.set({ frequency: 2e4 }));
    t.true(first.error instanceof TimeoutError, String(first.error));
    t.true(first.ms < TIMEOUT_MS + SLACK_MS, `${first.ms} ms`);
    const second = await outcome(rp.asg0.set({ frequency: 3e4 }));
    t.true(second.error instanceof ConnectionLostError, String(second.error));
    t.true(second.ms < TIMEOUT_MS + SLACK_MS, `${second.ms} ms`);
    const third = await outcome(rp.asg0.set({ frequency: 4e4 }));
    t.true(third.error instanceof ConnectionLostError, 'later calls fail at once');
    t.true(third.ms < SLACK_MS);
  }));

test.serial('the connection is cut during an acquisition: ConnectionLostError at once, not at the timeout', (t) =>
  withFaults(t, async ({ proxy, rp }) => {
    // decimation 65536: an 8.6 s acquisition, so the cut comes while it waits for the trigger
    const op = outcome(rp.scope.single({ decimation: 65536 }));
    await new Promise((r) => setTimeout(r, 100));
    proxy.set('both', { kind: 'cut' });
    const { error, ms } = await op;
    t.true(error instanceof ConnectionLostError, String(error));
    t.true(ms < 100 + SLACK_MS, `${ms} ms`);
    t.deepEqual(rp.scope.state, { state: 'idle', holder: null });
  }));

test.serial('a trace cut short in the middle of its data: ConnectionLostError', (t) =>
  withFaults(t, async ({ proxy, rp }) => {
    // the two blocks of a trace are 131 kB; 40 kB of replies go through, then the link is cut
    proxy.set('down', { kind: 'truncate', bytes: 40_000 });
    const { error, ms } = await outcome(rp.scope.single({ decimation: 1 }));
    t.true(error instanceof ConnectionLostError, String(error));
    t.true(ms < TIMEOUT_MS + SLACK_MS, `${ms} ms`);
  }));

test.serial('corrupted replies: every outcome is a trace of the right length or a typed error within the time, never a crash or a hang', (t) =>
  withFaults(t, async ({ proxy, rp }) => {
    const kinds: string[] = [];
    // odd periods: one that is a multiple of 4 flips the same byte of every float32 sample
    for (const every of [50_001, 4_999, 499]) {
      proxy.set('down', { kind: 'corrupt', every, seed: every });
      const op = rp.scope.single({ decimation: 8 });
      const { error, ms } = await outcome(op);
      if (error === undefined) {
        const trace = await op;
        t.is(trace.ch1.length, 16384);
        kinds.push('trace');
      } else {
        t.true(error instanceof LabrxError, `untyped: ${String(error)}`);
        kinds.push((error as LabrxError).name);
      }
      // a corrupted block length can make the driver wait for bytes that never come: the timeout,
      // then a resynchronisation that may itself be corrupted (another timeout)
      t.true(ms < 2 * TIMEOUT_MS + 2 * SLACK_MS, `${ms} ms`);
      if (error instanceof ConnectionLostError) break; // nothing more to learn on a lost link
    }
    t.log(`outcomes: ${kinds.join(', ')}`);
  }));

test.serial('duplicated replies: never a hang or an untyped error', (t) =>
  withFaults(t, async ({ proxy, rp }) => {
    proxy.set('down', { kind: 'duplicate' });
    const kinds: string[] = [];
    for (const f of [1e4, 2e4, 3e4]) {
      const { error, ms } = await outcome(rp.asg0.set({ frequency: f, output: 'out1' }));
      t.true(error === undefined || error instanceof LabrxError, `untyped: ${String(error)}`);
      t.true(ms < 2 * TIMEOUT_MS + SLACK_MS, `${ms} ms`);
      kinds.push(error === undefined ? 'ok' : (error as LabrxError).name);
    }
    t.log(`outcomes: ${kinds.join(', ')}`);
  }));

test.serial('replies delayed by less than the timeout: everything works, only slower', (t) =>
  withFaults(t, async ({ proxy, rp }) => {
    proxy.set('down', { kind: 'delay', ms: TIMEOUT_MS / 4 });
    t.like(await rp.asg0.set({ frequency: 5e4, amplitude: 0.1, output: 'out1' }), { frequency: 5e4 });
    const trace = await rp.scope.single({ decimation: 8 });
    t.is(trace.ch1.length, 16384);
    t.is(sim.asgSettings(0).frequency, 5e4);
  }));

test.serial('the network stalls in the middle of an NA sweep: the sweep fails with a typed error and the generator gets its settings back', (t) =>
  withFaults(t, async ({ proxy, rp }) => {
    await rp.asg0.set({ frequency: 1234, amplitude: 0.1, offset: 0, output: 'out1' });
    const sweep = outcome(rp.na.single({ start: 1e5, stop: 2e6, points: 200, rbw: 1e4, amplitude: 0.2 }));
    // let the sweep start (asg0 is taken over), then stall the replies past the timeout
    const until = performance.now() + 5000;
    while (sim.asgSettings(0).frequency === 1234 && performance.now() < until) await new Promise((r) => setTimeout(r, 5));
    t.not(sim.asgSettings(0).frequency, 1234, 'the sweep drives asg0');
    proxy.set('down', { kind: 'stall' });
    await new Promise((r) => setTimeout(r, TIMEOUT_MS + 200));
    proxy.set('down', { kind: 'pass' });
    const { error } = await sweep;
    t.true(error instanceof TimeoutError || error instanceof ConnectionLostError || error instanceof ScpiError, String(error));
    // the cleanup goes over the recovered link
    for (let i = 0; i < 100 && sim.asgSettings(0).frequency !== 1234; i++) await new Promise((r) => setTimeout(r, 20));
    t.like(sim.asgSettings(0), { frequency: 1234, amplitude: 0.1, output: 'out1' });
  }));
