import test from 'ava';
import { concat, mergeMap, NEVER, Observable, of, take, throwError } from 'rxjs';
import { ResourceBusyError } from '@labrx/core';
import { marbles } from '@labrx/core/testing';
import { LeaseManager } from '@labrx/instruments';

test('a free module is granted at once and released on unsubscribe', (t) => {
  const leases = new LeaseManager();
  const got: string[] = [];
  const sub = leases.lease$(['scope'], 'a').subscribe((h) => got.push(h.owner));
  t.deepEqual(got, ['a']);
  t.is(leases.holderOf('scope')?.owner, 'a');
  sub.unsubscribe();
  t.is(leases.holderOf('scope'), undefined);
});

test('a second request queues and runs when the first releases', (t) => {
  const leases = new LeaseManager();
  const order: string[] = [];
  const a = leases.lease$(['scope'], 'a').subscribe(() => order.push('a'));
  const b = leases.lease$(['scope'], 'b').subscribe(() => order.push('b'));
  t.deepEqual(order, ['a']);
  t.is(leases.waiting, 1);
  a.unsubscribe();
  t.deepEqual(order, ['a', 'b']);
  t.is(leases.holderOf('scope')?.owner, 'b');
  b.unsubscribe();
  t.is(leases.waiting, 0);
});

test('{ wait: false } fails at once with ResourceBusyError naming the holder', (t) => {
  const leases = new LeaseManager();
  const a = leases.lease$(['asg0'], 'na').subscribe();
  let error: unknown;
  leases.lease$(['asg0'], 'user', { wait: false }).subscribe({ error: (e) => (error = e) });
  t.true(error instanceof ResourceBusyError);
  t.is((error as ResourceBusyError).holder, 'na');
  t.is((error as ResourceBusyError).resource, 'asg0');
  a.unsubscribe();
});

test('leaving the queue before the grant does not block later requests', (t) => {
  const leases = new LeaseManager();
  const order: string[] = [];
  const a = leases.lease$(['scope'], 'a').subscribe(() => order.push('a'));
  const b = leases.lease$(['scope'], 'b').subscribe(() => order.push('b'));
  const c = leases.lease$(['scope'], 'c').subscribe(() => order.push('c'));
  b.unsubscribe();
  a.unsubscribe();
  t.deepEqual(order, ['a', 'c']);
  c.unsubscribe();
});

test('multi-module requests take all or nothing: no deadlock, order kept per module', (t) => {
  const leases = new LeaseManager();
  const order: string[] = [];
  const scope = leases.lease$(['scope'], 'scope-user').subscribe(() => order.push('scope-user'));
  // the NA needs asg0 + iq2: free, so it runs concurrently with the scope user
  const na = leases.lease$(['asg0', 'iq2'], 'na').subscribe(() => order.push('na'));
  // wants scope + asg0: waits for both, holds neither meanwhile
  const both = leases.lease$(['scope', 'asg0'], 'both').subscribe(() => order.push('both'));
  // wants only iq2: must wait behind 'both'? no: 'both' does not want iq2, so only the NA blocks it
  const iq = leases.lease$(['iq2'], 'iq').subscribe(() => order.push('iq'));
  t.deepEqual(order, ['scope-user', 'na']);
  scope.unsubscribe();
  t.deepEqual(order, ['scope-user', 'na'], 'both still needs asg0');
  t.is(leases.holderOf('scope'), undefined, 'a waiting request holds nothing');
  na.unsubscribe();
  t.deepEqual(order, ['scope-user', 'na', 'both', 'iq']);
  both.unsubscribe();
  iq.unsubscribe();
});

