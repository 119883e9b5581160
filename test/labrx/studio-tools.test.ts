import test from 'ava';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Subject } from 'rxjs';
import { VirtualClock } from '@labrx/core/testing';
import { connect, connectMany, resonator, type Trace } from 'labrx';
import { decodeFrame, FRAME_KIND, measureChannel, spectrumPeak, StudioFleet, StudioSession, StudioShows, StudioState, type Frame, type ServerMessage } from 'labrx/testing';

// The studio's tools without a browser: scope measurements against the sine they measure, the
// spectrum peak, studio.show's flow control, profiles and the last state.

test('measureChannel: Vpp, Vrms, mean and frequency of a sampled sine, within what sampling allows', (t) => {
  const A = 0.3;
  const offset = 0.05;
  const f = 12_345;
  const dt = 64 / 125e6;
  const n = 16384;
  const x = Float64Array.from({ length: n }, (_, i) => offset + A * Math.sin(2 * Math.PI * f * i * dt + 0.3));
  const m = measureChannel(x, dt);
  const periods = n * dt * f; // 103.6
  // the sampled extremes miss the true ones by at most A(1 − cos(π f dt))
  t.true(m.vpp <= 2 * A + 1e-12 && m.vpp >= 2 * A * Math.cos(Math.PI * f * dt), `Vpp ${m.vpp}`);
  // a non-whole number of periods biases mean and mean square by at most A/(π·periods) and A²/(2π·periods)
  t.true(Math.abs(m.mean - offset) <= A / (Math.PI * periods), `mean ${m.mean}`);
  t.true(Math.abs(m.vrms ** 2 - (A * A) / 2 - offset * offset) <= (A * A) / (2 * Math.PI * periods) + 2 * offset * A / (Math.PI * periods), `Vrms ${m.vrms}`);
  // crossings interpolated linearly on a sine: the error of each is O((2πf·dt)²) of a sample, tiny
  t.true(Math.abs(m.frequencyHz! / f - 1) < 1e-6, `${m.frequencyHz} Hz`);
  t.is(measureChannel(new Float64Array(100).fill(0.2), dt).frequencyHz, null, 'a flat channel has no frequency');
});

test('spectrumPeak: the largest bin, leaving out DC and its neighbour', (t) => {
  const f = Float64Array.from({ length: 10 }, (_, i) => i * 100);
  const v = Float64Array.from([9, 8, 1, 2, 5, 3, 1, 1, 1, 1]);
  t.deepEqual(spectrumPeak(f, v), { frequencyHz: 400, level: 5 });
  t.is(spectrumPeak(new Float64Array(0), new Float64Array(0)), null);
  // an iq-mode spectrum (centre 1 MHz ± 500 Hz) has no DC bin: its first bins count
  const iq = Float64Array.from({ length: 10 }, (_, i) => 1e6 - 500 + i * 100);
  t.deepEqual(spectrumPeak(iq, v), { frequencyHz: 1e6 - 500, level: 9 });
});

async function shownSession() {
  const clock = new VirtualClock();
  const board = await connect({ sim: { seed: 3, scheduler: clock, dut: resonator({ f0: 1e6, q: 20, gain: 0.5 }) } });
  const shows = new StudioShows(clock);
  const texts: ServerMessage[] = [];
  const frames: Frame[] = [];
  const s = new StudioSession(board, { sendText: (x) => texts.push(JSON.parse(x) as ServerMessage), sendBinary: (b) => frames.push(decodeFrame(b)) }, {}, { shows });
  s.start();
  return { clock, board, shows, texts, frames, s };
}

