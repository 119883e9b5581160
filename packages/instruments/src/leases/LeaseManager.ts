import { BehaviorSubject, concat, defer, EMPTY, filter, map, NEVER, Observable, of, switchMap, take } from 'rxjs';
import { ResourceBusyError, type LeaseArbiter } from '@labrx/core';
import { Lease, type LeaseBody, type LeaseHolder, type LeaseMember, type LeaseTable } from './Lease.js';

export type { LeaseHolder, LeasedWork, LeaseBody } from './Lease.js';

/** Options of a lease request. */
export interface LeaseOptions {
  /**
   * Queue behind the current holder (true, default) or fail at once with `ResourceBusyError`
   * (false). Applies to this request only: joining a held shared lease never waits, joining a
   * queued one does.
   */
  readonly wait?: boolean;
  /** What the lease is for (see `LeaseHolder.key`); default: the owner. */
  readonly key?: string;
}

/**
 * Leases on a board's hardware modules ('scope', 'asg0', 'iq2', …): exclusive and first come first
 * served, except that pipelines of equal key may share one (`shared$`).
 *
 * A request names *all* the modules it needs and gets them together or not at all: no
 * hold-and-wait, so no deadlock. A waiting request blocks later requests for any of its modules, so
 * each module is granted in request order (no starvation). Every lease is an Observable:
 * unsubscribing releases it (or leaves the queue) — after the work's teardown and its cleanup, so
 * the next holder never races them.
 *
 * @example
 * const sub = leases.lease$(['asg0', 'iq2'], 'na').subscribe(() => sweep());
 * sub.unsubscribe(); // releases asg0 and iq2; the next in queue runs
 */
export class LeaseManager {
  private readonly held = new Map<string, Lease<unknown>>();
  private readonly queue: Lease<unknown>[] = [];
  /** The newest shared lease per modules and key: the one a request of equal key may join. */
  private readonly shareable = new Map<string, Lease<unknown>>();
  private readonly holders = new BehaviorSubject<ReadonlyMap<string, LeaseHolder>>(new Map());
  private readonly table: LeaseTable = {
    changed: () => this.publish(),
    release: (lease) => this.release(lease),
  };

  constructor(
    /** For a board other processes share: `using$` also leases the modules there, after they are granted here. */
    private readonly arbiter?: LeaseArbiter,
  ) {}

  /** The current holder of every leased module; emits on every change (grant, release, join, leave). */
  readonly holders$: Observable<ReadonlyMap<string, LeaseHolder>> = this.holders.asObservable();

  /** Holder of `resource` now, or undefined. */
  holderOf(resource: string): LeaseHolder | undefined {
    return this.held.get(resource);
  }

  /**
   * Emits the holder of `resource` (or undefined) once it is not a lease in its cleanup, then
   * completes: at once when the module is free or held, after the release when a holder is still
   * restoring it. So a plain `asg0.set()` right after `await na.single()` waits for the NA to give the
   * generator back (a round trip on a remote board) instead of finding it busy. `self` is the
   * caller's own lease, never waited for (its cleanup is the caller).
   */
  settledHolder$(resource: string, self?: LeaseHolder): Observable<LeaseHolder | undefined> {
    return this.holders$.pipe(
      map((held) => held.get(resource)),
      filter((holder) => !holder?.ending || holder === self),
      take(1),
    );
  }

  /** Number of leases waiting in the queue (requests that joined one queued shared lease count once). */
  get waiting(): number {
    return this.queue.length;
  }

  /**
   * Requests `resources` for `owner`, exclusively. Emits the grant once and never completes;
   * unsubscribe to release. With `{ wait: false }` errors with `ResourceBusyError` naming the holder
   * when any module is taken (or requested earlier by someone still waiting).
   */
  lease$(resources: readonly string[], owner: string, options: LeaseOptions = {}): Observable<LeaseHolder> {
    return this.using$(resources, owner, options, (lease) => concat(of(lease), NEVER));
  }

  /**
   * Runs `body` while holding an exclusive lease on `resources`: calls it once the lease is
   * granted, mirrors its Observable (or `work$`), and when that completes, errors or is
   * unsubscribed, tears it down, runs its `cleanup` (if it returned a `LeasedWork`) and only then
   * releases the lease. So a body's cleanup (the NA giving the generator back) still holds the lease
   * and cannot race the next holder, however long it takes.
   *
   * @example
   * leases.using$(['asg0', 'iq2'], 'na', {}, (lease) => sweep$(lease))
   */
  using$<T>(resources: readonly string[], owner: string, options: LeaseOptions, body: LeaseBody<T>): Observable<T> {
    const arbiter = this.arbiter;
    if (!arbiter) return this.member$(resources, owner, options, body, false);
    // A board shared beyond this process: once granted here, the modules are leased there too
    // before the work starts (docs/decisions/0011-remote-boards.md); the remote lease ends with the work.
    return this.member$(
      resources,
      owner,
      options,
      (holder) => {
        const work = body(holder);
        let granted = false;
        const work$ = arbiter.lease$(resources, owner, options.wait !== false).pipe(
          switchMap(() => {
            granted = true;
            return work instanceof Observable ? work : work.work$;
          }),
        );
        if (work instanceof Observable || work.cleanup === undefined) return work$;
        // A cleanup undoes what the work did: where the remote lease was never granted, the work never
        // ran and there is nothing to undo (restoring a generator there would queue behind its holder).
        const { run$, onError } = work.cleanup;
        return { work$, cleanup: { run$: defer(() => (granted ? run$ : EMPTY)), onError } };
      },
      false,
    );
  }

