import test from 'ava';
import { createSimBoard } from '@labrx/hw-sim';
import { Board } from '@labrx/instruments';
import { connectNats, discoverBoards, serveBoards, type BoardServer, type NatsConnection } from '@labrx/remote';
import { connectMany } from 'labrx';
import { natsServerAvailable, startNatsServer, type NatsServerProcess } from '../helpers/natsServer.js';
import { testNats } from './remoteFixture.js';

// Boards found by a pattern over the board servers' heartbeats; connectMany takes the pattern.

let nats: NatsServerProcess;
let nc: NatsConnection;
const servers: BoardServer[] = [];
const boards: Board[] = [];
test.before(async () => {
  if (!natsServerAvailable) return;
  nats = await startNatsServer();
  nc = await connectNats(nats.url);
  for (const [name, count] of [['lab1', 2], ['lab2', 1], ['other', 1]] as const) {
    const bs = Array.from({ length: count }, (_, i) => new Board(createSimBoard({ seed: boards.length + i })));
    boards.push(...bs);
    servers.push(await serveBoards({ nats: nc, name, boards: bs, heartbeatMs: 100 }));
  }
});
test.after.always(async () => {
  for (const s of servers) await s.close();
  await nc?.close();
  for (const b of boards) await b.close();
  await nats?.stop();
});

testNats('discoverBoards lists the boards of live servers matching the pattern', async (t) => {
  const port = nats.port;
  t.deepEqual(await discoverBoards(`${nats.url}/lab*/*`, { listenMs: 300 }), [`nats://127.0.0.1:${port}/lab1/board0`, `nats://127.0.0.1:${port}/lab1/board1`, `nats://127.0.0.1:${port}/lab2/board0`]);
  t.deepEqual(await discoverBoards(`${nats.url}/*/board1`, { listenMs: 300 }), [`nats://127.0.0.1:${port}/lab1/board1`]);
  t.deepEqual(await discoverBoards(`${nats.url}/nothing*/*`, { listenMs: 300 }), []);
});

testNats('connectMany takes a nats:// pattern and gives a fleet of the remote boards', async (t) => {
  const fleet = await connectMany(`${nats.url}/lab*/*`);
  try {
    t.is(fleet.size, 3);
    const traces = await fleet.scope.single({ decimation: 8 });
    t.is(traces.length, 3);
  } finally {
    await fleet.close();
  }
});
