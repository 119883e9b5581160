import { BehaviorSubject, Observable, switchMap, type Subscription } from 'rxjs';
import { ResourceBusyError, type LeaseArbiter } from '@labrx/core';

/** Who holds a module, and for which settings (pipelines with equal `key` may share one lease). */
export interface LeaseHolder {
  /** Name of the pipeline or instrument holding the lease ('scope', 'specan', 'na', …). */
  readonly owner: string;
  /** Identifies what the holder does with the module (e.g. its settings); informational. */
  readonly key: string;
}

/** Options of a lease request. */
export interface LeaseOptions {
  /** Queue behind the current holder (true, default) or fail at once with `ResourceBusyError` (false). */
  readonly wait?: boolean;
  /** What the lease is for (see `LeaseHolder.key`). */
  readonly key?: string;
}

interface Waiter {
  readonly resources: readonly string[];
  readonly holder: LeaseHolder;
  /** Called once when the modules are granted. */
  readonly granted: (holder: LeaseHolder) => void;
  /** Called instead when the request fails (busy with `wait: false`, board closed). */
  readonly failed: (error: Error) => void;
}

/**
 * Exclusive, first-come-first-served leases on a board's hardware modules ('scope', 'asg0', 'iq2', …).
 *
 * `lease$(resources, owner)` emits once when *all* the named modules are granted together and never
 * completes; unsubscribing releases them (or leaves the queue). Because a request takes all its modules
 * at once or none, there is no hold-and-wait and so no deadlock; because a waiting request blocks
 * later requests for any of its modules, each module is granted in request order (no starvation).
 *
 * @example
 * const sub = leases.lease$(['asg0', 'iq2'], 'na').subscribe(() => sweep());
 * sub.unsubscribe(); // releases asg0 and iq2; the next in queue runs
 */
export class LeaseManager {
  private readonly held = new Map<string, LeaseHolder>();
  private readonly queue: Waiter[] = [];
  private readonly holders = new BehaviorSubject<ReadonlyMap<string, LeaseHolder>>(new Map());

  constructor(
    /** For a board other processes share: `using$` also leases the modules there, after they are granted here. */
    private readonly arbiter?: LeaseArbiter,
  ) {}

  /** The current holder of every leased module; emits on every change. */
  readonly holders$: Observable<ReadonlyMap<string, LeaseHolder>> = this.holders.asObservable();

  /** Holder of `resource` now, or undefined. */
  holderOf(resource: string): LeaseHolder | undefined {
    return this.held.get(resource);
  }

  /** Number of requests waiting in the queue (for tests and user interfaces). */
  get waiting(): number {
    return this.queue.length;
  }

  /**
   * Requests `resources` for `owner`. Emits the grant once; unsubscribe to release. With
   * `{ wait: false }` errors with `ResourceBusyError` naming the holder when any module is taken
   * (or requested earlier by someone still waiting).
   */
  lease$(resources: readonly string[], owner: string, options: LeaseOptions = {}): Observable<LeaseHolder> {
    return new Observable<LeaseHolder>((subscriber) =>
      this.request(resources, owner, options, (holder) => subscriber.next(holder), (error) => subscriber.error(error)),
    );
  }

  /**
   * Runs `body` while holding a lease on `resources`: subscribes to it once the lease is granted,
   * mirrors it, and releases the lease when it completes, errors or is unsubscribed — after the
   * body's own teardown, so that a body's cleanup (the NA giving the generator back) still holds
   * the lease and cannot race the next holder. (`lease$.pipe(switchMap(body))` could not: the
   * lease never completes, and its teardown order is not the body's first.)
   *
   * @example
   * leases.using$(['asg0', 'iq2'], 'na', {}, (lease) => sweep$(lease))
   */
  using$<T>(resources: readonly string[], owner: string, options: LeaseOptions, body: (lease: LeaseHolder) => Observable<T>): Observable<T> {
    return new Observable<T>((subscriber) => {
      let inner: Subscription | undefined;
      const release = this.request(
        resources,
        owner,
        options,
        (holder) => {
          try {
            const arbiter = this.arbiter;
            inner = (arbiter ? arbiter.lease$(resources, owner, options.wait !== false).pipe(switchMap(() => body(holder))) : body(holder)).subscribe(subscriber);
          } catch (error) {
            subscriber.error(error);
          }
        },
        (error) => subscriber.error(error),
      );
      return () => {
        inner?.unsubscribe();
        release();
      };
    });
  }

  /**
   * Queues (or grants at once) a request; `granted` or `failed` is called exactly once, unless the
   * returned function is called first. That function releases the modules, or leaves the queue.
   */
  private request(resources: readonly string[], owner: string, options: LeaseOptions, granted: (holder: LeaseHolder) => void, failed: (error: Error) => void): () => void {
    const holder: LeaseHolder = { owner, key: options.key ?? owner };
    const waiter: Waiter = { resources: [...new Set(resources)], holder, granted, failed };
    if (this.canGrant(waiter, this.queue.length)) {
      this.grant(waiter);
    } else if (options.wait === false) {
      const busy = waiter.resources.find((r) => this.held.has(r)) ?? waiter.resources[0]!;
      const by = this.held.get(busy)?.owner ?? this.queue.find((w) => w.resources.includes(busy))?.holder.owner ?? 'a queued request';
      failed(new ResourceBusyError(busy, by));
      return () => undefined;
    } else {
      this.queue.push(waiter);
    }
    return () => {
      const i = this.queue.indexOf(waiter);
      if (i >= 0) {
        this.queue.splice(i, 1);
        this.pump();
        return;
      }
      let released = false;
      for (const r of waiter.resources) {
        if (this.held.get(r) === holder) {
          this.held.delete(r);
          released = true;
        }
      }
      if (released) {
        this.publish();
        this.pump();
      }
    };
  }

  /** Free when none of its modules is held and no earlier waiter (before index `upTo`) wants one of them. */
  private canGrant(w: Waiter, upTo: number): boolean {
    if (w.resources.some((r) => this.held.has(r))) return false;
    for (let i = 0; i < upTo; i++) {
      const earlier = this.queue[i]!;
      if (earlier.resources.some((r) => w.resources.includes(r))) return false;
    }
    return true;
  }

  private grant(w: Waiter): void {
    for (const r of w.resources) this.held.set(r, w.holder);
    this.publish();
    w.granted(w.holder);
  }

  /** Grants every queued request that has become free, in order. */
  private pump(): void {
    for (let i = 0; i < this.queue.length; ) {
      const w = this.queue[i]!;
      if (this.canGrant(w, i)) {
        this.queue.splice(i, 1);
        this.grant(w);
        // a grant's subscriber may have released or requested synchronously: rescan from the start
        i = 0;
      } else {
        i++;
      }
    }
  }

  private publish(): void {
    this.holders.next(new Map(this.held));
  }

  /** Ends every pending request with `error` (used when the board closes). */
  failAll(error: Error): void {
    const pending = this.queue.splice(0);
    for (const w of pending) w.failed(error);
  }
}
