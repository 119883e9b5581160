// Type tests, checked by `tsc -p tsconfig.json` (not run by AVA): the result type is inferred
// from plain, async and Observable-returning functions, and the error policy picks the shape.
import { of, type Observable } from 'rxjs';
import { asyncMap, asyncMap$, type AsyncMapFulfilled, type AsyncMapSettled } from '@labrx/core';

export const fromSync: Promise<number[]> = asyncMap(['a'], (s) => s.length);
export const fromAsync: Promise<number[]> = asyncMap(['a'], async (s) => s.length);
export const fromObservable: Promise<string[]> = asyncMap([1], (n) => of(String(n)));
export const collected: Promise<AsyncMapSettled<string, number>[]> = asyncMap(['a'], (s) => s.length, { onError: 'collect' });
export const stream: Observable<AsyncMapFulfilled<string, number>> = asyncMap$(['a'], async (s) => s.length, { concurrency: 2 });
export const streamCollect: Observable<AsyncMapSettled<string, number>> = asyncMap$(['a'], (s) => s.length, { onError: 'collect' });
// @ts-expect-error collected entries are not bare values
export const wrong: Promise<number[]> = asyncMap(['a'], (s) => s.length, { onError: 'collect' });
// @ts-expect-error a stopped map's entries are all fulfilled, a collected one's may not be
export const wrong2: Observable<AsyncMapFulfilled<string, number>> = asyncMap$(['a'], (s) => s.length, { onError: 'collect' });
