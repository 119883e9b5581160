import test, { type ExecutionContext } from 'ava';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SettingsError } from '@labrx/core';
import { VirtualClock } from '@labrx/core/testing';
import { createSimBoard, parseLabrxSimArgs } from '@labrx/hw-sim';
import { readScpiRecording, startReplayServer, startScpiServer, type ScpiExchange, type ScpiRecording } from '@labrx/scpi';
import { connect, type Trace } from 'labrx';
import { RawClient } from './scpiRawClient.js';

// A replay paced as the recorded board was ('recorded'), on a VirtualClock: each reply goes out when
// the recorded latency has passed in virtual time, so the tests see exact board times at no wall-clock cost.

const exchange = (sent: string, sentAtMs: number, reply: string, repliedAtMs: number): ScpiExchange => ({ sent, sentAtMs, reply: Buffer.from(reply, 'latin1'), repliedAtMs });

/** A session as a real board would give it: *IDN? in 3 ms, a decimation-65536 acquisition done 8.59 s after it started. */
const SESSION: ScpiRecording = {
  header: { format: 'labrx-rec', version: 1, target: 'scpi://192.0.2.1:5000' },
  exchanges: [
    exchange('*IDN?', 0, 'REDPITAYA,INSTR2020,0,01-02\r\n', 3),
    exchange('ACQ:DEC 65536;:ACQ:START;:ACQ:TRig NOW', 4, '', 4),
    exchange('ACQ:TRig:STAT?', 5, 'TD\r\n', 8595),
  ],
};

async function replay(t: ExecutionContext, recording: ScpiRecording, pace: 'immediate' | 'recorded') {
  const clock = new VirtualClock();
  const server = await startReplayServer({ recording, port: 0, pace, scheduler: clock, onDeparture: (e) => t.fail(e.message) });
  const client = await RawClient.open(server.port);
  t.teardown(async () => {
    client.close();
    await server.close();
  });
  return { clock, server, client };
}

test("pace 'recorded': each reply comes the recorded latency after its line, in virtual time", async (t) => {
  const { clock, client } = await replay(t, SESSION, 'recorded');
  t.is(await clock.run(client.query('*IDN?')), 'REDPITAYA,INSTR2020,0,01-02');
  t.is(clock.now(), 3);
  client.write('ACQ:DEC 65536;:ACQ:START;:ACQ:TRig NOW\r\n'); // a command: no reply, nothing to wait for
  t.is(await clock.run(client.query('ACQ:TRig:STAT?')), 'TD');
  // 8595 − 5 ms: the acquisition's 16384 × 65536 × 8 ns = 8.59 s, as recorded
  t.is(clock.now(), 3 + 8590);
  t.is(clock.nextFrame(), undefined, 'nothing left scheduled');
});

test("pace 'immediate' (the default of labrx-sim): the same bytes at once, no board time passes", async (t) => {
  const { clock, client } = await replay(t, SESSION, 'immediate');
  t.is(await clock.run(client.query('*IDN?')), 'REDPITAYA,INSTR2020,0,01-02');
  client.write('ACQ:DEC 65536;:ACQ:START;:ACQ:TRig NOW\r\n');
  t.is(await clock.run(client.query('ACQ:TRig:STAT?')), 'TD');
  t.is(clock.now(), 0);
});

test('lines sent together are answered in order: a quick reply never overtakes a slow one before it', async (t) => {
  const recording: ScpiRecording = { header: SESSION.header, exchanges: [exchange('*IDN?', 0, 'RP\r\n', 50), exchange('SYST:ERR:COUN?', 0, '0\r\n', 10)] };
  const { clock, client } = await replay(t, recording, 'recorded');
  client.write('*IDN?\r\nSYST:ERR:COUN?\r\n');
  t.is(await clock.run(client.readLine()), 'RP');
  t.is(clock.now(), 50);
  // due at 10 ms on its own, it follows the reply before it, at 50 ms
  t.is(await clock.run(client.readLine()), '0');
  t.is(clock.now(), 50);
});

