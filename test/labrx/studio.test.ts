import test from 'ava';
import { request } from 'node:http';
import { connect as netConnect } from 'node:net';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { VirtualClock } from '@labrx/core/testing';
import { connect, resonator, SettingsError, startStudio, type Board, type Trace } from 'labrx';
import { decodeFrame, FRAME_FLAG_ENVELOPE, FRAME_KIND, type Frame } from 'labrx/testing';
import { minMaxEnvelope, envelopeStep } from 'labrx/testing';
import { traceFrame } from 'labrx/testing';
import { StudioSession } from 'labrx/testing';
import type { ServerMessage } from 'labrx/testing';
import { pollUntil } from '../helpers/until.js';

// `ws` is a dependency of the labrx package, not of the tests: load it the way labrx does.
const requireFromLabrx = createRequire(fileURLToPath(new URL('../../packages/labrx/package.json', import.meta.url)));
interface WsClient {
  on(event: 'open' | 'close', cb: () => void): void;
  on(event: 'message', cb: (data: Buffer, isBinary: boolean) => void): void;
  on(event: 'unexpected-response', cb: (req: unknown, res: { statusCode: number }) => void): void;
  on(event: 'error', cb: (e: Error) => void): void;
  send(text: string): void;
  close(): void;
}
const WebSocket = requireFromLabrx('ws') as new (url: string, options?: { headers?: Record<string, string> }) => WsClient;

const F0 = 1e6;

/** A session on a virtual-time board, recording what it sends. */
async function session(options: { maxInFlight?: number } = {}) {
  const clock = new VirtualClock();
  const board = await connect({ sim: { seed: 3, scheduler: clock, dut: resonator({ f0: F0, q: 20, gain: 0.5 }) } });
  const texts: ServerMessage[] = [];
  const frames: Frame[] = [];
  const s = new StudioSession(board, { sendText: (x) => texts.push(JSON.parse(x) as ServerMessage), sendBinary: (b) => frames.push(decodeFrame(b)) }, options);
  s.start();
  return { clock, board, texts, frames, s, send: (m: unknown) => s.handle(JSON.stringify(m)) };
}

test('minMaxEnvelope keeps every pixel column’s extremes, in time order', (t) => {
  const n = 16384;
  const x = Float64Array.from({ length: n }, (_, i) => Math.sin((2 * Math.PI * 37.3 * i) / n) + (i === 5000 ? 2 : 0));
  const out = new Float32Array(2000);
  t.is(minMaxEnvelope(x, 1000, out), 2000);
  for (let b = 0; b < 1000; b++) {
    const slice = x.subarray(Math.floor((b * n) / 1000), Math.floor(((b + 1) * n) / 1000));
    const lo = Math.min(...slice);
    const hi = Math.max(...slice);
    const iLo = slice.indexOf(lo);
    const iHi = slice.indexOf(hi);
    const expected = iLo <= iHi ? [lo, hi] : [hi, lo];
    t.deepEqual([out[2 * b], out[2 * b + 1]], expected.map(Math.fround), `bucket ${b}`);
  }
  // the one-sample spike survives the 8:1 reduction
  t.is(Math.max(...out), Math.fround(Math.max(...x)));
  // short inputs are copied as they are
  const short = new Float64Array(10).map((_, i) => i);
  const o2 = new Float64Array(10);
  t.is(minMaxEnvelope(short, 5, o2), 10);
  t.deepEqual(o2, short);
  t.is(envelopeStep(16384, 1000, 8e-9), (16384 * 8e-9) / 2000);
  t.is(envelopeStep(10, 5, 8e-9), 8e-9);
});

test('a trace frame decodes to its header and envelopes', (t) => {
  const ch1 = Float64Array.from({ length: 16384 }, (_, i) => Math.sin(i / 100));
  const ch2 = ch1.map((v) => -v / 2);
  const trace = { dt: 8e-9, t0: -65536e-9, ch1, ch2, averages: 1, settings: null as never, timestamp: 1234.5 } satisfies Trace;
  const f = decodeFrame(traceFrame(trace, 800, 42));
  t.like(f, { kind: FRAME_KIND.scope, flags: FRAME_FLAG_ENVELOPE, nPoints: 1600, seq: 42, samples: 16384, x0: -65536e-9, timestamp: 1234.5 });
  t.is(f.dx, (16384 * 8e-9) / 1600);
  const expected = new Float32Array(1600);
  minMaxEnvelope(ch2, 800, expected);
  t.deepEqual(f.series[1], expected);
});

