import test from 'ava';
import { EventEmitter } from 'node:events';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startScpiServer, startReplayServer, readScpiRecording, ReplayDepartureError, RecordingFormatError } from '@labrx/scpi';
import { createSimBoard, runLabrxSim } from '@labrx/hw-sim';
import { connect, ConnectionLostError, SettingsError, type Trace } from 'labrx';

/** The script recorded and replayed: a generator, then three scope traces. */
async function script(url: string, record?: string, decimation = 64): Promise<Trace[]> {
  const rp = await connect(url, record === undefined ? {} : { record });
  try {
    await rp.asg0.set({ frequency: 1e5, amplitude: 0.5, output: 'out1' });
    const traces: Trace[] = [];
    for (let i = 0; i < 3; i++) traces.push(await rp.scope.single({ decimation, trigger: 'immediate' }));
    return traces;
  } finally {
    await rp.close();
  }
}

function sameBytes(a: Float64Array, b: Float64Array): boolean {
  return a.length === b.length && Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength));
}

async function recordSession(t: { teardown(fn: () => Promise<void>): void }): Promise<{ file: string; traces: Trace[] }> {
  const dir = await mkdtemp(join(tmpdir(), 'labrx-rec-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  const board = createSimBoard({ seed: 5 });
  const server = await startScpiServer({ board, port: 0 });
  try {
    const file = join(dir, 'run.labrx-rec');
    return { file, traces: await script(server.url, file) };
  } finally {
    await server.close();
    await board.close();
  }
}

test('a session recorded against the SCPI simulator replays through labrx-sim --replay: the same script gets the same traces, bit for bit', async (t) => {
  const { file, traces } = await recordSession(t);
  const recording = await readScpiRecording(file);
  t.is(recording.header.target.slice(0, 7), 'scpi://');
  // Three traces of 2 × 16384 float32 samples: 2 × 64 KiB of block data each, in the replies.
  t.true(recording.exchanges.filter((e) => e.reply.length > 2 * 65536).length === 3);
  t.true((await stat(file)).size < 3 * 2 * 65536 * 1.05, 'the gzip stream costs little over the float32 payload');

  const out: string[] = [];
  const err: string[] = [];
  const signals = new EventEmitter();
  const running = runLabrxSim(['--replay', file, '--port', '0'], { out: { write: (s: string) => out.push(s) }, err: { write: (s: string) => err.push(s) }, signals: signals as never });
  while (out.length === 0) await new Promise((r) => setImmediate(r));
  const url = /listening on (scpi:\/\/\S+)/.exec(out.join(''))![1]!;
  const again = await script(url);
  signals.emit('SIGINT');
  t.is(await running, 0);
  t.deepEqual(err, []);
  t.is(again.length, 3);
  for (let i = 0; i < 3; i++) {
    t.true(sameBytes(again[i]!.ch1, traces[i]!.ch1), `trace ${i} ch1`);
    t.true(sameBytes(again[i]!.ch2, traces[i]!.ch2), `trace ${i} ch2`);
    t.is(again[i]!.dt, traces[i]!.dt);
    t.is(again[i]!.t0, traces[i]!.t0);
    t.deepEqual(again[i]!.settings, traces[i]!.settings);
  }
});

test('a script that departs from the recording is stopped at the exchange where it departs, with expected and sent lines named', async (t) => {
  const { file } = await recordSession(t);
  const recording = await readScpiRecording(file);
  // The first exchange that sets the decimation: where a script asking for another decimation departs.
  const at = recording.exchanges.findIndex((e) => e.sent.includes('ACQ:DEC 64')) + 1;
  t.true(at > 1);
  const departures: ReplayDepartureError[] = [];
  const server = await startReplayServer({ recording, name: file, port: 0, onDeparture: (e) => departures.push(e) });
  t.teardown(() => server.close());
  await t.throwsAsync(script(server.url, undefined, 8), { instanceOf: ConnectionLostError });
  t.is(departures.length, 1);
  const d = departures[0]!;
  t.is(d.exchange, at);
  t.regex(d.expected!, /ACQ:DEC 64/);
  t.regex(d.received, /ACQ:DEC 8/);
  t.regex(d.message, new RegExp(`exchange ${at}: expected ".*ACQ:DEC 64.*", the client sent ".*ACQ:DEC 8.*" \\(they differ from character \\d+\\)`));
});

test('connect refuses record for a target that is not scpi:// or pyrpl://', async (t) => {
  await t.throwsAsync(connect('sim://', { record: 'x.labrx-rec' }), { instanceOf: SettingsError, message: /connect\.record = "x\.labrx-rec" is not allowed: a file name with an 'scpi:\/\/' or 'pyrpl:\/\/' target/ });
});

test('a recording file that cannot be created fails connect, naming the file, before any traffic', async (t) => {
  const board = createSimBoard({ seed: 5 });
  const server = await startScpiServer({ board, port: 0 });
  t.teardown(async () => {
    await server.close();
    await board.close();
  });
  const file = join(tmpdir(), 'no-such-folder-labrx', 'run.labrx-rec');
  await t.throwsAsync(connect(server.url, { record: file }), { instanceOf: RecordingFormatError, message: /no-such-folder-labrx[\\/]run\.labrx-rec: cannot be written/ });
  t.is(server.connections, 0);
});
