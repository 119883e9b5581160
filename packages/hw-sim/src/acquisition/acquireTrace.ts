import { Observable, type SchedulerLike, type Subscription } from 'rxjs';
import type { BoardInfo, RawTrace, ResolvedScopeSettings } from '@labrx/core';
import { NoiseBlocks } from '../signal/NoiseBlocks.js';
import type { SignalModel } from '../signal/SignalModel.js';
import { nextAsgPeriodStart, nextExtEdge } from './eventTriggers.js';
import { scanLevelTrigger } from './levelTrigger.js';

/** An acquisition in flight, as its board sees it. */
export interface RunningAcquisition {
  /** Ends the acquisition with `error` (the board closed). */
  fail(error: Error): void;
}

/** What an acquisition needs from its board. */
export interface AcquisitionHost {
  readonly info: BoardInfo;
  readonly scheduler: SchedulerLike;
  /** What renders input samples (the analytic model, or the closed loop's history while it runs) and the generators' histories. */
  readonly model: Pick<SignalModel, 'render' | 'asg'>;
  /** The board's seed as 32-bit words (noise realisations derive from it). */
  readonly seedWords: readonly number[];
  /** The external trigger square wave, or null if the ext input is idle. */
  readonly extTrigger: { readonly frequency: number } | null;
  /** Scheduler time (ms) at board time 0. */
  readonly originMs: number;
  /**
   * True while the signal is computed causally (the closed loop runs: a sample exists only once its
   * time has passed, since a setting changed meanwhile changes it); the level-trigger search then
   * looks at each chunk once it is in the past instead of when it begins. Absent: false.
   */
  readonly causal?: () => boolean;
  /** Registers a new acquisition; returns its serial (1, 2, …), which seeds its noise. */
  begin(acquisition: RunningAcquisition): number;
  /** Unregisters it (finished, failed or unsubscribed). */
  end(acquisition: RunningAcquisition): void;
}

/** Acquisitions at least this long (ms) are rendered in SPREAD_PARTS parts as time passes. */
const SPREAD_MIN_MS = 20;
const SPREAD_PARTS = 8;