test('100 competing requests all finish, in order', (t) => {
  const leases = new LeaseManager();
  const order: number[] = [];
  const subs = new Map<number, { unsubscribe(): void }>();
  for (let i = 0; i < 100; i++) {
    const sub = leases.lease$(['scope'], `p${i}`).subscribe(() => {
      order.push(i);
      // release on the next tick of the queue: each holder releases right after being granted
      queueMicrotask(() => subs.get(i)!.unsubscribe());
    });
    subs.set(i, sub);
  }
  return new Promise<void>((resolve) => setImmediate(resolve)).then(() => {
    t.deepEqual(order, Array.from({ length: 100 }, (_, i) => i));
    t.is(leases.waiting, 0);
    t.is(leases.holderOf('scope'), undefined);
  });
});

test('holders$ reports every change', (t) => {
  const leases = new LeaseManager();
  const seen: string[] = [];
  const watch = leases.holders$.subscribe((m) => seen.push(m.get('scope')?.owner ?? '-'));
  const a = leases.lease$(['scope'], 'a').subscribe();
  a.unsubscribe();
  watch.unsubscribe();
  t.deepEqual(seen, ['-', 'a', '-']);
});

// ---- teardown order and cleanup (#12 case 3) ----

test('a lease granted from the queue is released only after its body is torn down', (t) => {
  // Before the fix, a body subscribed after a wait was torn down after the release: the next
  // waiter was granted first, and the body's teardown saw someone else's lease.
  const leases = new LeaseManager();
  const log: string[] = [];
  const body = (name: string) => () =>
    new Observable<never>(() => () => log.push(`${name} teardown sees holder ${leases.holderOf('asg0')?.owner}`));
  const a = leases.using$(['asg0'], 'a', {}, body('a')).subscribe();
  const b = leases.using$(['asg0'], 'b', {}, body('b')).subscribe();
  const c = leases.using$(['asg0'], 'c', {}, body('c')).subscribe();
  a.unsubscribe();
  b.unsubscribe();
  c.unsubscribe();
  t.deepEqual(log, ['a teardown sees holder a', 'b teardown sees holder b', 'c teardown sees holder c']);
  t.is(leases.holderOf('asg0'), undefined);
});

test('a cleanup holds the lease until it completes; the next holder starts after it', (t) =>
  marbles(t, ({ cold, expectObservable, expectSubscriptions }) => {
    const leases = new LeaseManager();
    const work1 = cold('  -a-b-c-d-e-f-|');
    const cleanup1 = cold('      ---|');
    const work2 = cold('  -x-|');
    const first$ = leases.using$(['asg0'], 'na', {}, () => ({ work$: work1, cleanup: { run$: cleanup1, onError: () => t.fail() } }));
    const second$ = leases.using$(['asg0'], 'user', {}, () => work2);
    // the first leaves at frame 5; its cleanup takes frames 5…8; only then is the second granted
    expectObservable(first$, '       ^----!').toBe('-a-b-');
    expectObservable(second$).toBe('---------x-|');
    expectSubscriptions(work1.subscriptions).toBe('^----!');
    expectSubscriptions(cleanup1.subscriptions).toBe('-----^--!');
    expectSubscriptions(work2.subscriptions).toBe('--------^--!');
  }));

test('a failing cleanup still releases the lease and reports its error', (t) => {
  const leases = new LeaseManager();
  const errors: unknown[] = [];
  const boom = new Error('restore failed');
  const sub = leases.using$(['asg0'], 'na', {}, () => ({ work$: NEVER, cleanup: { run$: throwError(() => boom), onError: (e) => errors.push(e) } })).subscribe();
  sub.unsubscribe();
  t.deepEqual(errors, [boom]);
  t.is(leases.holderOf('asg0'), undefined);
});

// ---- shared leases (#11) ----

test('equal keys join a held lease: one run of the body, each member from when it joined, released after the last', (t) =>
  marbles(t, ({ cold, expectObservable, expectSubscriptions }) => {
    const leases = new LeaseManager();
    const loop = cold('   -1-2-3-4-5-6-7-8-9-|');
    const other = cold('  -z|');
    const shared = (owner: string) => leases.shared$(['scope'], owner, { key: 'dec64' }, () => loop);
    expectObservable(shared('scope'), '^-------!').toBe('-1-2-3-4');
    expectObservable(shared('specan'), '---^--------!').toBe('---2-3-4-5-6');
    // different settings queue until the last member has left (frame 12)
    expectObservable(leases.shared$(['scope'], 'other', { key: 'dec8' }, () => other), '----^').toBe('-------------z|');
    expectSubscriptions(loop.subscriptions).toBe('^-----------!');
    expectSubscriptions(other.subscriptions).toBe('------------^-!');
  }));

