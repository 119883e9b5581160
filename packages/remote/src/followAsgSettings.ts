import { BehaviorSubject, type Observable } from 'rxjs';
import type { NatsConnection } from 'nats';
import type { ResolvedAsgSettings } from '@labrx/core';
import { asgFromWire } from './asgWire.js';
import { decodeFrame } from './wireFrames.js';

/** The generators' settings as a board server reports them to every client of the board. */
export interface FollowedAsgSettings {
  /**
   * Starts from `initial` (the info reply's `asg`, one wire object per generator) taken after change
   * number `seq` (the reply's `asgSeq`): the changes heard so far and later ones apply when numbered
   * above the last applied. Without a number (an older server) every change heard from now on applies.
   */
  begin(initial: readonly unknown[], seq?: number): void;
  /** Generator `index`'s settings in force: the current ones, then each change (`BoardDriver.asgSettings$`). */
  settings$(index: number): Observable<ResolvedAsgSettings>;
  /** Stops listening; the streams complete. */
  close(): void;
}

interface AsgChange {
  readonly index: number;
  readonly settings: Record<string, unknown>;
  readonly seq: number | undefined;
}

/**
 * Listens on `subject` (the board's `asg` event, docs/decisions/0011-remote-boards.md) for the
 * settings the server pushes after any change, each numbered per board. Call it before asking for
 * the board's info, then `begin` with the reply: the subscription is in place before the server takes
 * its snapshot, so no change falls between the two, and the numbers tell which changes the snapshot
 * already holds (the event and the reply can be handled in either order here). Subscribed only
 * after the reply, a change made in that gap was lost for good: the client kept stale settings.
 * An event that is not `{ index: 0 | 1, settings, seq? }` is ignored.
 */
export function followAsgSettings(nats: NatsConnection, subject: string): FollowedAsgSettings {
  let state: BehaviorSubject<ResolvedAsgSettings>[] | null = null;
  let lastSeq = -Infinity;
  const early: AsgChange[] = [];
  const apply = (change: AsgChange): void => {
    if (change.seq !== undefined) {
      if (change.seq <= lastSeq) return;
      lastSeq = change.seq;
    }
    state?.[change.index]?.next(asgFromWire(change.settings));
  };
  const sub = nats.subscribe(subject, {
    callback: (err, msg) => {
      if (err) return;
      try {
        const frame = decodeFrame(msg.data);
        if (frame.kind !== 'ok') return;
        const { index, settings, seq } = frame.value as { index?: unknown; settings?: unknown; seq?: unknown };
        if (!(index === 0 || index === 1) || typeof settings !== 'object' || settings === null || typeof (settings as { waveform?: unknown }).waveform !== 'string') return;
        const change = { index, settings: settings as Record<string, unknown>, seq: typeof seq === 'number' ? seq : undefined };
        if (state === null) early.push(change);
        else apply(change);
      } catch {
        // a malformed event changes nothing
      }
    },
  });
  return {
    begin(initial, seq) {
      state = initial.map((w) => new BehaviorSubject(asgFromWire(w as Record<string, unknown>)));
      // without numbers nothing tells the early changes from the snapshot's: the snapshot stands
      if (seq === undefined) return void (early.length = 0);
      lastSeq = seq;
      for (const change of early.splice(0)) apply(change);
    },
    settings$: (index) => {
      const s = state?.[index];
      if (!s) throw new RangeError(`no generator ${index}: the server reported ${state?.length ?? 0}`);
      return s.asObservable();
    },
    close() {
      sub.unsubscribe();
      early.length = 0;
      for (const s of state ?? []) s.complete();
    },
  };
}
