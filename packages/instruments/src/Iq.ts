import { defer, switchMap, type Observable } from 'rxjs';
import { resolveIqSettings, ResourceBusyError, SettingsError, type BoardDriver, type IqMeasureRequest, type IqResult } from '@labrx/core';
import type { LeaseHolder, LeaseManager } from './leases/LeaseManager.js';

/**
 * An IQ demodulator module (iq0…iq2): a lock-in that demodulates one input at a frequency, with
 * its local oscillator locked to a generator, and integrates for a set time. The network analyzer
 * leases IQ modules; a direct `measure$` needs the module free or the caller's lease.
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
}
