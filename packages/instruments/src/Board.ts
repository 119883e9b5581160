import { Subject, map, type Observable } from 'rxjs';
import { ConnectionLostError, type BoardDriver, type BoardInfo } from '@labrx/core';
import { Asg } from './Asg.js';
import { Iq } from './Iq.js';
import { Pid } from './Pid.js';
import { Lockbox } from './lockbox/Lockbox.js';
import { NetworkAnalyzer } from './NetworkAnalyzer.js';
import { SpectrumAnalyzer } from './SpectrumAnalyzer.js';
import { LeaseManager } from './leases/LeaseManager.js';
import { Scope } from './Scope.js';
import { restoreBoard, snapshotBoard, type BoardProfile } from './profile/snapshot.js';

/**
 * One board and its instruments. Built on any `BoardDriver` (embedded simulator, SCPI); owns the
 * lease table that keeps pipelines from using the same module behind each other's backs.
 *
 * @example
 * const rp = new Board(createSimBoard({ seed: 7 }));
 * await rp.asg0.set({ frequency: 1e3, amplitude: 0.5, output: 'out1' });
 * const trace = await rp.scope.single({ decimation: 1024 });
 * await rp.close();
 */
export class Board {
  /** Module leases of this board (also granted by the driver's `leaseArbiter`, when it has one). */
  readonly leases: LeaseManager;
  readonly scope: Scope;
  readonly asg0: Asg;
  readonly asg1: Asg;
  readonly iq0: Iq;
  readonly iq1: Iq;
  readonly iq2: Iq;
  /** PID modules, when the driver has them (PyRPL's FPGA); undefined otherwise. */
  readonly pid0?: Pid;
  readonly pid1?: Pid;
  readonly pid2?: Pid;
  /** Spectrum analyzer (leases the scope). */
  readonly specan: SpectrumAnalyzer;
  /** Network analyzer (leases asg0 and IQ modules, or asg0 and the scope on boards without them). */
  readonly na: NetworkAnalyzer;
  /**
   * PyRPL's lockbox: sweeps, calibrates and locks with the board's PIDs (leases them, the sweep
   * generator and IQ modules while locked). On a board without PIDs (stock SCPI) every call throws
   * `LockboxUnavailableError`.
   */
  readonly lockbox: Lockbox;
  private readonly closing = new Subject<void>();
  private closed = false;
  /** Errors with `ConnectionLostError` when the board is closed: merged into every pipeline so none hangs. */
  protected readonly closed$: Observable<never>;

  constructor(
    /** The transport underneath. */
    readonly driver: BoardDriver,
  ) {
    this.leases = new LeaseManager(driver.leaseArbiter);
    this.closed$ = this.closing.pipe(
      map(() => {
        throw new ConnectionLostError(driver.id, 'board closed');
      }),
    );
    this.scope = new Scope(driver, this.leases, this.closed$);
    this.asg0 = new Asg(driver, this.leases, 0);
    this.asg1 = new Asg(driver, this.leases, 1);
    this.iq0 = new Iq(driver, this.leases, 0);
    this.iq1 = new Iq(driver, this.leases, 1);
    this.iq2 = new Iq(driver, this.leases, 2);
    const pid = driver.pid;
    if (pid) {
      this.pid0 = new Pid(pid, 0, driver.info, this.leases);
      this.pid1 = new Pid(pid, 1, driver.info, this.leases);
      this.pid2 = new Pid(pid, 2, driver.info, this.leases);
    }
    this.specan = new SpectrumAnalyzer(driver, this.leases, this.scope);
    this.na = new NetworkAnalyzer(driver, this.leases, this.asg0, [this.iq0, this.iq1, this.iq2], this.closed$);
    this.lockbox = new Lockbox({ driver, leases: this.leases, scope: this.scope, asgs: [this.asg0, this.asg1], pids: [this.pid0, this.pid1, this.pid2] });
  }

  /** The driver's id, e.g. 'sim:7'. */
  get id(): string {
    return this.driver.id;
  }

  /** Facts about the board (sample rate, buffer size, …). */
  get info(): BoardInfo {
    return this.driver.info;
  }

  /** True once `close()` was called. */
  get isClosed(): boolean {
    return this.closed;
  }

  /** Every module's settings as plain JSON-able data (a profile; see `snapshotBoard`). */
  snapshot(): Promise<BoardProfile> {
    return snapshotBoard(this);
  }

  /** Validates all of `profile` (throws `ProfileError` listing every bad setting, changing nothing), then applies it (see `restoreBoard`). */
  restore(profile: unknown): Promise<void> {
    return restoreBoard(this, profile);
  }

  /** Stops every pipeline (they error with `ConnectionLostError`), closes the driver; idempotent. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.closing.next();
    this.closing.complete();
    this.leases.failAll(new ConnectionLostError(this.driver.id, 'board closed'));
    this.scope.dispose();
    this.specan.dispose();
    this.na.dispose();
    this.lockbox.dispose();
    this.asg0.dispose();
    this.asg1.dispose();
    await this.driver.close();
  }
}
