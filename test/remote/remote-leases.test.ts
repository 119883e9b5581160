import test from 'ava';
import { hostname } from 'node:os';
import { firstValueFrom, take, toArray } from 'rxjs';
import { ResourceBusyError } from '@labrx/core';
import { Board } from '@labrx/instruments';
import { connectNats, RemoteBoardDriver } from '@labrx/remote';
import { connect } from 'labrx';
import { natsServerAvailable } from '../helpers/natsServer.js';

import { startServedSim, testNats, type ServedSim } from './remoteFixture.js';

// The scope lease is the board server's: clients of one board queue on it, or get
// ResourceBusyError naming the holder and its host; a vanished client's lease is freed within
// clientTimeoutMs + heartbeatMs.

let served: ServedSim;
test.before(async () => {
  if (natsServerAvailable) served = await startServedSim({ seed: 3 }, { heartbeatMs: 100, clientTimeoutMs: 600 });
});
test.after.always(async () => served?.close());

testNats('a second client with other settings and wait: false gets ResourceBusyError naming the holder and its host', async (t) => {
  const a = await connect(served.url);
  const b = await connect(served.url);
  try {
    const sub = a.scope.stream$({ decimation: 64 }).subscribe({ error: (e: unknown) => t.log('sub error', e) });
    // the server holds the scope for a's settings once a's first trace arrived
    await firstValueFrom(a.scope.stream$({ decimation: 64 }));
    const error = await t.throwsAsync(b.scope.single({ decimation: 8 }, { wait: false }), { instanceOf: ResourceBusyError });
    t.is(error!.resource, 'scope');
    t.true(error!.holder.includes(`@${hostname()}`), error!.holder);
    t.true(error!.holder.includes(`pid ${process.pid}`), error!.holder);
    // the same settings share instead: no lease needed
    const shared = await b.scope.single({ decimation: 64 }, { wait: false });
    t.is(shared.settings.decimation, 64);
    sub.unsubscribe();
  } finally {
    await a.close();
    await b.close();
  }
});

testNats('a second client with other settings queues on the server and runs when the first stops', async (t) => {
  const a = await connect(served.url);
  const b = await connect(served.url);
  try {
    const sub = a.scope.stream$({ decimation: 64 }).subscribe({ error: () => undefined });
    await firstValueFrom(a.scope.stream$({ decimation: 64 }));
    let done = false;
    const pending = b.scope.single({ decimation: 8 }).then((tr) => ((done = true), tr));
    await new Promise((r) => setTimeout(r, 150));
    t.false(done, 'b waits while a holds the scope');
    t.is(served.board.leases.waiting, 1, 'b is queued on the server');
    sub.unsubscribe();
    const tr = await pending;
    t.is(tr.settings.decimation, 8);
  } finally {
    await a.close();
    await b.close();
  }
});

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
        await new Promise((r) => setTimeout(r, 20));
      }
    }
    const freedAfterMs = performance.now() - gone;
    t.is(tr.settings.decimation, 8);
    // bound: clientTimeoutMs (600) + one check period (100); 200 ms slack for the retry loop and a loaded machine
    t.true(freedAfterMs <= 600 + 100 + 200, `freed after ${freedAfterMs.toFixed(0)} ms`);
    t.log(`lease freed ${freedAfterMs.toFixed(0)} ms after the client vanished`);
    sub.unsubscribe();
  } finally {
    await ghost.close();
    await b.close();
  }
});
