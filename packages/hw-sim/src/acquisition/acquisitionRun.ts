import type { Subscriber, Subscription } from 'rxjs';
import type { ResolvedScopeSettings } from '@labrx/core';
import { NoiseBlocks } from '../signal/NoiseBlocks.js';
import type { AcquisitionHost, RunningAcquisition } from './AcquisitionHost.js';
import type { TriggerSearchContext } from './searchTrigger.js';

/** One armed acquisition's clock, noise and pending work: what `acquireTrace` and `captureDeep` share. */
export interface AcquisitionRun extends TriggerSearchContext {
  /** Milliseconds per sample. */
  readonly dtMs: number;
  /** Scheduler time (ms) of stream index `index`. */
  msAt(index: number): number;
  /** Cancels the pending work and ends the acquisition on the host (the Observable's teardown). */
  end(): void;
}

/**
 * Arms an acquisition on `host` now: stream index 0 is this instant; one noise realisation (its own
 * serial, `bufferSize`-sample blocks) serves every render request; `schedule` keeps one pending action,
 * whose errors go to `subscriber`; a failure the host reports (`host.begin`'s `fail`) errors it too.
 */
export function startAcquisitionRun(host: AcquisitionHost, settings: Omit<ResolvedScopeSettings, 'averages'>, subscriber: Subscriber<unknown>): AcquisitionRun {
  const { info, scheduler } = host;
  const decimation = settings.decimation;
  const dtS = decimation / info.sampleRateHz;
  const dtMs = dtS * 1000;
  const armMs = scheduler.now();
  const armS = (armMs - host.originMs) / 1000;
  let action: Subscription | null = null;
  const running: RunningAcquisition = { fail: (e) => subscriber.error(e) };
  const serial = host.begin(running);
  const noise = new NoiseBlocks(host.seedWords, serial, info.bufferSize, 6);
  return {
    host,
    settings,
    armMs,
    armS,
    dtS,
    dtMs,
    request: (first) => ({ armS, decimation, boxcar: settings.boxcar, gain: settings.gain, first, noise }),
    msAt: (index) => armMs + index * dtMs,
    schedule(atMs, work, minDelayMs = 0) {
      action = scheduler.schedule(() => {
        action = null;
        try {
          work();
        } catch (e) {
          subscriber.error(e);
        }
      }, Math.max(minDelayMs, atMs - scheduler.now()));
    },
    end() {
      action?.unsubscribe();
      action = null;
      host.end(running);
    },
  };
}
