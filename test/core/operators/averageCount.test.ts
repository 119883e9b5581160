import test from 'ava';
import { Observable, of } from 'rxjs';
import { averageCount, LabrxError, SettingsError, traceLens } from '@labrx/core';
import { marbles } from '@labrx/core/testing';
import { gaussian, meanSquare, out, trace, vec, vecLens, type Vec } from './fixtures.js';

test('emits the element-wise mean of the first n values, then completes and unsubscribes the source', (t) =>
  marbles(t, ({ hot, expectObservable, expectSubscriptions }) => {
    // Means of (0, 4, 8) and (3, 9, 0) are both 4; every intermediate of m += (x − m)/k is a small
    // exact binary fraction here, so the comparison can be exact.
    const source = hot('  -a-b-c-d-e-|', { a: vec(0, 3), b: vec(4, 9), c: vec(8, 0), d: vec(100, 100), e: vec(1, 1) });
    const subs = '        ^----!';
    const expected = '    -----(m|)';
    expectObservable(source.pipe(averageCount(3, vecLens))).toBe(expected, { m: out(3, 4, 4) });
    expectSubscriptions(source.subscriptions).toBe(subs);
  }));

test('n = 1 passes a copy of the first value and stops', (t) =>
  marbles(t, ({ cold, expectObservable, expectSubscriptions }) => {
    const source = cold('--a--b--|', { a: vec(1.5, -2), b: vec(7, 7) });
    expectObservable(source.pipe(averageCount(1, vecLens))).toBe('--(m|)', { m: out(1, 1.5, -2) });
    expectSubscriptions(source.subscriptions).toBe('^-!');
  }));

test('unsubscribed early: emits nothing and unsubscribes the source', (t) =>
  marbles(t, ({ hot, expectObservable, expectSubscriptions }) => {
    const source = hot('-a-b-c-|', { a: vec(1), b: vec(2), c: vec(3) });
    expectObservable(source.pipe(averageCount(3, vecLens)), '^--!').toBe('----');
    expectSubscriptions(source.subscriptions).toBe('^--!');
  }));

test('source completing before n values: the mean of what arrived, with that count', (t) =>
  marbles(t, ({ cold, expectObservable, expectSubscriptions }) => {
    const source = cold('-a-b-|', { a: vec(1, 10), b: vec(2, 20) });
    expectObservable(source.pipe(averageCount(5, vecLens))).toBe('-----(m|)', { m: out(2, 1.5, 15) });
    expectSubscriptions(source.subscriptions).toBe('^----!');
  }));

test('empty source: completes without a value', (t) =>
  marbles(t, ({ cold, expectObservable, expectSubscriptions }) => {
    const source = cold<Vec>('---|');
    expectObservable(source.pipe(averageCount(4, vecLens))).toBe('---|');
    expectSubscriptions(source.subscriptions).toBe('^--!');
  }));

test('errors pass through unchanged', (t) =>
  marbles(t, ({ cold, expectObservable, expectSubscriptions }) => {
    const boom = new LabrxError('boom');
    const source = cold('-a--#', { a: vec(1) }, boom);
    expectObservable(source.pipe(averageCount(3, vecLens))).toBe('----#', undefined, boom);
    expectSubscriptions(source.subscriptions).toBe('^---!');
  }));

test('inputs of a different shape error with LabrxError and unsubscribe the source', (t) =>
  marbles(t, ({ hot, expectObservable, expectSubscriptions }) => {
    const source = hot('-a-b-c-|', { a: vec(1, 2), b: vec(1, 2, 3), c: vec(1, 2) });
    const err = new LabrxError(
      'averageCount: array 0 of input 2 has 3 samples but the first input\'s had 2; cannot average results of different shapes',
    );
    expectObservable(source.pipe(averageCount(3, vecLens))).toBe('---#', undefined, err);
    expectSubscriptions(source.subscriptions).toBe('^--!');
  }));

