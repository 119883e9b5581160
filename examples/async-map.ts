/**
 * The async-map seed: five one-second calls take one second when run concurrently, and plain
 * (synchronous) and async functions mix in one map.
 *
 * Each "one-second call" is a real scope acquisition on its own simulated board at decimation 8192:
 * 16384 × 8192 / 125 MHz = 1.07 s. `asyncMap` runs them:
 *   1. one after the other (concurrency 1): 5 × 1.07 s;
 *   2. all at once (the default): 1.07 s — the seed's "briefer concurrency with map";
 *   3. mixed: async acquisitions, a plain function and an Observable-returning one in one map,
 *      results in input order: still 1.07 s, since a plain function that returns at once costs
 *      nothing (one that blocks — a busy loop — would block everything, in JS as in Python);
 *   4. at most two at a time: ⌈5/2⌉ = 3 × 1.07 s;
 *   5. with onError 'collect': a failing item is reported with its index, the others finish;
 *   6. the same seed in virtual time: 5 simulated seconds in a few milliseconds.
 *
 * Run: pnpm exec tsx examples/async-map.ts   (--quick: decimation 1024, 0.134 s per call)
 */
import { asyncMap, connect, type Board, type Trace } from 'labrx';
import { VirtualClock } from '@labrx/core/testing';
import { map } from 'rxjs';

async function openBoards(n: number, clock?: VirtualClock): Promise<Board[]> {
  return asyncMap(Array.from({ length: n }, (_, i) => i), (i) => connect({ sim: { seed: i + 1, ...(clock ? { scheduler: clock } : {}) } }));
}

/** Milliseconds since t0 as seconds, for the printout. */
const since = (t0: number): string => `${((performance.now() - t0) / 1e3).toFixed(3)} s`;

export async function main({ quick = false } = {}): Promise<void> {
  const decimation = quick ? 1024 : 8192;
  const oneS = (16384 * decimation) / 125e6;
  const rps = await openBoards(5);
  // Board i drives a 1 kHz sine of (i + 1) × 50 mV through its wire into in1, so the boards'
  // answers differ: rms = amplitude/√2, peak = amplitude. Setting generators is itself a map.
  await asyncMap(rps, (rp, i) => rp.asg0.set({ waveform: 'sine', frequency: 1e3, amplitude: 0.05 * (i + 1), output: 'out1' }));
  const acquire = (rp: Board, _i: number, signal: AbortSignal): Promise<Trace> => rp.scope.single({ decimation }, { signal });
  console.log(`one call = one acquisition at decimation ${decimation}: ${oneS.toFixed(3)} s`);

  let t0 = performance.now();
  await asyncMap(rps, acquire, { concurrency: 1 });
  console.log(`  1. one after the other:      ${since(t0)}  (expect 5 × ${oneS.toFixed(3)} = ${(5 * oneS).toFixed(3)} s)`);

  t0 = performance.now();
  await asyncMap(rps, acquire);
  console.log(`  2. all at once:              ${since(t0)}  (expect ${oneS.toFixed(3)} s)`);

  // The seed's "Mixin' it up": async, plain and Observable-returning functions in one map.
  const describe = (rp: Board) => `${rp.id}: ${rp.info.bufferSize} samples at ${rp.info.sampleRateHz / 1e6} MS/s`; // plain
  const peak = (rp: Board) => rp.scope.single$({ decimation }).pipe(map((tr) => `${rp.id}: peak ${(Math.max(...tr.ch1.map(Math.abs)) * 1e3).toFixed(2)} mV`)); // Observable
  const rms = async (rp: Board, i: number, signal: AbortSignal) => {
    const tr = await acquire(rp, i, signal);
    return `${rp.id}: rms ${(Math.sqrt(tr.ch1.reduce((s, v) => s + v * v, 0) / tr.ch1.length) * 1e3).toFixed(2)} mV`;
  }; // async
  const jobs = [rms, describe, peak, describe, rms];
  t0 = performance.now();
  const mixed = await asyncMap<Board, string>(rps, (rp, i, signal) => jobs[i]!(rp, i, signal));
  console.log(`  3. mixed plain/async/Observable: ${since(t0)}  (expect ${oneS.toFixed(3)} s)`);
  for (const line of mixed) console.log(`       ${line}`);

  t0 = performance.now();
  await asyncMap(rps, acquire, { concurrency: 2 });
  console.log(`  4. at most two at a time:    ${since(t0)}  (expect 3 × ${oneS.toFixed(3)} = ${(3 * oneS).toFixed(3)} s)`);

  t0 = performance.now();
  const outcome = await asyncMap(
    rps,
    (rp, i, signal) => (i === 3 ? rp.scope.single({ decimation: 3 }) : acquire(rp, i, signal)), // decimation 3 is not a power of 2
    { onError: 'collect' },
  );
  console.log(`  5. collect errors:           ${since(t0)}`);
  for (const e of outcome) console.log(`       #${e.index} ${e.item.id}: ${e.status === 'fulfilled' ? `${e.value.ch1.length} samples` : (e.error as Error).message}`);
  await asyncMap(rps, (rp) => rp.close());

  const clock = new VirtualClock();
  const vrps = await openBoards(5, clock);
  t0 = performance.now();
  await clock.run(asyncMap(vrps, (rp) => rp.scope.single({ decimation: 8192 }), { concurrency: 1 }));
  const sequentialS = clock.now() / 1e3;
  await clock.run(asyncMap(vrps, (rp) => rp.scope.single({ decimation: 8192 })));
  console.log(
    `  6. virtual time: ${sequentialS.toFixed(3)} s one after the other, ${(clock.now() / 1e3 - sequentialS).toFixed(3)} s at once — simulated in ${(performance.now() - t0).toFixed(0)} ms`,
  );
  await asyncMap(vrps, (rp) => rp.close());
}

if (import.meta.url === `file://${process.argv[1]}`) await main({ quick: process.argv.includes('--quick') });
