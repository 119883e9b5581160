import test from 'ava';
import { VirtualClock } from '@labrx/core/testing';
import { createSimBoard, fabryPerot } from '@labrx/hw-sim';
import { Board } from '@labrx/instruments';
import { startScpiServer } from '@labrx/scpi';
import { connect, sideOfFringeLock, startStudio } from 'labrx';
import { SettingsError } from '@labrx/core';
import { decodeFrame, FRAME_KIND, parseClientMessage, type Frame, type ServerMessage } from 'labrx/testing';
import { WebSocket, type WsClient } from '../helpers/pageSocket.js';

/**
 * The studio's lockbox panel over the WebSocket, as a page drives it: a side-of-fringe lock on a
 * simulated Fabry–Perot cavity (500 kHz linewidth, 5 MHz/V piezo, 1 MHz off resonance: the plant of
 * test/instruments/lockbox-physics.test.ts), the board in virtual time advanced by the test.
 *
 * Lock time bound, as there: one sweep period to settle (10 ms), the wait for the trigger (≤ 10 ms),
 * the trace (16.8 ms), the stage (10 ms), the check's 5 samples 20 ms apart (80 ms): 126.8 ms of
 * board time. The panel's strip chart carries each lock-status sample (every 20 ms of board time,
 * `lockStatusIntervalS`): error signal = input − expected signal at the setpoint, which the
 * integrator holds at 0 on average, within the locked window (±0.5 half linewidths of detuning:
 * at the side of the fringe, |error| < about 0.4 of the peak transmission, 0.8 V here).
 */

interface Page {
  ws: WsClient;
  texts: ServerMessage[];
  frames: Frame[];
  closed: Promise<void>;
}

