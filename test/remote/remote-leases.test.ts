import test from 'ava';
import { hostname } from 'node:os';
import { firstValueFrom } from 'rxjs';
import { ResourceBusyError } from '@labrx/core';
import { connect } from 'labrx';
import { natsServerAvailable } from '../helpers/natsServer.js';

import { startServedSim, testNats, type ServedSim } from './remoteFixture.js';

// The scope lease is the board server's: clients of one board queue on it, or get
// ResourceBusyError naming the holder and its host (a vanished client: remote-faults.realtime.test.ts).

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
