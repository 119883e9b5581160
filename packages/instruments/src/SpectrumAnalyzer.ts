import { defer, identity, map, of, switchMap, tap, type Observable } from 'rxjs';
import {
  averageCount,
  checkIqModuleChange,
  convertSpectrumUnit,
  iqTraceToPowerSpectrum,
  NotSupportedError,
  SPECAN_IQ_MODULE,
  exponentialAverage,
  failOnGap,
  hopSamples,
  resolveRealtimeSettings,
  welchSpectra,
  initFftBackend,
  isFftBackendReady,
  powerSpectrumLens,
  resolveSpecanSettings,
  SPECAN_DEFAULTS,
  toSpectrumUnit,
  traceToPowerSpectrum,
  type BoardDriver,
  type IqModuleSettings,
  type RealtimeSettings,
  type ResolvedRealtimeSettings,
  type ResolvedSpecanSettings,
  type SpecanSettings,
  type Spectrum,
} from '@labrx/core';
import { AcquiringInstrument, type LeaseRequestOptions } from './AcquiringInstrument.js';
import type { LeaseManager } from './leases/LeaseManager.js';
import type { Scope, ScopeRoute } from './Scope.js';

/**
 * A real-time (Welch) spectrum of the gapless stream: a `Spectrum` in `unit`, and where in the
 * stream it comes from, so a consumer can tell which samples each spectrum saw.
 */
export interface RealtimeSpectrum extends Spectrum<ResolvedRealtimeSettings> {
  /** Stream index of the first sample of the first segment. */
  readonly index: number;
  /** Samples spanned: points + (averages − 1) · hop. */
  readonly samples: number;
  /** Seconds from the stream's start to the first sample: index · dt. */
  readonly startS: number;
  /** Seconds spanned: samples · dt. */
  readonly durationS: number;
  /** Board time of the first sample, ms on the board's scheduler clock. */
  readonly timestamp: number;
  /** Samples lost (onOverflow 'gap') since the previous spectrum. */
  readonly lostSamples: number;
}

/** A spectrum as the spectrum analyzer returns it. */
export type SpecanSpectrum = Spectrum<ResolvedSpecanSettings>;

/**
 * The IQ module's gain in iq mode: I + jQ = 0.5·A·e^{jφ} for a tone of amplitude A, what PyRPL's
 * FPGA gives with quadrature_factor 1 (the demodulator's x·sin θ, x·cos θ low-passed).
 */