test('stops a synchronous source after exactly n values', (t) => {
  let emitted = 0;
  const endless$ = new Observable<Vec>((sub) => {
    for (let i = 0; i < 1e6 && !sub.closed; i++) {
      emitted++;
      sub.next(vec(i));
    }
  });
  const results: Vec[] = [];
  let completed = false;
  endless$.pipe(averageCount(10, vecLens)).subscribe({ next: (v) => results.push(v), complete: () => (completed = true) });
  t.is(emitted, 10);
  t.true(completed);
  t.deepEqual(results, [out(10, 4.5)]); // mean of 0..9
});

test('random floats: matches the naive sum/n within the rounding bound', (t) => {
  const n = 32;
  const len = 4096;
  const g = gaussian(1);
  const inputs = Array.from({ length: n }, () => ({ x: Float64Array.from({ length: len }, g), count: 1 }));
  let result: Vec | undefined;
  of(...inputs).pipe(averageCount(n, vecLens)).subscribe((v) => (result = v));
  let maxErr = 0;
  let maxAbs = 0;
  for (let i = 0; i < len; i++) {
    let s = 0;
    for (const v of inputs) {
      s += v.x[i]!;
      maxAbs = Math.max(maxAbs, Math.abs(v.x[i]!));
    }
    maxErr = Math.max(maxErr, Math.abs(result!.x[i]! - s / n));
  }
  // Each update m += (x − m)/k does 3 roundings on quantities ≤ 2·max|x|, and later updates shrink
  // earlier errors by (1 − 1/k), so the incremental mean is within 6·n·ε·max|x|; the naive oracle
  // sum/n is within n·ε·max|x|. Their difference is below 7·n·ε·max|x| (measured: far less).
  const bound = 7 * n * Number.EPSILON * maxAbs;
  t.true(maxErr <= bound, `max error ${maxErr} > bound ${bound}`);
  t.is(result!.count, n);
});

test('physics: averaging N traces of white noise divides the noise power by N and keeps the signal', (t) => {
  const N = 64;
  const len = 16384;
  const sigma = 1e-3; // V
  const g = gaussian(7);
  // A 1 V tone at 5 cycles per buffer on ch1, noise only on ch2.
  const tone = Float64Array.from({ length: len }, (_, i) => Math.sin((2 * Math.PI * 5 * i) / len));
  const traces = Array.from({ length: N }, (_, k) =>
    trace(
      tone.map((v) => v + sigma * g()),
      Float64Array.from({ length: len }, () => sigma * g()),
      1000 + k,
    ),
  );
  let mean: ReturnType<typeof trace> | undefined;
  of(...traces).pipe(averageCount(N, traceLens)).subscribe((v) => (mean = v));
  const residual = mean!.ch1.map((v, i) => v - tone[i]!);
  // Noise power after averaging is σ²/N. Its estimate from len independent zero-mean Gaussian
  // samples has relative standard deviation √(2/len) = 1.1 %; 6 % is over 5 standard deviations.
  const expected = (sigma * sigma) / N;
  t.true(Math.abs(meanSquare(residual) / expected - 1) < 0.06, `ch1 residual ${meanSquare(residual)} vs ${expected}`);
  t.true(Math.abs(meanSquare(mean!.ch2) / expected - 1) < 0.06, `ch2 ${meanSquare(mean!.ch2)} vs ${expected}`);
  // The rebuilt trace: averages = N, time base and settings kept, timestamp of the last input.
  t.is(mean!.averages, N);
  t.is(mean!.timestamp, 1000 + N - 1);
  t.is(mean!.dt, traces[0]!.dt);
  t.is(mean!.t0, traces[0]!.t0);
  t.is(mean!.settings, traces[N - 1]!.settings);
  t.not(mean!.ch1, traces[N - 1]!.ch1);
});

test('rejects n that is not an integer ≥ 1 with SettingsError, at call time', (t) => {
  for (const n of [0, -1, 1.5, Number.NaN, Infinity, '3' as unknown as number]) {
    const err = t.throws(() => averageCount(n, vecLens), { instanceOf: SettingsError });
    t.is(err?.instrument, 'averageCount');
    t.is(err?.setting, 'n');
  }
});
