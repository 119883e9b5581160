/**
 * The seed's my_coroutine(n): ask the scope and the network analyzer for a curve at the same time,
 * await both, add them up, n rounds. They need different modules (the scope; asg0 + iq modules), so
 * they run concurrently: n rounds take about n × the slower of the two, not n × their sum.
 *
 * Run: pnpm exec tsx examples/concurrent-scope-na.ts
 */
import { connect, resonator } from 'labrx';

export async function main({ quick = false } = {}): Promise<void> {
  const rp = await connect({ sim: { seed: 3, dut: resonator({ f0: 1e6, q: 20, gain: 0.5 }) } });
  const rounds = quick ? 2 : 3;
  const scopeSettings = { decimation: 2048 }; // 16384 × 2048 / 125 MHz = 0.268 s
  const naSettings = { start: 0.5e6, stop: 2e6, points: 101, rbw: 500 }; // 101 × 1.5 / 500 = 0.303 s

  const time = async <T>(f: () => Promise<T>) => {
    const t0 = performance.now();
    const v = await f();
    return [v, (performance.now() - t0) / 1e3] as const;
  };
  const [, scopeS] = await time(() => rp.scope.single(scopeSettings));
  const [, naS] = await time(() => rp.na.single(naSettings));
  console.log(`one scope trace: ${scopeS.toFixed(3)} s, one NA sweep: ${naS.toFixed(3)} s`);

  async function myCoroutine(n: number) {
    const c1 = new Float64Array(16384);
    const c2 = new Float64Array(naSettings.points);
    for (let i = 0; i < n; i++) {
      const f = rp.scope.single(scopeSettings); // launching f
      const g = rp.na.single(naSettings); // launching g
      const [trace, response] = await Promise.all([f, g]);
      trace.ch1.forEach((v, k) => (c1[k]! += v));
      response.magnitude().forEach((v, k) => (c2[k]! += v));
    }
    return { c1, c2 };
  }
  const [{ c2 }, total] = await time(() => myCoroutine(rounds));
  console.log(
    `${rounds} rounds of scope + NA at once: ${total.toFixed(3)} s  (n × slower ≈ ${(rounds * Math.max(scopeS, naS)).toFixed(3)} s, n × sum ≈ ${(rounds * (scopeS + naS)).toFixed(3)} s)`,
  );
  const peak = c2.indexOf(Math.max(...c2));
  console.log(`summed NA curve peaks at point ${peak} of ${naSettings.points}`);
  await rp.close();
}

if (import.meta.url === `file://${process.argv[1]}`) await main({ quick: process.argv.includes('--quick') });