const IQ_MODE_GAIN = 0.5;

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
 * With `mode: 'iq'` (boards with IQ modules: the simulator, pyrpl://) IQ module iq2 demodulates one
 * `input` at `center`, the scope records its quadratures iq2 and iq2_2, and the complex FFT of
 * I + jQ gives 16384 bins over center − span … center + span in `ch1` (`ch2` empty), corrected for
 * the decimation and quadrature filters: a tone of amplitude A at center + Δf reads A² at +Δf, as
 * in baseband mode (docs/architecture.md, "Spectrum analyzer"). It leases iq2 with the scope.
 *
 * @example
 * const s = await rp.specan.single({ span: 1e6, window: 'flattop', unit: 'dBm', averages: 16 });
 * const iq = await rp.specan.single({ mode: 'iq', input: 'in1', center: 25e6, decimation: 256, window: 'flattop' });
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

  /** The quadrature filter cutoffs iq2 read back after each iq-mode setup, by route key. */
  private readonly iqFilters = new Map<string, readonly number[]>();

  /** Spectra in Vpk² per acquisition (no averaging): the shared first half of every face. */
  private power$(s: ResolvedSpecanSettings, options: LeaseRequestOptions) {
    if (s.mode === 'iq') return this.iqPower$(s, options);
    const scopeSettings = this.scope.resolve({ decimation: s.decimation, trigger: 'immediate', boxcar: true, triggerDelay: 0, averages: 1 });
    // 'fftjs' is always ready; 'pffft' compiles its WebAssembly once, on first use
    const ready$: Observable<unknown> = isFftBackendReady(s.backend) ? of(null) : defer(() => initFftBackend(s.backend));
    return ready$.pipe(
      switchMap(() => this.scope.acquisitions$(scopeSettings, { owner: this.name, ...options })),
      traceToPowerSpectrum({ window: s.window, backend: s.backend, input: s.input, sampleRateHz: this.driver.info.sampleRateHz, zeroPad: s.zeroPad }),
    );
  }

  /**
   * Iq mode (PyRPL's spectrum analyzer with baseband False): iq2 demodulates `input` at `center`
   * with its quadrature filters at fs/decimation (PyRPL's span · if_filter_bandwidth_per_span), the
   * scope records iq2 (I) and iq2_2 (Q) with iq2 leased alongside, and `iqTraceToPowerSpectrum`
   * turns each trace into the two-sided spectrum center − span … center + span. iq2 is turned off
   * (input 'off', gain 0) when the acquisitions end.
   */
  private iqPower$(s: ResolvedSpecanSettings, options: LeaseRequestOptions) {
    const iq = this.driver.iq;
    const configure = iq?.configure?.bind(iq);
    const module = `iq${SPECAN_IQ_MODULE}`;
    if (!configure) throw new NotSupportedError(this.driver.id, `${this.name}.mode`, `mode 'iq' needs an IQ module this driver can configure (${module})`);
    const info = this.driver.info;
    const stages = info.iqModule?.filterStages[SPECAN_IQ_MODULE] ?? 0;
    const bandwidthHz = new Array<number>(stages).fill(info.sampleRateHz / s.decimation);
    const config: IqModuleSettings = checkIqModuleChange(
      { input: s.input, frequencyHz: s.center, phaseDeg: 0, bandwidthHz, acBandwidthHz: 0, gain: IQ_MODE_GAIN, amplitudeV: 0, outputDirect: 'off', outputSignal: 'quadrature' },
      info,
      module,
    );
    const key = JSON.stringify(config);
    const route: ScopeRoute = {
      sources: [module, `${module}_2`],
      modules: [module],
      key,
      setup$: defer(() => configure(SPECAN_IQ_MODULE, config)).pipe(tap((r) => this.iqFilters.set(key, r.bandwidthHz))),
      teardown$: defer(() => configure(SPECAN_IQ_MODULE, { input: 'off', gain: 0 })),
    };
    const scopeSettings = this.scope.resolve({ decimation: s.decimation, trigger: 'immediate', boxcar: true, triggerDelay: 0, averages: 1 });
    return this.scope.acquisitions$(scopeSettings, { owner: this.name, ...options }, route).pipe(
      iqTraceToPowerSpectrum({
        window: s.window,
        centerHz: s.center,
        quadratureGain: IQ_MODE_GAIN,
        filterHz: () => this.iqFilters.get(key) ?? bandwidthHz,
        sampleRateHz: info.sampleRateHz,
        zeroPad: s.zeroPad,
      }),
    );
  }

  /** One spectrum, the mean of `averages`, then completes. Throws `SettingsError` at once on bad settings. */
  single$(settings?: SpecanSettings, options: LeaseRequestOptions = {}): Observable<SpecanSpectrum> {
    const s = this.resolve(settings);
    return this.tracker.track('single', this.power$(s, options).pipe(averageCount(s.averages, powerSpectrumLens), toSpectrumUnit(s.unit, s, s.mode === 'iq' ? 'none' : 'rfft')));
  }

  /** One spectrum per acquisition until unsubscribed, averaged as PyRPL's continuous mode. */
  stream$(settings?: SpecanSettings, options: LeaseRequestOptions = {}): Observable<SpecanSpectrum> {
    const s = this.resolve(settings);
    const average = s.averages > 1 ? exponentialAverage(s.averages, powerSpectrumLens) : identity;
    return this.tracker.track('continuous', this.power$(s, options).pipe(average, toSpectrumUnit(s.unit, s, s.mode === 'iq' ? 'none' : 'rfft')));
  }

  /**
   * The real-time spectrum analyzer: Welch's method on the scope's gapless stream. Segments of
   * `points` samples start every points·(1 − overlap) samples, so every sample contributes and a
   * signal longer than one segment is always seen (100 % probability of intercept); each result
   * averages `averages` segments in linear power, then is converted to `unit` (conventions as
   * `single$`: Vpk² per bin, rbw = ENBW × bin width, boxcar decimation response divided out).
   * The FFT runs on 'pffft' unless `backend` says otherwise (docs/decisions/0016). Cold, never
   * completes; holds the scope lease. A stream overflow (the analysis cannot keep up) errors with
   * `StreamOverflowError`, or with `onOverflow: 'gap'` drops the partial average and goes on.
   *
   * @example
   * rp.specan.realtime$({ span: 1e6, window: 'hann', overlap: 0.5, averages: 4, unit: 'dBm' }).subscribe(plot);
   */
  realtime$(settings?: RealtimeSettings, options: LeaseRequestOptions = {}): Observable<RealtimeSpectrum> {
    const s = resolveRealtimeSettings(settings, this.driver.info, `${this.name}.realtime`);
    const stream = this.scope.blocks$(
      { decimation: s.decimation, boxcar: true, blockSamples: Math.min(s.points, 16384), bufferSamples: s.bufferSamples, onOverflow: s.onOverflow },
      { owner: this.name, ...options },
    );
    const checked$ = s.onOverflow === 'error' ? stream.pipe(failOnGap(`${this.name}.realtime`, s.bufferSamples)) : stream;
    const ready$: Observable<unknown> = isFftBackendReady(s.backend) ? of(null) : defer(() => initFftBackend(s.backend));
    return this.tracker.track(
      'continuous',
      ready$.pipe(
        switchMap(() => checked$.pipe(welchSpectra({
          points: s.points,
          hopSamples: hopSamples(s),
          window: s.window,
          backend: s.backend,
          averages: s.averages,
          input: s.input,
          decimation: s.decimation,
          boxcar: true,
          sampleRateHz: this.driver.info.sampleRateHz,
        }))),
        map((w): RealtimeSpectrum => {
          // the Welch arrays are this spectrum's own: convert in place
          if (w.ch1.length) convertSpectrumUnit(w.ch1, s.unit, w.rbw, w.ch1);
          if (w.ch2.length) convertSpectrumUnit(w.ch2, s.unit, w.rbw, w.ch2);
          return {
            frequencies: w.frequencies,
            ch1: w.ch1,
            ch2: w.ch2,
            unit: s.unit,
            rbw: w.rbw,
            window: w.window,
            averages: w.averages,
            settings: s,
            index: w.index,
            samples: w.samples,
            startS: w.index * w.dt,
            durationS: w.samples * w.dt,
            timestamp: w.timestamp,
            lostSamples: w.lostSamples,
          };
        }),
      ),
    );
  }

  /**
   * A spectrogram (waterfall): `realtime$` with its defaults set for one row per segment (averages
   * 1, unit 'dBm'), each row a spectrum with its start time in the stream (`startS`) and board
   * time (`timestamp`). Give `averages` to trade time resolution for a smoother floor.
   *
   * @example
   * rp.specan.spectrogram$({ span: 2e6, points: 4096, overlap: 0.75 }).subscribe((row) => waterfall.push(row.startS, row.ch1));
   */
  spectrogram$(settings?: RealtimeSettings, options: LeaseRequestOptions = {}): Observable<RealtimeSpectrum> {
    return this.realtime$({ averages: 1, unit: 'dBm', ...settings }, options);
  }
}
