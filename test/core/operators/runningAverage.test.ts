import test from 'ava';
import { of } from 'rxjs';
import { LabrxError, runningAverage, traceLens, type Trace } from '@labrx/core';
import { marbles } from '@labrx/core/testing';
import { out, trace, vec, vecLens, type Vec } from './fixtures.js';

test('emits the cumulative mean after every input, with counts', (t) =>
  marbles(t, ({ cold, expectObservable, expectSubscriptions }) => {
    // By hand: 0 → 0; (0+4)/2 = 2; (0+4+8)/3 = 4; (0+4+8+−12)/4 = 0.  Second element: 1, 2, 3, 2.
    const source = cold('-a-b-c-d-|', { a: vec(0, 1), b: vec(4, 3), c: vec(8, 5), d: vec(-12, -1) });
    expectObservable(source.pipe(runningAverage(vecLens))).toBe('-w-x-y-z-|', {
      w: out(1, 0, 1),
      x: out(2, 2, 2),
      y: out(3, 4, 3),
      z: out(4, 0, 2),
    });
    expectSubscriptions(source.subscriptions).toBe('^--------!');
  }));

test('unsubscribed early', (t) =>
  marbles(t, ({ hot, expectObservable, expectSubscriptions }) => {
    const source = hot('-a-b-c-|', { a: vec(2), b: vec(4), c: vec(6) });
    expectObservable(source.pipe(runningAverage(vecLens)), '^--!').toBe('-w-', { w: out(1, 2) });
    expectSubscriptions(source.subscriptions).toBe('^--!');
  }));

test('errors pass through after the means so far', (t) =>
  marbles(t, ({ cold, expectObservable, expectSubscriptions }) => {
    const boom = new LabrxError('boom');
    const source = cold('-a-b-#', { a: vec(2), b: vec(4) }, boom);
    expectObservable(source.pipe(runningAverage(vecLens))).toBe('-w-x-#', { w: out(1, 2), x: out(2, 3) }, boom);
    expectSubscriptions(source.subscriptions).toBe('^----!');
  }));

test('empty source completes with nothing', (t) =>
  marbles(t, ({ cold, expectObservable }) => {
    expectObservable(cold<Vec>('--|').pipe(runningAverage(vecLens))).toBe('--|');
  }));

test('each subscription starts from scratch', (t) =>
  marbles(t, ({ cold, expectObservable }) => {
    const averaged = cold('-a-b-|', { a: vec(2), b: vec(4) }).pipe(runningAverage(vecLens));
    expectObservable(averaged).toBe('-w-x-|', { w: out(1, 2), x: out(2, 3) });
    expectObservable(averaged).toBe('-w-x-|', { w: out(1, 2), x: out(2, 3) });
  }));

test('outputs are fresh arrays that later inputs do not change', (t) => {
  const inputs = [trace(Float64Array.of(1, 2), Float64Array.of(3, 4), 10), trace(Float64Array.of(3, 6), Float64Array.of(5, 8), 20)];
  const outputs: Trace[] = [];
  of(...inputs).pipe(runningAverage(traceLens)).subscribe((v) => outputs.push(v));
  const [first, second] = outputs as [Trace, Trace];
  t.deepEqual([...first.ch1], [1, 2]); // still the first mean after the second input
  t.deepEqual([...second.ch1], [2, 4]);
  t.deepEqual([...second.ch2], [4, 6]);
  t.not(first.ch1, inputs[0]!.ch1);
  t.not(first.ch1, second.ch1);
  t.deepEqual(outputs.map((o) => [o.averages, o.timestamp]), [[1, 10], [2, 20]]);
  t.deepEqual([...inputs[0]!.ch1], [1, 2]); // inputs untouched
});
