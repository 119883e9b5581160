import { defer, firstValueFrom, of, switchMap, type Observable } from 'rxjs';
import { checkPidChange, PID_SETTINGS, ResourceBusyError, type BoardInfo, type PidDriver, type PidSettings, type ResolvedPidSettings } from '@labrx/core';
import type { LeaseHolder, LeaseManager } from './leases/LeaseManager.js';

/**
 * A PID module of a board whose driver has them (PyRPL's FPGA: pid0-pid2). `set` writes the given
 * settings (input and outputDirect on the DSP bus, setpoint and limits in V, `p` a plain gain, `i`
 * the integrator's unity-gain frequency in Hz, `inputFilterHz` PyRPL's input filter stages, `paused`,
 * `ival` the integrator: writing 0 resets it) and reads everything back; `get` reads back. The
 * settings are declared once (`PID_SETTINGS`, ranges from the board's `info.pid`) and validated here,
 * before anything is written: a bad one throws `SettingsError` naming the module ('pid1'), the
 * setting, the value and what is allowed.
 * Error = input − setpoint as on the FPGA, so negative feedback through a plant of positive gain
 * takes negative `p` and `i`. On the simulator the PID acts in closed loop with the DUT or plant
 * (docs/architecture.md, "Closed loop"; docs/decisions/0018-closed-loop-rate.md), embedded and behind
 * the PyRPL register server alike.
 * While another pipeline (the lockbox) leases the module, `set` fails with `ResourceBusyError`
 * unless called with that lease.
 *
 * @example
 * await rp.pid0?.set({ input: 'in1', outputDirect: 'out1', setpoint: 0.1, p: 0.5, i: 1e3 });
 */
export class Pid {
  /** Module name ('pid0', …). */
  readonly name: string;

  constructor(
    private readonly driver: PidDriver,
    /** Module number. */
    readonly index: number,
    /** The board's facts: `info.pid` gives the ranges (absent: every setting is refused). */
    private readonly info: BoardInfo,
    /** The board's lease table (absent: the module is never leased). */
    private readonly leases?: LeaseManager,
  ) {
    this.name = `pid${index}`;
  }

  /**
   * Cold: validates (SettingsError, nothing written), writes, reads back and emits the settings in
   * force. A limit given without the other is checked against the one in force (minVoltage ≤
   * maxVoltage), which is read first.
   */
  set$(settings: PidSettings, options: { lease?: LeaseHolder } = {}): Observable<ResolvedPidSettings> {
    return defer(() => {
      const holder = this.leases?.holderOf(this.name);
      if (holder && holder !== options.lease) throw new ResourceBusyError(this.name, holder.owner);
      const info = this.info;
      // every value on its own first: a bad one fails before any register is touched
      const checked = checkPidChange(settings, info, this.name);
      const alone = (checked.minVoltage === undefined) !== (checked.maxVoltage === undefined);
      const current$ = alone ? this.driver.get(this.index) : of(PID_SETTINGS.defaults);
      return current$.pipe(switchMap((current) => this.driver.set(this.index, alone ? checkPidChange(checked, info, this.name, current) : checked)));
    });
  }

  /** Cold: reads the settings back. */
  get$(): Observable<ResolvedPidSettings> {
    return defer(() => this.driver.get(this.index));
  }

  /** Promise face of `set$`. */
  set(settings: PidSettings, options: { lease?: LeaseHolder } = {}): Promise<ResolvedPidSettings> {
    return firstValueFrom(this.set$(settings, options));
  }

  /** Promise face of `get$`. */
  get(): Promise<ResolvedPidSettings> {
    return firstValueFrom(this.get$());
  }
}
