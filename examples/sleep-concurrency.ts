/**
 * The seeds' point: N one-second waits run concurrently take one second, not N.
 *
 * Here each wait is a real acquisition: one board per call, at decimation 8192 (16384 × 8192 / 125 MHz
 * = 1.07 s). Sequentially (await one after the other) N of them take N × 1.07 s; started together and
 * awaited with Promise.all they take 1.07 s. The same again in virtual time: an injected clock makes
 * the simulated seconds cost microseconds, while the simulated time still adds up the same way.
 *
 * Run: pnpm exec tsx examples/sleep-concurrency.ts
 */
import { connect, type Board } from 'labrx';
import { VirtualClock } from '@labrx/core/testing';

async function boards(n: number, clock?: VirtualClock): Promise<Board[]> {
  return Promise.all(Array.from({ length: n }, (_, i) => connect({ sim: { seed: i + 1, ...(clock ? { scheduler: clock } : {}) } })));
}

export async function main({ quick = false } = {}): Promise<void> {
  const n = 5;
  const decimation = quick ? 1024 : 8192;
  const one = (16384 * decimation) / 125e6;
  console.log(`${n} acquisitions of ${one.toFixed(3)} s each (decimation ${decimation})`);

  const rps = await boards(n);
  let t0 = performance.now();
  for (const rp of rps) await rp.scope.single({ decimation });
  console.log(`  real time, one after the other: ${((performance.now() - t0) / 1e3).toFixed(3)} s  (expect ${(n * one).toFixed(3)})`);
  t0 = performance.now();
  await Promise.all(rps.map((rp) => rp.scope.single({ decimation })));
  console.log(`  real time, concurrently:        ${((performance.now() - t0) / 1e3).toFixed(3)} s  (expect ${one.toFixed(3)})`);
  await Promise.all(rps.map((rp) => rp.close()));

  const clock = new VirtualClock();
  const vrps = await boards(n, clock);
  const v0 = clock.now();
  t0 = performance.now();
  await clock.run(Promise.all(vrps.map((rp) => rp.scope.single({ decimation: 8192 }))));
  console.log(
    `  virtual time, concurrently at decimation 8192: ${((clock.now() - v0) / 1e3).toFixed(3)} s simulated in ${(performance.now() - t0).toFixed(1)} ms of real time`,
  );
  await Promise.all(vrps.map((rp) => rp.close()));
}

if (import.meta.url === `file://${process.argv[1]}`) await main({ quick: process.argv.includes('--quick') });