test('studio.show: newest value wins while the page draws; completion, removal and a wrong value are told to the page', async (t) => {
  const { board, shows, texts, frames, s } = await shownSession();
  t.teardown(() => board.close());
  const source = new Subject<Trace>();
  const h = shows.show('filtered', source);
  const trace = (k: number): Trace => ({ dt: 8e-9, t0: 0, ch1: new Float64Array(64).fill(k), ch2: new Float64Array(64), averages: 1, settings: board.scope.settings, timestamp: k });
  for (let k = 1; k <= 5; k++) source.next(trace(k));
  const shown = () => frames.filter((f) => f.kind === FRAME_KIND.shownTrace);
  t.is(shown().length, 1, 'one frame in flight, the others wait');
  t.is(shown()[0]!.series[0]![0], 1);
  s.handle(JSON.stringify({ type: 'ack', instrument: 'shown', id: h.id }));
  t.is(shown().length, 2);
  t.is(shown()[1]!.series[0]![0], 5, 'the newest value, not the next in line');
  t.is(shown()[1]!.total, h.id, 'the frame names its plot');
  t.like(texts.find((m) => m.type === 'shown' && m.kind === 'trace'), { name: 'filtered', unit: 'V', end: null });

  // a value that is not a result or a point ends the plot with an error naming what it accepts
  const bad = new Subject<unknown>();
  const hb = shows.show('bad', bad);
  bad.next({ hello: 1 });
  await hb.ended;
  const end = texts.filter((m) => m.type === 'shown' && m.id === hb.id).at(-1) as Extract<ServerMessage, { type: 'shown' }>;
  t.is(end.end?.reason, 'error');
  t.regex(end.end?.error?.message ?? '', /a Trace, a Spectrum, a FrequencyResponse, a number, \[t, value\] or \{ t, value \}/);
  t.false(bad.observed, 'unsubscribed');

  // a series keeps its newest maxPoints points
  const points = new Subject<[number, number]>();
  const hs = shows.show('series', points, { unit: 'K', maxPoints: 3 });
  for (let i = 0; i < 5; i++) points.next([i, i * i]);
  const last = frames.filter((f) => f.kind === FRAME_KIND.shownSeries).at(-1)!;
  t.is(last.x0, 0, 'sent at once: the first point');
  s.handle(JSON.stringify({ type: 'ack', instrument: 'shown', id: hs.id }));
  const newest = frames.filter((f) => f.kind === FRAME_KIND.shownSeries).at(-1)!;
  t.deepEqual([newest.x0, Array.from(newest.series[1]!)], [2, [4, 9, 16]]);
  points.complete();
  await hs.ended;
  t.like(texts.filter((m) => m.type === 'shown' && m.id === hs.id).at(-1), { end: { reason: 'complete' } });

  h.remove();
  await h.ended;
  t.false(source.observed);
  t.like(texts.filter((m) => m.type === 'shown' && m.id === h.id).at(-1), { end: { reason: 'removed' } });
  s.close();
});

