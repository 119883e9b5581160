import { defer, firstValueFrom, switchMap, type Observable } from 'rxjs';
import {
  checkIqModuleChange,
  NotSupportedError,
  resolveIqSettings,
  ResourceBusyError,
  SettingsError,
  type BoardDriver,
  type IqDriver,
  type IqMeasureRequest,
  type IqModuleSettings,
  type IqResult,
  type ResolvedIqModuleSettings,
} from '@labrx/core';
import type { LeaseHolder, LeaseManager } from './leases/LeaseManager.js';

/**
 * An IQ demodulator module (iq0…iq2): a lock-in that demodulates one input at a frequency, with
 * its local oscillator locked to a generator, and integrates for a set time. The network analyzer
 * leases IQ modules; a direct `measure$` needs the module free or the caller's lease.
 *
 * On boards that can configure it as a continuous demodulator (PyRPL's FPGA, the simulator:
 * `info.iqModule`), `set` writes its standing settings (`IQ_MODULE_SETTINGS`: input, frequency,
 * phase, filter, gain, oscillator amplitude and output), validated first (SettingsError naming the
 * module, setting, value and what is allowed; nothing written), and reads them back; `get` reads back.
 *
 * @example
 * const z = await firstValueFrom(rp.iq2.measure$({ input: 'in1', frequencyHz: 1e6, lockToAsg: 0, settleS: 1e-3, integrationS: 1e-3 }));
 */
export class Iq {
  /** Module name ('iq0', 'iq1', 'iq2'). */
  readonly name: string;

  constructor(
    private readonly driver: BoardDriver,
    private readonly leases: LeaseManager,
    /** Module number. */
    readonly index: number,
  ) {
    this.name = `iq${index}`;
  }

  /** Whether the board has this module (plain SCPI boards have no IQ modules). */
  get available(): boolean {
    return this.driver.iq !== undefined && this.index < this.driver.info.iqCount;
  }

  /**
   * Cold: one lock-in measurement (see `IQ_SETTINGS`; times in seconds, frequency in Hz).
   * Emits the complex amplitude in volts after settleS + integrationS of board time.
   */
  measure$(request: IqMeasureRequest, options: { lease?: LeaseHolder } = {}): Observable<IqResult> {
    return defer(() => {
      const iq = this.driver.iq;
      if (!iq || !this.available) throw new SettingsError(this.name, 'module', this.name, `one of the board's ${this.driver.info.iqCount} IQ modules (this driver has none)`);
      // declared once in IQ_SETTINGS: ranges from the board, unknown names refused
      const resolved = resolveIqSettings(request, this.driver.info, this.name);
      // a holder in its cleanup is waited for; any other holder makes it busy
      return this.leases.settledHolder$(this.name, options.lease).pipe(
        switchMap((holder) => {
          if (holder && holder !== options.lease) throw new ResourceBusyError(this.name, holder.owner);
          return iq.measure(this.index, resolved);
        }),
      );
    });
  }

  /** Whether this module can be configured as a continuous demodulator (`set`, `get`). */
  get configurable(): boolean {
    const iq = this.driver.iq;
    return iq?.configure !== undefined && iq.get !== undefined && this.driver.info.iqModule !== undefined && this.index < this.driver.info.iqModule.count;
  }

  /**
   * Cold: validates `settings` against `IQ_MODULE_SETTINGS` (SettingsError; nothing written), writes
   * them, reads the module back and emits its configuration in force. What is not given stays.
   * Fails with `ResourceBusyError` while another pipeline (the lockbox, the NA) leases the module,
   * unless called with that lease; `NotSupportedError` on a board that cannot configure it.
   */
  set$(settings: IqModuleSettings, options: { lease?: LeaseHolder } = {}): Observable<ResolvedIqModuleSettings> {
    return defer(() => {
      const iq = this.configurableDriver();
      const checked = checkIqModuleChange(settings, this.driver.info, this.name);
      const holder = this.leases.holderOf(this.name);
      if (holder && holder !== options.lease) throw new ResourceBusyError(this.name, holder.owner);
      return iq.configure(this.index, checked);
    });
  }

  /** Cold: reads the module's continuous configuration back. */
  get$(): Observable<ResolvedIqModuleSettings> {
    return defer(() => this.configurableDriver().get(this.index));
  }

  /** Promise face of `set$`. */
  set(settings: IqModuleSettings, options: { lease?: LeaseHolder } = {}): Promise<ResolvedIqModuleSettings> {
    return firstValueFrom(this.set$(settings, options));
  }

  /** Promise face of `get$`. */
  get(): Promise<ResolvedIqModuleSettings> {
    return firstValueFrom(this.get$());
  }

  private configurableDriver(): Required<IqDriver> {
    const iq = this.driver.iq;
    if (!this.configurable || !iq) throw new NotSupportedError(this.driver.id, `${this.name}.set`, 'a board whose IQ modules demodulate continuously (PyRPL\'s FPGA or the simulator)');
    return iq as Required<IqDriver>;
  }
}