test('a bad setting comes back with its SettingsError fields and runs nothing', async (t) => {
  const { texts, send, board } = await session();
  send({ type: 'run', instrument: 'specan', mode: 'single', settings: { window: 'triangle' } });
  const error = texts.find((m) => m.type === 'error');
  t.like(error, { instrument: 'specan', error: { code: 'SettingsError', instrument: 'specan', setting: 'window', value: '"triangle"' } });
  t.regex((error as { error: { allowed: string } }).error.allowed, /'boxcar', 'hann', 'hamming', 'blackman', 'blackman-harris', 'flattop'/);
  t.is(board.specan.state.state, 'idle');
  send({ type: 'settings', instrument: 'asg0', settings: { frequency: 1e9 } });
  await new Promise((r) => setImmediate(r));
  t.like(texts.at(-1), { type: 'error', instrument: 'asg0', error: { setting: 'frequency', value: '1000000000' } });
  send({ type: 'launch' });
  t.like(texts.at(-1), { type: 'error', instrument: 'studio', error: { setting: 'type' } });
  await board.close();
});

test('scope Run sends at most maxInFlight frames ahead of the page, always the newest acquisition', async (t) => {
  const { clock, frames, send, board, s } = await session({ maxInFlight: 2 });
  await clock.run(board.asg0.set({ frequency: 2e5, amplitude: 0.4, output: 'out1' }));
  send({ type: 'view', widths: { scope: 500 } });
  send({ type: 'run', instrument: 'scope', mode: 'run', settings: { decimation: 1 } });
  // 10 ms of virtual time is 76 acquisitions of 131 µs; without acks only two frames go out
  await clock.advanceBy(10);
  t.is(frames.length, 2);
  t.deepEqual(frames.map((f) => f.seq), [1, 2]);
  send({ type: 'ack', instrument: 'scope' });
  t.is(frames.length, 3);
  // the frame sent on the ack carries the newest trace: 76 acquisitions so far (10 ms / 131 µs)
  t.true(frames[2]!.seq >= 70, `seq ${frames[2]!.seq}`);
  const f = frames[2]!;
  t.is(f.nPoints, 1000);
  // in2 sees out1 directly: a 0.4 V sine. Its envelope reaches ±0.4 V, give or take the input
  // noise (1e-7 V/√Hz over 62.5 MHz: 0.8 mV rms; the extreme of 16384 samples is within ~4.5σ).
  const max = Math.max(...f.series[1]!);
  const min = Math.min(...f.series[1]!);
  t.true(Math.abs(max - 0.4) < 0.004 && Math.abs(min + 0.4) < 0.004, `${min} … ${max}`);
  send({ type: 'run', instrument: 'scope', mode: 'stop' });
  t.is(board.scope.state.state, 'idle');
  t.false(board.driver.scopeRunning);
  s.close();
  await board.close();
});