async function openPage(port: number, token: string): Promise<Page> {
  const ws = new WebSocket(`ws://127.0.0.1:${port}/ws?token=${token}`);
  const texts: ServerMessage[] = [];
  const frames: Frame[] = [];
  const closed = new Promise<void>((resolve) => ws.on('close', resolve));
  ws.on('message', (data, isBinary) => {
    if (!isBinary) return void texts.push(JSON.parse(data.toString('utf8')) as ServerMessage);
    const f = decodeFrame(new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
    frames.push(f);
    // acknowledge as a page does after drawing, so that the next strip comes
    if (f.kind === FRAME_KIND.lockSignals) ws.send(JSON.stringify({ type: 'ack', instrument: 'lockbox' }));
  });
  await new Promise<void>((resolve) => ws.on('open', resolve));
  return { ws, texts, frames, closed };
}

/** Advances board time 2 ms at a time (letting the sockets carry messages) until `done`, at most `maxMs`. */
async function until(clock: VirtualClock, done: () => boolean, maxMs: number): Promise<boolean> {
  for (let ms = 0; ms <= maxMs; ms += 2) {
    if (done()) return true;
    await clock.advanceBy(2);
    await new Promise((r) => setImmediate(r));
  }
  return done();
}

function rig() {
  const clock = new VirtualClock();
  const plant = fabryPerot({ finesse: 3000, fsrHz: 1.5e9, piezoHzPerV: 5e6, detuningHz: 1e6, powerV: 0.8, randomWalkHzPerRtS: 1e5, seed: 12 });
  const rp = new Board(createSimBoard({ seed: 12, dut: plant, scheduler: clock, noiseDensity: 1e-9 }));
  return { clock, rp };
}

const SIDE = { linewidthHz: 500e3, piezoHzPerV: 5e6, unityGainHz: 1000 };

test('lockbox panel: Lock reports the stages and status, streams error and output, Unlock leaves the outputs safe', async (t) => {
  const { clock, rp } = rig();
  const studio = await startStudio({ board: rp });
  t.teardown(async () => {
    await studio.close();
    await rp.close();
  });
  const page = await openPage(studio.port, studio.token);
  await until(clock, () => page.texts.some((m) => m.type === 'hello'), 0);
  const hello = page.texts.find((m) => m.type === 'hello') as Extract<ServerMessage, { type: 'hello' }>;
  t.truthy(hello.lockbox, 'a board with PIDs has the panel');
  t.deepEqual(Object.keys(hello.lockbox!.presets), ['sideOfFringe', 'fabryPerotPdh', 'michelsonMidFringe']);
  t.is(hello.lockbox!.status.state, 'unlocked');

  // a bad option is a typed error naming it, and locks nothing
  page.ws.send(JSON.stringify({ type: 'lock', preset: 'sideOfFringe', options: { ...SIDE, linewidthHz: 'wide' } }));
  await until(clock, () => page.texts.some((m) => m.type === 'error'), 20);
  t.like(page.texts.find((m) => m.type === 'error'), { instrument: 'studio', error: { code: 'SettingsError', setting: 'options.linewidthHz' } });
  t.is(rp.lockbox.status.state, 'unlocked');
  // a well-formed message with a value the lockbox refuses: its SettingsError, on the lockbox panel
  page.ws.send(JSON.stringify({ type: 'lock', preset: 'sideOfFringe', options: { ...SIDE, unityGainHz: -1 } }));
  await until(clock, () => page.texts.some((m) => m.type === 'error' && m.instrument === 'lockbox'), 20);
  const refused = page.texts.find((m) => m.type === 'error' && m.instrument === 'lockbox') as Extract<ServerMessage, { type: 'error' }>;
  t.is(refused.error.code, 'SettingsError');
  t.regex(`${refused.error.instrument}.${refused.error.setting}`, /unityGainHz/);
  t.is(rp.lockbox.status.state, 'unlocked');

  page.ws.send(JSON.stringify({ type: 'lock', preset: 'sideOfFringe', options: SIDE }));
  const locked = () => page.texts.some((m) => m.type === 'lockStatus' && m.status.locked);
  t.true(await until(clock, locked, 200), JSON.stringify(page.texts.filter((m) => m.type !== 'hello')));
  const events = page.texts.filter((m): m is Extract<ServerMessage, { type: 'lock' }> => m.type === 'lock').map((m) => m.event);
  t.deepEqual(
    events.map((e) => e.kind),
    ['calibration', 'stage', 'locked'],
  );
  t.like(events[1], { kind: 'stage', stage: 'side', index: 0 });
  const lockedAt = events[2]!.timeS;
  t.true(lockedAt <= 0.1268 + 1e-9, `locked at ${lockedAt} s of board time`);
  const states = page.texts.filter((m): m is Extract<ServerMessage, { type: 'lockStatus' }> => m.type === 'lockStatus').map((m) => m.status.state);
  t.true(states.includes('calibrating') && states.includes('locking') && states.at(-1) === 'locked', states.join(' → '));

  // held for 200 ms more: the strip chart grows, one frame per acknowledgement
  await until(clock, () => false, 200);
  const strips = page.frames.filter((f) => f.kind === FRAME_KIND.lockSignals);
  const last = strips.at(-1)!;
  t.true(last.nPoints >= 10, `${last.nPoints} samples in the strip`);
  const [dt, err, out] = last.series as [Float32Array, Float32Array, Float32Array];
  for (let i = 1; i < last.nPoints; i++) t.true(Math.abs(dt[i]! - dt[i - 1]! - 0.02) < 1e-4, `samples 20 ms apart: ${dt[i]! - dt[i - 1]!}`);
  const lockedErr = Array.from(err.slice(-8));
  t.log(`locked at ${(lockedAt * 1e3).toFixed(1)} ms of board time; ${strips.length} strips, the last ${last.nPoints} samples; error ${lockedErr.map((e) => e.toExponential(1)).join(' ')} V; output ${out.at(-1)!.toFixed(4)} V`);
  t.true(lockedErr.every((e) => Math.abs(e) < 0.4 * 0.8), `error signal while locked ${lockedErr.join(', ')} V`);
  t.true(Array.from(out.slice(-8)).every((o) => Number.isFinite(o) && o > -1 && o < 1), 'the PID output, within its limits');
  t.true(rp.lockbox.status.locked);

  page.ws.send(JSON.stringify({ type: 'unlock' }));
  t.true(await until(clock, () => page.texts.at(-1)?.type === 'lockStatus' && rp.lockbox.status.state === 'unlocked', 100));
  // unlocked = safe: PID off, integrator at 0 V, sweep off, leases released
  t.like(await clock.run(rp.pid0!.get()), { p: 0, i: 0, ival: 0 });
  t.is(rp.asg1.settings.output, 'off');
  t.is(rp.leases.holderOf('pid0'), undefined);
  page.ws.close();
  await page.closed;
});

test('lockbox panel: a page that goes unlocks the lock it started, not a script\'s lock that replaced it; a board without PIDs has no panel', async (t) => {
  const { clock, rp } = rig();
  const studio = await startStudio({ board: rp });
  t.teardown(async () => {
    await studio.close();
    await rp.close();
  });
  const page = await openPage(studio.port, studio.token);
  page.ws.send(JSON.stringify({ type: 'lock', preset: 'sideOfFringe', options: SIDE }));
  t.true(await until(clock, () => rp.lockbox.status.locked, 200));
  page.ws.terminate();
  await page.closed;
  t.true(await until(clock, () => rp.lockbox.status.state === 'unlocked', 50), rp.lockbox.status.state);
  t.is(rp.leases.holderOf('pid0'), undefined);
  t.like(await clock.run(rp.pid0!.get()), { p: 0, i: 0, ival: 0 });

  // a page locks, then a script locks anew: the lock in force is the script's, the page's going leaves it
  const second = await openPage(studio.port, studio.token);
  second.ws.send(JSON.stringify({ type: 'lock', preset: 'sideOfFringe', options: SIDE }));
  t.true(await until(clock, () => rp.lockbox.status.locked, 200));
  await clock.run(rp.lockbox.lock(sideOfFringeLock(SIDE)));
  second.ws.close();
  await second.closed;
  await until(clock, () => false, 40);
  t.is(rp.lockbox.status.state, 'locked', "a script's lock outlives the page");
  // a page whose lock was refused (a bad value) owns no lock: its going leaves the script's
  const third = await openPage(studio.port, studio.token);
  third.ws.send(JSON.stringify({ type: 'lock', preset: 'sideOfFringe', options: { ...SIDE, unityGainHz: -1 } }));
  await until(clock, () => third.texts.some((m) => m.type === 'error'), 20);
  third.ws.close();
  await third.closed;
  await until(clock, () => false, 40);
  t.is(rp.lockbox.status.state, 'locked', 'a refused lock takes no ownership');
  await clock.run(rp.lockbox.unlock());

  // stock SCPI (no PIDs): the hello has no panel and a lock is refused with a reason
  const sim = createSimBoard({ seed: 1 });
  const server = await startScpiServer({ board: sim, port: 0 });
  const scpiBoard = await connect(server.url);
  const scpi = await startStudio({ board: scpiBoard });
  t.teardown(async () => {
    await scpi.close();
    await scpiBoard.close();
    await server.close();
    await sim.close();
  });
  const plain = await openPage(scpi.port, scpi.token);
  plain.ws.send(JSON.stringify({ type: 'lock', preset: 'sideOfFringe', options: SIDE }));
  while (!plain.texts.some((m) => m.type === 'error')) await new Promise((r) => setImmediate(r));
  const hello = plain.texts.find((m) => m.type === 'hello') as Extract<ServerMessage, { type: 'hello' }>;
  t.is(hello.lockbox, null);
  t.like(plain.texts.find((m) => m.type === 'error'), { instrument: 'lockbox', error: { code: 'NoLockbox' } });
  plain.ws.close();
  await plain.closed;
});

test("'lock' messages: a preset and exactly its options as finite numbers, or preset null; anything else names the field", (t) => {
  const lock = (m: object) => parseClientMessage(JSON.stringify({ type: 'lock', ...m }));
  t.deepEqual(lock({ preset: 'michelsonMidFringe', options: { piezoMPerV: 1e-6, unityGainHz: 500 } }), { type: 'lock', preset: 'michelsonMidFringe', options: { piezoMPerV: 1e-6, unityGainHz: 500 } });
  t.deepEqual(lock({ preset: null }), { type: 'lock', preset: null, options: {} });
  t.deepEqual(parseClientMessage('{"type":"unlock"}'), { type: 'unlock' });
  const bad = (m: object, setting: string) => t.is(t.throws(() => lock(m), { instanceOf: SettingsError })?.setting, setting);
  bad({ preset: 'pdh', options: {} }, 'preset');
  bad({ preset: 'sideOfFringe', options: { ...SIDE, side: -1 } }, 'options.side');
  bad({ preset: 'sideOfFringe', options: { linewidthHz: 5e5, piezoHzPerV: 5e6 } }, 'options.unityGainHz');
  bad({ preset: 'sideOfFringe', options: [1, 2] }, 'settings');
  // JSON has no Infinity: a number too large for a double parses as one
  t.is(t.throws(() => parseClientMessage('{"type":"lock","preset":"sideOfFringe","options":{"linewidthHz":1e999,"piezoHzPerV":5e6,"unityGainHz":1000}}'), { instanceOf: SettingsError })?.setting, 'options.linewidthHz');
});

test('lockbox panel: closing the studio unlocks a page\'s lock before it returns', async (t) => {
  const { clock, rp } = rig();
  t.teardown(() => rp.close());
  const studio = await startStudio({ board: rp });
  const page = await openPage(studio.port, studio.token);
  page.ws.send(JSON.stringify({ type: 'lock', preset: 'sideOfFringe', options: SIDE }));
  t.true(await until(clock, () => rp.lockbox.status.locked, 200));
  let closed = false;
  let stateAtClose = '';
  let leaseAtClose: unknown = 'not closed';
  const closing = studio.close().then(() => {
    closed = true;
    stateAtClose = rp.lockbox.status.state;
    leaseAtClose = rp.leases.holderOf('pid0');
  });
  // the unlock runs on board time: advance it until close() returns
  t.true(await until(clock, () => closed, 100), 'studio.close() returned');
  await closing;
  t.is(stateAtClose, 'unlocked', 'unlocked by the time close() returned');
  t.is(leaseAtClose, undefined, 'the PID is safe and free by then');
  t.like(await clock.run(rp.pid0!.get()), { p: 0, i: 0, ival: 0 });
  await page.closed;
});
