// The one real-time test of the fleet: the point is wall-clock concurrency, which virtual time
// cannot show. Everything else about fleets is tested in virtual time (fleet.test.ts).
import test from 'ava';
import { connectMany } from 'labrx';

test('200 embedded boards, one acquisition each at decimation 8192, finish within 1.5 × one acquisition in real time', async (t) => {
  const boards = 200;
  const decimation = 8192;
  const oneS = (16384 * decimation) / 125e6; // 1.074 s: the hardware's acquisition time
  const fleet = await connectMany({ sim: { count: boards } });
  try {
    // Warm-up at decimation 1 (0.13 ms each) so the JIT has compiled the simulator's sample loops;
    // a cold first run is not what a long-running fleet sees.
    await fleet.scope.single({ decimation: 1 });
    const t0 = performance.now();
    const results = await fleet.scope.single({ decimation });
    const wallS = (performance.now() - t0) / 1e3;
    t.log(`${boards} boards × 1 acquisition of ${oneS.toFixed(3)} s: ${wallS.toFixed(3)} s wall (${((wallS / oneS) * 100).toFixed(0)} % of one)`);
    t.is(results.length, boards);
    t.true(
      results.every((r) => r.status === 'fulfilled' && r.value.ch1.length === 16384),
      'every board delivered a full trace',
    );
    // Run one after the other they would take 200 × 1.074 s = 215 s. Concurrently the waits overlap
    // and what adds up is only each board's CPU work (computing 2 × 16384 samples, a few ms);
    // 1.5 × leaves 0.54 s for that, i.e. ≤ 2.7 ms per board.
    t.true(wallS >= oneS, `no board can finish before its acquisition time (${wallS.toFixed(3)} s)`);
    t.true(wallS < 1.5 * oneS, `${wallS.toFixed(3)} s ≥ 1.5 × ${oneS.toFixed(3)} s`);
  } finally {
    await fleet.close();
  }
});