  /**
   * As `using$`, but a request whose modules and `key` equal those of a lease already held joins it
   * instead of queueing: one run of the body serves every member (each gets its notifications from
   * when it joined), and the lease ends when the last member leaves. `key` must identify the body:
   * equal keys, interchangeable bodies (the scope's key is its acquisition settings).
   *
   * Joining follows the queue's rules, per request: a held lease takes new members only while
   * nobody waits for its modules (otherwise the request queues, and those after it with the same
   * key join it there), so sharing cannot starve a waiter; a queued lease takes members that are
   * willing to wait. `wait` and `owner` are each member's own: a `{ wait: false }` request that
   * fails leaves nothing behind, and `owners` lists whoever still holds the lease.
   *
   * @example
   * leases.shared$(['scope'], 'specan', { key: scopeKey }, () => acquireForever$)
   */
  shared$<T>(resources: readonly string[], owner: string, options: LeaseOptions & { readonly key: string }, body: LeaseBody<T>): Observable<T> {
    return this.member$(resources, owner, options, body, true);
  }

  /** Ends every queued request with `error` (used when the board closes). */
  failAll(error: Error): void {
    for (const lease of this.queue.splice(0)) lease.fail(error);
  }

  private member$<T>(resources: readonly string[], owner: string, options: LeaseOptions, body: LeaseBody<T>, shared: boolean): Observable<T> {
    return new Observable<T>((subscriber) => {
      const modules = [...new Set(resources)];
      const key = options.key ?? owner;
      const member: LeaseMember<T> = { owner, subscriber };
      const id = `${[...modules].sort().join('+')}\u0000${key}`;
      const existing = shared ? (this.shareable.get(id) as Lease<T> | undefined) : undefined;
      if (existing?.state === 'held' && !this.awaited(existing.resources, this.queue.length)) {
        existing.join(member);
        return () => existing.leave(member);
      }
      if (existing?.state === 'queued') {
        if (options.wait === false) {
          subscriber.error(this.busy(existing.resources));
          return undefined;
        }
        existing.join(member);
        return () => existing.leave(member);
      }
      const lease = new Lease<T>(modules, key, shared, body, this.table);
      if (!this.canGrant(modules, this.queue.length) && options.wait === false) {
        subscriber.error(this.busy(modules));
        return undefined;
      }
      lease.join(member);
      if (shared) this.shareable.set(id, lease);
      if (this.canGrant(modules, this.queue.length)) this.grant(lease);
      else this.queue.push(lease);
      return () => lease.leave(member);
    });
  }

  /** Free when none of `resources` is held and no earlier waiter (before index `upTo`) wants one of them. */
  private canGrant(resources: readonly string[], upTo: number): boolean {
    return !resources.some((r) => this.held.has(r)) && !this.awaited(resources, upTo);
  }

  /** Whether a waiter before index `upTo` of the queue wants one of `resources`. */
  private awaited(resources: readonly string[], upTo: number): boolean {
    return this.queue.slice(0, upTo).some((w) => w.resources.some((r) => resources.includes(r)));
  }

  /** The error for a `{ wait: false }` request that would have to wait, naming what it waits for. */
  private busy(resources: readonly string[]): ResourceBusyError {
    for (const r of resources) {
      const holder = this.held.get(r);
      if (holder) return new ResourceBusyError(r, holder.owner);
    }
    const queued = this.queue.find((w) => w.resources.some((r) => resources.includes(r)));
    const resource = resources.find((r) => queued?.resources.includes(r)) ?? resources[0]!;
    return new ResourceBusyError(resource, queued?.owner || 'a queued request');
  }

  private grant(lease: Lease<unknown>): void {
    for (const r of lease.resources) this.held.set(r, lease);
    this.publish();
    lease.start();
  }

  /** A lease is over: take it out of the queue or free its modules, then grant whoever can go. */
  private release(lease: Lease<unknown>): void {
    for (const [id, l] of this.shareable) if (l === lease) this.shareable.delete(id);
    const i = this.queue.indexOf(lease);
    if (i >= 0) {
      this.queue.splice(i, 1);
    } else {
      let released = false;
      for (const r of lease.resources) {
        if (this.held.get(r) === lease) {
          this.held.delete(r);
          released = true;
        }
      }
      if (released) this.publish();
    }
    this.pump();
  }

  /** Grants every queued request that has become free, in order. */
  private pump(): void {
    for (let i = 0; i < this.queue.length; ) {
      const lease = this.queue[i]!;
      if (this.canGrant(lease.resources, i)) {
        this.queue.splice(i, 1);
        this.grant(lease);
        // a grant's body may have released or requested synchronously: rescan from the start
        i = 0;
      } else {
        i++;
      }
    }
  }

  private publish(): void {
    this.holders.next(new Map(this.held));
  }
}
