import test from 'ava';
import { defer, finalize, map, NEVER, Observable, timer } from 'rxjs';
import { AbortedError, asyncMap, asyncMap$, MapErrors, NoResultError, SettingsError, settledValues, type AsyncMapSettled } from '@labrx/core';
import { VirtualClock } from '@labrx/core/testing';

/** A Promise that resolves with `value` after `ms` of virtual time. */
function sleep<T>(clock: VirtualClock, ms: number, value: T, signal?: AbortSignal): Promise<T> {
  return new Promise((resolve, reject) => {
    const action = clock.schedule(() => resolve(value), ms);
    signal?.addEventListener('abort', () => {
      action.unsubscribe();
      reject(signal.reason);
    });
  });
}

/** Durations in ms from a fixed linear congruential sequence: varied, and the same every run. */
function durations(n: number): number[] {
  const out: number[] = [];
  let x = 12345;
  for (let i = 0; i < n; i++) {
    x = (x * 1103515245 + 12345) % 2 ** 31;
    out.push(100 + (x % 900));
  }
  return out;
}

/**
 * Oracle: when the last item finishes if item i starts in the earliest free of `slots` slots, in
 * input order (list scheduling). Independent of asyncMap's code.
 */
function makespan(ds: number[], slots: number): number {
  const free = Array.from({ length: Math.min(slots, ds.length) }, () => 0);
  for (const d of ds) {
    const k = free.indexOf(Math.min(...free));
    free[k] = free[k]! + d;
  }
  return Math.max(0, ...free);
}

for (const [kind, concurrency] of [
  ['Observables', 1],
  ['Observables', 3],
  ['Observables', 7],
  ['Promises', 3],
] as const) {
  test(`${kind}, concurrency ${concurrency}: never more in flight, the limit is reached, and slots are reused at once`, async (t) => {
    const clock = new VirtualClock();
    const ds = durations(40);
    let inFlight = 0;
    let most = 0;
    const enter = (): void => {
      inFlight++;
      most = Math.max(most, inFlight);
    };
    const fn =
      kind === 'Observables'
        ? (d: number, i: number) =>
            defer(() => {
              enter();
              return timer(d, clock);
            }).pipe(
              map(() => i),
              finalize(() => inFlight--),
            )
        : async (d: number, i: number) => {
            enter();
            await sleep(clock, d, i);
            inFlight--;
            return i;
          };
    const values = await clock.run(asyncMap(ds, fn, { concurrency }));
    t.is(most, concurrency);
    t.is(inFlight, 0);
    t.deepEqual(values, ds.map((_, i) => i), 'input order');
    // Virtual time is exact, so the end time must equal the list-scheduling oracle exactly: a
    // slot left idle, or an extra item squeezed in, would change it.
    t.is(clock.now(), makespan(ds, concurrency));
  });
}

test('concurrency Infinity (default) starts every item at once: the time is that of the slowest', async (t) => {
  const clock = new VirtualClock();
  const ds = durations(25);
  let started = 0;
  const values = await clock.run(
    asyncMap(ds, (d) => {
      started++;
      return sleep(clock, d, d);
    }),
  );
  t.deepEqual(values, ds);
  t.is(clock.now(), Math.max(...ds));
  t.is(started, 25);
});

test('the seed: five one-second calls take one second concurrently and five one after the other; sync and async mixed', async (t) => {
  const clock = new VirtualClock();
  const asyncCall = (x: string) => sleep(clock, 1000, x.toUpperCase());
  const syncCall = (x: string) => x.toUpperCase(); // a plain function: returns at once
  const fns = [asyncCall, syncCall, asyncCall, syncCall, asyncCall];
  const letters = ['a', 'b', 'c', 'd', 'e'];
  t.deepEqual(await clock.run(asyncMap(letters, (x, i) => fns[i]!(x))), ['A', 'B', 'C', 'D', 'E']);
  t.is(clock.now(), 1000, 'three async calls overlap: 1 s');

  const t0 = clock.now();
  await clock.run(asyncMap(letters, (x) => asyncCall(x), { concurrency: 1 }));
  t.is(clock.now() - t0, 5000, 'one at a time: 5 s');
});

test("order 'completion' in the Promise face: the array is in finishing order", async (t) => {
  const clock = new VirtualClock();
  const values = await clock.run(asyncMap<number, number | string>([300, 100, 200, 0], (d) => (d === 0 ? 'sync' : sleep(clock, d, d)), { order: 'completion' }));
  t.deepEqual(values, ['sync', 100, 200, 300]);
});

test('synchronous functions only: all results, no timer, and 100 000 items do not grow the stack', async (t) => {
  const n = 100_000;
  const items = Array.from({ length: n }, (_, i) => i);
  const values = await asyncMap(items, (x) => 2 * x);
  t.is(values.length, n);
  t.is(values[n - 1], 2 * (n - 1));
  const limited = await asyncMap(items, (x) => x + 1, { concurrency: 4 });
  t.is(limited[12345], 12346);
  // The Observable face emits synchronously for synchronous functions (like `from([...])`).
  const seen: number[] = [];
  asyncMap$([1, 2, 3], (x) => x * 10).subscribe((e) => seen.push(e.value));
  t.deepEqual(seen, [10, 20, 30]);
});

