import test from 'ava';
import type { Observable } from 'rxjs';
import { asyncMap$, NoResultError } from '@labrx/core';
import { marbles } from '@labrx/core/testing';
import type { RunHelpers } from 'rxjs/testing';

type ColdObservable = ReturnType<RunHelpers['cold']>;

// Three items, concurrency 2: fn(a) takes 4 frames, fn(b) 1, fn(c) 2. a and b start at 0; b
// finishes at 1, which frees the slot c starts in (1 → 3); a finishes at 4.
const ok = (item: string, index: number, value: string) => ({ status: 'fulfilled', item, index, value });

test("order 'completion': each entry as it finishes; c starts only when b frees a slot", (t) =>
  marbles(t, ({ cold, expectObservable, expectSubscriptions }) => {
    const a = cold('----(A|)');
    const b = cold('-(B|)');
    const c = cold('--(C|)');
    const inner: Record<string, Observable<string>> = { a, b, c };
    expectObservable(asyncMap$(['a', 'b', 'c'], (x) => inner[x]!, { concurrency: 2, order: 'completion' })).toBe('-b-c(a|)', {
      a: ok('a', 0, 'A'),
      b: ok('b', 1, 'B'),
      c: ok('c', 2, 'C'),
    });
    expectSubscriptions(a.subscriptions).toBe('^---!');
    expectSubscriptions(b.subscriptions).toBe('^!');
    expectSubscriptions(c.subscriptions).toBe('-^-!');
  }));

test("order 'input' (default): early finishers are held until every earlier item is out", (t) =>
  marbles(t, ({ cold, expectObservable }) => {
    const inner: Record<string, Observable<string>> = { a: cold('----(A|)'), b: cold('-(B|)'), c: cold('--(C|)') };
    expectObservable(asyncMap$(['a', 'b', 'c'], (x) => inner[x]!, { concurrency: 2 })).toBe('----(abc|)', {
      a: ok('a', 0, 'A'),
      b: ok('b', 1, 'B'),
      c: ok('c', 2, 'C'),
    });
  }));

test('the first value of an Observable counts, and it is unsubscribed right after it', (t) =>
  marbles(t, ({ cold, expectObservable, expectSubscriptions }) => {
    const endless = cold('--x--y--z--');
    expectObservable(asyncMap$([1], () => endless)).toBe('--(v|)', { v: ok(1 as never, 0, 'x') });
    expectSubscriptions(endless.subscriptions).toBe('^-!');
  }));

test('unsubscribed early: every Observable in flight is unsubscribed and nothing more starts', (t) =>
  marbles(t, ({ cold, expectObservable, expectSubscriptions }) => {
    const a = cold('----(A|)');
    const b = cold('-(B|)');
    const c = cold('--(C|)');
    const d = cold('-(D|)');
    const inner: Record<string, Observable<string>> = { a, b, c, d };
    expectObservable(asyncMap$(['a', 'b', 'c', 'd'], (x) => inner[x]!, { concurrency: 2, order: 'completion' }), '^-!').toBe('-b-', {
      b: ok('b', 1, 'B'),
    });
    expectSubscriptions(a.subscriptions).toBe('^-!');
    expectSubscriptions(c.subscriptions).toBe('-^!');
    expectSubscriptions(d.subscriptions).toBe([]);
  }));

// The same inner streams (b fails at frame 1) under each onError policy.
const ON_ERROR_CASES = [
  {
    title: "onError 'stop': the first error errors the map unchanged and cancels the rest",
    options: { concurrency: 2 },
    expected: (boom: Error) => ({ marble: '-#', values: undefined, error: boom }),
    subscriptions: { a: '^!', c: [] as string[] },
  },
  {
    title: "onError 'collect': the error is an entry with its item and index, and the rest finish",
    options: { concurrency: 2, order: 'completion', onError: 'collect' } as const,
    expected: (boom: Error) => ({
      marble: '-e-c(a|)',
      values: { a: ok('a', 0, 'A'), e: { status: 'rejected', item: 'b', index: 1, error: boom }, c: ok('c', 2, 'C') },
      error: undefined,
    }),
    subscriptions: { c: '-^-!' },
  },
];

for (const { title, options, expected, subscriptions } of ON_ERROR_CASES) {
  test(title, (t) =>
    marbles(t, ({ cold, expectObservable, expectSubscriptions }) => {
      const boom = new Error('b failed');
      const inner: Record<string, ColdObservable> = { a: cold('----(A|)'), b: cold<string>('-#', undefined, boom), c: cold('--(C|)') };
      const { marble, values, error } = expected(boom);
      expectObservable(asyncMap$(['a', 'b', 'c'], (x) => inner[x]!, options)).toBe(marble, values, error);
      for (const [name, marbles] of Object.entries(subscriptions)) expectSubscriptions(inner[name]!.subscriptions).toBe(marbles);
    }));
}

test("an Observable that completes empty fails its item with NoResultError('asyncMap item <i>')", (t) =>
  marbles(t, ({ cold, expectObservable }) => {
    expectObservable(asyncMap$(['x'], () => cold<string>('--|'), { onError: 'collect' })).toBe('--(e|)', {
      e: { status: 'rejected', item: 'x', index: 0, error: new NoResultError('asyncMap item 0') },
    });
  }));
