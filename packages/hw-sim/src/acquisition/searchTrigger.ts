import type { ResolvedScopeSettings } from '@labrx/core';
import type { RenderRequest } from '../signal/SignalModel.js';
import type { AcquisitionHost } from './AcquisitionHost.js';
import { nextAsgPeriodStart, nextExtEdge } from './eventTriggers.js';
import { scanLevelTrigger } from './levelTrigger.js';

/** Least scheduler time (ms) between trigger checks once the search has fallen behind the clock. */
const BEHIND_PAUSE_MS = 2;

/** What a trigger search needs from the acquisition that runs it. */
export interface TriggerSearchContext {
  readonly host: AcquisitionHost;
  readonly settings: Omit<ResolvedScopeSettings, 'averages'>;
  /** Scheduler time (ms) of stream index 0. */
  readonly armMs: number;
  /** Board time (s) of stream index 0. */
  readonly armS: number;
  /** Seconds per sample. */
  readonly dtS: number;
  /** The render request for samples from stream index `first` (same noise as the capture's). */
  request(first: number): RenderRequest;
  /** Runs `work` at scheduler time `atMs` (not sooner than `minDelayMs` from now); the caller owns the pending action. */
  schedule(atMs: number, work: () => void, minDelayMs?: number): void;
}

/**
 * Searches for the trigger of `ctx.settings` from stream index `from` on, calling `found(s)` with
 * the index of the triggering sample; an immediate trigger fires at `from` at once. The search runs
 * one buffer length (bufferSize samples) at a time, each chunk computed when it begins (once it is in
 * the past while the host's signal is causal, `host.causal()`), so a trigger
 * that never fires costs one chunk of work per buffer time; a chunk is rendered with the capture's
 * noise, so the trace shows the crossing that fired. With a real-time scheduler that cannot keep up
 * the search skips the samples it had no time to look at, starts again at the present, and pauses
 * 2 ms between chunks (the simulated signals are stationary, so this only lengthens the wait for a
 * rare trigger). An external trigger without an external signal never fires and costs nothing.
 */
export function searchTrigger(ctx: TriggerSearchContext, from: number, found: (s: number) => void): void {
  const { host, settings, armMs, armS, dtS } = ctx;
  const size = host.info.bufferSize;
  const dtMs = dtS * 1000;
  const msAt = (index: number) => armMs + index * dtMs;
  // A causal signal (the closed loop) is searched once the chunk is in the past.
  const lag = () => (host.causal?.() ? size : 0);
  let next = from;
  const search = (find: (first: number) => number, onSkip: () => void) => {
    const run = () => {
      const nowIndex = Math.floor((host.scheduler.now() - armMs) / dtMs);
      const behind = nowIndex > next + size + lag();
      if (behind) {
        next = nowIndex - lag();
        onSkip();
      }
      const s = find(next);
      if (s >= 0) return found(s);
      next += size;
      ctx.schedule(msAt(next + lag()), run, behind ? BEHIND_PAUSE_MS : 0);
    };
    ctx.schedule(msAt(next + lag()), run);
  };

  const trigger = settings.trigger;
  switch (trigger) {
    case 'immediate':
      found(from);
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
          host.model.render(input, ctx.request(first), chunk);
          const i = scanLevelTrigger(chunk, 0, size, rising, settings.threshold, settings.hysteresis, state);
          return i < 0 ? -1 : first + i;
        },
        () => (state.armed = false),
      );
      break;
    }
    case 'asg0':
    case 'asg1': {
      const history = host.model.asg[trigger === 'asg0' ? 0 : 1];
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
}

/** The index of the first sample stamped at or after board time `tS` (never before `first`). */
function firstSampleAtOrAfter(tS: number, armS: number, dtS: number, first: number): number {
  return Math.max(first, Math.ceil((tS - armS) / dtS - 1e-9));
}
