import test from 'ava';
import { of } from 'rxjs';
import { exponentialAverage, LabrxError, SettingsError } from '@labrx/core';
import { marbles } from '@labrx/core/testing';
import { gaussian, meanSquare, out, vec, vecLens, type Vec } from './fixtures.js';

test('n = 2: cumulative mean for two inputs, then weight 1/2 (0, 4, 8 → 0, 2, 5)', (t) =>
  marbles(t, ({ cold, expectObservable, expectSubscriptions }) => {
    // By hand: 0; (0+4)/2 = 2; 2 + (8−2)/2 = 5; 5 + (−3−5)/2 = 1.
    const source = cold('-a-b-c-d-|', { a: vec(0), b: vec(4), c: vec(8), d: vec(-3) });
    expectObservable(source.pipe(exponentialAverage(2, vecLens))).toBe('-w-x-y-z-|', {
      w: out(1, 0),
      x: out(2, 2),
      y: out(2, 5),
      z: out(2, 1),
    });
    expectSubscriptions(source.subscriptions).toBe('^--------!');
  }));

test('n = 4 with two elements: counts saturate at n', (t) =>
  marbles(t, ({ cold, expectObservable }) => {
    // First 4: cumulative means of (4, 8, 0, 4) = 4, 6, 4, 4 and of (0, 0, 12, 0) = 0, 0, 4, 3.
    // Fifth (20, 7): 4 + (20−4)/4 = 8 and 3 + (7−3)/4 = 4.
    const source = cold('abcde|', { a: vec(4, 0), b: vec(8, 0), c: vec(0, 12), d: vec(4, 0), e: vec(20, 7) });
    expectObservable(source.pipe(exponentialAverage(4, vecLens))).toBe('vwxyz|', {
      v: out(1, 4, 0),
      w: out(2, 6, 0),
      x: out(3, 4, 4),
      y: out(4, 4, 3),
      z: out(4, 8, 4),
    });
  }));

test('n = 1 passes copies through', (t) =>
  marbles(t, ({ cold, expectObservable }) => {
    const source = cold('-a-b|', { a: vec(0.1, 7), b: vec(-3, 2.5) });
    expectObservable(source.pipe(exponentialAverage(1, vecLens))).toBe('-x-y|', { x: out(1, 0.1, 7), y: out(1, -3, 2.5) });
  }));

test('unsubscribed early', (t) =>
  marbles(t, ({ hot, expectObservable, expectSubscriptions }) => {
    const source = hot('-a-b-c-|', { a: vec(2), b: vec(4), c: vec(6) });
    expectObservable(source.pipe(exponentialAverage(3, vecLens)), '^---!').toBe('-w-x-', { w: out(1, 2), x: out(2, 3) });
    expectSubscriptions(source.subscriptions).toBe('^---!');
  }));

test('errors and completion pass through', (t) =>
  marbles(t, ({ cold, expectObservable, expectSubscriptions }) => {
    const boom = new LabrxError('boom');
    const failing = cold('-a-#', { a: vec(2) }, boom);
    expectObservable(failing.pipe(exponentialAverage(3, vecLens))).toBe('-w-#', { w: out(1, 2) }, boom);
    expectSubscriptions(failing.subscriptions).toBe('^--!');
    expectObservable(cold<Vec>('---|').pipe(exponentialAverage(3, vecLens))).toBe('---|');
  }));

test('physics: noise variance follows the EMA recursion, σ²/k for k ≤ n, then → σ²/(2n − 1)', (t) => {
  const n = 8;
  const K = 60;
  const len = 16384;
  const g = gaussian(3);
  const inputs = Array.from({ length: K }, () => ({ x: Float64Array.from({ length: len }, g), count: 1 }));
  const outputs: Vec[] = [];
  of(...inputs).pipe(exponentialAverage(n, vecLens)).subscribe((v) => outputs.push(v));
  // Each sample is an independent linear combination of unit-variance inputs: V_k = 1/k for
  // k ≤ n, then V_k = (1 − 1/n)²·V_{k−1} + 1/n², whose fixed point is 1/(2n − 1).
  let V = 0;
  for (let k = 1; k <= K; k++) {
    V = k <= n ? 1 / k : (1 - 1 / n) ** 2 * V + 1 / n ** 2;
    // The mean of squares of len independent zero-mean Gaussians has relative standard
    // deviation √(2/len) = 1.1 %; 6 % is over 5 standard deviations.
    const output = outputs[k - 1]!;
    const measured = meanSquare(output.x);
    t.true(Math.abs(measured / V - 1) < 0.06, `k=${k}: ${measured} vs ${V}`);
    t.is(output.count, Math.min(k, n));
  }
  t.true(Math.abs(V * (2 * n - 1) - 1) < 1e-3); // the recursion has converged to σ²/(2n − 1)
});

test('rejects n that is not an integer ≥ 1 with SettingsError', (t) => {
  for (const n of [0, 2.5, -4, Number.NaN]) {
    const err = t.throws(() => exponentialAverage(n, vecLens), { instanceOf: SettingsError });
    t.is(err?.instrument, 'exponentialAverage');
  }
});