test("a generator's Trigger: a waiting ('off') burst starts when the page triggers it, the page hears 'triggered'; a leased generator answers ResourceBusyError", async (t) => {
  const { clock, texts, send, board } = await session();
  t.teardown(() => board.close());
  // 1000 cycles of 1 kHz: a 1 s burst, far longer than a trace of 16384 × 64 × 8 ns = 8.4 ms
  send({ type: 'settings', instrument: 'asg0', settings: { waveform: 'sine', frequency: 1e3, amplitude: 0.5, burstCycles: 1000, trigger: 'off', output: 'out1' } });
  await pollUntil(() => texts.some((m) => m.type === 'applied' && m.instrument === 'asg0'), () => new Promise((r) => setImmediate(r)), "asg0's applied settings");
  const rmsOf = (x: Float64Array) => Math.sqrt(x.reduce((sum, v) => sum + v * v, 0) / x.length);
  // out1 → in2 (ch2): 0 V (the sine at 0°, held) until triggered
  t.true(rmsOf((await clock.run(board.scope.single({ decimation: 64 }))).ch2) < 1e-3);
  send({ type: 'trigger', instrument: 'asg0' });
  await pollUntil(() => texts.some((m) => m.type === 'triggered'), () => new Promise((r) => setImmediate(r)), "the page's 'triggered'");
  const triggered = texts.find((m) => m.type === 'triggered') as Extract<ServerMessage, { type: 'triggered' }>;
  t.like(triggered, { instrument: 'asg0' });
  t.is(triggered.boardTimeMs, clock.now());
  // 8.39 ms = 8.39 periods of the burst: rms 0.5/√2 within 2 %
  const rms = rmsOf((await clock.run(board.scope.single({ decimation: 64 }))).ch2);
  t.true(Math.abs(rms / (0.5 / Math.SQRT2) - 1) < 0.02, `rms ${rms}`);
  // a generator another program holds is not triggered from the page
  const held = board.leases.lease$(['asg1'], 'script').subscribe();
  send({ type: 'trigger', instrument: 'asg1' });
  await pollUntil(() => texts.some((m) => m.type === 'error' && m.instrument === 'asg1'), () => new Promise((r) => setImmediate(r)), "asg1's error");
  t.like(texts.find((m) => m.type === 'error' && m.instrument === 'asg1'), { error: { code: 'ResourceBusyError' } });
  held.unsubscribe();
  send({ type: 'trigger', instrument: 'asg2' });
  t.like(texts.at(-1), { type: 'error', instrument: 'studio', error: { setting: 'instrument', value: '"asg2"' } });
});

test('NA Single sends every point as measured, then the sweep; the peak is at f0', async (t) => {
  const { clock, frames, texts, send, board } = await session();
  send({ type: 'run', instrument: 'na', mode: 'single', settings: { start: 5e5, stop: 2e6, points: 41, rbw: 2000 } });
  t.like(texts.find((m) => m.type === 'state' && m.instrument === 'na' && m.mode === 'single'), { type: 'state' });
  await pollUntil(() => frames.some((f) => f.kind === FRAME_KIND.naSweep), () => clock.advanceBy(1), 'the NA sweep frame');
  const points = frames.filter((f) => f.kind === FRAME_KIND.naPoints);
  t.deepEqual(points.map((f) => f.done), Array.from({ length: 41 }, (_, i) => i + 1));
  t.true(points.every((f) => f.total === 41 && f.nPoints === 1));
  const sweep = frames.at(-1)!;
  t.is(sweep.nPoints, 41);
  const [f, re, im] = sweep.series as [Float32Array, Float32Array, Float32Array];
  const mag = Array.from(re, (r, i) => Math.hypot(r, im[i]!));
  const k = mag.indexOf(Math.max(...mag));
  // 5e5·4^(20/40) = 1e6: the grid holds f0 exactly, so the largest |H| is there
  t.is(f[k], F0);
  // |H(f0)| = gain 0.5; noise is 1e-4 relative (see the datafiles test), Float32 6e-8
  t.true(Math.abs(mag[k]! - 0.5) < 0.002, String(mag[k]));
  t.like(texts.at(-1), { type: 'state', instrument: 'na', mode: 'idle' });
  await board.close();
});

// ---- the HTTP server: token, origin, host, loopback only ----

function get(url: string, headers: Record<string, string> = {}): Promise<{ status: number; headers: Record<string, unknown>; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { headers }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

function wsOutcome(url: string, headers: Record<string, string> = {}): Promise<{ status: number; first?: ServerMessage }> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { headers });
    ws.on('unexpected-response', (_req, res) => resolve({ status: res.statusCode }));
    ws.on('message', (data, isBinary) => {
      if (!isBinary) {
        resolve({ status: 101, first: JSON.parse(data.toString()) as ServerMessage });
        ws.close();
      }
    });
    ws.on('error', (e) => (e.message.includes('Unexpected server response') ? undefined : reject(e)));
  });
}

async function withStudio(body: (studio: Awaited<ReturnType<typeof startStudio>>, board: Board) => Promise<void>) {
  const board = await connect({ sim: { seed: 1 } });
  const studio = await startStudio({ board });
  try {
    await body(studio, board);
  } finally {
    await studio.close();
    await board.close();
  }
}

