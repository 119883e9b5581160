import { defer, identity, of, switchMap, type Observable } from 'rxjs';
import {
  averageCount,
  exponentialAverage,
  initFftBackend,
  isFftBackendReady,
  powerSpectrumLens,
  resolveSpecanSettings,
  SPECAN_DEFAULTS,
  toSpectrumUnit,
  traceToPowerSpectrum,
  type BoardDriver,
  type ResolvedSpecanSettings,
  type SpecanSettings,
  type Spectrum,
} from '@labrx/core';
import { AcquiringInstrument, type LeaseRequestOptions } from './AcquiringInstrument.js';
import type { LeaseManager } from './leases/LeaseManager.js';
import type { Scope } from './Scope.js';

/** A spectrum as the spectrum analyzer returns it. */
export type SpecanSpectrum = Spectrum<ResolvedSpecanSettings>;

/**
 * The spectrum analyzer: the scope's trace stream through window, FFT, averaging and unit
 * conversion (Bartlett's method, as PyRPL). It leases the scope; a scope pipeline asking for the
 * same acquisition settings shares the traces, others queue.
 *
 * Each trace (16384 samples, immediate trigger, boxcar decimation) gives a one-sided spectrum of
 * 8193 bins from 0 to span = 62.5 MHz / decimation, corrected for the boxcar's response; `rbw` is
 * ENBW × bin width. `single$` averages `averages` spectra in linear power; `stream$` averages as
 * PyRPL's continuous mode (running mean of the first `averages`, then exponential, weight 1/averages).
 *
 * @example
 * const s = await rp.specan.single({ span: 1e6, window: 'flattop', unit: 'dBm', averages: 16 });
 */
export class SpectrumAnalyzer extends AcquiringInstrument<SpecanSettings, ResolvedSpecanSettings, SpecanSpectrum> {
  constructor(
    driver: BoardDriver,
    leases: LeaseManager,
    private readonly scope: Scope,
  ) {
    super('specan', driver, leases, 'scope', SPECAN_DEFAULTS);
  }

  protected resolveOver(settings: SpecanSettings | undefined, base: ResolvedSpecanSettings): ResolvedSpecanSettings {
    return resolveSpecanSettings(settings, this.driver.info, base, this.name);
  }

  /** Spectra in Vpk² per acquisition (no averaging): the shared first half of every face. */
  private power$(s: ResolvedSpecanSettings, options: LeaseRequestOptions) {
    const scopeSettings = this.scope.resolve({ decimation: s.decimation, trigger: 'immediate', boxcar: true, triggerDelay: 0, averages: 1 });
    // 'fftjs' is always ready; 'pffft' compiles its WebAssembly once, on first use
    const ready$: Observable<unknown> = isFftBackendReady(s.backend) ? of(null) : defer(() => initFftBackend(s.backend));
    return ready$.pipe(
      switchMap(() => this.scope.acquisitions$(scopeSettings, { owner: this.name, ...options })),
      traceToPowerSpectrum({ window: s.window, backend: s.backend, input: s.input, sampleRateHz: this.driver.info.sampleRateHz, zeroPad: s.zeroPad }),
    );
  }

  /** One spectrum, the mean of `averages`, then completes. Throws `SettingsError` at once on bad settings. */
  single$(settings?: SpecanSettings, options: LeaseRequestOptions = {}): Observable<SpecanSpectrum> {
    const s = this.resolve(settings);
    return this.tracker.track('single', this.power$(s, options).pipe(averageCount(s.averages, powerSpectrumLens), toSpectrumUnit(s.unit, s)));
  }

  /** One spectrum per acquisition until unsubscribed, averaged as PyRPL's continuous mode. */
  stream$(settings?: SpecanSettings, options: LeaseRequestOptions = {}): Observable<SpecanSpectrum> {
    const s = this.resolve(settings);
    const average = s.averages > 1 ? exponentialAverage(s.averages, powerSpectrumLens) : identity;
    return this.tracker.track('continuous', this.power$(s, options).pipe(average, toSpectrumUnit(s.unit, s)));
  }
}
