import { BehaviorSubject, defer, switchMap, tap, type Observable, type Subscription } from 'rxjs';
import { once, NotSupportedError, ResourceBusyError, resolveAsgSettings, ASG_DEFAULTS, type AsgSettings, type BoardDriver, type ResolvedAsgSettings } from '@labrx/core';
import type { LeaseHolder, LeaseManager } from './leases/LeaseManager.js';

/**
 * A signal generator (asg0 or asg1). `set` validates settings over the current ones (all or nothing),
 * applies them on the board and resolves with the settings in force; `settings` reads them back and
 * `settings$` streams them — on a board shared through a server, also the changes other clients make. While another pipeline (the network analyzer) leases the generator,
 * `set` fails with `ResourceBusyError` unless called with that lease.
 *
 * @example
 * await rp.asg0.set({ waveform: 'sine', frequency: 10e3, amplitude: 0.5, output: 'out1' });
 */
export class Asg {
  /** Module name ('asg0' or 'asg1'). */
  readonly name: string;
  private readonly current: BehaviorSubject<ResolvedAsgSettings>;
  /** The settings in force, now and on every change. */
  readonly settings$: Observable<ResolvedAsgSettings>;
  /** Follows the board's own report of the settings, where the driver has one (`BoardDriver.asgSettings$`). */
  private readonly following: Subscription | null;

  constructor(
    private readonly driver: BoardDriver,
    private readonly leases: LeaseManager,
    /** Generator number (0 or 1). */
    readonly index: number,
  ) {
    this.name = `asg${index}`;
    this.current = new BehaviorSubject<ResolvedAsgSettings>(ASG_DEFAULTS);
    this.settings$ = this.current.asObservable();
    // a board shared through a server: another client's change arrives here too
    this.following = driver.asgSettings$?.(index).subscribe({ next: (s) => this.current.next(s), error: () => undefined }) ?? null;
  }

  /** Get the settings in force. */
  get settings(): ResolvedAsgSettings {
    return this.current.value;
  }

  /** Validates settings over the current ones; throws `SettingsError` naming the setting. */
  resolve(settings?: AsgSettings): ResolvedAsgSettings {
    return resolveAsgSettings(settings, this.driver.info, this.current.value, this.name);
  }

  /**
   * Cold: validates, checks the lease, applies, emits the settings in force. For pipelines (the NA
   * passes its lease). Validation errors are thrown on subscribe, before anything is sent.
   */
  set$(settings: AsgSettings, options: { lease?: LeaseHolder } = {}): Observable<ResolvedAsgSettings> {
    return defer(() => this.apply$(this.resolve(settings), options));
  }

  /** Cold: applies already-resolved settings (e.g. to restore earlier ones), checking the lease. */
  apply$(resolved: ResolvedAsgSettings, options: { lease?: LeaseHolder } = {}): Observable<ResolvedAsgSettings> {
    // a holder restoring the generator (its cleanup) is waited for; any other holder makes it busy
    return this.leases.settledHolder$(this.name, options.lease).pipe(
      switchMap((holder) => {
        if (holder && holder !== options.lease) throw new ResourceBusyError(this.name, holder.owner);
        return this.driver.setAsg(this.index, resolved).pipe(tap((applied) => this.current.next(applied)));
      }),
    );
  }

  /** Set generator settings (frequency in Hz, amplitude and offset in V, phase in degrees). Resolves with the settings in force. */
  set(settings: AsgSettings, options: { lease?: LeaseHolder } = {}): Promise<ResolvedAsgSettings> {
    return once(this.set$(settings, options), { operation: `${this.name}.set` });
  }

  /**
   * Cold: a software trigger now (see `trigger`), checking the lease as `set$` does. Errors with
   * `NotSupportedError` on a driver without software triggers (a remote board).
   */
  trigger$(options: { lease?: LeaseHolder } = {}): Observable<void> {
    return this.leases.settledHolder$(this.name, options.lease).pipe(
      switchMap((holder) => {
        if (holder && holder !== options.lease) throw new ResourceBusyError(this.name, holder.owner);
        if (!this.driver.triggerAsg) throw new NotSupportedError(this.driver.id, `${this.name}.trigger`, "set trigger: 'immediately' and apply the settings again to restart the generator");
        return this.driver.triggerAsg(this.index);
      }),
    );
  }

  /**
   * Trigger the generator now (software trigger): its settings in force start a burst sequence (or,
   * continuous, restart their phase), whatever its `trigger` setting ('off' waits for this only).
   */
  trigger(options: { lease?: LeaseHolder } = {}): Promise<void> {
    return once(this.trigger$(options), { operation: `${this.name}.trigger` });
  }

  /** Ends `settings$` (board closed). */
  dispose(): void {
    this.following?.unsubscribe();
    this.current.complete();
  }
}
