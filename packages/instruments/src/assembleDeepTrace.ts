import { Observable, type OperatorFunction } from 'rxjs';
import type { DeepCaptureEvent, RawTrace } from '@labrx/core';

/** Samples of a long capture read so far, out of `total` (per channel). */
export interface ScopeCaptureProgress {
  readonly kind: 'progress';
  /** Samples per channel received so far. */
  readonly samples: number;
  /** Samples per channel in the whole trace. */
  readonly total: number;
}

/** The finished trace of a capture. */
export interface ScopeCaptureTrace {
  readonly kind: 'trace';
  readonly trace: RawTrace;
}

/** What `Scope.capture$` emits: progress while a long trace is read, then the trace. */
export type ScopeCaptureEvent = ScopeCaptureProgress | ScopeCaptureTrace;

/**
 * Turns a deep-memory capture (trigger, then chunks in order) into progress events and, at the end,
 * one raw trace holding every sample: the chunks are copied into two arrays allocated once at the
 * trigger (8 bytes per sample and channel). Errors if the chunks do not cover the capture exactly.
 */
export function assembleDeepTrace(): OperatorFunction<DeepCaptureEvent, ScopeCaptureEvent> {
  return (source) =>
    new Observable<ScopeCaptureEvent>((subscriber) => {
      let trace: { -readonly [K in keyof RawTrace]: RawTrace[K] } | null = null;
      let received = 0;
      return source.subscribe({
        next: (e) => {
          if (e.kind === 'trigger') {
            trace = { dt: e.dt, t0: e.t0, timestamp: e.timestamp, ch1: new Float64Array(e.samples), ch2: new Float64Array(e.samples) };
            received = 0;
            return;
          }
          if (!trace || e.offset !== received || e.offset + e.ch1.length > trace.ch1.length) {
            return subscriber.error(new Error(`deep-memory capture: chunk at ${e.offset} (${e.ch1.length} samples) out of order after ${received} samples`));
          }
          trace.ch1.set(e.ch1, e.offset);
          trace.ch2.set(e.ch2, e.offset);
          received += e.ch1.length;
          subscriber.next({ kind: 'progress', samples: received, total: trace.ch1.length });
        },
        error: (err: unknown) => subscriber.error(err),
        complete: () => {
          if (!trace || received !== trace.ch1.length) {
            return subscriber.error(new Error(`deep-memory capture ended after ${received} of ${trace?.ch1.length ?? '?'} samples`));
          }
          subscriber.next({ kind: 'trace', trace });
          subscriber.complete();
        },
      });
    });
}
