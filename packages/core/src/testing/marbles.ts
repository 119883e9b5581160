import { TestScheduler, type RunHelpers } from 'rxjs/testing';

/** The part of a test context that marble assertions need (AVA's `t` fits). */
export interface DeepEqualAssert {
  deepEqual(actual: unknown, expected: unknown, message?: string): unknown;
}

/**
 * Runs a marble test with a fresh `TestScheduler` whose assertions go through `t.deepEqual`.
 *
 * @example
 * test('map doubles', (t) => marbles(t, ({ cold, expectObservable }) => {
 *   expectObservable(cold('a-b|', { a: 1, b: 2 }).pipe(map((x) => 2 * x))).toBe('a-b|', { a: 2, b: 4 });
 * }));
 */
export function marbles<T>(t: DeepEqualAssert, body: (helpers: RunHelpers) => T): T {
  const scheduler = new TestScheduler((actual, expected) => {
    t.deepEqual(actual, expected);
  });
  return scheduler.run(body);
}
