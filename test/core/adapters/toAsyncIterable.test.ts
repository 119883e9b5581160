import test from 'ava';
import { getEventListeners } from 'node:events';
import { Observable, Subject, interval, of, range } from 'rxjs';
import { AsyncIterableX } from 'ix/asynciterable';
import { map } from 'ix/asynciterable/operators';
import { AbortedError, BoundedAsyncIterable, BufferOverflowError, LabrxError, MAX_BUFFER_SIZE, ScpiError, SettingsError, toAsyncIterable } from '@labrx/core';
import { VirtualClock } from '@labrx/core/testing';

/** A Subject-driven source that records subscribes and teardowns. */
function controlled<T>() {
  const subject = new Subject<T>();
  const log = { subscribed: 0, unsubscribed: 0 };
  const source$ = new Observable<T>((sub) => {
    log.subscribed++;
    const s = subject.subscribe(sub);
    return () => {
      log.unsubscribed++;
      s.unsubscribe();
    };
  });
  return { subject, source$, log };
}

async function collect<T>(it: AsyncIterable<T>): Promise<T[]> {
  const values: T[] = [];
  for await (const v of it) values.push(v);
  return values;
}

test('delivers values in order and ends on completion; it is an ix AsyncIterableX', async (t) => {
  const iterable = toAsyncIterable(of(1, 2, 3));
  t.true(iterable instanceof AsyncIterableX);
  t.deepEqual(await collect(iterable), [1, 2, 3]);
  t.deepEqual(await collect(iterable.pipe(map((x: number) => 10 * x))), [10, 20, 30]);
  t.is(iterable.dropped, 0);
});

test('subscribes lazily, on the first next()', async (t) => {
  const { subject, source$, log } = controlled<number>();
  const it = toAsyncIterable(source$)[Symbol.asyncIterator]();
  t.is(log.subscribed, 0);
  const first = it.next();
  t.is(log.subscribed, 1);
  subject.next(42);
  t.deepEqual(await first, { done: false, value: 42 });
  await it.return();
  t.is(log.unsubscribed, 1);
});

test("'drop-oldest', bufferSize 2: 100k values into a slow consumer keep the newest, memory stays bounded", async (t) => {
  const { subject, source$ } = controlled<number>();
  const iterable = toAsyncIterable(source$, { bufferSize: 2, overflow: 'drop-oldest' });
  const it = iterable[Symbol.asyncIterator]();
  const first = it.next(); // a consumer waiting: the first value goes straight to it
  let maxBuffered = 0;
  for (let i = 0; i < 100_000; i++) {
    subject.next(i);
    maxBuffered = Math.max(maxBuffered, it.buffered);
  }
  subject.complete();
  t.is(maxBuffered, 2);
  t.deepEqual(await first, { done: false, value: 0 });
  t.deepEqual(await collect(it), [99_998, 99_999]);
  // 100 000 produced = 1 handed to the waiting consumer + 2 kept + 99 997 dropped.
  t.is(it.dropped, 99_997);
  t.is(iterable.dropped, 99_997);
});

test("'drop-oldest' with a timed producer and a slow consumer in virtual time: reads get the newest values", async (t) => {
  const clock = new VirtualClock();
  const iterable = toAsyncIterable(interval(1, clock), { bufferSize: 2 });
  const seen: [number, number][] = [];
  const consumer = (async () => {
    for await (const v of iterable) {
      seen.push([clock.now(), v]);
      if (seen.length === 3) break;
      await new Promise((resolve) => clock.schedule(resolve, 5)); // 5 ms of "work" on the virtual clock
    }
  })();
  await clock.run(consumer);
  // Value k arrives at k + 1 ms. Read 0 at 1 ms; by 6 ms values 1…5 arrived and the buffer kept 4
  // and 5 (1, 2, 3 dropped); read 4 at 6 ms; by 11 ms 6…10 arrived onto [5] and the buffer kept
  // the newest two, 9 and 10 (5, 6, 7, 8 dropped); read 9 at 11 ms.
  t.deepEqual(seen, [
    [1, 0],
    [6, 4],
    [11, 9],
  ]);
  t.is(iterable.dropped, 7);
  t.is(clock.nextFrame(), undefined, 'break unsubscribed the interval');
});

test("'drop-oldest' with a synchronous source: the last bufferSize values", async (t) => {
  const iterable = toAsyncIterable(range(0, 100_000), { bufferSize: 2 });
  t.deepEqual(await collect(iterable), [99_998, 99_999]);
  t.is(iterable.dropped, 99_998);
});

