import test from 'ava';
import { ResourceBusyError } from '@labrx/core';
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
