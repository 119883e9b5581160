import { identity, map, repeat, take, type Observable } from 'rxjs';
import {
  averageCount,
  exponentialAverage,
  resolveScopeSettings,
  scopeSettingsKey,
  SCOPE_DEFAULTS,
  traceLens,
  type BoardDriver,
  type RawTrace,
  type ResolvedScopeSettings,
  type ScopeSettings,
  type Trace,
} from '@labrx/core';
import { AcquiringInstrument, type LeaseRequestOptions } from './AcquiringInstrument.js';
import { failOnClose } from './failOnClose.js';
import type { LeaseManager } from './leases/LeaseManager.js';

/**
 * The oscilloscope: two 16384-sample channels at 125 MS/s / decimation.
 *
 * Every face comes from one pipeline: `acquisitions$` leases the scope and repeats the driver's
 * acquisition; `single$` averages `averages` of them and completes; `stream$` emits one result per
 * acquisition (averaged as PyRPL's continuous mode when `averages` > 1). Pipelines with equal settings
 * share one acquisition; others queue for the lease.
 *
 * @example
 * const trace = await rp.scope.single({ decimation: 64, trigger: 'ch1-rising', threshold: 0.1 });
 * rp.scope.stream$({ decimation: 8 }).subscribe((t) => plot(t.ch1));
 * for await (const t of rp.scope.stream({}, { bufferSize: 2 })) { … break; }
 */
export class Scope extends AcquiringInstrument<ScopeSettings, ResolvedScopeSettings, Trace> {
  constructor(
    driver: BoardDriver,
    private readonly leases: LeaseManager,
    /** Errors with `ConnectionLostError` when the board closes; merged into every pipeline. */
    private readonly closed$: Observable<never>,
  ) {
    super('scope', driver, leases, 'scope', SCOPE_DEFAULTS);
  }

  protected resolveOver(settings: ScopeSettings | undefined, base: ResolvedScopeSettings): ResolvedScopeSettings {
    return resolveScopeSettings(settings, this.driver.info, base, this.name);
  }

  /**
   * Raw acquisitions (one `Trace` per trigger, `averages: 1`) with the scope leased. The building
   * block of `single$`, `stream$` and the spectrum analyzer. The lease is shared
   * (`LeaseManager.shared$`, keyed by the acquisition settings): every subscriber asking for equal
   * settings while it is held joins the same acquisition loop; `wait` and `owner` are each
   * subscriber's own. Unsubscribing the last subscriber stops the hardware and releases the lease.
   */
  acquisitions$(settings: ResolvedScopeSettings, options: LeaseRequestOptions = {}): Observable<Trace> {
    const { averages: _averages, ...hardware } = settings;
    const owner = options.owner ?? this.name;
    const wait = options.wait !== undefined ? { wait: options.wait } : {};
    const lease = { key: scopeSettingsKey(settings), ...wait };
    // the driver hears who asks: a board shared beyond this process leases its scope there too
    return this.leases.shared$([this.name], owner, lease, () => this.driver.acquire(hardware, { owner, ...wait }).pipe(repeat())).pipe(
      // per subscriber: each sees its own settings (they differ from the loop's only in `averages`)
      map((raw: RawTrace): Trace => ({ ...raw, averages: 1, settings })),
      failOnClose(this.closed$),
    );
  }

  /** One result, the mean of `averages` acquisitions, then completes (cold). Throws `SettingsError` at once on bad settings. */
  single$(settings?: ScopeSettings, options: LeaseRequestOptions = {}): Observable<Trace> {
    const s = this.resolve(settings);
    // one acquisition needs no averaging (and no copy of its 2 × 16384 samples)
    const average = s.averages > 1 ? averageCount(s.averages, traceLens) : take<Trace>(1);
    return this.tracker.track('single', this.acquisitions$(s, options).pipe(average));
  }

  /**
   * One result per acquisition until unsubscribed (cold). With `averages` > 1 the results are
   * PyRPL's continuous average: the running mean of the first `averages`, then an exponential
   * average with weight 1/averages; `trace.averages` says how many contributed.
   */
  stream$(settings?: ScopeSettings, options: LeaseRequestOptions = {}): Observable<Trace> {
    const s = this.resolve(settings);
    const average = s.averages > 1 ? exponentialAverage(s.averages, traceLens) : identity;
    return this.tracker.track('continuous', this.acquisitions$(s, options).pipe(average));
  }
}
