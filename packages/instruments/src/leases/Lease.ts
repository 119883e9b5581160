import { isObservable, Observable, type Subscriber, type Subscription } from 'rxjs';

/** Who holds a module, and what for. */
export interface LeaseHolder {
  /** The owners of the pipelines holding the lease, joined by ', ' ('scope', 'specan', 'scope, specan'). */
  readonly owner: string;
  /**
   * The owner of every pipeline holding the lease, each once, in the order they joined: one name,
   * unless pipelines of equal key share the lease (`LeaseManager.shared$`). Changes as they join and
   * leave; while the last one's cleanup runs, its owner is kept.
   */
  readonly owners: readonly string[];
  /** What the holder does with the modules (e.g. its settings key); pipelines share only on equal keys. */
  readonly key: string;
  /** True while its work is over and its cleanup runs (restoring a module): it frees the modules by itself, soon. */
  readonly ending: boolean;
}

/** What a lease body may return instead of a bare Observable: the work, and a cleanup run under the lease. */
export interface LeasedWork<T> {
  /** What runs under the lease; its notifications go to the subscriber(s). */
  readonly work$: Observable<T>;
  /**
   * Runs once `work$` has ended however it ended (complete, error, last subscriber gone), still
   * under the lease: the lease goes to the next holder only when `run$` completes or errors, so a
   * cleanup that restores a module cannot race the next holder. `run$` must end; its error goes to
   * `onError` (the pipeline it cleans up after is over, so nobody else could receive it).
   */
  readonly cleanup?: { readonly run$: Observable<unknown>; readonly onError: (error: unknown) => void };
}

/** What a lease runs once granted. */
export type LeaseBody<T> = (lease: LeaseHolder) => Observable<T> | LeasedWork<T>;

/** A pipeline holding (or waiting for) a lease. */
export interface LeaseMember<T> {
  readonly owner: string;
  readonly subscriber: Subscriber<T>;
}

/** What a lease tells the table it sits in. */
export interface LeaseTable {
  /** The holders changed (a pipeline joined or left a held lease). */
  changed(): void;
  /** The lease is over (left the queue, or its work and cleanup ended): free its modules. */
  release(lease: Lease<unknown>): void;
}

/**
 * One lease on a set of modules, as the lease table sees it (internal to `LeaseManager`): queued,
 * then held, then ending (its work torn down, its cleanup running), then ended. It runs its body
 * once, when granted, and forwards the body's notifications to every member; a shared lease accepts
 * more members while it is held. When the last member leaves, it tears the work down first, runs
 * the cleanup, and only then asks the table to free the modules.
 *
 * It is also the `LeaseHolder` that `holderOf` reports and that bodies pass to the modules
 * (`asg.set$(…, { lease })`): its identity is the capability.
 */
export class Lease<T> implements LeaseHolder {
  state: 'queued' | 'held' | 'ending' | 'ended' = 'queued';

  get ending(): boolean {
    return this.state === 'ending';
  }
  private readonly members: LeaseMember<T>[] = [];
  /** Owners kept when the last member leaves, so the holder still has a name while cleaning up. */
  private lastOwners: readonly string[] = [];
  private work: Subscription | null = null;
  /** The work's own subscriber, so the work can be stopped even while it is still inside subscribe(). */
  private workSubscriber: Subscriber<T> | null = null;
  private cleanup: LeasedWork<T>['cleanup'] = undefined;

  constructor(
    /** The modules, each once. */
    readonly resources: readonly string[],
    readonly key: string,
    /** Whether pipelines of equal key may join it. */
    readonly shared: boolean,
    private readonly body: LeaseBody<T>,
    private readonly table: LeaseTable,
  ) {}

  get owners(): readonly string[] {
    return this.members.length > 0 ? [...new Set(this.members.map((m) => m.owner))] : this.lastOwners;
  }

  get owner(): string {
    return this.owners.join(', ');
  }

  /** Number of pipelines holding or waiting for it. */
  get size(): number {
    return this.members.length;
  }

  /** Adds a pipeline; it receives the work's notifications from now on. */
  join(member: LeaseMember<T>): void {
    this.members.push(member);
    if (this.state === 'held') this.table.changed();
  }

  /** Granted: runs the body once and forwards its notifications to every member. */
  start(): void {
    this.state = 'held';
    let work$: Observable<T>;
    try {
      const made = this.body(this);
      if (isObservable(made)) {
        work$ = made;
      } else {
        work$ = made.work$;
        this.cleanup = made.cleanup;
      }
    } catch (error) {
      this.fail(error);
      return;
    }
    // Subscribing through our own Observable gives us the work's Subscriber itself, so `end` can
    // stop a work that makes its members leave while it is still inside subscribe().
    const captured$ = new Observable<T>((subscriber) => {
      this.workSubscriber = subscriber;
      return work$.subscribe(subscriber);
    });
    const work = captured$.subscribe({
      next: (value) => {
        for (const m of [...this.members]) m.subscriber.next(value);
      },
      error: (error: unknown) => this.fail(error),
      complete: () => {
        for (const m of [...this.members]) m.subscriber.complete();
      },
    });
    if (this.state === 'held') this.work = work;
    else work.unsubscribe();
  }

  /** Errors every member (the body failed, or the request did: board closed). */
  fail(error: unknown): void {
    for (const m of [...this.members]) m.subscriber.error(error);
  }

  /**
   * Removes a pipeline. The last one to leave a queued lease takes it out of the queue; the last to
   * leave a held lease ends it: work torn down, then cleanup, then the modules are freed.
   */
  leave(member: LeaseMember<T>): void {
    const i = this.members.indexOf(member);
    if (i < 0) return;
    if (this.members.length === 1) this.lastOwners = this.owners;
    this.members.splice(i, 1);
    if (this.members.length > 0) {
      if (this.state === 'held') this.table.changed();
      return;
    }
    if (this.state === 'queued') this.finish();
    else if (this.state === 'held') this.end();
  }

  private end(): void {
    this.state = 'ending';
    this.workSubscriber?.unsubscribe();
    this.work?.unsubscribe();
    this.workSubscriber = null;
    this.work = null;
    const cleanup = this.cleanup;
    if (!cleanup) {
      this.finish();
      return;
    }
    cleanup.run$.subscribe({
      error: (error: unknown) => {
        cleanup.onError(error);
        this.finish();
      },
      complete: () => this.finish(),
    });
  }

  private finish(): void {
    if (this.state === 'ended') return;
    this.state = 'ended';
    this.table.release(this);
  }
}
