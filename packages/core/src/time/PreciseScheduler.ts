import { Subscription, type SchedulerAction, type SchedulerLike } from 'rxjs';
import { DeadlineQueue, type Deadline } from './DeadlineQueue.js';
import { WorkerWaker, type WakeClient } from './WorkerWaker.js';

/** What wakes a {@link PreciseScheduler} shortly before a deadline, so that only a short spin remains. */
export type PreciseWaker = 'auto' | 'worker' | 'timer';

/** Options of a {@link PreciseScheduler}. */
export interface PreciseSchedulerOptions {
  /**
   * - `'worker'`: a helper thread sleeping in `Atomics.wait` (its wake-up arrives 0.1–0.5 ms late)
   *   wakes the event loop `spinMs` before the deadline. Spins up to `spinMs` per deadline.
   * - `'timer'`: a coarse `setTimeout` (whole ms, up to ~1 ms early or late) wakes it about
   *   `spinMs` before. Spins ~`spinMs` + 0.5 ms per deadline.
   * - `'auto'` (default): `'worker'` where the host has worker threads, else `'timer'`; also
   *   `'timer'` while the thread starts (a few ms after the first wait) or if it failed.
   */
  readonly waker?: PreciseWaker;
  /**
   * How long before a deadline the waker hands over to the spin, in ms, ≥ 0. Default
   * {@link DEFAULT_WORKER_SPIN_MS} with the worker waker, {@link DEFAULT_TIMER_SPIN_MS} with the
   * timer. Larger: fewer late wake-ups when the waker itself is late, at more CPU.
   */
  readonly spinMs?: number;
  /**
   * Longest stretch of due work one event-loop turn runs before it yields, in ms (default
   * {@link DEFAULT_SLICE_MS}; Infinity: never yield). When more work is due than the CPU can do
   * (a fleet of boards falling behind), the rest runs on the next turns, after timers and I/O,
   * instead of blocking the event loop until the backlog is gone. At least one action runs per turn.
   */
  readonly sliceMs?: number;
}

/**
 * Default hand-over margin of the timer waker, ms. Node's timers count whole milliseconds, so a
 * `setTimeout(f, k)` runs from about 0.9 ms early to 1.2 ms late (p99, idle loop) on the machine
 * of bench/results/timing.md; 1.5 ms covers that tail (docs/decisions/0004-precise-sleep.md).
 */
export const DEFAULT_TIMER_SPIN_MS = 1.5;

/**
 * Default hand-over margin of the worker waker, ms. The thread's wake-up reaches the event loop
 * 0.1–0.5 ms after its target on the machine of bench/results/timing.md (more after long sleeps,
 * when the cores have gone idle); 0.5 ms leaves the spin to decide in nearly every case, for
 * about 0.5 ms of spinning per wait (docs/decisions/0004-precise-sleep.md).
 */
export const DEFAULT_WORKER_SPIN_MS = 0.5;

/**
 * Default time slice, ms: keeps the event loop's delay within a few ms under overload (one slice
 * plus the longest single action) while costing one extra event-loop turn (~µs) per slice.
 */
export const DEFAULT_SLICE_MS = 2;

/** Longest delay one Node timer accepts (2^31 − 1 ms); longer waits re-arm. */
const MAX_TIMER_MS = 2_147_483_647;