test("'drop-newest': keeps the oldest unread values and drops the incoming ones", async (t) => {
  const { subject, source$ } = controlled<number>();
  const iterable = toAsyncIterable(source$, { bufferSize: 2, overflow: 'drop-newest' });
  const it = iterable[Symbol.asyncIterator]();
  const first = it.next();
  for (let i = 0; i < 10; i++) subject.next(i);
  subject.complete();
  t.deepEqual(await first, { done: false, value: 0 });
  t.deepEqual(await collect(it), [1, 2]);
  t.is(iterable.dropped, 7); // 3…9
});

test("'error': the buffered values, then BufferOverflowError naming bufferSize; the source is unsubscribed at once", async (t) => {
  const { subject, source$, log } = controlled<number>();
  const iterable = toAsyncIterable(source$, { bufferSize: 2, overflow: 'error', operation: 'scope.stream' });
  const it = iterable[Symbol.asyncIterator]();
  const first = it.next();
  for (let i = 0; i < 4; i++) subject.next(i); // 0 to the waiting consumer, 1 and 2 buffered, 3 overflows
  t.deepEqual(log, { subscribed: 1, unsubscribed: 1 });
  t.false(subject.observed);
  t.deepEqual(await first, { done: false, value: 0 });
  t.deepEqual(await it.next(), { done: false, value: 1 });
  t.deepEqual(await it.next(), { done: false, value: 2 });
  const err = await t.throwsAsync(it.next(), { instanceOf: BufferOverflowError });
  t.is(err?.bufferSize, 2);
  t.is(err?.operation, 'scope.stream');
  t.true(err?.message.includes('bufferSize = 2'));
  t.deepEqual(await it.next(), { done: true, value: undefined });
  t.is(iterable.dropped, 1);
});

test("'error' stops a synchronous source while it is still emitting", async (t) => {
  let emitted = 0;
  const source$ = new Observable<number>((sub) => {
    for (let i = 0; i < 10_000_000 && !sub.closed; i++) {
      emitted++;
      sub.next(i);
    }
    sub.complete();
  });
  const it = toAsyncIterable(source$, { bufferSize: 2, overflow: 'error' })[Symbol.asyncIterator]();
  t.deepEqual(await it.next(), { done: false, value: 0 });
  t.is(emitted, 3, 'the third value overflowed and closed the subscriber');
  t.deepEqual(await it.next(), { done: false, value: 1 });
  await t.throwsAsync(it.next(), { instanceOf: BufferOverflowError });
});

test('break unsubscribes from the source (teardown runs)', async (t) => {
  const { subject, source$, log } = controlled<number>();
  const got: number[] = [];
  const consumer = (async () => {
    for await (const v of toAsyncIterable(source$)) {
      got.push(v);
      if (v === 2) break;
    }
  })();
  t.is(log.subscribed, 1); // for await called next() synchronously
  subject.next(1);
  subject.next(2);
  subject.next(3);
  await consumer;
  t.deepEqual(got, [1, 2]);
  t.deepEqual(log, { subscribed: 1, unsubscribed: 1 });
  t.false(subject.observed);
});

test('return() while a next() is pending ends both', async (t) => {
  const { source$, log } = controlled<number>();
  const it = toAsyncIterable(source$)[Symbol.asyncIterator]();
  const pending = it.next();
  t.deepEqual(await it.return(), { done: true, value: undefined });
  t.deepEqual(await pending, { done: true, value: undefined });
  t.deepEqual(await it.next(), { done: true, value: undefined });
  t.is(log.unsubscribed, 1);
});

test('already-aborted signal: the first next() rejects with AbortedError without subscribing', async (t) => {
  const { source$, log } = controlled<number>();
  const controller = new AbortController();
  controller.abort('closed the window');
  const it = toAsyncIterable(source$, { signal: controller.signal, operation: 'scope.stream' })[Symbol.asyncIterator]();
  const err = await t.throwsAsync(it.next(), { instanceOf: AbortedError });
  t.is(err?.reason, 'closed the window');
  t.is(err?.operation, 'scope.stream');
  t.is(log.subscribed, 0);
  t.deepEqual(await it.next(), { done: true, value: undefined });
});

