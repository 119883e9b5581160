import { BehaviorSubject, combineLatest, defer, distinctUntilChanged, finalize, map, Subject, takeUntil, type Observable } from 'rxjs';
import type { LeaseManager } from './leases/LeaseManager.js';

/** What an acquiring instrument is doing. 'continuous' wins over 'single' when both run. */
export type InstrumentActivity = 'idle' | 'single' | 'continuous';

/** An instrument's state, for user interfaces and tests. */
export interface InstrumentState {
  /** What it is doing now. */
  readonly state: InstrumentActivity;
  /** Owner of the lease on its main module, or null when free. */
  readonly holder: string | null;
}

/**
 * Counts an instrument's running single and continuous pipelines and combines them with the lease
 * table into `state$`. Pipelines report themselves by going through `track`.
 */
export class InstrumentStateTracker {
  private readonly counts = new BehaviorSubject({ single: 0, continuous: 0 });
  private readonly ended = new Subject<void>();
  /** Emits the state on every change (distinct values only); completes on `complete()`. */
  readonly state$: Observable<InstrumentState>;

  constructor(
    private readonly leases: LeaseManager,
    /** The module whose lease holder is reported ('scope', 'asg0', …). */
    private readonly resource: string,
  ) {
    this.state$ = combineLatest([this.counts, leases.holders$]).pipe(
      map(([c, held]) => toState(c, held.get(resource)?.owner ?? null)),
      distinctUntilChanged((a, b) => a.state === b.state && a.holder === b.holder),
      // the lease table outlives the instrument, so combineLatest alone would never complete
      takeUntil(this.ended),
    );
  }

  /** The state now. */
  get state(): InstrumentState {
    return toState(this.counts.value, this.leases.holderOf(this.resource)?.owner ?? null);
  }

  /** Wraps `source$` so that while it is subscribed the instrument counts as running in `mode`. */
  track<T>(mode: 'single' | 'continuous', source$: Observable<T>): Observable<T> {
    return defer(() => {
      this.bump(mode, +1);
      return source$.pipe(finalize(() => this.bump(mode, -1)));
    });
  }

  /** Completes `state$` (when the board closes). */
  complete(): void {
    this.counts.complete();
    this.ended.next();
    this.ended.complete();
  }

  private bump(mode: 'single' | 'continuous', by: number): void {
    const c = this.counts.value;
    if (!this.counts.closed) this.counts.next({ ...c, [mode]: c[mode] + by });
  }
}

function toState(c: { single: number; continuous: number }, holder: string | null): InstrumentState {
  const state: InstrumentActivity = c.continuous > 0 ? 'continuous' : c.single > 0 ? 'single' : 'idle';
  return { state, holder };
}
