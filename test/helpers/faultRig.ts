import { asyncScheduler, type SchedulerAction, type SchedulerLike, type Subscription } from 'rxjs';
import type { BoardDriver } from '@labrx/core';
import { connect, type Board } from 'labrx';
import { startFaultProxy, type FaultProxy } from './faultProxy.js';

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

/** What `withFaultyDriver` needs: the server under test, how to connect a driver, how to check the bystander. */
export interface FaultRigSpec<D> {
  /** The server (port, and how many connections it holds now). */
  readonly server: { readonly port: number; readonly connections: number };
  /** Connects a driver to `port` (the proxy) with its timers on `scheduler`. */
  connect(port: number, scheduler: CountingScheduler): Promise<D & BoardDriver>;
  /** Checks that a client of the same server, not behind the proxy, is answered (asserts itself). */
  checkBystander(): Promise<void>;
}

/** Assertions `withFaultyDriver` makes. */
type RigAssertions = { is: (a: unknown, b: unknown, m?: string) => void; deepEqual: (a: unknown, b: unknown, m?: string) => void };

/**
 * A driver behind a fresh fault proxy, as a `Board`; `body` runs, then board and proxy are closed and
 * the leftovers counted: the bystander is answered, no socket and no driver timer remain.
 */
export async function withFaultyDriver<D>(t: RigAssertions, spec: FaultRigSpec<D>, body: (rig: { proxy: FaultProxy; driver: D; rp: Board }) => Promise<void>): Promise<void> {
  await serverSettled(spec.server);
  const before = socketHandles();
  const proxy = await startFaultProxy({ host: '127.0.0.1', port: spec.server.port });
  const scheduler = new CountingScheduler();
  const driver = await spec.connect(proxy.port, scheduler);
  const rp = await connect({ driver });
  try {
    await body({ proxy, driver, rp });
  } finally {
    await rp.close();
    await proxy.close();
  }
  await spec.checkBystander();
  await serverSettled(spec.server);
  t.deepEqual(socketHandles(), before, 'no socket left behind');
  t.is(scheduler.pending, 0, 'no timer of the driver left behind');
}

/** Waits until `server` has only the bystander left and closed sockets are gone (a few turns). */
export async function serverSettled(server: { readonly connections: number }): Promise<void> {
  for (let i = 0; i < 200 && server.connections > 1; i++) await new Promise((r) => setTimeout(r, 10));
  await new Promise((r) => setTimeout(r, 20));
}

/** The worst round trip (ms) of `probe` (a bystander's request), repeated while `during` runs. */
export async function worstRoundTripMs(probe: () => Promise<unknown>, during: Promise<unknown>): Promise<number> {
  let worst = 0;
  let done = false;
  void during.finally(() => (done = true)).catch(() => undefined);
  while (!done) {
    const t0 = performance.now();
    await probe();
    worst = Math.max(worst, performance.now() - t0);
    await new Promise((r) => setTimeout(r, 5));
  }
  return worst;
}
