import test from 'ava';
import { connectSync, ConnectionLostError, TimeoutError } from 'labrx';
import type * as Procedures from './sync-dead.procedures.js';

// A dead blocking engine (issue #12, case 10): once the engine answers neither a call nor a ping
// after it, it is declared lost, and later calls and close() fail or return at once instead of
// costing a full timeout each.

const procedures = new URL('./sync-dead.procedures.ts', import.meta.url);

function timed(fn: () => unknown): { error: unknown; ms: number } {
  const t0 = performance.now();
  try {
    fn();
    return { error: undefined, ms: performance.now() - t0 };
  } catch (error) {
    return { error, ms: performance.now() - t0 };
  }
}

test('a hung engine: the first call times out, then every later call and close() end at once', async (t) => {
  const limit = 400;
  const rps = connectSync<typeof Procedures>({ sim: { seed: 1 }, procedures, timeoutMs: limit });
  const first = timed(() => rps.call('hangEngine'));
  t.true(first.error instanceof TimeoutError, String(first.error));
  // the limit, then at most one more limit to see that the engine does not answer a ping either
  t.true(first.ms >= limit - 1 && first.ms < 2 * limit + 1000, `${first.ms} ms`);
  t.true(rps.isClosed, 'the engine is known to be dead');

  for (const call of [() => rps.scope.single({ decimation: 8 }), () => rps.asg0.settings, () => rps.call('hangEngine')]) {
    const later = timed(call);
    t.true(later.error instanceof ConnectionLostError, String(later.error));
    t.regex(String((later.error as Error).message), /did not answer/);
    // at once: no timeout to wait for (a loaded machine may take a few ms)
    t.true(later.ms < limit / 2, `${later.ms} ms`);
  }
  const close = timed(() => rps.close());
  t.is(close.error, undefined);
  t.true(close.ms < limit / 2, `close took ${close.ms} ms`);
  await rps.exited;
});

test('a slow but live engine is not declared dead: a timed-out call leaves the link usable', (t) => {
  const rps = connectSync({ sim: { seed: 1 }, timeoutMs: 300 });
  t.teardown(() => rps.close());
  const slow = timed(() => rps.scope.single({ decimation: 65536 })); // 8.6 s in real time
  t.true(slow.error instanceof TimeoutError);
  t.false(rps.isClosed);
  t.like(rps.asg0.set({ frequency: 1e3 }), { frequency: 1e3 });
});
