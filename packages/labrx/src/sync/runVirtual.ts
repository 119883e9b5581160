import { asyncScheduler } from 'rxjs';
import { AbortedError } from '@labrx/core';
import { drainMicrotasks, type VirtualClock } from '@labrx/core/testing';

/** Real milliseconds to wait when nothing is scheduled on the virtual clock but the work is still pending. */
const IDLE_POLL_MS = 1;

/**
 * Runs `promise` to completion on `clock`: steps virtual time frame by frame, letting Promise
 * continuations run between frames, until it settles. Unlike `VirtualClock.run`, it does not give
 * up when nothing is scheduled: work waiting on something real (a socket, a procedure's own timer)
 * is polled every millisecond of real time, so only the caller's wall-clock timeout ends a call
 * that never settles. Rejects with `AbortedError(operation)` once `signal` aborts.
 */
export async function runVirtual<T>(clock: VirtualClock, promise: Promise<T>, signal: AbortSignal, operation: string): Promise<T> {
  let settled = false;
  const tracked = promise.then(
    (v) => ((settled = true), v),
    (e: unknown) => {
      settled = true;
      throw e;
    },
  );
  const quiet = tracked.then(
    () => undefined,
    () => undefined,
  );
  await drainMicrotasks();
  while (!settled) {
    if (signal.aborted) throw new AbortedError(operation, signal.reason);
    if (clock.nextFrame() !== undefined) {
      clock.step();
      await drainMicrotasks();
    } else {
      await Promise.race([quiet, realDelay(IDLE_POLL_MS)]);
    }
  }
  return tracked;
}

function realDelay(ms: number): Promise<void> {
  return new Promise((resolve) => asyncScheduler.schedule(() => resolve(), ms));
}
