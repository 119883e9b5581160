import { identity, map, repeat, share, type Observable } from 'rxjs';
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
import { awaitSingle, pullStream, type SingleOptions, type StreamOptions } from './faces.js';
import { failOnClose } from './failOnClose.js';
import { InstrumentStateTracker, type InstrumentState } from './InstrumentState.js';
import type { LeaseManager } from './leases/LeaseManager.js';

/** Options for pipelines that lease the scope. */
export interface LeaseRequestOptions {
  /** Queue behind another user of the scope (default) or fail at once with `ResourceBusyError`. */
  readonly wait?: boolean;
  /** Name shown as the lease holder (default 'scope'; the spectrum analyzer passes 'specan'). */
  readonly owner?: string;
}

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
export class Scope {
  /** Module name, used for leases and messages. */
  readonly name = 'scope';
  private defaults: ResolvedScopeSettings = SCOPE_DEFAULTS;
  private readonly loops = new Map<string, Observable<Trace>>();
  private readonly tracker: InstrumentStateTracker;

  constructor(
    private readonly driver: BoardDriver,
    private readonly leases: LeaseManager,
    /** Errors with `ConnectionLostError` when the board closes; merged into every pipeline. */
    private readonly closed$: Observable<never>,
  ) {
    this.tracker = new InstrumentStateTracker(leases, this.name);
  }

  /** What the scope is doing and who holds its lease. */
  get state$(): Observable<InstrumentState> {
    return this.tracker.state$;
  }

  /** The state now. */
  get state(): InstrumentState {
    return this.tracker.state;
  }

  /** Get the default settings, used for every setting a call does not give. */
  get settings(): ResolvedScopeSettings {
    return this.defaults;
  }

  /** Set default settings (validated; all or nothing). Running pipelines keep their own settings. */
  set(settings: ScopeSettings): ResolvedScopeSettings {
    this.defaults = this.resolve(settings);
    return this.defaults;
  }

  /** Validates `settings` over the defaults; throws `SettingsError` naming the setting. */
  resolve(settings?: ScopeSettings): ResolvedScopeSettings {
    return resolveScopeSettings(settings, this.driver.info, this.defaults, this.name);
  }

  /**
   * Raw acquisitions (one `Trace` per trigger, `averages: 1`) with the scope leased, shared by every
   * subscriber asking for the same settings. The building block of `single$`, `stream$` and the
   * spectrum analyzer. Unsubscribing the last subscriber stops the hardware and releases the lease.
   */
  acquisitions$(settings: ResolvedScopeSettings, options: LeaseRequestOptions = {}): Observable<Trace> {
    const key = scopeSettingsKey(settings);
    let loop$ = this.loops.get(key);
    if (!loop$) {
      const { averages: _averages, ...hardware } = settings;
      const resolved = settings;
      loop$ = this.leases.using$([this.name], options.owner ?? this.name, { key, ...(options.wait !== undefined ? { wait: options.wait } : {}) }, () => this.driver.acquire(hardware).pipe(repeat())).pipe(
        map((raw: RawTrace): Trace => ({ ...raw, averages: 1, settings: resolved })),
        share(),
      );
      this.loops.set(key, loop$);
      if (this.loops.size > 64) this.loops.delete(this.loops.keys().next().value!);
    }
    return loop$.pipe(failOnClose(this.closed$));
  }

  /** One result, the mean of `averages` acquisitions, then completes (cold). Throws `SettingsError` at once on bad settings. */
  single$(settings?: ScopeSettings, options: LeaseRequestOptions = {}): Observable<Trace> {
    const s = this.resolve(settings);
    return this.tracker.track('single', this.acquisitions$(s, options).pipe(averageCount(s.averages, traceLens)));
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

  /** Awaits one result (see `single$`); `signal` and `timeoutMs` stop the acquisition. */
  single(settings?: ScopeSettings, options: SingleOptions = {}): Promise<Trace> {
    return awaitSingle(() => this.single$(settings, leaseOptions(options)), this.driver.scheduler, 'scope.single', options);
  }

  /** Pulls results with a bounded buffer (see `stream$`); `break` stops the acquisition. */
  stream(settings?: ScopeSettings, options: StreamOptions = {}): AsyncIterable<Trace> {
    return pullStream(this.stream$(settings, leaseOptions(options)), 'scope.stream', options);
  }

  /** Ends `state$` (board closed). */
  dispose(): void {
    this.tracker.complete();
    this.loops.clear();
  }
}

/** Picks the lease options out of a face's options. */
export function leaseOptions(options: { wait?: boolean }): LeaseRequestOptions {
  return options.wait !== undefined ? { wait: options.wait } : {};
}