/**
 * An RxJS scheduler that runs each action a few microseconds after its deadline (on an event loop
 * that is not otherwise busy), never before it, without blocking the event loop, and at a small
 * CPU cost.
 *
 * **How:** a waker sleeps until about `spinMs` before the earliest deadline, then a `setImmediate`
 * loop checks the clock once per event-loop turn until the deadline has passed. The spin yields to
 * everything else on every turn (I/O, timers, other immediates), so competing work keeps running.
 * The default waker is a helper thread in `Atomics.wait` (its wake-up arrives within ~0.5 ms,
 * so the spin is short); the fallback is a coarse `setTimeout`, which needs a ~1.5 ms spin because Node's timers
 * count whole milliseconds. A plain `setTimeout` to the deadline itself also stays armed (one ms
 * after it) in case the helper thread is starved, and it is what keeps the process alive while
 * work is pending. All actions share one queue, one timer and one immediate, and every
 * PreciseScheduler in the process shares the one helper thread (~8 MiB), so a thousand pending
 * waits cost what one does; with nothing pending no timer or immediate is held
 * and the process may exit. Due work runs in slices of `sliceMs`: when more is due than the CPU
 * can do, the event loop still turns between slices (timers, I/O), so it stays responsive while the
 * backlog drains in deadline order.
 *
 * **When to use:** real-time pacing where a millisecond matters: waits of a few ms (settle
 * times, polling a board), rate-controlled streams. For tests use `VirtualClock`.
 *
 * **Semantics** (those of RxJS's `asyncScheduler`): `now()` is in ms since the epoch, but
 * monotonic and sub-millisecond (`performance.timeOrigin + performance.now()`).
 * `schedule(work, delay, state)` runs `work` with `this` bound to the action once `delay` ms
 * have passed since the call; inside `work`, `this.schedule(state, delay)` schedules it again.
 * Actions with equal deadlines run in the order they were scheduled. Unsubscribing before the
 * deadline means `work` never runs. A negative or NaN delay counts as 0: the next event-loop
 * turn (not the 1 ms floor of `setTimeout`). If `work` throws, that action is unsubscribed, the
 * other due actions still run, and the error is rethrown from the event-loop callback (an
 * uncaught exception, as with `asyncScheduler`): never swallowed.
 *
 * Needs `setTimeout`, `setImmediate` and `performance` (Node); the worker waker also needs
 * `process.getBuiltinModule` (Node ≥ 20.16).
 *
 * @example
 * import { timer } from 'rxjs';
 * import { preciseScheduler } from '@labrx/core';
 * timer(2.5, preciseScheduler).subscribe(() => console.log('2.5 ms later, give or take µs'));
 *
 * @see preciseScheduler the shared default instance
 */
export class PreciseScheduler implements SchedulerLike {
  /** Hand-over margin in ms (see {@link PreciseSchedulerOptions.spinMs}). */
  readonly spinMs: number;
  /** The waker asked for. */
  readonly waker: PreciseWaker;
  /** Time slice in ms (see {@link PreciseSchedulerOptions.sliceMs}). */
  readonly sliceMs: number;
  private readonly origin = performance.timeOrigin;
  private readonly queue = new DeadlineQueue<PreciseAction<unknown>>();
  private seq = 0;
  private timer: ReturnType<typeof setTimeout> | undefined;
  /** The deadline (ms) the armed timer serves; Infinity when none. */
  private timerDue = Infinity;
  private immediate: ReturnType<typeof setImmediate> | undefined;
  private worker: WorkerWaker | undefined;
  private workerFailed = false;
  /** How the shared helper thread reaches this scheduler. */
  private readonly client: WakeClient = {
    // While the spin is on, it decides (and another flush now would cut in ahead of the
    // immediates that a time slice yields to).
    wake: () => this.immediate === undefined && this.flush(),
    // Switch from the timer to the thread at once; the spin decides as before.
    ready: () => this.flushing || this.arm(),
    failed: () => {
      this.workerFailed = true;
      if (!this.flushing) this.arm();
    },
  };
  /** True while `flush` runs work: re-arming is left to its end. */
  private flushing = false;

  constructor(options: PreciseSchedulerOptions = {}) {
    const waker = options.waker ?? 'auto';
    if (waker !== 'auto' && waker !== 'worker' && waker !== 'timer') throw new RangeError(`PreciseScheduler: waker must be 'auto', 'worker' or 'timer', got ${String(waker)}`);
    const spinMs = options.spinMs ?? (waker === 'timer' ? DEFAULT_TIMER_SPIN_MS : DEFAULT_WORKER_SPIN_MS);
    if (!(spinMs >= 0) || !Number.isFinite(spinMs)) throw new RangeError(`PreciseScheduler: spinMs must be a finite number ≥ 0, got ${spinMs}`);
    const sliceMs = options.sliceMs ?? DEFAULT_SLICE_MS;
    if (!(sliceMs >= 0)) throw new RangeError(`PreciseScheduler: sliceMs must be a number ≥ 0 (or Infinity), got ${sliceMs}`);
    if (waker === 'worker' && !WorkerWaker.available()) throw new Error("PreciseScheduler: waker 'worker' needs worker threads (Node ≥ 20.16)");
    this.waker = waker;
    this.spinMs = spinMs;
    this.sliceMs = sliceMs;
  }

