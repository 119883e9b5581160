import test from 'ava';
import { firstValueFrom } from 'rxjs';
import { ConnectionLostError, SCOPE_DEFAULTS } from '@labrx/core';
import { createSimBoard } from '@labrx/hw-sim';
import { startScpiServer } from '@labrx/scpi';
import { connectScpiBoard } from '@labrx/scpi';

// The SCPI driver against a real server that goes away; the physics suite over SCPI is
// test/physics/drivers.test.ts.

test('a real server closed mid-acquisition fails ScpiBoard with ConnectionLostError at once', async (t) => {
  const sim = createSimBoard({ seed: 9 });
  const server = await startScpiServer({ board: sim, port: 0 });
  const board = await connectScpiBoard(server.url);
  t.teardown(() => sim.close());
  // decimation 65536: the acquisition would take 8.6 s
  const pending = firstValueFrom(board.acquire({ ...SCOPE_DEFAULTS, decimation: 65536 }));
  pending.catch(() => undefined);
  while (sim.activeAcquisitions === 0) await new Promise((r) => setTimeout(r, 2));
  const started = performance.now();
  await server.close();
  await t.throwsAsync(pending, { instanceOf: ConnectionLostError });
  t.true(performance.now() - started < 1000);
  t.is(sim.activeAcquisitions, 0, 'closing the server stopped the board acquisition');
  await t.throwsAsync(board.query('*IDN?'), { instanceOf: ConnectionLostError });
  await board.close();
});
