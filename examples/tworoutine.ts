/**
 * The South Pole Telescope's `@tworoutine`, without a monkey patch: one implementation of
 * `double_slowly`, called synchronously (as at a REPL) and asynchronously (at scale), including
 * synchronously from inside async code — and composed.
 *
 * The procedures are this very module's exports: `connectSync({ procedures: import.meta.url })`
 * loads them into the engine thread, where `rp.call('doubleSlowly', 1)` runs them; `connect()`
 * gives a board to await them in this thread. A blocking call sleeps this thread in
 * `Atomics.wait` while the engine's event loop keeps going: no event loop is ever re-entered, so
 * the async guarantee (nothing runs between two awaits but what you awaited) survives —
 * the thing nest_asyncio had to break in Python.
 *
 * Run: pnpm exec tsx examples/tworoutine.ts
 */
import { connect, connectSync } from 'labrx';
import { doubleSlowly, doubleTwiceAndMeasure } from './notebooks/tworoutine.js';

// The procedures themselves live beside the tour notebook (examples/notebooks/tworoutine.ts: the
// notebook kernel compiles only files under its folder) and are this module's exports too: one
// implementation for the notebook, this script and its engine thread.
export { doubleSlowly, doubleTwiceAndMeasure } from './notebooks/tworoutine.js';

type Procedures = typeof import('./tworoutine.js');

export async function main({ quick = false } = {}): Promise<void> {
  const rps = connectSync<Procedures>({ sim: { seed: 1 }, procedures: import.meta.url });
  const rp = await connect({ sim: { seed: 1 } });

  // 1. synchronously, as typed at a REPL: just call it
  let t0 = performance.now();
  console.log(`sync   doubleSlowly(1) = ${rps.call('doubleSlowly', 1)}   (${(performance.now() - t0).toFixed(0)} ms)`);

  // 2. asynchronously: the same function, awaited with an in-thread board
  t0 = performance.now();
  console.log(`async  doubleSlowly(2) = ${await doubleSlowly(rp, 2)}   (${(performance.now() - t0).toFixed(0)} ms)`);

  // 3. mixed, as in the seed's main(): a sync call from inside an async function, with other
  //    async work of this thread pending. The sync call blocks this thread only; the timer below
  //    is due during it but runs after it — nothing interleaves with the blocked code.
  const order: string[] = [];
  const mixed = async (): Promise<number> => {
    const r = await doubleSlowly(rp, 2);
    setTimeout(() => order.push('timer'), 10);
    const r2 = rps.call('doubleSlowly', 3); // 100 ms: the 10 ms timer is due meanwhile
    order.push('sync call returned');
    return r + r2;
  };
  console.log(`mixed  doubleSlowly(2) + doubleSlowly(3) = ${await mixed()}`);
  await new Promise((r) => setTimeout(r, 20));
  console.log(`       order in this thread: ${order.join(' → ')}`);

  // 4. at scale: N calls at once, async, take about the time of one
  const n = quick ? 10 : 100;
  t0 = performance.now();
  const all = await Promise.all(Array.from({ length: n }, (_, i) => doubleSlowly(rp, i)));
  console.log(`async  ${n} × doubleSlowly at once: sum ${all.reduce((a, b) => a + b, 0)} in ${(performance.now() - t0).toFixed(0)} ms`);

  // 5. composed, both ways
  const sync = rps.call('doubleTwiceAndMeasure', 5);
  const awaited = await doubleTwiceAndMeasure(rp, 5);
  console.log(`composed: sync ${sync.value} (in2 rms ${(sync.rmsIn2 * 1e3).toFixed(3)} mV), async ${awaited.value} (in2 rms ${(awaited.rmsIn2 * 1e3).toFixed(3)} mV)`);

  rps.close();
  await rp.close();
}

if (import.meta.url === `file://${process.argv[1]}`) await main({ quick: process.argv.includes('--quick') });