  /** Current time in ms since the epoch, monotonic, sub-microsecond resolution. */
  now(): number {
    return this.origin + performance.now();
  }

  /** Number of actions waiting (for tests and diagnostics). */
  get pending(): number {
    return this.queue.size;
  }

  /** True while the helper-thread waker is up and in use (for diagnostics and the bench). */
  get usingWorker(): boolean {
    return this.worker?.ready === true;
  }

  schedule<T>(work: (this: SchedulerAction<T>, state: T) => void, delay: number, state: T): Subscription;
  schedule<T>(work: (this: SchedulerAction<T>, state?: T) => void, delay: number, state?: T): Subscription;
  schedule<T>(work: (this: SchedulerAction<T>, state?: T) => void, delay?: number, state?: T): Subscription;
  /**
   * Runs `work(state)` (with `this` = the action) `delay` ms from now (default 0). Returns the
   * action: unsubscribe it to cancel.
   */
  schedule<T>(work: (this: SchedulerAction<T>, state?: T) => void, delay = 0, state?: T): Subscription {
    // Read the clock before any bookkeeping, so that the delay counts from the call itself.
    const start = this.now();
    return new PreciseAction<T>(this, work).scheduleFrom(start, state, delay);
  }

  /** @internal Queues `action` for `delay` ms after `start` (ms), replacing any earlier deadline of it. */
  enqueue(action: PreciseAction<unknown>, start: number, delay: number): void {
    this.queue.remove(action);
    action.due = start + (delay > 0 ? delay : 0);
    action.seq = this.seq++;
    this.queue.push(action);
    if (!this.flushing) this.arm();
  }

  /** @internal Drops `action` from the queue (cancellation). */
  dequeue(action: PreciseAction<unknown>): void {
    if (this.queue.remove(action) && !this.flushing) this.arm();
  }

  /**
   * Makes sure exactly the right wake-ups are pending for the earliest deadline: none when idle;
   * the spin (an immediate) within `spinMs` of it; else a waker.
   */
  private arm(): void {
    const head = this.queue.peek();
    if (head === undefined) {
      this.clearTimer();
      this.clearImmediate();
      this.worker?.wakeAt(this.client, Infinity);
      return;
    }
    const remaining = head.due - this.now();
    const worker = this.readyWorker();
    if (worker !== undefined) {
      if (remaining <= this.spinMs) return this.spin();
      this.clearImmediate();
      worker.wakeAt(this.client, head.due - this.origin - this.spinMs);
      // Safety net if the thread is starved, and the handle that keeps the process alive.
      this.armTimer(head.due, Math.ceil(remaining) + 1);
      return;
    }
    // Node counts a timer's delay in whole ms (it fires when its ms clock has advanced that far,
    // i.e. up to ~1 ms early or late in real time); flooring keeps the wake-up on the early side
    // so that the spin, not the timer, decides.
    const sleepMs = Math.floor(remaining - this.spinMs);
    if (sleepMs < 1) return this.spin();
    this.clearImmediate();
    this.armTimer(head.due, sleepMs);
  }

  private spin(): void {
    this.clearTimer();
    this.immediate ??= setImmediate(this.flush);
  }

  /** Arms the timer for deadline `due` in `ms`, unless one is armed for that deadline or an earlier one. */
  private armTimer(due: number, ms: number): void {
    // One armed for an earlier (since cancelled) deadline just wakes us early and `flush`
    // re-arms: cheaper than clearing and setting a timer on every schedule.
    if (this.timer !== undefined && this.timerDue <= due) return;
    this.clearTimer();
    this.timerDue = due;
    this.timer = setTimeout(this.flush, Math.min(MAX_TIMER_MS, ms)); // labrx-allow-wallclock: the scheduler itself wraps the host timer
  }