/** Least scheduler time (ms) between trigger checks once the search has fallen behind the clock. */
const BEHIND_PAUSE_MS = 2;

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
 * The trigger is searched one buffer length (16384 samples) at a time, each chunk computed when
 * it begins, so a trigger that never fires costs one chunk of work per buffer time and nothing
 * else. A chunk is rendered with the same noise as the trace that is later cut around the trigger,
 * so the trace shows the crossing that fired. The trace itself is computed from the generators'
 * full history as its samples pass, so a `setAsg` during the acquisition shows up at its instant;
 * only a change that lands inside the chunk being searched after its search is not seen by the
 * trigger (the trigger decision used the settings in force at the chunk's start).
 * With a real-time scheduler that cannot keep up (decimation 1 or 2 on a slow machine) the search
 * skips the samples it had no time to look at, starts again at the present, and pauses 2 ms
 * between chunks; the simulated signals are stationary, so this only lengthens the wait for a
 * rare trigger.
 */
export function acquireTrace(host: AcquisitionHost, settings: Omit<ResolvedScopeSettings, 'averages'>): Observable<RawTrace> {
  return new Observable<RawTrace>((subscriber) => {
    const { info, scheduler, model } = host;
    const size = info.bufferSize;
    const decimation = settings.decimation;
    const dtS = decimation / info.sampleRateHz;
    const dtMs = dtS * 1000;
    const delaySamples = Math.round(settings.triggerDelay / dtS);
    const triggerInTrace = size / 2 - delaySamples;
    const pre = Math.max(0, triggerInTrace);
    const armMs = scheduler.now();
    const armS = (armMs - host.originMs) / 1000;
    let action: Subscription | null = null;
    const running: RunningAcquisition = { fail: (e) => subscriber.error(e) };
    const serial = host.begin(running);
    const noise = new NoiseBlocks(host.seedWords, serial, size, 6);
    const request = (first: number) => ({ armS, decimation, boxcar: settings.boxcar, gain: settings.gain, first, noise });
    const msAt = (index: number) => armMs + index * dtMs;

    const schedule = (atMs: number, work: () => void, minDelayMs = 0) => {
      action = scheduler.schedule(() => {
        action = null;
        try {
          work();
        } catch (e) {
          subscriber.error(e);
        }
      }, Math.max(minDelayMs, atMs - scheduler.now()));
    };

    // The trace is rendered as time passes, a part at a time once its samples are in the past (as
    // the hardware fills its buffer), so the work of many boards acquiring together is spread over
    // their acquisition instead of piling up at its end. Short acquisitions render in one go.
    const fire = (s: number) => {
      const first = s - triggerInTrace;
      const ch1 = new Float64Array(size);
      const ch2 = new Float64Array(size);
      let done = 0;
      const renderUpTo = (to: number) => {
        model.render(0, request(first + done), ch1, done, to);
        model.render(1, request(first + done), ch2, done, to);
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

    // A causal signal (the closed loop) is searched once the chunk is in the past.
    const lag = () => (host.causal?.() ? size : 0);
    // Searches chunk after chunk, starting at index `next`, with `find(first)` returning the
    // trigger's index in the chunk [first, first + size) or −1.
    let next = pre;
    const search = (find: (first: number) => number, onSkip: () => void) => {
      const run = () => {
        const nowIndex = Math.floor((scheduler.now() - armMs) / dtMs);
        const behind = nowIndex > next + size + lag();
        if (behind) {
          next = nowIndex - lag();
          onSkip();
        }
        const s = find(next);
        if (s >= 0) return fire(s);
        next += size;
        schedule(msAt(next + lag()), run, behind ? BEHIND_PAUSE_MS : 0);
      };
      schedule(msAt(next + lag()), run);
    };

    const trigger = settings.trigger;
    switch (trigger) {
      case 'immediate':
        fire(pre);
        break;
      case 'ch1-rising':
      case 'ch1-falling':
      case 'ch2-rising':
      case 'ch2-falling': {
        const input = trigger.startsWith('ch1') ? 0 : 1;
        const rising = trigger.endsWith('rising');
        const state = { armed: false };
        const chunk = new Float64Array(size);
        search(
          (first) => {
            model.render(input, request(first), chunk);
            const i = scanLevelTrigger(chunk, 0, size, rising, settings.threshold, settings.hysteresis, state);
            return i < 0 ? -1 : first + i;
          },
          () => (state.armed = false),
        );
        break;
      }
      case 'asg0':
      case 'asg1': {
        const history = model.asg[trigger === 'asg0' ? 0 : 1];
        search(
          (first) => {
            const fromS = armS + first * dtS;
            const t = nextAsgPeriodStart(history, fromS, fromS + size * dtS);
            return t === null ? -1 : firstSampleAtOrAfter(t, armS, dtS, first);
          },
          () => undefined,
        );
        break;
      }
      case 'ext-rising':
      case 'ext-falling': {
        const ext = host.extTrigger;
        // without an external trigger signal the acquisition stays armed, costing nothing
        if (!ext) break;
        const rising = trigger === 'ext-rising';
        search(
          (first) => {
            const fromS = armS + first * dtS;
            const t = nextExtEdge(ext.frequency, rising, fromS);
            return t < fromS + size * dtS ? firstSampleAtOrAfter(t, armS, dtS, first) : -1;
          },
          () => undefined,
        );
        break;
      }
    }

    return () => {
      action?.unsubscribe();
      action = null;
      host.end(running);
    };
  });
}

/** The index of the first sample stamped at or after board time `tS` (never before `first`). */
function firstSampleAtOrAfter(tS: number, armS: number, dtS: number, first: number): number {
  return Math.max(first, Math.ceil((tS - armS) / dtS - 1e-9));
}
