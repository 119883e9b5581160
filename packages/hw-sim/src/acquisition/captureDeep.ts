import { Observable } from 'rxjs';
import type { DeepCaptureEvent, DeepCaptureWindow, ResolvedScopeSettings } from '@labrx/core';
import type { AcquisitionHost } from './AcquisitionHost.js';
import { startAcquisitionRun } from './acquisitionRun.js';
import { searchTrigger } from './searchTrigger.js';

/** Samples per channel in one emitted chunk (1 MiB of scratch for both channels, reused). */
export const DEEP_CHUNK_SAMPLES = 65536;

/**
 * One deep-memory capture on the simulated board (the DMA into DDR), as a cold Observable: arms on
 * subscribe, accepts the trigger once the window's pre-trigger samples (`triggerIndex`, if
 * positive) have been recorded (so that part is never stale), emits the `trigger` event, then the capture in chunks of
 * `DEEP_CHUNK_SAMPLES`, each once its last sample is in the past on the host's clock (the
 * pre-trigger chunks at once), then completes. Each emission of `catchUp$` (after the trigger) emits
 * at once, synchronously, every sample recorded by then (a last chunk may be partial), so a reader of
 * the DDR never sees the writer lag the board's clock, however late the event loop's timers run.
 *
 * The samples are the same stream as `acquireTrace` renders (stream index i stamped at arm + i·dt,
 * one noise realisation per capture), rendered a chunk at a time into two reused scratch arrays, so
 * a capture of any length costs 1 MiB here; the consumer keeps what it needs (a trace, or the
 * simulated DDR of the SCPI server as int16 counts). The generator history reaches back 17 s (twice
 * the longest standard trace): a pre-trigger part older than that is rendered with the oldest
 * generator settings kept.
 */
export function captureDeep(host: AcquisitionHost, settings: Omit<ResolvedScopeSettings, 'averages'>, window: DeepCaptureWindow, catchUp$?: Observable<unknown>): Observable<DeepCaptureEvent> {
  return new Observable<DeepCaptureEvent>((subscriber) => {
    const { scheduler, model } = host;
    const { samples, triggerIndex } = window;
    /** Writes what is due now (set once the trigger has fired). */
    let catchUp: (() => void) | null = null;
    const catchUpSub = catchUp$?.subscribe({
      next: () => {
        try {
          catchUp?.();
        } catch (e) {
          subscriber.error(e);
        }
      },
      error: (e: unknown) => subscriber.error(e),
    });
    const run = startAcquisitionRun(host, settings, subscriber);
    const { dtS, dtMs, request, msAt, schedule } = run;

    const fire = (s: number) => {
      const first = s - triggerIndex;
      subscriber.next({ kind: 'trigger', samples, dt: dtS, t0: -triggerIndex * dtS, timestamp: msAt(s) });
      const ch1 = new Float64Array(Math.min(DEEP_CHUNK_SAMPLES, samples));
      const ch2 = new Float64Array(ch1.length);
      let offset = 0;
      /** Capture samples recorded by now: those whose time is in the past. */
      const dueNow = () => Math.min(samples, Math.max(0, Math.floor((scheduler.now() - msAt(first)) / dtMs + 1e-9)));
      /** Emits capture samples [offset, to) in pieces of at most one chunk; completes at the end. */
      const writeTo = (to: number) => {
        while (offset < to) {
          const n = Math.min(ch1.length, to - offset);
          const a = ch1.subarray(0, n);
          const b = ch2.subarray(0, n);
          const req = request(first + offset); // one request for both inputs: they may share the noiseless part
          model.render(0, req, a);
          model.render(1, req, b);
          subscriber.next({ kind: 'chunk', offset, ch1: a, ch2: b });
          offset += n;
          if (subscriber.closed) return;
        }
        if (offset >= samples) subscriber.complete();
      };
      // a late tick (a busy event loop) writes every whole chunk that is due by now, as the DMA would have
      const step = () => {
        const due = dueNow();
        writeTo(due >= samples ? samples : offset + Math.floor((due - offset) / ch1.length) * ch1.length);
        if (offset < samples && !subscriber.closed) schedule(msAt(first + Math.min(samples, offset + ch1.length)), step);
      };
      catchUp = () => {
        if (offset < samples && !subscriber.closed) writeTo(dueNow());
      };
      schedule(msAt(first + Math.min(ch1.length, samples)), step);
    };

    searchTrigger(run, Math.max(0, triggerIndex), fire);

    return () => {
      catchUpSub?.unsubscribe();
      run.end();
    };
  });
}
