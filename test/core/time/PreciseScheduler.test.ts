import test from 'ava';
import { interval, take, timer, toArray, firstValueFrom, lastValueFrom, type SchedulerAction } from 'rxjs';
import { PreciseScheduler, preciseScheduler, type PreciseWaker } from '@labrx/core';

// Real time, but no precision assertions here (precision lives in bench/timing): these tests check
// order, cancellation, recursion and "never early", which hold exactly whatever the machine load.

const wakers: PreciseWaker[] = ['timer', 'worker'];
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
/** One event-loop turn (an Immediate queued now runs after those already queued). */
const turn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** Counts of each kind of resource keeping the event loop alive, e.g. { Timeout: 2 }. */
function resources(): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const kind of process.getActiveResourcesInfo()) counts[kind] = (counts[kind] ?? 0) + 1;
  return counts;
}

/** Waits until the scheduler's helper thread is up (it starts on the first wait that needs it; ~50 ms, more on a loaded machine). */
async function workerReady(scheduler: PreciseScheduler): Promise<void> {
  const probe = scheduler.schedule(() => undefined, 60_000);
  const giveUp = performance.now() + 20_000;
  while (!scheduler.usingWorker && performance.now() < giveUp) await sleep(2);
  probe.unsubscribe();
  if (!scheduler.usingWorker) throw new Error('worker waker did not start within 20 s');
}

for (const waker of wakers) {
  test(`${waker} waker: actions run in deadline order`, async (t) => {
    const scheduler = new PreciseScheduler({ waker });
    const order: string[] = [];
    // Deadlines are absolute: now() at the call plus the delay (a negative delay counts as 0). On a
    // busy machine milliseconds can pass between two schedule() calls, so the expected order is worked
    // out from the deadlines each call really set (ties: first scheduled, first run).
    const deadlines: { name: string; at: number; seq: number }[] = [];
    const done = new Promise<void>((resolve) => {
      const add = (name: string, delay: number): void => {
        deadlines.push({ name, at: scheduler.now() + Math.max(0, delay), seq: deadlines.length });
        scheduler.schedule(() => (order.push(name), order.length === 6 && resolve()), delay);
      };
      add('d8', 8);
      add('d2a', 2);
      add('d5', 5);
      add('d2b', 2);
      add('d0', 0);
      add('d-1', -1);
    });
    await done;
    const expected = [...deadlines].sort((a, b) => a.at - b.at || a.seq - b.seq).map((d) => d.name);
    t.deepEqual(order, expected);
    // on an idle machine the calls take microseconds and this is the delays' own order
    t.log(`order: ${order.join(', ')}`);
    t.is(scheduler.pending, 0);
  });

  test(`${waker} waker: never runs an action before its deadline`, async (t) => {
    const scheduler = new PreciseScheduler({ waker });
    if (waker === 'worker') await workerReady(scheduler);
    // 0.25 ms steps straddle the 1-ms quantisation of Node's timers, where an early return would show.
    for (let i = 0; i <= 20; i++) {
      const delay = i * 0.25;
      const start = scheduler.now();
      const startPerf = performance.now();
      const ran = await new Promise<{ at: number; atPerf: number }>((resolve) =>
        scheduler.schedule(() => resolve({ at: scheduler.now(), atPerf: performance.now() }), delay),
      );
      // Exact up to rounding: the deadline is computed from a clock read after `start`, and an action
      // runs only once the clock has passed its deadline; both clocks are monotonic. The scheduler's
      // clock is epoch ms (~1.8e12), whose double spacing is 2^-12 ms = 0.24 µs: the deadline sum
      // may round down by half of that, hence a 0.25 µs allowance (the same deadline, seen through
      // performance.now(), carries the same rounding).
      t.true(ran.at - start >= delay - 2.5e-4, `delay ${delay} ms ran after ${ran.at - start} ms`);
      t.true(ran.atPerf - startPerf >= delay - 2.5e-4, `delay ${delay} ms ran after ${ran.atPerf - startPerf} ms (performance.now)`);
    }
  });

  // Serial: the other tests' timers would change the resource counts.
  test.serial(`${waker} waker: unsubscribing before the deadline means the work never runs and no handle is left`, async (t) => {
    const scheduler = new PreciseScheduler({ waker });
    if (waker === 'worker') await workerReady(scheduler);
    await sleep(5); // let the probe's cancelled handles settle
    const before = resources();
    // The helper thread is up (workerReady) but must not keep the process alive by itself.
    t.false('MessagePort' in before);
    t.false('Worker' in before);
    let ran = 0;
    const far = scheduler.schedule(() => void ran++, 30);
    const during = resources();
    // The pending wait must hold exactly one timer (that is what keeps the process alive), else
    // the "nothing left" check below could not fail.
    t.is((during.Timeout ?? 0) - (before.Timeout ?? 0), 1);
    far.unsubscribe();
    t.deepEqual(resources(), before);
    t.is(scheduler.pending, 0);
    // Close to the deadline the wait is a spin (an Immediate): cancel that too.
    const near = scheduler.schedule(() => void ran++, 0.05);
    t.is((resources().Immediate ?? 0) - (before.Immediate ?? 0), 1);
    near.unsubscribe();
    t.deepEqual(resources(), before);
    await sleep(50);
    t.is(ran, 0);
    t.deepEqual(resources(), before);
  });

  test(`${waker} waker: work that reschedules itself runs again, with its new state`, async (t) => {
    const scheduler = new PreciseScheduler({ waker });
    const seen: { state: number; at: number }[] = [];
    await new Promise<void>((resolve) => {
      scheduler.schedule(
        function (this: SchedulerAction<number>, state?: number) {
          seen.push({ state: state!, at: scheduler.now() });
          if (state! < 4) this.schedule(state! + 1, 1.5);
          else resolve();
        },
        1,
        0,
      );
    });
    t.deepEqual(
      seen.map((s) => s.state),
      [0, 1, 2, 3, 4],
    );
    // Each rescheduled run waits its 1.5 ms from the previous run (the reschedule happened after it).
    for (let i = 1; i < seen.length; i++) t.true(seen[i]!.at - seen[i - 1]!.at >= 1.5);
    t.is(scheduler.pending, 0);
  });
}