  /** The helper-thread waker when it is wanted and up; starts it (or joins the running one) on first need. */
  private readyWorker(): WorkerWaker | undefined {
    if (this.waker === 'timer' || this.workerFailed) return undefined;
    if (this.worker === undefined) {
      this.worker = WorkerWaker.shared();
      // No worker threads on this host ('auto' only: 'worker' was checked in the constructor).
      if (this.worker === undefined) {
        this.workerFailed = true;
        return undefined;
      }
      this.worker.attach(this.client);
    }
    return this.worker.ready ? this.worker : undefined;
  }

  /** Runs every due action (those queued before this turn), then re-arms. Arrow: used as a callback. */
  private readonly flush = (): void => {
    if (this.flushing) return;
    // Whichever fired is spent. A timer or immediate still pending is fine: `arm` keeps or replaces it.
    this.clearTimer();
    this.clearImmediate();
    // Actions (re)scheduled while flushing get a seq ≥ limit and wait for the next turn, so an
    // action that reschedules itself with delay 0 cannot starve the event loop.
    const limit = this.seq;
    let errors: unknown[] | undefined;
    this.flushing = true;
    try {
      const sliceEnd = this.now() + this.sliceMs;
      for (let head = this.queue.peek(), t = this.now(); head !== undefined && head.seq < limit && head.due <= t; head = this.queue.peek()) {
        this.queue.pop();
        const error = head.execute();
        if (error !== undefined) (errors ??= []).push(error.value);
        t = this.now();
        // Out of slice: what is still due runs on the next turn (arm() sees it due and spins).
        if (t >= sliceEnd) break;
      }
    } finally {
      this.flushing = false;
      this.arm();
    }
    if (errors !== undefined) {
      throw errors.length === 1 ? errors[0] : new AggregateError(errors, `PreciseScheduler: ${errors.length} scheduled actions threw`);
    }
  };

  private clearTimer(): void {
    if (this.timer !== undefined) {
      clearTimeout(this.timer);
      this.timer = undefined;
      this.timerDue = Infinity;
    }
  }

  private clearImmediate(): void {
    if (this.immediate !== undefined) {
      clearImmediate(this.immediate);
      this.immediate = undefined;
    }
  }
}

/**
 * One scheduled piece of work on a {@link PreciseScheduler}: the Subscription that `schedule`
 * returns. Like RxJS's `AsyncAction` it stays usable after it ran (work may reschedule it later);
 * unsubscribing removes it from the queue for good.
 */
class PreciseAction<T> extends Subscription implements SchedulerAction<T>, Deadline {
  due = 0;
  seq = 0;
  queueIndex = -1;
  private state: T | undefined;

  constructor(
    private readonly scheduler: PreciseScheduler,
    private readonly work: (this: SchedulerAction<T>, state?: T) => void,
  ) {
    super();
    this.add(() => scheduler.dequeue(this as PreciseAction<unknown>));
  }

  /** (Re)schedules this action `delay` ms from now with `state`; a closed action stays closed. */
  schedule(state?: T, delay = 0): Subscription {
    return this.scheduleFrom(this.scheduler.now(), state, delay);
  }

  /** (Re)schedules this action `delay` ms after `start` (ms on the scheduler's clock). */
  scheduleFrom(start: number, state: T | undefined, delay: number): Subscription {
    if (this.closed) return this;
    this.state = state;
    this.scheduler.enqueue(this as PreciseAction<unknown>, start, delay);
    return this;
  }

  /** Runs the work once; returns the thrown error, boxed (anything can be thrown, even undefined). */
  execute(): { value: unknown } | undefined {
    if (this.closed) return undefined;
    try {
      this.work.call(this, this.state);
      return undefined;
    } catch (value) {
      this.unsubscribe();
      return { value };
    }
  }
}

/**
 * The shared {@link PreciseScheduler} with default options (worker waker where available):
 * labrx's default scheduler for real-time pacing. See docs/decisions/0004-precise-sleep.md for
 * its measured precision and CPU cost.
 */
export const preciseScheduler: PreciseScheduler = new PreciseScheduler();
