import { map, repeat, share, type Observable } from 'rxjs';
import type { ResolvedScopeSettings } from '@labrx/core';
import type { Board } from '@labrx/instruments';
import { traceFrame } from './wireFrames.js';

/**
 * The one acquisition loop a board server runs for one scope setting: leases the scope on the
 * server's `Board` (so every client, and in-process users of the same board, queue on one lease
 * table), repeats the driver's acquisition and encodes each trace once, shared by every client
 * stream that asked for the same settings. Unsubscribing the last stops the hardware and releases
 * the lease.
 *
 * @param holder the lease holder's name as other clients see it ('scope of ada@lab-pc (pid 42)')
 * @param wait queue for the scope (true) or fail at once with `ResourceBusyError` (false)
 */
export function servedBoardLoop(board: Board, settings: ResolvedScopeSettings, key: string, holder: string, wait: boolean): Observable<Uint8Array> {
  const { averages: _averages, ...hardware } = settings;
  return board.leases
    .using$(['scope'], holder, { key, wait }, () => board.driver.acquire(hardware, { owner: holder, wait }).pipe(repeat()))
    .pipe(map(traceFrame), share());
}
