import type { Observable } from 'rxjs';
import type { BoardDriver } from '@labrx/core';
import { awaitSingle, pullStream, type SingleOptions, type StreamOptions } from './faces.js';
import { InstrumentStateTracker, type InstrumentState } from './InstrumentState.js';
import type { LeaseManager } from './leases/LeaseManager.js';

/** Options for pipelines that lease a board's modules. */
export interface LeaseRequestOptions {
  /** Queue behind another user of the modules (default) or fail at once with `ResourceBusyError`. */
  readonly wait?: boolean;
  /** Name shown as the lease holder (default: the instrument's name). */
  readonly owner?: string;
}

/** Picks the lease options out of a face's options. */
export function leaseOptions(options: { wait?: boolean } | undefined): LeaseRequestOptions {
  return options?.wait !== undefined ? { wait: options.wait } : {};
}

/**
 * What every acquiring instrument (scope, spectrum analyzer, network analyzer) shares: default
 * settings, `state$`, and the awaited and pulled faces built from its two pipelines. A subclass
 * defines `resolve` (validation), `single$` and `stream$`; everything else comes from here, so
 * every instrument's faces behave the same way (docs/architecture.md, decision 0001).
 *
 * @typeParam S  settings as a user gives them
 * @typeParam R  resolved settings
 * @typeParam T  the result type
 */
export abstract class AcquiringInstrument<S, R, T> {
  protected readonly tracker: InstrumentStateTracker;
  private defaults: R;

  protected constructor(
    /** Name used in messages, lease ownership and operation names ('scope', 'specan', 'na'). */
    readonly name: string,
    protected readonly driver: BoardDriver,
    leases: LeaseManager,
    /** The module whose lease holder `state$` reports. */
    trackedResource: string,
    defaults: R,
  ) {
    this.tracker = new InstrumentStateTracker(leases, trackedResource);
    this.defaults = defaults;
  }

  /** Validates settings over `base` (the defaults); throws `SettingsError` naming the setting. */
  protected abstract resolveOver(settings: S | undefined, base: R): R;

  /** One result, then completes (cold). Throws `SettingsError` at once on bad settings. */
  abstract single$(settings?: S, options?: LeaseRequestOptions): Observable<T>;

  /** One result per acquisition until unsubscribed (cold). Throws `SettingsError` at once on bad settings. */
  abstract stream$(settings?: S, options?: LeaseRequestOptions): Observable<T>;

  /** What the instrument is doing and who holds the lease on its main module. */
  get state$(): Observable<InstrumentState> {
    return this.tracker.state$;
  }

  /** The state now. */
  get state(): InstrumentState {
    return this.tracker.state;
  }

  /** Get the default settings, used for every setting a call does not give. */
  get settings(): R {
    return this.defaults;
  }

  /**
   * Set the default settings of later calls (validated over the current defaults; all or nothing).
   * Touches no hardware and running pipelines keep their own settings: an acquiring instrument has
   * no `set`, which on modules (asg, iq) means "apply to the hardware" (docs/decisions/0009).
   */
  setDefaults(settings: S): R {
    this.defaults = this.resolve(settings);
    return this.defaults;
  }

  /** Validates `settings` over the defaults; throws `SettingsError` naming the setting, the value and what is allowed. */
  resolve(settings?: S): R {
    return this.resolveOver(settings, this.defaults);
  }

  /** Awaits one result (see `single$`); `signal` and `timeoutMs` (board clock) stop the work underneath. Rejects with `SettingsError` on bad settings or options, before anything starts. */
  single(settings?: S, options: SingleOptions = {}): Promise<T> {
    return awaitSingle(() => this.single$(settings, leaseOptions(options)), this.driver.scheduler, `${this.name}.single`, options);
  }

  /** Pulls results with a bounded buffer (see `stream$`); `break` stops the work underneath. Throws `SettingsError` at once on bad settings or options. */
  stream(settings?: S, options: StreamOptions = {}): AsyncIterable<T> {
    return pullStream(() => this.stream$(settings, leaseOptions(options)), `${this.name}.stream`, options);
  }

  /** Ends `state$` (board closed). */
  dispose(): void {
    this.tracker.complete();
  }
}
