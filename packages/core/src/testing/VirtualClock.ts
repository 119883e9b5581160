import { VirtualAction, VirtualTimeScheduler } from 'rxjs';

/**
 * A virtual-time RxJS scheduler for tests and benchmarks: delays cost nothing, and `run(promise)`
 * advances time exactly as far as needed for an awaited result to settle.
 *
 * `now()` is in milliseconds from 0. Unlike a bare `VirtualTimeScheduler.flush()`, `run` lets
 * Promise continuations (microtasks) run between timer frames, so async/await code driven by
 * the scheduler works.
 *
 * @example
 * const clock = new VirtualClock();
 * const rp = await connect({ sim: { scheduler: clock } });
 * const trace = await clock.run(rp.scope.single({ decimation: 65536 })); // 8.6 s, instantly
 */
export class VirtualClock extends VirtualTimeScheduler {
  constructor() {
    super(VirtualAction, Infinity);
  }

  /** Time of the next scheduled action in ms, or undefined when nothing is scheduled. */
  nextFrame(): number | undefined {
    return this.actions[0]?.delay;
  }

  /** Runs every action due at the next frame (and any scheduled for that same frame meanwhile). Returns false if idle. */
  step(): boolean {
    const next = this.nextFrame();
    if (next === undefined) return false;
    const max = this.maxFrames;
    this.maxFrames = next;
    try {
      this.flush();
    } finally {
      this.maxFrames = max;
    }
    return true;
  }

  /**
   * Advances virtual time until `promise` settles and returns its result. Throws if nothing is
   * scheduled for `idleRealMs` of real time while the promise is still pending (it would hang in
   * real life too), or if virtual time would pass `limitMs` from now.
   */
  async run<T>(promise: Promise<T>, limitMs = 3_600_000, idleRealMs = 5000): Promise<T> {
    let settled = false;
    const tracked = promise.then(
      (v) => ((settled = true), v),
      (e) => {
        settled = true;
        throw e;
      },
    );
    tracked.catch(() => undefined);
    const end = this.now() + limitMs;
    await drainMicrotasks();
    while (!settled) {
      let next = this.nextFrame();
      // Nothing scheduled: real asynchronous work (I/O, WebAssembly compilation) may still be under
      // way; wait for it in real time, up to idleRealMs, before calling it a hang.
      for (const started = performance.now(); next === undefined && !settled && performance.now() - started < idleRealMs; next = this.nextFrame()) {
        await new Promise((resolve) => setTimeout(resolve, 1));
      }
      if (settled) break;
      if (next === undefined) throw new Error(`VirtualClock.run: the promise is pending and nothing has been scheduled for ${idleRealMs} ms of real time (it would never settle)`);
      if (next > end) throw new Error(`VirtualClock.run: still pending after ${limitMs} ms of virtual time`);
      this.step();
      await drainMicrotasks();
    }
    return tracked;
  }

  /** Advances virtual time by `ms`, running everything due, with microtasks between frames. */
  async advanceBy(ms: number): Promise<void> {
    const end = this.now() + ms;
    await drainMicrotasks();
    for (let next = this.nextFrame(); next !== undefined && next <= end; next = this.nextFrame()) {
      this.step();
      await drainMicrotasks();
    }
    this.frame = Math.max(this.frame, end);
  }
}

/** Lets pending Promise callbacks run (one macrotask turn). */
export function drainMicrotasks(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
