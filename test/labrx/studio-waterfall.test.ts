import test from 'ava';
import { initFftBackend } from '@labrx/core';
import { VirtualClock } from '@labrx/core/testing';
import { connect } from 'labrx';
import { decodeWaterfallFrame, StudioSession, WATERFALL_FRAME_KIND, type ServerMessage, type WaterfallFrame } from 'labrx/testing';

// The waterfall panel of a studio session, driven as a page drives it, the simulator in virtual
// time: settings are checked (a SettingsError names the setting), rows come under flow control
// (one frame in flight; a page that does not acknowledge gets nothing more and costs at most `rows`
// waiting rows), the tone is in its bin, Stop and the page going release the scope.

const FS_D = 125e6 / 64;
const POINTS = 1024;
const BIN_HZ = FS_D / POINTS;
const K = 100;

async function rig() {
  await initFftBackend('pffft');
  const clock = new VirtualClock();
  const rp = await connect({ sim: { seed: 3, scheduler: clock, noiseDensity: 1e-8 } });
  await rp.asg0.set({ frequency: K * BIN_HZ, amplitude: 0.1, output: 'out1' });
  const texts: ServerMessage[] = [];
  const frames: WaterfallFrame[] = [];
  const bytes: number[] = [];
  const session = new StudioSession(rp, {
    sendText: (x) => texts.push(JSON.parse(x) as ServerMessage),
    sendBinary: (b) => {
      if (b[0] !== WATERFALL_FRAME_KIND) return;
      bytes.push(b.byteLength);
      frames.push(decodeWaterfallFrame(b));
    },
  });
  session.start();
  const send = (m: unknown) => session.handle(JSON.stringify(m));
  return { clock, rp, session, texts, frames, bytes, send };
}

test('the form comes with the session; a bad setting is a SettingsError naming it and starts nothing', async (t) => {
  const { rp, session, texts, send } = await rig();
  t.teardown(async () => {
    session.close();
    await rp.close();
  });
  const hello = texts.find((m) => m.type === 'waterfall') as Extract<ServerMessage, { type: 'waterfall' }>;
  t.is(hello.state, 'idle');
  t.deepEqual(hello.fields!.filter((f) => f.form).map((f) => f.name), ['span', 'points', 'window', 'overlap', 'averages', 'unit', 'input', 'onOverflow', 'rows', 'scale', 'dbMin', 'dbMax']);
  t.is(hello.unit, 'dBm');
  send({ type: 'waterfall', action: 'start', settings: { overlap: 0.99 } });
  t.like(texts.at(-1), { type: 'error', instrument: 'waterfall', error: { code: 'SettingsError', setting: 'overlap' } });
  send({ type: 'waterfall', action: 'start', settings: { scale: 'fixed', dbMin: -10, dbMax: -20 } });
  t.like(texts.at(-1), { type: 'error', instrument: 'waterfall', error: { code: 'SettingsError', setting: 'dbMax' } });
  send({ type: 'waterfall', action: 'go' });
  t.like(texts.at(-1), { type: 'error', instrument: 'studio', error: { setting: 'action' } });
  t.is(rp.leases.holderOf('scope'), undefined);
});

