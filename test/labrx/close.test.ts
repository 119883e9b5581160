import test from 'ava';
import { connect, ConnectionLostError } from 'labrx';

// Alone in its file (its own process), so that no other test's timers are counted.
test('after close() no handle keeps the process alive', async (t) => {
  const count = () => process.getActiveResourcesInfo().filter((r) => r !== 'TTYWrap' && r !== 'PipeWrap' && r !== 'FSReqCallback').length;
  const before = count();
  const rp = await connect();
  await rp.asg0.set({ frequency: 1e4, amplitude: 0.3, output: 'out1' });
  await rp.scope.single({ decimation: 1 });
  let streamError: unknown;
  const sub = rp.scope.stream$({ decimation: 64 }).subscribe({ error: (e) => (streamError = e) });
  // different settings: queued behind the stream until close() ends both
  const queued = rp.scope.single({ decimation: 1 });
  await rp.close();
  const e = await t.throwsAsync(queued);
  t.true(e instanceof ConnectionLostError, String(e));
  t.true(streamError instanceof ConnectionLostError, String(streamError));
  sub.unsubscribe();
  await new Promise((r) => setImmediate(r));
  t.is(count(), before, JSON.stringify(process.getActiveResourcesInfo()));
});
