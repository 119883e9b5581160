import test from 'ava';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { connectSync, SettingsError, type Trace } from 'labrx';
import type * as Procedures from './sync.procedures.js';

const procedures = new URL('./sync.procedures.ts', import.meta.url);

test('the sync iterable: next() blocks for each trace; break after 3 stops the acquisition in the engine', (t) => {
  const rps = connectSync<typeof Procedures>({ sim: { seed: 8 }, procedures });
  t.teardown(() => rps.close());
  const seen: Trace[] = [];
  let stateInside = '';
  for (const trace of rps.scope.stream({ decimation: 64 })) {
    seen.push(trace);
    if (seen.length === 1) stateInside = rps.scope.state.state; // another blocking call, mid-iteration
    if (seen.length === 3) break;
  }
  t.is(seen.length, 3);
  t.is(stateInside, 'continuous', 'the engine was acquiring while we iterated');
  // real time: the three triggers are at least one acquisition apart, 16384·64/125 MHz = 8.39 ms
  t.true(seen[1]!.timestamp - seen[0]!.timestamp >= 8.388, `${seen[1]!.timestamp - seen[0]!.timestamp} ms`);
  // return() waits for the engine, so by now nothing acquires: checked in the engine itself
  t.deepEqual(rps.scope.state, { state: 'idle', holder: null });
  t.false(rps.call('scopeRunning'));
});

test('stream settings are checked when stream() is called, and an exhausted or returned iterator stays done', (t) => {
  const rps = connectSync({ sim: { seed: 8, virtualTime: true } });
  t.teardown(() => rps.close());
  const e = (() => {
    try {
      rps.scope.stream({ decimation: 5 });
    } catch (error) {
      return error;
    }
  })();
  t.true(e instanceof SettingsError);
  t.like(e as SettingsError, { setting: 'decimation', value: 5 });
  const it = rps.scope.stream({ decimation: 1 });
  t.is(it.next().value!.ch1.length, 16384);
  t.deepEqual(it.return(), { done: true, value: undefined });
  t.deepEqual(it.next(), { done: true, value: undefined });
  t.deepEqual(rps.scope.state.state, 'idle');
});

test('10,000 traces in virtual time keep memory flat', (t) => {
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as () => void;
  const rps = connectSync({ sim: { seed: 9, virtualTime: true, noiseDensity: 0 } });
  t.teardown(() => rps.close());
  const bytesPerTrace = 2 * 16384 * 8; // 256 KiB
  const sample = (): { rss: number; js: number } => {
    gc();
    const m = process.memoryUsage();
    return { rss: m.rss, js: m.heapUsed + m.arrayBuffers };
  };
  let n = 0;
  let last = -Infinity;
  let ordered = true;
  let atWarm = sample();
  for (const trace of rps.scope.stream({ decimation: 1 })) {
    if (trace.timestamp <= last) ordered = false;
    last = trace.timestamp;
    n++;
    if (n === 1000) atWarm = sample();
    if (n === 10_000) break;
  }
  const atEnd = sample();
  t.is(n, 10_000);
  t.true(ordered, 'board time advances from trace to trace');
  const growthRss = atEnd.rss - atWarm.rss;
  const growthJs = atEnd.js - atWarm.js;
  // Keeping every trace would grow by 9000 × 256 KiB = 2.2 GiB; keeping one in 30 by 75 MiB. The
  // bounds (64 MiB of RSS, both threads; 16 MiB of this thread's heap and buffers, 64 traces) leave
  // room for allocator and JIT noise but not for a leak that grows with the number of traces.
  t.log(`RSS +${(growthRss / 2 ** 20).toFixed(1)} MiB, heap+buffers +${(growthJs / 2 ** 20).toFixed(1)} MiB over 9000 traces (${bytesPerTrace / 1024} KiB each)`);
  t.true(growthRss < 64 * 2 ** 20, `RSS grew ${growthRss} B`);
  t.true(growthJs < 16 * 2 ** 20, `heap + array buffers grew ${growthJs} B`);
});