test('rows come one frame per acknowledgement, at most `rows` waiting; the tone is its bin; Stop and close release the scope', async (t) => {
  const { clock, rp, session, texts, frames, bytes, send } = await rig();
  t.teardown(() => rp.close());
  const rows = 32;
  send({ type: 'waterfall', action: 'start', settings: { points: POINTS, input: 'in2', averages: 1, rows, scale: 'fixed', dbMin: -120, dbMax: 0 }, width: 800 });
  // hop 512 samples at 1.95 MS/s: a row every 0.262 ms of board time
  await clock.advanceBy(5);
  t.true(texts.some((m) => m.type === 'waterfall' && m.state === 'running'));
  t.is(rp.leases.holderOf('scope')?.owner, 'studio waterfall');
  t.is(frames.length, 1, 'one frame in flight until the page acknowledges');
  // the page does not acknowledge for 100 ms of board time (~380 rows): nothing more is sent
  await clock.advanceBy(100);
  t.is(frames.length, 1);
  send({ type: 'waterfall', action: 'ack', id: 0 });
  t.is(frames.length, 2);
  const f = frames[1]!;
  t.is(f.rows.length, rows, 'the newest `rows` rows waited, no more');
  t.true(f.firstRow > frames[0]!.rows.length, `rows dropped while the page did not draw: firstRow ${f.firstRow}`);
  // the bound of the server's buffer for this page: rows · channels · (columns + 8) + 8 · rows, plus the header
  t.true(bytes[1]! <= 48 + rows * (8 + 1 * (f.columns + 8)), `${bytes[1]} bytes`);
  t.is(f.columns, POINTS / 2 + 1);
  for (const row of f.rows) {
    t.deepEqual([row.lo[0], row.hi[0]], [-120, 0], 'the fixed scale');
    const codes = row.codes[0]!;
    t.is(codes.indexOf(Math.max(...codes)), K);
  }
  for (let i = 1; i < f.rows.length; i++) t.true(Math.abs(f.rows[i]!.startS - f.rows[i - 1]!.startS - 512 / FS_D) < 1e-12, 'consecutive rows one hop apart');

  send({ type: 'waterfall', action: 'stop' });
  t.is(rp.leases.holderOf('scope'), undefined, 'Stop released the scope');
  t.like(texts.at(-1), { type: 'waterfall', state: 'idle' });

  send({ type: 'waterfall', action: 'start', settings: { points: POINTS, input: 'in2' }, width: 800 });
  await clock.advanceBy(10);
  t.truthy(rp.leases.holderOf('scope'));
  const before = frames.length;
  send({ type: 'waterfall', action: 'ack', id: 0 }); // the frame of the old run, drawn
  t.is(frames.length, before + 1);
  t.is(frames.at(-1)!.flags & 1, 1, 'a new run starts a new picture');
  session.close();
  t.is(rp.leases.holderOf('scope'), undefined, 'the page going released the scope');
});

test("with the page's scope in Run: the waterfall takes the scope between two Singles, the scope waits while it runs and goes on after Stop", async (t) => {
  const { clock, rp, session, texts, frames, send } = await rig();
  t.teardown(async () => {
    session.close();
    await rp.close();
  });
  const scopeFrames = () => texts.filter((m) => m.type === 'measured' && m.instrument === 'scope').length;
  const ackScope = () => send({ type: 'ack', instrument: 'scope' });
  send({ type: 'run', instrument: 'scope', mode: 'run', settings: { decimation: 64 } });
  for (let i = 0; i < 40; i++) {
    await clock.advanceBy(5);
    ackScope();
  }
  t.true(scopeFrames() >= 2, `${scopeFrames()} scope traces before`);
  send({ type: 'waterfall', action: 'start', settings: { points: POINTS, input: 'in2', averages: 4 }, width: 600 });
  for (let i = 0; i < 40; i++) {
    await clock.advanceBy(5);
    ackScope();
    send({ type: 'waterfall', action: 'ack', id: 0 });
  }
  t.true(frames.length >= 5, `${frames.length} waterfall frames`);
  t.is(rp.leases.holderOf('scope')?.owner, 'studio waterfall');
  const during = scopeFrames();
  for (let i = 0; i < 20; i++) {
    await clock.advanceBy(5);
    ackScope();
    send({ type: 'waterfall', action: 'ack', id: 0 });
  }
  t.is(scopeFrames(), during, 'no scope trace while the waterfall holds the scope');
  t.true(texts.some((m) => m.type === 'state' && m.instrument === 'scope' && m.holder === 'studio waterfall'), 'the scope panel says who holds it');
  send({ type: 'waterfall', action: 'stop' });
  for (let i = 0; i < 40; i++) {
    await clock.advanceBy(5);
    ackScope();
  }
  t.true(scopeFrames() > during, `the scope went on after Stop (${scopeFrames() - during} traces)`);
});
