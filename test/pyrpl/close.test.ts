import test from 'ava';
import { ConnectionLostError } from '@labrx/core';
import { createSimBoard, resonator } from '@labrx/hw-sim';
import { startPyrplServer } from '@labrx/pyrpl';
import { connect } from 'labrx';

// Alone in its file (its own process), so that no other test's handles are counted.
test('pyrpl://: closing mid-sweep and mid-stream fails them with ConnectionLostError and leaves no socket or timer', async (t) => {
  const count = () => process.getActiveResourcesInfo().filter((r) => r !== 'TTYWrap' && r !== 'PipeWrap' && r !== 'FSReqCallback').length;
  const before = count();
  const sim = createSimBoard({ seed: 41, dut: resonator({ f0: 1e6, q: 20 }) });
  const server = await startPyrplServer({ board: sim, port: 0 });
  const rp = await connect(server.url);
  await rp.asg1.set({ frequency: 1e4, amplitude: 0.3, output: 'out2' });
  let streamError: unknown;
  const sub = rp.scope.stream$({ decimation: 1024 }).subscribe({ error: (e) => (streamError = e) });
  const sweep = rp.na.single({ start: 1e5, stop: 2e6, points: 501, rbw: 100 }); // 7.5 s of hardware time
  sweep.catch(() => undefined);
  await new Promise((r) => setTimeout(r, 100));
  await rp.close();
  await t.throwsAsync(sweep, { instanceOf: ConnectionLostError });
  t.true(streamError instanceof ConnectionLostError, String(streamError));
  sub.unsubscribe();
  await server.close();
  await sim.close();
  for (let i = 0; i < 50 && count() !== before; i++) await new Promise((r) => setTimeout(r, 10));
  t.is(count(), before, JSON.stringify(process.getActiveResourcesInfo()));
});