test("onError 'collect': sync throws, rejected Promises, erroring and empty Observables are all reported with item and index; the others finish", async (t) => {
  const clock = new VirtualClock();
  const thrown = new Error('sync throw');
  const rejected = new Error('rejected');
  const errored = new Error('errored');
  const items = ['ok-sync', 'throw', 'ok-promise', 'reject', 'ok-obs', 'error-obs', 'empty-obs'];
  const entries = await clock.run(
    asyncMap(
      items,
      (x): string | Promise<string> | Observable<string> => {
        switch (x) {
          case 'throw':
            throw thrown;
          case 'ok-promise':
            return sleep(clock, 50, 'P');
          case 'reject':
            return sleep(clock, 10, 0).then(() => Promise.reject(rejected));
          case 'ok-obs':
            return timer(30, clock).pipe(map(() => 'O'));
          case 'error-obs':
            return timer(20, clock).pipe(
              map(() => {
                throw errored;
              }),
            );
          case 'empty-obs':
            return timer(40, clock).pipe(map(() => 'never'), (s) => new Observable<string>((sub) => s.subscribe({ complete: () => sub.complete() })));
          default:
            return 'S';
        }
      },
      { onError: 'collect' },
    ),
  );
  t.deepEqual(
    entries.map((e) => [e.index, e.item, e.status]),
    items.map((x, i) => [i, x, x.startsWith('ok') ? 'fulfilled' : 'rejected']),
  );
  const byItem = new Map(entries.map((e) => [e.item, e]));
  t.is((byItem.get('ok-sync') as { value: string }).value, 'S');
  t.is((byItem.get('ok-promise') as { value: string }).value, 'P');
  t.is((byItem.get('ok-obs') as { value: string }).value, 'O');
  t.is((byItem.get('throw') as { error: unknown }).error, thrown);
  t.is((byItem.get('reject') as { error: unknown }).error, rejected);
  t.is((byItem.get('error-obs') as { error: unknown }).error, errored);
  t.true((byItem.get('empty-obs') as { error: unknown }).error instanceof NoResultError);
  t.is(clock.now(), 50, 'the failures did not cut the slowest success short');

  // settledValues: the values, or a MapErrors carrying both the failures and the successes.
  const err = t.throws(() => settledValues(entries), { instanceOf: MapErrors });
  t.deepEqual(
    err!.failures.map((f) => f.index),
    [1, 3, 5, 6],
  );
  t.deepEqual(
    err!.successes.map((s) => s.value),
    ['S', 'P', 'O'],
  );
  t.is(err!.errors[0], thrown);
  t.regex(err!.message, /^asyncMap: 4 of 7 failed \(#1: sync throw; #3: rejected; #5: errored; and 1 more\)$/);
  t.deepEqual(settledValues(entries.filter((e) => e.status === 'fulfilled')), ['S', 'P', 'O']);
});

test("onError 'stop': rejects with the first error unchanged, cancels the rest (signals aborted, Observables unsubscribed) and starts nothing more", async (t) => {
  const clock = new VirtualClock();
  const boom = new Error('item 2 failed');
  const signals: AbortSignal[] = [];
  let unsubscribed = 0;
  let calls = 0;
  const promise = asyncMap(
    [0, 1, 2, 3, 4, 5, 6, 7],
    (i, _index, signal) => {
      calls++;
      signals[i] = signal;
      if (i === 2) return sleep(clock, 100, 0).then(() => Promise.reject(boom));
      if (i % 2 === 0) return sleep(clock, 1000, i, signal);
      return NEVER.pipe(finalize(() => unsubscribed++));
    },
    { concurrency: 4 },
  );
  const err = await t.throwsAsync(clock.run(promise));
  t.is(err, boom);
  t.is(clock.now(), 100);
  t.is(calls, 4, 'items 4… never started');
  t.is(unsubscribed, 2, 'items 1 and 3 (Observables) unsubscribed');
  t.true(signals[0]!.aborted && signals[1]!.aborted && signals[3]!.aborted);
  t.false(signals[2]!.aborted, 'the failed item itself had finished');
  t.true(signals[0]!.reason instanceof AbortedError);
  t.is((signals[0]!.reason as AbortedError).reason, boom, 'the abort reason names the error that stopped the map');
  t.is(clock.nextFrame(), undefined, 'item 0 stopped its timer when its signal aborted');
});

test('unsubscribing asyncMap$ stops pending work: Observables unsubscribed, signals aborted, no new items, generator closed', async (t) => {
  const clock = new VirtualClock();
  let started = 0;
  let finalized = 0;
  let generatorClosed = false;
  function* items(): Generator<number> {
    try {
      for (let i = 0; ; i++) yield i; // endless: only pulled as slots free up
    } finally {
      generatorClosed = true;
    }
  }
  const signals: AbortSignal[] = [];
  const got: number[] = [];
  const subscription = asyncMap$(
    items(),
    (i, _index, signal) => {
      started++;
      signals.push(signal);
      return timer(1000, clock).pipe(
        map(() => i),
        finalize(() => finalized++),
      );
    },
    { concurrency: 3 },
  ).subscribe((e) => got.push(e.value));
  await clock.advanceBy(2500); // items 0-2 done at 1000, 3-5 at 2000, 6-8 running
  t.deepEqual(got, [0, 1, 2, 3, 4, 5]);
  t.is(started, 9);
  subscription.unsubscribe();
  t.is(finalized, 9, 'the three running Observables were unsubscribed');
  t.deepEqual(
    signals.map((s) => s.aborted),
    [false, false, false, false, false, false, true, true, true],
  );
  t.true(generatorClosed);
  t.is(clock.nextFrame(), undefined, 'no timer left');
  await clock.advanceBy(5000);
  t.is(started, 9, 'nothing started after the unsubscribe');
});

test('AbortSignal in the Promise face: rejects with AbortedError, aborts the items in flight, starts nothing more', async (t) => {
  const clock = new VirtualClock();
  const controller = new AbortController();
  clock.schedule(() => controller.abort('operator pressed stop'), 1500);
  let started = 0;
  const inner: AbortSignal[] = [];
  const promise = asyncMap(
    [1, 2, 3, 4, 5, 6],
    (x, _i, signal) => {
      started++;
      inner.push(signal);
      return sleep(clock, 1000, x, signal);
    },
    { concurrency: 2, signal: controller.signal },
  );
  const err = await t.throwsAsync(clock.run(promise), { instanceOf: AbortedError });
  t.is(err!.reason, 'operator pressed stop');
  t.is(clock.now(), 1500);
  t.is(started, 4);
  t.deepEqual(
    inner.map((s) => s.aborted),
    [false, false, true, true],
  );
  t.is(clock.nextFrame(), undefined);
  await t.throwsAsync(asyncMap([1], (x) => x, { signal: AbortSignal.abort('already') }), { instanceOf: AbortedError });
});

test('late outcomes of cancelled Promises are ignored (they cannot be stopped, but they change nothing)', async (t) => {
  const clock = new VirtualClock();
  const seen: AsyncMapSettled<number, number>[] = [];
  const sub = asyncMap$([1, 2], (x) => sleep(clock, 100 * x, x), { order: 'completion', onError: 'collect' }).subscribe((e) => seen.push(e));
  await clock.advanceBy(150);
  sub.unsubscribe();
  await clock.advanceBy(500); // item 2's Promise resolves at 200, after the unsubscribe
  t.deepEqual(
    seen.map((e) => e.index),
    [0],
  );
});

test('bad options, items or fn: SettingsError at once (Observable face) or a rejection (Promise face), before fn runs', async (t) => {
  let calls = 0;
  const fn = (x: number) => (calls++, x);
  for (const [options, setting] of [
    [{ concurrency: 0 }, 'concurrency'],
    [{ concurrency: 1.5 }, 'concurrency'],
    [{ concurrency: -Infinity }, 'concurrency'],
    [{ concurrency: Number.NaN }, 'concurrency'],
    [{ order: 'random' }, 'order'],
    [{ onError: 'ignore' }, 'onError'],
  ] as const) {
    const e1 = t.throws(() => asyncMap$([1], fn, options as never), { instanceOf: SettingsError });
    t.is(e1!.setting, setting);
    const e2 = await t.throwsAsync(asyncMap([1], fn, options as never), { instanceOf: SettingsError });
    t.is(e2!.setting, setting);
  }
  t.is(t.throws(() => asyncMap$(42 as never, fn), { instanceOf: SettingsError })!.setting, 'items');
  t.is(t.throws(() => asyncMap$([1], 'fn' as never), { instanceOf: SettingsError })!.setting, 'fn');
  t.is(calls, 0);
  t.deepEqual(await asyncMap([], fn), [], 'no items: resolves at once with none');
});

test('an input iterator that throws errors the map (it is not an item error, even with collect)', async (t) => {
  const broken = new Error('input broke');
  function* items(): Generator<number> {
    yield 1;
    throw broken;
  }
  t.is(await t.throwsAsync(asyncMap(items(), (x) => x, { onError: 'collect' })), broken);
});

test('a signal that is not an AbortSignal rejects with SettingsError(name, signal) before calling fn (the awaited face is once)', async (t) => {
  let calls = 0;
  const err = await t.throwsAsync(asyncMap([1, 2], () => ++calls, { signal: {} as never, name: 'tune' }), { instanceOf: SettingsError });
  t.is(err?.instrument, 'tune');
  t.is(err?.setting, 'signal');
  t.is(calls, 0);
});
