import test from 'ava';
import { throwError } from 'rxjs';
import { ConnectionLostError, LabrxError } from '@labrx/core';
import { marbles } from '@labrx/core/testing';
import { failOnClose } from '@labrx/instruments';

const closedError = new ConnectionLostError('sim:1', 'board closed');

test('mirrors the source and completes with it; stops watching the board then', (t) =>
  marbles(t, ({ cold, hot, expectObservable, expectSubscriptions }) => {
    const source = cold('  --a--b--|');
    const closed$ = hot<never>('-----------#', undefined, closedError);
    expectObservable(source.pipe(failOnClose(closed$))).toBe('--a--b--|');
    expectSubscriptions(source.subscriptions).toBe('^-------!');
    expectSubscriptions(closed$.subscriptions).toBe('^-------!');
  }));

test('errors as soon as the board closes, and unsubscribes the source', (t) =>
  marbles(t, ({ cold, hot, expectObservable, expectSubscriptions }) => {
    const source = cold('  --a--b-----c--|');
    const closed$ = hot<never>('---------#', undefined, closedError);
    expectObservable(source.pipe(failOnClose(closed$))).toBe('--a--b---#', undefined, closedError);
    expectSubscriptions(source.subscriptions).toBe('^--------!');
    expectSubscriptions(closed$.subscriptions).toBe('^--------!');
  }));

test("the source's error passes through unchanged and stops the watch", (t) =>
  marbles(t, ({ cold, hot, expectObservable, expectSubscriptions }) => {
    const boom = new LabrxError('boom');
    const source = cold('  --a--#', undefined, boom);
    const closed$ = hot<never>('---------#', undefined, closedError);
    expectObservable(source.pipe(failOnClose(closed$))).toBe('--a--#', undefined, boom);
    expectSubscriptions(closed$.subscriptions).toBe('^----!');
  }));

test('unsubscribed early: both the source and the watch are unsubscribed', (t) =>
  marbles(t, ({ cold, hot, expectObservable, expectSubscriptions }) => {
    const source = cold('  --a--b--c--|');
    const closed$ = hot<never>('-------------#', undefined, closedError);
    expectObservable(source.pipe(failOnClose(closed$)), '^----!').toBe('--a--');
    expectSubscriptions(source.subscriptions).toBe('^----!');
    expectSubscriptions(closed$.subscriptions).toBe('^----!');
  }));

test('a board already closed: errors at once and never subscribes the source (nothing starts on a closed board)', (t) =>
  marbles(t, ({ cold, expectObservable, expectSubscriptions }) => {
    const source = cold('  --a--|');
    const closed$ = throwError(() => closedError); // errors synchronously, as a closed board's does
    expectObservable(source.pipe(failOnClose(closed$))).toBe('#', undefined, closedError);
    expectSubscriptions(source.subscriptions).toBe([]);
  }));

test('a board that closes without an error (closed$ completes) leaves the pipeline alone', (t) =>
  marbles(t, ({ cold, hot, expectObservable }) => {
    const source = cold('  --a--b--|');
    const closed$ = hot<never>('---|');
    expectObservable(source.pipe(failOnClose(closed$))).toBe('--a--b--|');
  }));
