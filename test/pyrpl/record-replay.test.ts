import test, { type ExecutionContext } from 'ava';
import { EventEmitter } from 'node:events';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ReplayDepartureError } from '@labrx/core';
import { readTrafficRecording, RecordingFormatError } from '@labrx/core/net';
import { VirtualClock } from '@labrx/core/testing';
import { runLabrxSim } from '@labrx/hw-sim';
import { describeRegisterRequest, registerExchanges, startPyrplReplayServer } from '@labrx/pyrpl';
import { connect, ConnectionLostError, type Trace } from 'labrx';
import { servePyrplSim } from './pyrplSim.js';

/** The script recorded and replayed: a generator, then two scope traces, over PyRPL's register protocol. */
async function script(url: string, record?: string, decimation = 64): Promise<Trace[]> {
  const rp = await connect(url, record === undefined ? {} : { record });
  try {
    await rp.asg0.set({ frequency: 1e5, amplitude: 0.5, output: 'out1' });
    return [await rp.scope.single({ decimation, trigger: 'immediate' }), await rp.scope.single({ decimation, trigger: 'immediate' })];
  } finally {
    await rp.close();
  }
}

function sameBytes(a: Float64Array, b: Float64Array): boolean {
  return a.length === b.length && Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength));
}

async function recordSession(t: ExecutionContext): Promise<{ file: string; traces: Trace[] }> {
  const dir = await mkdtemp(join(tmpdir(), 'labrx-pyrpl-rec-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  const served = await servePyrplSim({ seed: 8 });
  try {
    const file = join(dir, 'run.labrx-rec');
    return { file, traces: await script(served.server.url, file) };
  } finally {
    await served.close();
  }
}

test('a pyrpl:// session is recorded request by request and replays through labrx-sim --replay: the same traces, bit for bit', async (t) => {
  const { file, traces } = await recordSession(t);
  const recording = await readTrafficRecording(file);
  t.regex(recording.header.target, /^pyrpl:\/\/127\.0\.0\.1:\d+$/);
  const exchanges = registerExchanges(recording);
  // every request got its whole reply: a read its header and words, a write its header
  for (const e of exchanges) {
    const read = e.request[0] === 0x72;
    t.is(e.reply.length, read ? 8 + 4 * e.request.readUInt16LE(2) : 8, describeRegisterRequest(e.request));
    t.true(e.reply.subarray(0, 8).equals(e.request.subarray(0, 8)));
  }
  // each trace is read as 2 × 16384 words (two 64 KiB reads); gzip keeps the file near that
  const bufferReads = exchanges.filter((e) => e.request[0] === 0x72 && e.request.readUInt16LE(2) === 16384);
  t.is(bufferReads.length, 4);
  t.log(`${exchanges.length} requests, ${(await stat(file)).size} bytes on disk`);

  const out: string[] = [];
  const err: string[] = [];
  const signals = new EventEmitter();
  const running = runLabrxSim(['--replay', file, '--port', '0'], { out: { write: (s: string) => out.push(s) }, err: { write: (s: string) => err.push(s) }, signals: signals as never });
  while (out.length === 0) await new Promise((r) => setImmediate(r));
  const url = /listening on (pyrpl:\/\/\S+)/.exec(out.join(''))![1]!;
  const again = await script(url);
  signals.emit('SIGINT');
  t.is(await running, 0);
  t.deepEqual(err, []);
  for (let i = 0; i < traces.length; i++) {
    t.true(sameBytes(again[i]!.ch1, traces[i]!.ch1), `trace ${i} ch1`);
    t.true(sameBytes(again[i]!.ch2, traces[i]!.ch2), `trace ${i} ch2`);
    t.is(again[i]!.dt, traces[i]!.dt);
  }
});

test('a script that departs from a pyrpl:// recording is stopped at the request where it departs, both requests named', async (t) => {
  const { file } = await recordSession(t);
  const recording = await readTrafficRecording(file);
  const departures: ReplayDepartureError[] = [];
  const server = await startPyrplReplayServer({ recording, name: file, port: 0, onDeparture: (e) => departures.push(e) });
  t.teardown(() => server.close());
  // decimation 8 instead of 64: the scope's decimation register is written with another word
  await t.throwsAsync(script(server.url, undefined, 8), { instanceOf: ConnectionLostError });
  t.is(departures.length, 1);
  const d = departures[0]!;
  const at = registerExchanges(recording)[d.exchange - 1]!;
  t.is(d.expected, describeRegisterRequest(at.request));
  // the scope's trigger delay (0x2000 samples) and decimation registers, written together: 64, then 8
  t.is(d.expected, 'write 2 words at 0x40100010: 0x00002000 0x00000040');
  t.is(d.received, 'write 2 words at 0x40100010: 0x00002000 0x00000008');
  t.regex(d.message, new RegExp(`exchange ${d.exchange}: expected "write 2 words at 0x40100010: 0x00002000 0x00000040", the client sent "write 2 words at 0x40100010: 0x00002000 0x00000008"`));
});

test("a pyrpl:// replay paced 'recorded' on a VirtualClock takes the recorded board time, with the same traces", async (t) => {
  const { file, traces } = await recordSession(t);
  const recording = await readTrafficRecording(file);
  const clock = new VirtualClock();
  const server = await startPyrplReplayServer({ recording, port: 0, pace: 'recorded', scheduler: clock, onDeparture: (e) => t.fail(e.message) });
  t.teardown(() => server.close());
  const again = await clock.run(script(server.url), 3_600_000, 30_000); // the client's own work is real time
  for (let i = 0; i < traces.length; i++) t.true(sameBytes(again[i]!.ch1, traces[i]!.ch1));
  // Pipelined requests overlap, so the replay takes at least the longest recorded latency and at
  // most their sum.
  const latencies = registerExchanges(recording).map((e) => e.repliedAtMs - e.sentAtMs);
  const sum = latencies.reduce((a, b) => a + b, 0);
  t.log(`recorded latencies: longest ${Math.max(...latencies).toFixed(3)} ms, sum ${sum.toFixed(3)} ms; replay took ${clock.now().toFixed(3)} ms of virtual time`);
  t.true(clock.now() >= Math.max(...latencies) && clock.now() <= sum + 1e-9);
});

test('connect refuses record for sim:// and a recording file that cannot be created fails connect before any traffic', async (t) => {
  const served = await servePyrplSim({ seed: 8 });
  t.teardown(() => served.close());
  await t.throwsAsync(connect('sim://', { record: 'x.labrx-rec' }), { message: /'scpi:\/\/' or 'pyrpl:\/\/' target/ });
  await t.throwsAsync(connect(served.server.url, { record: join(tmpdir(), 'no-such-folder-labrx', 'run.labrx-rec') }), { instanceOf: RecordingFormatError, message: /cannot be written/ });
  t.is(served.server.connections, 0);
});
