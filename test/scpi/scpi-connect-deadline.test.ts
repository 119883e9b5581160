import test from 'ava';
import { createServer, type Socket } from 'node:net';
import { TimeoutError } from '@labrx/core';
import { VirtualClock } from '@labrx/core/testing';
import { connectScpiBoard } from '@labrx/scpi';

// One deadline for the whole SCPI connect handshake (issue #12, case 10): a server that accepts the
// connection and never answers makes connect reject after timeoutMs, not twice that (the *IDN?
// timeout, then a graceful close waiting for a FIN the server never sends).

test('a server that accepts and never answers: connect rejects with TimeoutError at timeoutMs, and leaves no socket', async (t) => {
  const accepted: Socket[] = [];
  let onAccept: () => void = () => undefined;
  // accepts, never reads (so never sees the client's FIN either), never writes
  const server = createServer({ pauseOnConnect: true }, (s) => {
    accepted.push(s);
    s.on('error', () => undefined);
    onAccept();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  t.teardown(() => {
    for (const s of accepted) s.destroy();
    server.close();
  });
  const sockets = () => process.getActiveResourcesInfo().filter((r) => r === 'TCPSocketWrap').length;
  const before = sockets();

  const clock = new VirtualClock();
  const start = clock.now();
  const connecting = connectScpiBoard({ host: '127.0.0.1', port, timeoutMs: 5000, scheduler: clock });
  connecting.catch(() => undefined);
  await new Promise<void>((resolve) => (onAccept = resolve));
  const error = await t.throwsAsync(clock.run(connecting), { instanceOf: TimeoutError });
  t.like(error, { operation: `connect scpi://127.0.0.1:${port}`, timeoutMs: 5000 });
  t.is(clock.now() - start, 5000, 'one timeout, not a per-command timeout plus a close timeout');
  for (const s of accepted) s.destroy();
  await new Promise((resolve) => setImmediate(resolve));
  t.is(sockets(), before, JSON.stringify(process.getActiveResourcesInfo()));
});