test('abort during iteration: pending next() rejects at once, unread values are discarded, source unsubscribed, listener removed', async (t) => {
  const { subject, source$, log } = controlled<number>();
  const controller = new AbortController();
  const it = toAsyncIterable(source$, { signal: controller.signal })[Symbol.asyncIterator]();
  const first = it.next();
  t.is(getEventListeners(controller.signal, 'abort').length, 1);
  subject.next(1);
  subject.next(2); // buffered, unread
  t.deepEqual(await first, { done: false, value: 1 });
  const reason = new LabrxError('stop');
  controller.abort(reason);
  const err = await t.throwsAsync(it.next(), { instanceOf: AbortedError });
  t.is(err?.reason, reason);
  t.deepEqual(log, { subscribed: 1, unsubscribed: 1 });
  t.is(getEventListeners(controller.signal, 'abort').length, 0);
  t.deepEqual(await it.next(), { done: true, value: undefined });

  // And with a next() pending when the abort comes:
  const c2 = new AbortController();
  const s2 = controlled<number>();
  const it2 = toAsyncIterable(s2.source$, { signal: c2.signal })[Symbol.asyncIterator]();
  const waiting = it2.next();
  c2.abort();
  await t.throwsAsync(waiting, { instanceOf: AbortedError });
  t.is(s2.log.unsubscribed, 1);
});

test('the signal ix passes to [Symbol.asyncIterator] aborts that iteration', async (t) => {
  const { source$, log } = controlled<number>();
  const controller = new AbortController();
  const it = toAsyncIterable(source$)[Symbol.asyncIterator](controller.signal);
  const waiting = it.next();
  controller.abort();
  await t.throwsAsync(waiting, { instanceOf: AbortedError });
  t.is(log.unsubscribed, 1);
});

test('a source error is thrown from next() after the values before it, unchanged', async (t) => {
  const { subject, source$, log } = controlled<number>();
  const scpi = new ScpiError(-200, 'Execution error');
  const iterable = toAsyncIterable(source$);
  const got: number[] = [];
  const consumer = (async () => {
    for await (const v of iterable) got.push(v);
  })();
  subject.next(1);
  subject.next(2);
  subject.error(scpi);
  const err = await t.throwsAsync(consumer);
  t.is(err, scpi);
  t.deepEqual(got, [1, 2]);
  t.is(log.unsubscribed, 1);
});

test('each iteration subscribes anew; dropped sums over iterations', async (t) => {
  const iterable = toAsyncIterable(range(0, 5), { bufferSize: 3 });
  t.deepEqual(await collect(iterable), [2, 3, 4]);
  t.deepEqual(await collect(iterable), [2, 3, 4]);
  t.is(iterable.dropped, 4);
});

test('rejects bad options with SettingsError at once', (t) => {
  for (const bufferSize of [0, -2, 1.5, Number.NaN]) {
    const err = t.throws(() => toAsyncIterable(of(1), { bufferSize }), { instanceOf: SettingsError });
    t.is(err?.instrument, 'toAsyncIterable');
    t.is(err?.setting, 'bufferSize');
  }
  const err = t.throws(() => toAsyncIterable(of(1), { overflow: 'oldest' as never }), { instanceOf: SettingsError });
  t.is(err?.setting, 'overflow');
});

test('#12: bufferSize is bounded (2^32 gave a RangeError) and signal must be an AbortSignal: SettingsError at once', (t) => {
  for (const bufferSize of [2 ** 32, MAX_BUFFER_SIZE + 1, Infinity]) {
    const err = t.throws(() => toAsyncIterable(of(1), { bufferSize, operation: 'scope.stream' }), { instanceOf: SettingsError });
    t.is(err?.instrument, 'scope.stream');
    t.is(err?.setting, 'bufferSize');
    t.is(err?.allowed, `an integer from 1 to ${MAX_BUFFER_SIZE}`);
  }
  t.notThrows(() => toAsyncIterable(of(1), { bufferSize: MAX_BUFFER_SIZE }));
  for (const signal of [{}, 'abort']) {
    const { source$, log } = controlled<number>();
    const err = t.throws(() => toAsyncIterable(source$, { signal: signal as never }), { instanceOf: SettingsError });
    t.is(err?.setting, 'signal');
    t.is(log.subscribed, 0);
  }
  // the exported class checks its settings too
  t.throws(() => new BoundedAsyncIterable(of(1), { bufferSize: 0, overflow: 'drop-oldest', operation: 'op' }), { instanceOf: SettingsError });
});
