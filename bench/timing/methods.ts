/**
 * The ways to sleep that the timing bench compares. Each takes a requested delay in ms and calls
 * `done` once it considers the delay over. The bench measures the actual delay around the call.
 *
 * Bench code, not library code: it calls the host's timers directly on purpose, because measuring
 * them is the point.
 */
import { asyncScheduler, timer } from 'rxjs';
import { PreciseScheduler, preciseScheduler } from '@labrx/core';

/** One sleeping method. */
export interface SleepMethod {
  /** Short key for files and the plot legend. */
  readonly key: string;
  /** What the table shows. */
  readonly label: string;
  /** Sleeps about `ms` milliseconds, then calls `done` (maybe synchronously, for blocking methods). */
  sleep(ms: number, done: () => void): void;
}

const now = (): number => performance.now();

/** Busy-waits (blocking the thread) until `deadline` on the performance clock, in ms. */
function busyUntil(deadline: number): void {
  while (now() < deadline) {
    // spin: the point of this method is to hold the CPU
  }
}

/** `setTimeout(done, ms)`. Node runs delays < 1 ms as 1 ms. */
export const setTimeoutMethod: SleepMethod = {
  key: 'setTimeout',
  label: 'setTimeout',
  sleep: (ms, done) => void setTimeout(done, ms),
};

/** RxJS `timer(ms)` on `asyncScheduler` (a `setInterval` per action). */
export const asyncTimerMethod: SleepMethod = {
  key: 'rxjs-async',
  label: 'RxJS timer on asyncScheduler',
  sleep: (ms, done) => void timer(ms, asyncScheduler).subscribe(done),
};

/**
 * A hybrid sleep of `ms`: a `setTimeout` to `marginMs` before the deadline (floored to whole ms, as
 * Node's timers count), then `finish(deadline)`; when that leaves no whole ms, `finish` runs through
 * `soon` instead (at once, or on the next turn).
 */
function hybridMethod(key: string, label: string, marginMs: number, soon: (f: () => void) => void, finish: (deadlineMs: number, done: () => void) => void): SleepMethod {
  return {
    key,
    label,
    sleep(ms, done) {
      const deadline = now() + ms;
      const coarse = Math.floor(ms - marginMs);
      const go = (): void => finish(deadline, done);
      if (coarse >= 1) setTimeout(go, coarse);
      else soon(go);
    },
  };
}

/** The hybrid with a blocking finish: a synchronous busy wait for the last `marginMs`. */
export function hybridBusyMethod(marginMs: number): SleepMethod {
  return hybridMethod('hybrid-busy', `hybrid: setTimeout to t−${marginMs} ms, then busy wait`, marginMs, (f) => f(), (deadline, done) => {
    busyUntil(deadline);
    done();
  });
}

/** The hybrid with a cooperative finish: a `setImmediate` loop that checks the clock once per event-loop turn. */
export function hybridImmediateMethod(marginMs: number): SleepMethod {
  return hybridMethod('hybrid-immediate', `hybrid: setTimeout to t−${marginMs} ms, then setImmediate spin`, marginMs, setImmediate, (deadline, done) => {
    const spin = (): void => {
      if (now() >= deadline) done();
      else setImmediate(spin);
    };
    spin();
  });
}

/** RxJS `timer(ms)` on a labrx {@link PreciseScheduler}. */
export function preciseMethod(scheduler: PreciseScheduler, key: string, label: string): SleepMethod {
  return { key, label, sleep: (ms, done) => void timer(ms, scheduler).subscribe(done) };
}

/** labrx's default: RxJS `timer(ms)` on the shared `preciseScheduler` (worker waker, 0.5 ms spin). */
export const labrxDefaultMethod: SleepMethod = preciseMethod(
  preciseScheduler,
  'labrx-default',
  `labrx preciseScheduler (default: worker waker, spin ${preciseScheduler.spinMs} ms)`,
);

/** The same scheduler with the timer waker only (what it does where worker threads are missing). */
export function labrxTimerWakerMethod(spinMs?: number): SleepMethod {
  const scheduler = new PreciseScheduler(spinMs === undefined ? { waker: 'timer' } : { waker: 'timer', spinMs });
  return preciseMethod(scheduler, 'labrx-timer-waker', `labrx PreciseScheduler, timer waker (spin ${scheduler.spinMs} ms)`);
}

/** The blocking face's wait: `Atomics.wait` on the main thread, with `ms` as its timeout. */
export function atomicsWaitMethod(): SleepMethod {
  const cell = new Int32Array(new SharedArrayBuffer(4));
  return {
    key: 'atomics-wait',
    label: 'Atomics.wait (blocking)',
    sleep(ms, done) {
      // Nobody notifies the cell: the call returns 'timed-out' after `ms`.
      Atomics.wait(cell, 0, 0, ms);
      done();
    },
  };
}
