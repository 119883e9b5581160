// Fleets that mix boards over SCPI (each its own startScpiServer on 127.0.0.1, port 0) with
// embedded ones, some of whose servers are down. Real sockets, so real time; nothing here asserts
// a duration.
import test from 'ava';
import { createServer } from 'node:net';
import { ConnectionLostError, connectMany, createSimBoard } from 'labrx';
import { startScpiServer, type ScpiServer } from '@labrx/scpi';

async function servers(seeds: number[]): Promise<ScpiServer[]> {
  return Promise.all(seeds.map((seed) => startScpiServer({ board: createSimBoard({ seed }), host: '127.0.0.1', port: 0 })));
}

/** A loopback port nobody listens on: bound by the OS, then released. */
function closedPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

test('some servers down: the fleet holds the others (SCPI and embedded mixed), failures are reported per target, and the up boards all acquire', async (t) => {
  const up = await servers([101, 102, 103]);
  const down = [`scpi://127.0.0.1:${await closedPort()}`, `scpi://127.0.0.1:${await closedPort()}`];
  try {
    const targets = [up[0]!.url, down[0]!, { sim: { seed: 5 } }, up[1]!.url, down[1]!, up[2]!.url];
    const fleet = await connectMany(targets, { onError: 'collect', timeoutMs: 10_000 });
    t.deepEqual(fleet.ids, [up[0]!.url, 'sim:5', up[1]!.url, up[2]!.url]);
    t.deepEqual(
      fleet.failures.map((f) => [f.target, f.index]),
      [
        [down[0], 1],
        [down[1], 4],
      ],
    );
    for (const f of fleet.failures) {
      t.true(f.error instanceof ConnectionLostError, String(f.error));
      t.is((f.error as ConnectionLostError).target, f.target, 'the error names the board it is about');
    }
    const traces = await fleet.scope.single({ decimation: 64 });
    t.deepEqual(
      traces.map((r) => [r.board, r.value.ch1.length, r.value.dt]),
      fleet.ids.map((id) => [id, 16384, 64 / 125e6]), // dt = decimation / 125 MHz, over SCPI as embedded
    );
    await fleet.close();
  } finally {
    await Promise.all(up.map((s) => s.close()));
  }
});

test('a server going down mid-run: that board fails, tagged with its URL, the others finish', async (t) => {
  const up = await servers([201, 202, 203]);
  try {
    const fleet = await connectMany([...up.map((s) => s.url), { sim: { seed: 9 } }]);
    await up[1]!.close();
    const entries = await fleet.map((rp) => rp.scope.single({ decimation: 64 }), { onError: 'collect', timeoutMs: 10_000 });
    t.deepEqual(
      entries.map((e) => [e.board, e.status]),
      [
        [up[0]!.url, 'fulfilled'],
        [up[1]!.url, 'rejected'],
        [up[2]!.url, 'fulfilled'],
        ['sim:9', 'fulfilled'],
      ],
    );
    const failure = entries[1] as { error: unknown };
    t.true(failure.error instanceof ConnectionLostError, String(failure.error));
    await fleet.close();
    t.deepEqual(
      up.map((s) => s.connections),
      [0, 0, 0],
      'every connection closed',
    );
  } finally {
    await Promise.all(up.map((s) => s.close()));
  }
});

test("connectMany 'stop' with a server down: rejects with that target's error and leaves no connection open to the others", async (t) => {
  const up = await servers([301, 302]);
  const down = `scpi://127.0.0.1:${await closedPort()}`;
  try {
    const err = await t.throwsAsync(connectMany([up[0]!.url, down, up[1]!.url]), { instanceOf: ConnectionLostError });
    t.is(err!.target, down);
    // Let the servers see the closed sockets (a loopback FIN arrives within a few event-loop turns).
    for (let i = 0; i < 50 && up.some((s) => s.connections > 0); i++) await new Promise((r) => setImmediate(r));
    t.deepEqual(
      up.map((s) => s.connections),
      [0, 0],
    );
  } finally {
    await Promise.all(up.map((s) => s.close()));
  }
});
