import { asyncScheduler, type SchedulerAction, type SchedulerLike, type Subscription } from 'rxjs';

/** Sockets and servers open in this process (drivers', proxies' and the servers' ends), sorted. */
export const socketHandles = (): string[] =>
  process
    .getActiveResourcesInfo()
    .filter((r) => r === 'TCPSocketWrap' || r === 'TCPServerWrap')
    .sort();

/**
 * The real-time scheduler, counting the timers scheduled through it and not yet run or cancelled:
 * a driver's timers, told apart from a server's sharing the process.
 */
export class CountingScheduler implements SchedulerLike {
  /** Timers scheduled and neither run nor cancelled. */
  pending = 0;
  now(): number {
    return asyncScheduler.now();
  }
  schedule<T>(work: (this: SchedulerAction<T>, state?: T) => void, delay?: number, state?: T): Subscription {
    this.pending++;
    let counted = true;
    const done = (): void => {
      if (counted) this.pending--;
      counted = false;
    };
    const sub = asyncScheduler.schedule<T>(
      function (this: SchedulerAction<T>, s?: T) {
        done();
        work.call(this, s);
      },
      delay,
      state as T,
    );
    sub.add(done);
    return sub;
  }
}

/** Runs `op`, returning its error (or undefined) and how long it took (ms, wall clock). */
export async function outcome(op: Promise<unknown>): Promise<{ error: unknown; ms: number }> {
  const t0 = performance.now();
  try {
    await op;
    return { error: undefined, ms: performance.now() - t0 };
  } catch (error) {
    return { error, ms: performance.now() - t0 };
  }
}