test('profiles: the page saves and loads named profiles; the last state is written on every change and restored on the next start', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'labrx-studio-state-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const clock = new VirtualClock();
  const board = await connect({ sim: { seed: 3, scheduler: clock } });
  t.teardown(() => board.close());
  const state = new StudioState(dir);
  const texts: ServerMessage[] = [];
  const s = new StudioSession(board, { sendText: (x) => texts.push(JSON.parse(x) as ServerMessage), sendBinary: () => undefined }, {}, { state });
  s.start();
  const send = (m: unknown) => s.handle(JSON.stringify(m));
  const next = async (type: string, from: number) => {
    for (let i = 0; i < 500 && !texts.slice(from).some((m) => m.type === type); i++) await new Promise((r) => setImmediate(r));
    return texts.slice(from).find((m) => m.type === type);
  };

  send({ type: 'settings', instrument: 'scope', settings: { decimation: 64, trigger: 'ch1-rising' } });
  send({ type: 'settings', instrument: 'asg0', settings: { frequency: 12_345, amplitude: 0.2, output: 'out1' } });
  await next('applied', 0);
  for (let i = 0; i < 200 && !(existsSync(state.lastStatePath) && readFileSync(state.lastStatePath, 'utf8').includes('12345')); i++) await new Promise((r) => setTimeout(r, 5));
  const last = readFileSync(state.lastStatePath, 'utf8');
  t.regex(last, /decimation: 64/);
  t.regex(last, /frequency: 12345/);

  // a named profile, then other settings, then the profile back: the page gets its settings
  let from = texts.length;
  send({ type: 'profile', action: 'save', name: 'bench 3' });
  t.like(await next('profiles', from), { names: ['bench 3'], done: 'saved bench 3' });
  send({ type: 'settings', instrument: 'scope', settings: { decimation: 8 } });
  await board.asg0.set({ frequency: 1000 });
  from = texts.length;
  send({ type: 'profile', action: 'load', name: 'bench 3' });
  t.like(await next('profiles', from), { done: 'loaded bench 3' });
  t.like(texts.slice(from).find((m) => m.type === 'applied' && m.instrument === 'scope'), { settings: { decimation: 64, trigger: 'ch1-rising' } });
  t.is(board.asg0.settings.frequency, 12_345, 'the generator is restored on the board');
  // a name that is not a plain file name is refused, naming the setting
  from = texts.length;
  send({ type: 'profile', action: 'save', name: '../etc/passwd' });
  t.like(await next('error', from), { instrument: 'studio', error: { setting: 'profile' } });
  s.close();

  // the next start: a new board gets the last state (generators on the board, panels on the page)
  const board2 = await connect({ sim: { seed: 4, scheduler: clock } });
  t.teardown(() => board2.close());
  const restored = await state.load(board2, { path: state.lastStatePath });
  t.is(board2.asg0.settings.frequency, 12_345);
  t.like(restored.scope, { decimation: 64, trigger: 'ch1-rising' });
});

test('the fleet view: each board’s newest trace, and the boards that could not connect or whose acquisition failed', async (t) => {
  const clock = new VirtualClock();
  const fleet = await connectMany([{ sim: { seed: 1, scheduler: clock } }, { sim: { seed: 2, scheduler: clock } }, 'scpi://127.0.0.1:1'], { onError: 'collect', timeoutMs: 10_000 });
  t.teardown(() => fleet.close());
  const view = new StudioFleet(fleet, { decimation: 8 });
  const texts: ServerMessage[] = [];
  const s = new StudioSession(fleet.boards[0]!, { sendText: (x) => texts.push(JSON.parse(x) as ServerMessage), sendBinary: () => undefined }, {}, { fleet: view });
  view.start();
  s.start();
  const last = () => texts.filter((m) => m.type === 'fleet').at(-1) as Extract<ServerMessage, { type: 'fleet' }>;
  t.deepEqual(last().boards.map((b) => [b.id, b.status]), [['sim:1', 'waiting'], ['sim:2', 'waiting'], ['scpi://127.0.0.1:1', 'failed']]);
  t.regex(last().boards[2]!.error!.message, /127\.0\.0\.1:1/);
  await clock.advanceBy(20);
  // nothing new is sent until the page has drawn the last state; then the newest
  const before = texts.filter((m) => m.type === 'fleet').length;
  await clock.advanceBy(20);
  t.is(texts.filter((m) => m.type === 'fleet').length, before);
  s.handle(JSON.stringify({ type: 'ack', instrument: 'fleet' }));
  const live = last().boards.slice(0, 2);
  t.true(live.every((b) => b.status === 'live' && b.seq > 0 && b.ch1.length === 160), JSON.stringify(live.map((b) => [b.status, b.seq, b.ch1.length])));
  // a board that fails while acquiring is marked failed, the others go on
  await fleet.boards[1]!.close();
  await clock.advanceBy(20);
  s.handle(JSON.stringify({ type: 'ack', instrument: 'fleet' }));
  t.is(last().boards[1]!.status, 'failed');
  t.is(last().boards[0]!.status, 'live');
  view.close();
  s.close();
});
