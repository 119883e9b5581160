import { Observable, asyncScheduler, of, type SchedulerLike } from 'rxjs';
import { RED_PITAYA_125_14, type BoardDriver, type RawTrace, type ResolvedAsgSettings, type ResolvedScopeSettings } from '@labrx/core';

/** A BoardDriver whose acquisitions return fixed samples at once, recording what it was asked. */
export interface FakeBoard extends BoardDriver {
  readonly asgCalls: { index: number; settings: ResolvedAsgSettings }[];
  readonly acquireCalls: Omit<ResolvedScopeSettings, 'averages'>[];
  /** Acquisitions subscribed and not yet finished. */
  readonly active: number;
  /** When false, acquire() never emits (waits for ever) until unsubscribed. */
  fires: boolean;
}

/**
 * Builds a fake board: ch1/ch2 are the samples every acquisition returns (oldest first, trigger at
 * the middle), so the server's formatting can be checked byte for byte.
 */
export function fakeBoard(ch1: Float64Array, ch2: Float64Array, scheduler: SchedulerLike = asyncScheduler): FakeBoard {
  const info = { ...RED_PITAYA_125_14, model: 'fake' };
  let active = 0;
  const board: FakeBoard = {
    id: 'fake',
    info,
    scheduler,
    asgCalls: [],
    acquireCalls: [],
    fires: true,
    get active() {
      return active;
    },
    get scopeRunning() {
      return active > 0;
    },
    setAsg(index, settings) {
      board.asgCalls.push({ index, settings });
      return of(settings);
    },
    acquire(settings) {
      return new Observable<RawTrace>((sub) => {
        board.acquireCalls.push(settings);
        if (!board.fires) {
          active++;
          return () => active--;
        }
        const dt = settings.decimation / info.sampleRateHz;
        sub.next({ dt, t0: -(info.bufferSize / 2) * dt + settings.triggerDelay, ch1, ch2, timestamp: scheduler.now() });
        sub.complete();
        return undefined;
      });
    },
    close: () => Promise.resolve(),
  };
  return board;
}