test('a client that hangs up while a reply is pending leaves nothing scheduled', async (t) => {
  const { clock, client, server } = await replay(t, SESSION, 'recorded');
  client.write('*IDN?\r\n');
  while (clock.nextFrame() === undefined) await new Promise((r) => setImmediate(r));
  t.is(clock.nextFrame(), 3);
  client.close();
  while (server.connections > 0) await new Promise((r) => setImmediate(r));
  t.is(clock.nextFrame(), undefined);
});

/** The script recorded and replayed: a generator, then two scope traces. */
async function script(url: string, record?: string): Promise<Trace[]> {
  const rp = await connect(url, record === undefined ? {} : { record });
  try {
    await rp.asg0.set({ frequency: 1e5, amplitude: 0.5, output: 'out1' });
    return [await rp.scope.single({ decimation: 64, trigger: 'immediate' }), await rp.scope.single({ decimation: 64, trigger: 'immediate' })];
  } finally {
    await rp.close();
  }
}

test('a session recorded from the SCPI simulator replays paced as recorded on a VirtualClock: the same traces, bit for bit, in the recorded board time', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'labrx-rec-pace-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  const file = join(dir, 'run.labrx-rec');
  const board = createSimBoard({ seed: 6 });
  const sim = await startScpiServer({ board, port: 0 });
  let recorded: Trace[];
  try {
    recorded = await script(sim.url, file);
  } finally {
    await sim.close();
    await board.close();
  }
  const recording = await readScpiRecording(file);
  const clock = new VirtualClock();
  const server = await startReplayServer({ recording, port: 0, pace: 'recorded', scheduler: clock, onDeparture: (e) => t.fail(e.message) });
  t.teardown(() => server.close());
  // the client runs on wall time and answers at once; only the replies wait, in virtual time
  const again = await clock.run(script(server.url), 3_600_000, 30_000); // the client's own work is real time
  for (let i = 0; i < recorded.length; i++) {
    t.deepEqual(again[i]!.ch1, recorded[i]!.ch1);
    t.deepEqual(again[i]!.ch2, recorded[i]!.ch2);
  }
  // The client waits for each reply before it sends a line that expects one, so the replay's board
  // time is the sum of the recorded latencies of the exchanges that have replies.
  const latencies = recording.exchanges.filter((e) => e.reply.length > 0).map((e) => e.repliedAtMs - e.sentAtMs);
  const sum = latencies.reduce((a, b) => a + b, 0);
  t.log(`${latencies.length} replies, recorded latency ${sum.toFixed(3)} ms in all; replay took ${clock.now().toFixed(3)} ms of virtual time`);
  t.true(Math.abs(clock.now() - sum) < 1e-6 * sum);
});

test('labrx-sim --pace: recorded or immediate, only with --replay', (t) => {
  t.like(parseLabrxSimArgs(['--replay', 'run.labrx-rec', '--pace', 'recorded']), { replay: 'run.labrx-rec', pace: 'recorded' });
  t.is(parseLabrxSimArgs(['--replay', 'run.labrx-rec'])?.pace, undefined);
  t.throws(() => parseLabrxSimArgs(['--replay', 'run.labrx-rec', '--pace', 'fast']), { instanceOf: SettingsError, message: `labrx-sim.pace = "fast" is not allowed: one of 'immediate', 'recorded'` });
  t.throws(() => parseLabrxSimArgs(['--pace', 'recorded']), { instanceOf: SettingsError, message: 'labrx-sim.pace = "recorded" is not allowed: only with --replay' });
});

test('startReplayServer refuses an unknown pace before listening', async (t) => {
  await t.throwsAsync(startReplayServer({ recording: SESSION, port: 0, pace: 'slow' as never }), { instanceOf: SettingsError, message: /replay\.pace = "slow" is not allowed/ });
});
