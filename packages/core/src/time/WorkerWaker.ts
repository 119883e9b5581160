import type { Worker } from 'node:worker_threads';

/**
 * The worker's program (CommonJS, run with `eval`). It sleeps in `Atomics.wait`, whose timeout
 * the kernel honours to tens of microseconds (unlike Node's whole-millisecond timers), until the
 * target time in shared memory, posts the generation it woke for, then waits for a new target.
 * The main thread changes the target by writing it and bumping the generation, which also cuts
 * short the current wait (`Atomics.wait` returns when the generation no longer matches).
 */
const WORKER_SOURCE = `
const { workerData, parentPort } = require('node:worker_threads');
const ctl = new Int32Array(workerData, 0, 2);
const target = new Float64Array(workerData, 8, 1);
const hrMs = () => { const t = process.hrtime(); return t[0] * 1e3 + t[1] / 1e6; };
parentPort.postMessage(-1);
for (;;) {
  const gen = Atomics.load(ctl, 0);
  if (Atomics.load(ctl, 1) !== 0) break;
  const wait = target[0] - hrMs();
  if (wait > 0) {
    Atomics.wait(ctl, 0, gen, wait === Infinity ? undefined : wait);
    continue;
  }
  parentPort.postMessage(gen);
  Atomics.wait(ctl, 0, gen);
}
`;

/** Node's `process.hrtime` in ms (CLOCK_MONOTONIC, the clock `performance.now()` also reads). */
function hrMs(): number {
  const [s, ns] = process.hrtime();
  return s * 1e3 + ns / 1e6;
}

type WorkerThreads = typeof import('node:worker_threads');

/** `node:worker_threads` when the host has it (Node ≥ 20.16), without a static import that would break a browser bundle. */
function workerThreads(): WorkerThreads | undefined {
  const host = globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } };
  return host.process?.getBuiltinModule?.('node:worker_threads') as WorkerThreads | undefined;
}

/** Someone who wants to be woken: a `PreciseScheduler`. */
export interface WakeClient {
  /** The requested time has come (called on the main thread; maybe slightly early: re-check the clock). */
  wake(): void;
  /** The thread is up: `wakeAt` takes effect from now on. */
  ready(): void;
  /** The thread died; the waker stays inert from now on. */
  failed(error: unknown): void;
}

/**
 * Wakes the main thread at requested times, to within about 0.1–0.5 ms (the more the longer
 * the sleep), at almost no CPU: a helper thread sleeps in `Atomics.wait` and posts a message when
 * the earliest requested time comes. Used by `PreciseScheduler` to replace most of the busy spin that Node's 1-ms timers
 * would need.
 *
 * One thread per process, shared by every client (each thread costs a V8 isolate, ~8 MiB), started
 * on first use and `unref`'d: it never keeps the process alive (the scheduler's own fallback timer
 * does that while work is pending).
 */
export class WorkerWaker {
  private static instance: WorkerWaker | undefined;

  private readonly ctl: Int32Array;
  private readonly target: Float64Array;
  private readonly worker: Worker;
  /** hrtime ms − performance.now() ms: both read CLOCK_MONOTONIC, so this is constant. */
  private readonly offset: number;
  /** Requested wake time per client, ms on the `performance.now()` clock. */
  private readonly requests = new Map<WakeClient, number>();
  private readonly clients = new Set<WakeClient>();
  /** The time the thread is armed for; NaN once spent (so that re-arming it wakes again). */
  private armed = Infinity;
  private isReady = false;
  private failure: unknown;

  /** True if the host has worker threads (so `shared()` can succeed). */
  static available(): boolean {
    return workerThreads() !== undefined;
  }

  /** The process-wide waker, started on first call; undefined if the host has no worker threads. */
  static shared(): WorkerWaker | undefined {
    if (WorkerWaker.instance === undefined) {
      const threads = workerThreads();
      if (threads !== undefined) WorkerWaker.instance = new WorkerWaker(threads);
    }
    return WorkerWaker.instance;
  }

  private constructor(threads: WorkerThreads) {
    const shared = new SharedArrayBuffer(16);
    this.ctl = new Int32Array(shared, 0, 2);
    this.target = new Float64Array(shared, 8, 1);
    this.target[0] = Infinity;
    this.offset = hrMs() - performance.now();
    // execArgv []: the thread needs no loader (tsx etc.) and boots faster without one.
    this.worker = new threads.Worker(WORKER_SOURCE, { eval: true, workerData: shared, execArgv: [], stdout: false, stderr: false });
    this.worker.on('message', (gen: number) => {
      if (gen === -1) {
        this.isReady = true;
        for (const client of [...this.clients]) client.ready();
      } else if (gen === Atomics.load(this.ctl, 0)) {
        this.onWake();
      }
    });
    this.worker.on('error', (error) => {
      this.isReady = false;
      this.failure = error;
      // Not fatal (clients fall back to timers), but said once, never silently.
      process.emitWarning(`labrx: the precise-timing thread failed; precise waits fall back to timers: ${String(error)}`, 'LabrxTimingWarning');
      for (const client of [...this.clients]) client.failed(error);
    });
    // After the listeners: adding a 'message' listener refs the worker's port again.
    this.worker.unref();
  }

  /** True once the thread runs and has not failed. */
  get ready(): boolean {
    return this.isReady && this.failure === undefined;
  }

  /** Registers `client` for `ready`/`failed` notices (idempotent). */
  attach(client: WakeClient): void {
    this.clients.add(client);
  }

  /** Asks for one wake-up of `client` at `time` (ms on the `performance.now()` clock); Infinity: none. Replaces its previous request. */
  wakeAt(client: WakeClient, time: number): void {
    if (time === Infinity) this.requests.delete(client);
    else this.requests.set(client, time);
    this.rearm();
  }

  /** Arms the thread for the earliest request. */
  private rearm(): void {
    let earliest = Infinity;
    for (const time of this.requests.values()) if (time < earliest) earliest = time;
    if (earliest === this.armed) return;
    this.armed = earliest;
    this.target[0] = earliest + this.offset;
    Atomics.add(this.ctl, 0, 1);
    Atomics.notify(this.ctl, 0);
  }

  private onWake(): void {
    // The armed time is spent; wake every client whose time has come (a small allowance for the
    // two threads reading the clock a moment apart), then arm the next request, if any.
    this.armed = NaN;
    const due = performance.now() + 0.01;
    const woken: WakeClient[] = [];
    for (const [client, time] of this.requests) {
      if (time <= due) {
        this.requests.delete(client);
        woken.push(client);
      }
    }
    this.rearm();
    for (const client of woken) client.wake();
  }
}