test('a reschedule from outside replaces the pending deadline: the work runs once, at the new time', async (t) => {
  const scheduler = new PreciseScheduler();
  let runs = 0;
  const start = scheduler.now();
  let ranAfter = NaN;
  let ran!: () => void;
  const once = new Promise<void>((resolve) => (ran = resolve));
  // RxJS schedulers return the action itself (AsyncAction does too): it can be rescheduled.
  const action = scheduler.schedule(() => {
    runs++;
    ranAfter = scheduler.now() - start;
    ran();
  }, 1000) as SchedulerAction<void>;
  action.schedule(undefined, 2);
  await once;
  await sleep(10);
  t.is(runs, 1);
  t.true(ranAfter >= 2 && ranAfter < 1000);
  t.is(scheduler.pending, 0);
  action.unsubscribe();
});

test('delay 0 is asynchronous (never runs inside schedule)', async (t) => {
  const scheduler = new PreciseScheduler();
  let ran = false;
  scheduler.schedule(() => void (ran = true), 0);
  t.false(ran);
  await turn();
  t.true(ran);
});

test('an action rescheduling itself with delay 0 does not starve the event loop', async (t) => {
  const scheduler = new PreciseScheduler();
  let runs = 0;
  let immediateRan = false;
  const action = scheduler.schedule(function (this: SchedulerAction<void>) {
    runs++;
    if (!immediateRan) this.schedule(undefined, 0);
  }, 0);
  await new Promise<void>((resolve) => setImmediate(() => ((immediateRan = true), resolve())));
  // Queued before our Immediate, it ran once in that turn, rescheduled itself, and yielded.
  t.is(runs, 1);
  await turn();
  t.is(runs, 2);
  t.is(scheduler.pending, 0);
  action.unsubscribe();
});

test('sliceMs: with a zero slice other tasks run between due actions; with Infinity they wait for all', async (t) => {
  for (const [sliceMs, expected] of [
    [0, ['a', 'marker', 'b', 'c']],
    [Infinity, ['a', 'b', 'c', 'marker']],
  ] as const) {
    const scheduler = new PreciseScheduler({ sliceMs });
    const order: string[] = [];
    await new Promise<void>((resolve) => {
      const push = (name: string): void => void (order.push(name), order.length === 4 && resolve());
      scheduler.schedule(() => {
        push('a');
        setImmediate(() => push('marker'));
      }, 1);
      scheduler.schedule(() => push('b'), 1);
      scheduler.schedule(() => push('c'), 1);
      // Hold the thread past all three deadlines, so that the first flush finds all of them due.
      const until = performance.now() + 3;
      while (performance.now() < until);
    });
    t.deepEqual(order, [...expected], `sliceMs ${sliceMs}`);
  }
});

test('works with RxJS operators: timer, interval', async (t) => {
  t.is(await firstValueFrom(timer(2, preciseScheduler)), 0);
  const start = preciseScheduler.now();
  t.deepEqual(await lastValueFrom(interval(1, preciseScheduler).pipe(take(4), toArray())), [0, 1, 2, 3]);
  t.true(preciseScheduler.now() - start >= 4);
  t.is(preciseScheduler.pending, 0);
});

test('now() is epoch milliseconds, monotonic, sub-millisecond', (t) => {
  const a = preciseScheduler.now();
  const b = preciseScheduler.now();
  t.true(b >= a);
  // Within a second of the wall clock (it is performance.timeOrigin + performance.now()).
  t.true(Math.abs(a - new Date().getTime()) < 1000);
  const samples = Array.from({ length: 50 }, () => preciseScheduler.now());
  t.true(samples.some((v) => !Number.isInteger(v)));
});

test('options are validated', (t) => {
  t.throws(() => new PreciseScheduler({ spinMs: -1 }), { instanceOf: RangeError });
  t.throws(() => new PreciseScheduler({ spinMs: Number.NaN }), { instanceOf: RangeError });
  t.throws(() => new PreciseScheduler({ sliceMs: -1 }), { instanceOf: RangeError });
  t.throws(() => new PreciseScheduler({ waker: 'fast' as PreciseWaker }), { instanceOf: RangeError });
  t.is(new PreciseScheduler({ waker: 'timer' }).spinMs, 1.5);
  t.is(new PreciseScheduler().spinMs, 0.5);
});