test('every request but the page needs the per-start token: 403 without it', (t) =>
  withStudio(async (studio) => {
    const base = `http://127.0.0.1:${studio.port}`;
    t.is(studio.url, `${base}/?token=${studio.token}`);
    t.regex(studio.token, /^[A-Za-z0-9_-]{32}$/);
    const page = await get(`${base}/`);
    t.is(page.status, 200);
    t.true(page.body.includes('labrx studio'));
    t.false(page.body.includes(studio.token), 'the page holds no secret');
    t.regex(String(page.headers['content-security-policy']), /frame-ancestors 'none'/);
    t.is((await get(`${base}/assets/app.js`)).status, 403);
    t.is((await get(`${base}/assets/app.js?token=${studio.token.slice(1)}x`)).status, 403);
    t.is((await get(`${base}/assets/nothing.js`)).status, 403, 'no probing without the token');
    const app = await get(`${base}/assets/app.js?token=${studio.token}`);
    t.is(app.status, 200);
    t.regex(String(app.headers['content-type']), /javascript/);
    t.is((await get(`${base}/assets/uPlot.esm.js?token=${studio.token}`)).status, 200, 'uPlot is served from node_modules');
    t.is((await get(`${base}/assets/nothing.js?token=${studio.token}`)).status, 404);
    // a DNS-rebinding page reaches us under its own host name: refused even with the token
    t.is((await get(`${base}/assets/app.js?token=${studio.token}`, { host: `evil.example:${studio.port}` })).status, 403);
  }));

test('the WebSocket upgrade needs the token and the studio’s own origin', (t) =>
  withStudio(async (studio) => {
    const ws = `ws://127.0.0.1:${studio.port}/ws`;
    t.is((await wsOutcome(ws)).status, 403);
    t.is((await wsOutcome(`${ws}?token=wrong`)).status, 403);
    t.is((await wsOutcome(`${ws}?token=${studio.token}`, { origin: 'https://evil.example' })).status, 403);
    const ok = await wsOutcome(`${ws}?token=${studio.token}`, { origin: `http://127.0.0.1:${studio.port}` });
    t.is(ok.status, 101);
    t.like(ok.first, { type: 'hello', board: { id: 'sim:1', sampleRateHz: 125e6 } });
  }));

test('it listens on 127.0.0.1 only', async (t) => {
  await t.throwsAsync(startStudio({ host: '0.0.0.0' as '127.0.0.1' }), { instanceOf: SettingsError, message: /studio\.host = "0\.0\.0\.0"/ });
  await withStudio(async (studio) => {
    // 127.0.0.2 is this machine too; a server bound to 0.0.0.0 would answer there, ours must not
    const refused = await new Promise<string>((resolve) => {
      const socket = netConnect(studio.port, '127.0.0.2');
      socket.on('connect', () => {
        socket.destroy();
        resolve('connected');
      });
      socket.on('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? 'error'));
    });
    t.is(refused, 'ECONNREFUSED');
  });
});

test('hello carries every panel’s field descriptors from the declarations; a new setting (scope gain) is on the page and runs', async (t) => {
  const { texts, send, board, clock } = await session();
  const hello = texts.find((m) => m.type === 'hello') as Extract<ServerMessage, { type: 'hello' }>;
  t.deepEqual(Object.keys(hello.fields), ['scope', 'specan', 'na', 'asg0', 'asg1']);
  const gain = hello.fields.scope.find((f) => f.name === 'gain');
  t.like(gain, { kind: 'choice', choices: ['lv', 'hv'], default: 'lv', form: true, doc: "input gain: 'lv' ±1 V or 'hv' ±20 V full scale (jumpers)" });
  // the board's own limits: decimation offers 1 … maxDecimation
  t.deepEqual(hello.fields.specan.find((f) => f.name === 'decimation')!.choices!.at(-1), board.info.maxDecimation);
  t.false(hello.fields.asg0.find((f) => f.name === 'data')!.form, 'sample tables are not a form field');
  send({ type: 'run', instrument: 'scope', mode: 'single', settings: { decimation: 8, gain: 'hv' } });
  await clock.advanceBy(5);
  t.like(texts.find((m) => m.type === 'applied' && m.instrument === 'scope'), { settings: { gain: 'hv', decimation: 8 } });
  t.falsy(texts.find((m) => m.type === 'error'));
  send({ type: 'settings', instrument: 'scope', settings: JSON.parse('{"__proto__": 1}') });
  t.like(texts.at(-1), { type: 'error', instrument: 'scope', error: { code: 'SettingsError', setting: '__proto__' } });
  await board.close();
});
