import test from 'ava';
import { getEventListeners } from 'node:events';
import { EMPTY, NEVER, Observable, interval, of, timer } from 'rxjs';
import { AbortedError, LabrxError, NoResultError, ScpiError, SettingsError, TimeoutError, once } from '@labrx/core';
import { VirtualClock } from '@labrx/core/testing';

/** A source that never emits and records subscribes and unsubscribes. */
function watched<T>(inner: Observable<T> = NEVER) {
  const log = { subscribed: 0, unsubscribed: 0 };
  const source$ = new Observable<T>((sub) => {
    log.subscribed++;
    const s = inner.subscribe(sub);
    return () => {
      log.unsubscribed++;
      s.unsubscribe();
    };
  });
  return { source$, log };
}

function activeTimers(): number {
  return process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;
}

test('resolves with the first value and unsubscribes at once', async (t) => {
  const clock = new VirtualClock();
  const { source$, log } = watched(interval(100, clock));
  const value = await clock.run(once(source$, { scheduler: clock, timeoutMs: 1000 }));
  t.is(value, 0);
  t.is(clock.now(), 100);
  t.deepEqual(log, { subscribed: 1, unsubscribed: 1 });
  t.is(clock.nextFrame(), undefined, 'neither the interval nor the time limit is still scheduled');
});

test('a synchronous source: first value, and the source is stopped after it', async (t) => {
  let emitted = 0;
  const source$ = new Observable<number>((sub) => {
    for (let i = 0; i < 1000 && !sub.closed; i++) {
      emitted++;
      sub.next(i);
    }
  });
  t.is(await once(source$), 0);
  t.is(emitted, 1);
  t.is(await once(of(7, 8, 9)), 7);
});

test('time limit in virtual time: TimeoutError at exactly timeoutMs, source unsubscribed', async (t) => {
  const clock = new VirtualClock();
  const { source$, log } = watched<number>();
  const err = await t.throwsAsync(clock.run(once(source$, { timeoutMs: 2500, scheduler: clock, operation: 'scope.single' })), {
    instanceOf: TimeoutError,
    message: 'scope.single timed out after 2500 ms',
  });
  t.is(err?.timeoutMs, 2500);
  t.is(err?.operation, 'scope.single');
  t.is(clock.now(), 2500);
  t.deepEqual(log, { subscribed: 1, unsubscribed: 1 });
});

test('a value just before the time limit wins; one just after loses', async (t) => {
  const clock = new VirtualClock();
  t.is(await clock.run(once(timer(999, clock), { timeoutMs: 1000, scheduler: clock })), 0);
  const clock2 = new VirtualClock();
  await t.throwsAsync(clock2.run(once(timer(1001, clock2), { timeoutMs: 1000, scheduler: clock2 })), { instanceOf: TimeoutError });
  t.is(clock2.now(), 1000);
});

test('already-aborted signal: rejects with AbortedError without subscribing', async (t) => {
  const { source$, log } = watched<number>(of(1));
  const controller = new AbortController();
  controller.abort('user pressed stop');
  const err = await t.throwsAsync(once(source$, { signal: controller.signal, operation: 'na.single' }), { instanceOf: AbortedError });
  t.is(err?.reason, 'user pressed stop');
  t.is(err?.operation, 'na.single');
  t.deepEqual(log, { subscribed: 0, unsubscribed: 0 });
});

test('abort while waiting: AbortedError with the reason, source unsubscribed, listener and timer removed', async (t) => {
  const clock = new VirtualClock();
  const { source$, log } = watched<number>();
  const controller = new AbortController();
  const pending = once(source$, { signal: controller.signal, timeoutMs: 5000, scheduler: clock });
  t.is(getEventListeners(controller.signal, 'abort').length, 1);
  await clock.advanceBy(1000);
  const reason = new Error('changed my mind');
  controller.abort(reason);
  const err = await t.throwsAsync(pending, { instanceOf: AbortedError });
  t.is(err?.reason, reason);
  t.deepEqual(log, { subscribed: 1, unsubscribed: 1 });
  t.is(getEventListeners(controller.signal, 'abort').length, 0);
  t.is(clock.nextFrame(), undefined, 'the 5 s time limit was cancelled');
});

test('the abort listener is removed after a value, too', async (t) => {
  const controller = new AbortController();
  t.is(await once(of('x'), { signal: controller.signal }), 'x');
  const clock = new VirtualClock();
  t.is(await clock.run(once(timer(10, clock), { signal: controller.signal })), 0);
  t.is(getEventListeners(controller.signal, 'abort').length, 0);
});

test('the source error is passed on unchanged', async (t) => {
  const scpi = new ScpiError(-113, 'Undefined header', 'ACQ:FOO');
  const { source$, log } = watched<number>(new Observable((sub) => sub.error(scpi)));
  const err = await t.throwsAsync(once(source$));
  t.is(err, scpi);
  t.is(log.unsubscribed, 1);
});

test('an empty source rejects with NoResultError naming the operation', async (t) => {
  const err = await t.throwsAsync(once(EMPTY, { operation: 'scope.single' }), {
    instanceOf: NoResultError,
    message: 'scope.single completed without a result',
  });
  t.true(err instanceof LabrxError);
  t.is(err?.code, 'NoResultError');
});

test('a bad timeoutMs rejects with SettingsError without subscribing', async (t) => {
  for (const timeoutMs of [-1, Number.NaN, '10' as unknown as number]) {
    const { source$, log } = watched<number>(of(1));
    const err = await t.throwsAsync(once(source$, { timeoutMs }), { instanceOf: SettingsError });
    t.is(err?.setting, 'timeoutMs');
    t.is(log.subscribed, 0);
  }
  t.is(await once(of(1), { timeoutMs: Infinity }), 1);
});

// Real time (asyncScheduler): serial, so that no other test's timers come and go meanwhile.
test.serial('no leaked real timers: after a real-time timeout, and after a value under a time limit', async (t) => {
  const before = activeTimers();
  const { source$, log } = watched<number>();
  await t.throwsAsync(once(source$, { timeoutMs: 20 }), { instanceOf: TimeoutError });
  t.is(log.unsubscribed, 1);
  t.is(activeTimers(), before, 'the time-limit timer is gone');

  const value = await once(interval(5), { timeoutMs: 10_000 });
  t.is(value, 0);
  t.is(activeTimers(), before, 'both the interval and the 10 s time limit are gone');
});

test('#12: a signal that is not an AbortSignal rejects with SettingsError naming the operation, without subscribing', async (t) => {
  for (const signal of [{}, 'stop', 1, null, { aborted: false }]) {
    const { source$, log } = watched<number>(of(1));
    const err = await t.throwsAsync(once(source$, { signal: signal as never, operation: 'scope.single' }), { instanceOf: SettingsError });
    t.is(err?.instrument, 'scope.single');
    t.is(err?.setting, 'signal');
    t.deepEqual(err?.value, signal);
    t.regex(err?.allowed ?? '', /AbortSignal/);
    t.is(log.subscribed, 0);
  }
  // a real signal from another AbortController implementation passes (duck-typed)
  const target = new EventTarget();
  const foreign = Object.assign(target, { aborted: false, reason: undefined });
  t.is(await once(of(7), { signal: foreign as unknown as AbortSignal }), 7);
});
