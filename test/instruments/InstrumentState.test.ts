import test from 'ava';
import { map, NEVER } from 'rxjs';
import { marbles } from '@labrx/core/testing';
import { InstrumentStateTracker, LeaseManager, type InstrumentState } from '@labrx/instruments';

const S = {
  i: { state: 'idle', holder: null },
  s: { state: 'single', holder: null },
  S: { state: 'single', holder: 'scope' },
  c: { state: 'continuous', holder: null },
  C: { state: 'continuous', holder: 'scope' },
  x: { state: 'idle', holder: 'specan' },
} satisfies Record<string, InstrumentState>;

test('a tracked single: idle, single (then its lease), and back, in order; the lease is released before the count drops', (t) =>
  marbles(t, ({ cold, expectObservable }) => {
    const leases = new LeaseManager();
    const tracker = new InstrumentStateTracker(leases, 'scope');
    const work = cold('---a|');
    const single$ = tracker.track('single', leases.using$(['scope'], 'scope', {}, () => work));
    expectObservable(single$, '--^').toBe('-----a|');
    // frame 2: counted, then leased; frame 6: released (body teardown first), then uncounted
    expectObservable(tracker.state$).toBe('i-(sS)(si)', S);
  }));

test("'continuous' wins over 'single'; an early unsubscribe counts down too", (t) =>
  marbles(t, ({ expectObservable }) => {
    const leases = new LeaseManager();
    const tracker = new InstrumentStateTracker(leases, 'scope');
    expectObservable(tracker.track('single', NEVER), '-^-------!').toBe('');
    expectObservable(tracker.track('continuous', NEVER), '---^--!').toBe('');
    expectObservable(tracker.state$).toBe('is-c--s--i', S);
  }));

test('the holder is whoever holds the module, another instrument included; only changes are emitted', (t) =>
  marbles(t, ({ expectObservable }) => {
    const leases = new LeaseManager();
    const tracker = new InstrumentStateTracker(leases, 'scope');
    // the spectrum analyzer leases the scope: the scope is idle but not free
    expectObservable(leases.shared$(['scope'], 'specan', { key: 'k' }, () => NEVER), '-^---!').toBe('');
    // a lease on another module does not show
    expectObservable(leases.lease$(['asg0'], 'na').pipe(map((h) => h.owner)), '--^-!').toBe('--a', { a: 'na' });
    expectObservable(tracker.state$).toBe('ix---i', S);
  }));

test('state reads the same as the last state$ value; complete() ends state$', (t) => {
  const leases = new LeaseManager();
  const tracker = new InstrumentStateTracker(leases, 'scope');
  const seen: InstrumentState[] = [];
  let completed = false;
  tracker.state$.subscribe({ next: (s) => seen.push(s), complete: () => (completed = true) });
  const sub = tracker.track('continuous', leases.lease$(['scope'], 'scope')).subscribe();
  t.deepEqual(tracker.state, S.C);
  t.deepEqual(seen.at(-1), S.C);
  sub.unsubscribe();
  t.deepEqual(tracker.state, S.i);
  t.deepEqual(seen.at(-1), S.i);
  tracker.complete();
  t.true(completed);
  // counting after the end changes nothing and throws nothing
  t.notThrows(() => tracker.track('single', NEVER).subscribe().unsubscribe());
  t.deepEqual(tracker.state, S.i);
});