test('joining a held lease does not jump the queue: with a waiter, equal keys queue (and join each other there)', (t) =>
  marbles(t, ({ cold, expectObservable, expectSubscriptions }) => {
    const leases = new LeaseManager();
    const loop1 = cold('  -1-2-3-4-5-6-7-8-9|');
    const loop2 = cold('  -a-b-c-d|');
    const waiter = cold(' -w|');
    let run = 0;
    const body = () => (run++ === 0 ? loop1 : loop2);
    expectObservable(leases.shared$(['scope'], 'a', { key: 'k' }, body), '^-----!').toBe('-1-2-3');
    expectObservable(leases.shared$(['scope'], 'w', { key: 'other' }, () => waiter), '-^').toBe('-------w|');
    // 'w' waits since frame 1: these equal-key requests queue behind it, in one lease
    expectObservable(leases.shared$(['scope'], 'b', { key: 'k' }, body), '--^').toBe('---------a-b-c-d|');
    expectObservable(leases.shared$(['scope'], 'c', { key: 'k' }, body), '----^').toBe('---------a-b-c-d|');
    expectSubscriptions(loop1.subscriptions).toBe('^-----!');
    expectSubscriptions(waiter.subscriptions).toBe('------^-!');
    expectSubscriptions(loop2.subscriptions).toBe('--------^-------!');
  }));

test('wait is per member: { wait: false } joins a held lease, fails on a queued one, and a failure leaves nothing behind', (t) => {
  const leases = new LeaseManager();
  const body = () => NEVER;
  const held = leases.shared$(['scope'], 'a', { key: 'k' }, body).subscribe();
  let error: unknown = null;
  const joined = leases.shared$(['scope'], 'b', { key: 'k', wait: false }, body).subscribe({ error: (e) => (error = e) });
  t.is(error, null, 'joining a held lease does not wait');
  t.deepEqual(leases.holderOf('scope')?.owners, ['a', 'b']);
  // a different key with wait: false fails, naming both holders, and leaves no lease behind
  leases.shared$(['scope'], 'c', { key: 'k2', wait: false }, body).subscribe({ error: (e) => (error = e) });
  t.true(error instanceof ResourceBusyError);
  t.is((error as ResourceBusyError).holder, 'a, b');
  t.is(leases.waiting, 0);
  // the same key, waiting: queues (the failed request left no lease for it to join and fail with)
  const granted: string[] = [];
  const queued = leases.shared$(['scope'], 'd', { key: 'k2' }, () => concat(of('d granted'), NEVER)).subscribe((v) => granted.push(v));
  t.is(leases.waiting, 1);
  // and a { wait: false } request for that queued key fails: joining it would mean waiting
  error = null;
  leases.shared$(['scope'], 'e', { key: 'k2', wait: false }, body).subscribe({ error: (e) => (error = e) });
  t.true(error instanceof ResourceBusyError);
  held.unsubscribe();
  t.deepEqual(leases.holderOf('scope')?.owners, ['b'], 'a left: b holds it alone');
  joined.unsubscribe();
  t.deepEqual(granted, ['d granted']);
  t.is(leases.holderOf('scope')?.owner, 'd');
  queued.unsubscribe();
  t.is(leases.holderOf('scope'), undefined);
});

