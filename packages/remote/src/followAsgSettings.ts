import { BehaviorSubject, type Observable } from 'rxjs';
import type { NatsConnection } from 'nats';
import type { ResolvedAsgSettings } from '@labrx/core';
import { asgFromWire } from './asgWire.js';
import { decodeFrame } from './wireFrames.js';

/** The generators' settings as a board server reports them to every client of the board. */
export interface FollowedAsgSettings {
  /** Generator `index`'s settings in force: the current ones, then each change (`BoardDriver.asgSettings$`). */
  settings$(index: number): Observable<ResolvedAsgSettings>;
  /** Stops listening; the streams complete. */
  close(): void;
}

/**
 * Listens on `subject` (the board's `asg` event, docs/decisions/0011-remote-boards.md) for the
 * settings the server pushes after any change, starting from `initial` (the info reply's `asg`, one
 * wire object per generator). An event that is not `{ index: 0 | 1, settings }` is ignored.
 */
export function followAsgSettings(nats: NatsConnection, subject: string, initial: readonly unknown[]): FollowedAsgSettings {
  const state = initial.map((w) => new BehaviorSubject(asgFromWire(w as Record<string, unknown>)));
  const sub = nats.subscribe(subject, {
    callback: (err, msg) => {
      if (err) return;
      try {
        const frame = decodeFrame(msg.data);
        if (frame.kind !== 'ok') return;
        const { index, settings } = frame.value as { index?: unknown; settings?: unknown };
        const target = typeof index === 'number' ? state[index] : undefined;
        if (target && typeof settings === 'object' && settings !== null && typeof (settings as { waveform?: unknown }).waveform === 'string') {
          target.next(asgFromWire(settings as Record<string, unknown>));
        }
      } catch {
        // a malformed event changes nothing
      }
    },
  });
  return {
    settings$: (index) => {
      const s = state[index];
      if (!s) throw new RangeError(`no generator ${index}: the server reported ${state.length}`);
      return s.asObservable();
    },
    close() {
      sub.unsubscribe();
      for (const s of state) s.complete();
    },
  };
}
