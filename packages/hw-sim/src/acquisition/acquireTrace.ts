import { Observable } from 'rxjs';
import type { RawTrace, ResolvedScopeSettings } from '@labrx/core';
import type { AcquisitionHost } from './AcquisitionHost.js';
import { startAcquisitionRun } from './acquisitionRun.js';
import { searchTrigger } from './searchTrigger.js';

export type { AcquisitionHost, RunningAcquisition } from './AcquisitionHost.js';

/** Acquisitions at least this long (ms) are rendered in SPREAD_PARTS parts as time passes. */
const SPREAD_MIN_MS = 20;
const SPREAD_PARTS = 8;

/**
 * One scope acquisition on the simulated board, as a cold Observable: arms on subscribe, waits
 * for the pre-trigger part of the buffer to fill, then for the trigger, then for the post-trigger
 * samples, emits the trace and completes, all on the host's scheduler.
 *
 * Timing (stream index i is the i-th decimated sample after arming, stamped at board time
 * arm + i·dt at the first raw sample of its window):
 * - the trigger is accepted from index pre = 8192 − round(triggerDelay/dt) (at least 0) on;
 * - the trigger sample s is trace index 8192 − round(triggerDelay/dt), so t0 = −that·dt;
 * - the trace is emitted when its last sample is in, at arm + (s − pre + 16384)·dt: an
 *   immediate trigger takes exactly 16384·dt.
 *
 * Samples are rendered a part at a time once they are in the past (one part for acquisitions
 * under 20 ms), so a generator change shows up at its instant and the work is spread over time.
 *
 * The trigger is searched as `searchTrigger` describes (one buffer at a time, with the trace's
 * noise). The trace itself is computed from the generators' full history as its samples pass, so a
 * `setAsg` during the acquisition shows up at its instant; only a change that lands inside the
 * chunk being searched after its search is not seen by the trigger (the trigger decision used the
 * settings in force at the chunk's start).
 */
export function acquireTrace(host: AcquisitionHost, settings: Omit<ResolvedScopeSettings, 'averages'>): Observable<RawTrace> {
  return new Observable<RawTrace>((subscriber) => {
    const { info, model } = host;
    const size = info.bufferSize;
    const run = startAcquisitionRun(host, settings, subscriber);
    const { dtS, dtMs, request, msAt, schedule } = run;
    const delaySamples = Math.round(settings.triggerDelay / dtS);
    const triggerInTrace = size / 2 - delaySamples;
    const pre = Math.max(0, triggerInTrace);

    // The trace is rendered as time passes, a part at a time once its samples are in the past (as
    // the hardware fills its buffer), so the work of many boards acquiring together is spread over
    // their acquisition instead of piling up at its end. Short acquisitions render in one go.
    const fire = (s: number) => {
      const first = s - triggerInTrace;
      const ch1 = new Float64Array(size);
      const ch2 = new Float64Array(size);
      let done = 0;
      const renderUpTo = (to: number) => {
        const req = request(first + done); // one request for both inputs: they may share the noiseless part
        model.render(0, req, ch1, done, to);
        model.render(1, req, ch2, done, to);
        done = to;
      };
      const part = size * dtMs >= SPREAD_MIN_MS ? size / SPREAD_PARTS : size;
      const step = () => {
        renderUpTo(done + part);
        if (done < size) return schedule(msAt(first + done + part), step);
        subscriber.next({ dt: dtS, t0: -triggerInTrace * dtS, ch1, ch2, timestamp: msAt(s) });
        subscriber.complete();
      };
      schedule(msAt(first + part), step);
    };

    searchTrigger(run, pre, fire);

    return () => run.end();
  });
}