test('owners change as members join and leave, and holders$ reports each change', (t) => {
  const leases = new LeaseManager();
  const seen: string[] = [];
  const watch = leases.holders$.subscribe((m) => seen.push(m.get('scope')?.owner ?? '-'));
  const a = leases.shared$(['scope'], 'scope', { key: 'k' }, () => NEVER).subscribe();
  const b = leases.shared$(['scope'], 'specan', { key: 'k' }, () => NEVER).subscribe();
  const c = leases.shared$(['scope'], 'scope', { key: 'k' }, () => NEVER).subscribe();
  a.unsubscribe();
  c.unsubscribe();
  b.unsubscribe();
  watch.unsubscribe();
  t.deepEqual(seen, ['-', 'scope', 'scope, specan', 'scope, specan', 'specan, scope', 'specan', '-']);
});

test('an error of the shared body reaches every member and frees the lease', (t) =>
  marbles(t, ({ cold, expectObservable, expectSubscriptions }) => {
    const leases = new LeaseManager();
    const boom = new Error('lost');
    const loop = cold('-1-2-#', undefined, boom);
    const next = cold('     -n|');
    expectObservable(leases.shared$(['scope'], 'a', { key: 'k' }, () => loop)).toBe('-1-2-#', undefined, boom);
    expectObservable(leases.shared$(['scope'], 'b', { key: 'k' }, () => loop), '--^').toBe('---2-#', undefined, boom);
    expectObservable(leases.lease$(['scope'], 'c').pipe(mergeMap(() => next)), '---^').toBe('------n');
    expectSubscriptions(loop.subscriptions).toBe('^----!');
    expectSubscriptions(next.subscriptions).toBe('-----^-!');
  }));

test('using$ never joins: equal keys queue (each NA sweep restores its own generator)', (t) => {
  const leases = new LeaseManager();
  const order: string[] = [];
  const a = leases.using$(['asg0'], 'na', { key: 'k' }, () => concat(of('a'), NEVER)).subscribe((v) => order.push(v));
  const b = leases.using$(['asg0'], 'na', { key: 'k' }, () => concat(of('b'), NEVER)).subscribe((v) => order.push(v));
  t.deepEqual(order, ['a']);
  a.unsubscribe();
  t.deepEqual(order, ['a', 'b']);
  b.unsubscribe();
});

test('closing the board fails every queued member, shared or not', (t) => {
  const leases = new LeaseManager();
  const held = leases.lease$(['scope'], 'x').subscribe();
  const errors: string[] = [];
  for (const owner of ['a', 'b']) leases.shared$(['scope'], owner, { key: 'k' }, () => NEVER).subscribe({ error: () => errors.push(owner) });
  leases.using$(['scope'], 'c', {}, () => NEVER).subscribe({ error: () => errors.push('c') });
  leases.failAll(new Error('closed'));
  t.deepEqual(errors, ['a', 'b', 'c']);
  t.is(leases.waiting, 0);
  held.unsubscribe();
  t.is(leases.holderOf('scope'), undefined);
});

test('synchronous bodies: a value taken at once, a body that completes at once, a body that throws: each ends its lease, after its teardown', (t) => {
  const leases = new LeaseManager();
  const log: string[] = [];
  const body = (name: string, values: number[]) => () =>
    new Observable<number>((s) => {
      for (const v of values) s.next(v);
      return () => log.push(`${name} teardown under ${leases.holderOf('scope')?.owner}`);
    });
  const got: number[] = [];
  leases.shared$(['scope'], 'a', { key: 'k' }, body('a', [1, 2, 3])).pipe(take(1)).subscribe((v) => got.push(v));
  t.deepEqual(got, [1]);
  t.is(leases.holderOf('scope'), undefined);
  let completed = false;
  leases.using$(['scope'], 'b', {}, () => of(7)).subscribe({ next: (v) => got.push(v), complete: () => (completed = true) });
  t.true(completed);
  t.is(leases.holderOf('scope'), undefined);
  const boom = new Error('bad body');
  let error: unknown;
  leases.using$(['scope'], 'c', {}, () => {
    throw boom;
  }).subscribe({ error: (e) => (error = e) });
  t.is(error, boom);
  t.is(leases.holderOf('scope'), undefined);
  t.deepEqual(log, ['a teardown under a']);
  t.deepEqual(got, [1, 7]);
});
