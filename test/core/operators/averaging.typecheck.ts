// Type tests, checked by `tsc -p tsconfig.json` (not run by AVA): the operators keep the result
// type and refuse a lens for another type.
import { of, type Observable } from 'rxjs';
import { averageCount, exponentialAverage, runningAverage, traceLens, type Trace } from '@labrx/core';
import { vecLens, type Vec } from './fixtures.js';

declare const traces$: Observable<Trace>;
export const a: Observable<Trace> = traces$.pipe(averageCount(4, traceLens));
export const b: Observable<Trace> = traces$.pipe(runningAverage(traceLens), exponentialAverage(2, traceLens));
// @ts-expect-error a Trace lens cannot average numbers
export const c = of(1, 2).pipe(averageCount(2, traceLens));
// @ts-expect-error the output of a Vec lens is a Vec, not a Trace
export const d: Observable<Trace> = of<Vec>().pipe(runningAverage(vecLens));
