import test from 'ava';
import { connect, type Socket } from 'node:net';
import { listenTcp, tcpServer } from '@labrx/core/net';

const open = (port: number) =>
  new Promise<Socket>((resolve, reject) => {
    const s = connect({ host: '127.0.0.1', port }, () => resolve(s));
    s.on('error', reject);
  });

test('listenTcp tracks each connection until it closes; close() destroys the rest, runs onClose once and is idempotent', async (t) => {
  let cleanups = 0;
  const accepted: Socket[] = [];
  const listener = await listenTcp({ host: '127.0.0.1', port: 0, onClose: () => cleanups++ }, (s) => accepted.push(s));
  t.true(listener.port > 0);
  const a = await open(listener.port);
  const b = await open(listener.port);
  while (listener.sockets.size < 2) await new Promise((r) => setImmediate(r));
  const aClosed = new Promise((r) => accepted[0]!.once('close', r));
  a.destroy();
  await aClosed;
  t.is(listener.sockets.size, 1);
  const bEnded = new Promise((r) => b.once('close', r));
  const closing = listener.close();
  t.is(listener.close(), closing);
  await closing;
  await bEnded;
  t.true(accepted[1]!.destroyed);
  await new Promise((r) => setImmediate(r)); // the destroyed socket's 'close' event
  t.is(listener.sockets.size, 0);
  t.is(cleanups, 1);
});

test('listenTcp rejects when the port is taken, and leaves nothing listening', async (t) => {
  const first = await listenTcp({ host: '127.0.0.1', port: 0 }, () => undefined);
  t.teardown(() => first.close());
  await t.throwsAsync(listenTcp({ host: '127.0.0.1', port: first.port }, () => undefined), { code: 'EADDRINUSE' } as never);
});

test("tcpServer: host, port, url and a live connection count, with the protocol's getters kept live", async (t) => {
  let reads = 0;
  const listener = await listenTcp({ host: '127.0.0.1', port: 0 }, () => undefined);
  const server = tcpServer(listener, 'demo', '127.0.0.1', {
    get reads() {
      return ++reads;
    },
  });
  t.teardown(() => server.close());
  t.is(server.url, `demo://127.0.0.1:${listener.port}`);
  t.is(server.port, listener.port);
  t.is(server.connections, 0);
  const c = await open(server.port);
  t.teardown(() => c.destroy());
  while (server.connections < 1) await new Promise((r) => setImmediate(r));
  t.is(server.connections, 1);
  t.is(server.reads, 1);
  t.is(server.reads, 2);
});
