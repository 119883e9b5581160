import test from 'ava';
import { spawn, type ChildProcess } from 'node:child_process';
import { firstValueFrom, take, toArray } from 'rxjs';
import { ConnectionLostError, ResourceBusyError } from '@labrx/core';
import { Board } from '@labrx/instruments';
import { connectNats, RemoteBoardDriver } from '@labrx/remote';
import { connect } from 'labrx';
import { natsServerAvailable } from '../helpers/natsServer.js';
import { startServedSim, testNats, type ServedSim } from './remoteFixture.js';

// Faults, in wall-clock time: a vanished client's lease, a SIGKILLed board server, a NATS restart.

let served: ServedSim;
test.before(async () => {
  if (natsServerAvailable) served = await startServedSim({ seed: 3 }, { heartbeatMs: 100, clientTimeoutMs: 600 });
});
test.after.always(async () => served?.close());

const delay = (ms: number) => new Promise((r) => setTimeout(r, ms));

testNats('a client that vanishes without a word loses its lease within clientTimeoutMs + heartbeatMs (700 ms here)', async (t) => {
  const nc = await connectNats(served.nats.url);
  const ghost = new Board(await RemoteBoardDriver.open({ nats: nc, server: 'lab1', board: 'board0' }));
  const b = await connect(served.url);
  try {
    await firstValueFrom(ghost.scope.stream$({ decimation: 64 }).pipe(take(2), toArray()));
    const sub = ghost.scope.stream$({ decimation: 64 }).subscribe({ error: () => undefined });
    await t.throwsAsync(b.scope.single({ decimation: 8 }, { wait: false }), { instanceOf: ResourceBusyError });
    // the ghost's NATS link goes away without scope.stop: only the missing heartbeats tell the server
    await nc.close();
    const gone = performance.now();
    let tr;
    for (;;) {
      try {
        tr = await b.scope.single({ decimation: 8 }, { wait: false });
        break;
      } catch (error) {
        if (!(error instanceof ResourceBusyError)) throw error;
        await delay(20);
      }
    }
    const freedAfterMs = performance.now() - gone;
    t.is(tr.settings.decimation, 8);
    // bound: clientTimeoutMs (600) + one check period (100); 300 ms slack for the retry loop and a loaded machine
    t.true(freedAfterMs <= 600 + 100 + 300, `freed after ${freedAfterMs.toFixed(0)} ms`);
    t.log(`lease freed ${freedAfterMs.toFixed(0)} ms after the client vanished`);
    sub.unsubscribe();
  } finally {
    await ghost.close();
    await b.close();
  }
});

/** Starts `labrx serve` as a child process and resolves once it says it serves. */
function startServeProcess(natsUrl: string, name: string): Promise<ChildProcess> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['packages/labrx/bin/labrx.mjs', 'serve', '--nats', natsUrl, '--name', name, '--board', 'sim', '--seed', '9', '--heartbeat-ms', '200'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout!.on('data', (c: Buffer) => {
      out += c.toString();
      if (out.includes('labrx serve:')) resolve(child);
    });
    child.stderr!.resume();
    child.once('exit', (code) => reject(new Error(`labrx serve exited (${code}): ${out}`)));
  });
}

testNats('a board server killed with SIGKILL gives its clients ConnectionLostError within 1.7 s, others are unaffected, and a restarted one is found again', async (t) => {
  let child = await startServeProcess(served.nats.url, 'lab2');
  const remote = await connect(`${served.nats.url}/lab2/board0`);
  const other = await connect(served.url);
  try {
    await remote.scope.single({ decimation: 64 });
    const ended = new Promise<{ error: unknown; at: number }>((resolve) => {
      remote.scope.stream$({ decimation: 1024 }).subscribe({ error: (error: unknown) => resolve({ error, at: performance.now() }) });
    });
    await delay(300);
    const killedAt = performance.now();
    child.kill('SIGKILL');
    const { error, at } = await ended;
    t.true(error instanceof ConnectionLostError, String(error));
    const afterMs = at - killedAt;
    // bound: lostAfterMs = max(3 · 200 ms heartbeat, 1500 ms) plus one 200 ms check period; 300 ms slack
    t.true(afterMs <= 1500 + 200 + 300, `ConnectionLostError after ${afterMs.toFixed(0)} ms`);
    t.log(`ConnectionLostError ${afterMs.toFixed(0)} ms after SIGKILL`);
    // the other server's board works on
    t.is((await other.scope.single({ decimation: 8 })).ch1.length, 16384);
    // nobody serves lab2 now: a request fails at once
    await t.throwsAsync(remote.asg0.set({ amplitude: 0.1 }), { instanceOf: ConnectionLostError });
    // a board server restarted under the same name is found again by the same client
    child = await startServeProcess(served.nats.url, 'lab2');
    const tr = await remote.scope.single({ decimation: 64 });
    t.is(tr.ch1.length, 16384);
  } finally {
    child.kill('SIGKILL');
    await remote.close();
    await other.close();
  }
});

testNats('a NATS restart is survived: streams go on or end with ConnectionLostError, settings writes land once, new work runs', async (t) => {
  const rp = await connect(served.url);
  try {
    await rp.asg0.set({ waveform: 'sine', frequency: 1e5, amplitude: 0.2, output: 'out1' });
    const seen: number[] = [];
    let ended: unknown = null;
    let first: () => void = () => undefined;
    const flowing = new Promise<void>((r) => (first = r));
    const sub = rp.scope.stream$({ decimation: 64 }).subscribe({ next: (tr) => (seen.push(tr.timestamp), first()), error: (e: unknown) => (ended = e) });
    await flowing;
    const before = seen.length;
    await served.nats.restart();
    // a write issued right after the restart, while the clients are reconnecting
    const applied = await rp.asg0.set({ amplitude: 0.3 });
    t.is(applied.amplitude, 0.3);
    t.is(served.board.asg0.settings.amplitude, 0.3);
    await delay(2000);
    if (ended === null) {
      t.true(seen.length > before + 1, `stream resumed: ${seen.length - before} traces after the restart`);
      t.log(`stream went on: ${seen.length - before} traces after the restart`);
    } else {
      t.true(ended instanceof ConnectionLostError, String(ended));
      t.log(`stream ended: ${String(ended)}`);
    }
    sub.unsubscribe();
    const tr = await rp.scope.single({ decimation: 8 });
    t.is(tr.ch1.length, 16384);
  } finally {
    await rp.close();
  }
});
