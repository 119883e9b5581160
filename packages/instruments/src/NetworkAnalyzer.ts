import { concat, concatMap, defer, filter, forkJoin, identity, map, Observable, of, range, repeat, switchMap, timer } from 'rxjs';
import {
  cdiv,
  decimationResponse,
  averageCount,
  exponentialAverage,
  frequencyResponse,
  iqDemodulate,
  NA_DEFAULTS,
  resolveNaSettings,
  SCOPE_DEFAULTS,
  sweepFrequencies,
  type ArrayLens,
  type BoardDriver,
  type FrequencyResponse,
  type IqMeasureRequest,
  type NaSettings,
  type ResolvedNaSettings,
} from '@labrx/core';
import type { Asg } from './Asg.js';
import { AcquiringInstrument, type LeaseRequestOptions } from './AcquiringInstrument.js';
import type { Iq } from './Iq.js';
import { failOnClose } from './failOnClose.js';
import type { LeaseHolder, LeaseManager } from './leases/LeaseManager.js';

/** A network analyzer result: H(f) = input / reference, with how many sweeps were averaged. */
export type NaResponse = FrequencyResponse<ResolvedNaSettings> & { readonly averages: number };

/** One measured point of a sweep. */
export interface NaPoint {
  /** Position in the sweep, from 0. */
  readonly index: number;
  /** Hz */
  readonly frequency: number;
  /** Re H (dimensionless). */
  readonly re: number;
  /** Im H (dimensionless). */
  readonly im: number;
}

/** What `sweep$` emits: a point as it is measured, then the whole response. */
export type NaSweepEvent =
  | { readonly kind: 'point'; readonly done: number; readonly total: number; readonly point: NaPoint }
  | { readonly kind: 'done'; readonly done: number; readonly total: number; readonly result: NaResponse };

/** IQ modules the NA uses: iq2 demodulates the input (as PyRPL), iq1 the reference. */
const IQ_INPUT = 2;
const IQ_REFERENCE = 1;

const responseLens: ArrayLens<NaResponse> = {
  arrays: (r) => [r.re, r.im],
  rebuild: (r, [re, im], count) => ({ ...frequencyResponse(r.frequencies, re!, im!, r.settings), averages: count }),
};

/**
 * The network analyzer: sweeps asg0 (on out1) over `start`…`stop` and measures the complex ratio
 * of the input to the reference at each frequency, giving a `FrequencyResponse`.
 *
 * On a board with IQ modules (the simulator) it leases asg0 and iq2 (+ iq1 for reference 'in2'):
 * per point it sets the generator, lets the modules wait `settle`/rbw and integrate
 * `averagePerPoint`/rbw, as on the hardware: (settle + averagePerPoint) / rbw per point. On a
 * board without them (plain SCPI) it leases asg0 and the scope and demodulates scope traces in
 * software: per point, a trace triggered on the generator, long enough for `averagePerPoint`/rbw.
 * Whatever ends the sweep (completion, error, unsubscribe), the generator gets its settings back.
 *
 * @example
 * const h = await rp.na.single({ start: 0.5e6, stop: 2e6, points: 101, rbw: 1e3, amplitude: 0.1 });
 * h.magnitude(); h.phaseDeg();
 */
export class NetworkAnalyzer extends AcquiringInstrument<NaSettings, ResolvedNaSettings, NaResponse> {
  /** The last error met while giving the generator its settings back after a sweep, if any. */
  lastCleanupError: unknown = null;

  constructor(
    driver: BoardDriver,
    private readonly leases: LeaseManager,
    private readonly asg: Asg,
    private readonly iqs: readonly Iq[],
    /** Errors with `ConnectionLostError` when the board closes; merged into every sweep. */
    private readonly closed$: Observable<never>,
  ) {
    super('na', driver, leases, asg.name, NA_DEFAULTS);
  }

  protected resolveOver(settings: NaSettings | undefined, base: ResolvedNaSettings): ResolvedNaSettings {
    return resolveNaSettings(settings, this.driver.info, base, this.name);
  }

  /** Whether sweeps use the board's IQ modules (true) or software demodulation of scope traces. */
  get usesIqModules(): boolean {
    return this.driver.iq !== undefined && this.driver.info.iqCount > IQ_INPUT;
  }

  /** Seconds one point takes on the hardware with IQ modules: (settle + averagePerPoint) / rbw. */
  static secondsPerPoint(s: ResolvedNaSettings): number {
    return (s.settle + s.averagePerPoint) / s.rbw;
  }

  /** Progress while one sweep runs: every point in order, then the whole response; then completes. */
  sweep$(settings?: NaSettings, options: LeaseRequestOptions = {}): Observable<NaSweepEvent> {
    const s = this.resolve(settings);
    return this.tracker.track('single', this.withLease(s, options, (lease) => this.sweepOnce$(s, lease)));
  }

  /** One response, the mean of `averages` sweeps (complex mean), then completes. */
  single$(settings?: NaSettings, options: LeaseRequestOptions = {}): Observable<NaResponse> {
    const s = this.resolve(settings);
    return this.tracker.track(
      'single',
      this.withLease(s, options, (lease) => this.results$(s, lease).pipe(repeat(s.averages))).pipe(averageCount(s.averages, responseLens)),
    );
  }

  /** One response per sweep until unsubscribed; with `averages` > 1 a running then exponential average. */
  stream$(settings?: NaSettings, options: LeaseRequestOptions = {}): Observable<NaResponse> {
    const s = this.resolve(settings);
    const average = s.averages > 1 ? exponentialAverage(s.averages, responseLens) : identity;
    return this.tracker.track('continuous', this.withLease(s, options, (lease) => this.results$(s, lease).pipe(repeat())).pipe(average));
  }

  /** Leases the modules a sweep needs, runs `body`, and restores the generator however it ends. */
  private withLease<T>(s: ResolvedNaSettings, options: LeaseRequestOptions, body: (lease: LeaseHolder) => Observable<T>): Observable<T> {
    const modules = this.usesIqModules
      ? [this.asg.name, this.iqs[IQ_INPUT]!.name, ...(s.reference === 'in2' ? [this.iqs[IQ_REFERENCE]!.name] : [])]
      : [this.asg.name, 'scope'];
    const key = `na:${JSON.stringify(s)}`;
    const leased$ = this.leases.using$(modules, options.owner ?? this.name, { key, ...(options.wait !== undefined ? { wait: options.wait } : {}) }, (lease) => {
      const previous = this.asg.settings;
      return {
        work$: body(lease),
        // Give the generator back as it was, still under the lease: the next holder waits for it
        // (see LeaseManager.using$). The sweep is over or abandoned, so no pipeline is left to
        // carry an error: it is kept in `lastCleanupError`.
        cleanup: { run$: this.asg.apply$(previous, { lease }), onError: (e: unknown) => (this.lastCleanupError = e) },
      };
    });
    return leased$.pipe(failOnClose(this.closed$));
  }

  /** One sweep's final responses only. */
  private results$(s: ResolvedNaSettings, lease: LeaseHolder): Observable<NaResponse> {
    return defer(() => this.sweepOnce$(s, lease)).pipe(
      filter((e): e is Extract<NaSweepEvent, { kind: 'done' }> => e.kind === 'done'),
      map((e) => e.result),
    );
  }

  private sweepOnce$(s: ResolvedNaSettings, lease: LeaseHolder): Observable<NaSweepEvent> {
    return defer(() => {
      const frequencies = sweepFrequencies(s.start, s.stop, s.points, s.logscale);
      const re = new Float64Array(s.points);
      const im = new Float64Array(s.points);
      const points$ = range(0, s.points).pipe(
        concatMap((index) =>
          this.point$(s, frequencies[index]!, lease).pipe(
            map((h): NaSweepEvent => {
              re[index] = h.re;
              im[index] = h.im;
              return { kind: 'point', done: index + 1, total: s.points, point: { index, frequency: frequencies[index]!, re: h.re, im: h.im } };
            }),
          ),
        ),
      );
      const done$ = defer(() => of<NaSweepEvent>({ kind: 'done', done: s.points, total: s.points, result: { ...frequencyResponse(frequencies, re, im, s), averages: 1 } }));
      return concat(points$, done$);
    });
  }

  /** H at one frequency: set the generator, then demodulate. */
  private point$(s: ResolvedNaSettings, frequencyHz: number, lease: LeaseHolder): Observable<{ re: number; im: number }> {
    const excite$ = this.asg.set$({ waveform: 'sine', frequency: frequencyHz, amplitude: s.amplitude, offset: 0, phase: 0, output: 'out1', trigger: 'immediately', burstCycles: 0 }, { lease });
    const measure$ = this.usesIqModules ? this.iqPoint$(s, frequencyHz, lease) : this.softwarePoint$(s, frequencyHz);
    return excite$.pipe(switchMap(() => measure$));
  }

  private iqPoint$(s: ResolvedNaSettings, frequencyHz: number, lease: LeaseHolder): Observable<{ re: number; im: number }> {
    const request = (input: 'in1' | 'in2'): IqMeasureRequest => ({
      input,
      frequencyHz,
      lockToAsg: this.asg.index,
      settleS: s.settle / s.rbw,
      integrationS: s.averagePerPoint / s.rbw,
    });
    const zIn$ = this.iqs[IQ_INPUT]!.measure$(request(s.input), { lease });
    if (s.reference === 'amplitude') return zIn$.pipe(map((z) => ({ re: z.re / s.amplitude, im: z.im / s.amplitude })));
    return forkJoin([zIn$, this.iqs[IQ_REFERENCE]!.measure$(request('in2'), { lease })]).pipe(map(([a, b]) => cdiv(a, b)));
  }

  /**
   * Software demodulation of one scope trace (boards without IQ modules). The trace is triggered
   * on the generator's period start and begins at the trigger (t0 = 0), so the generator's phase
   * is the time origin; it spans at least averagePerPoint / rbw where the tone allows (the
   * decimation is capped so the tone stays below 0.4 × the decimated sample rate).
   */
  private softwarePoint$(s: ResolvedNaSettings, frequencyHz: number): Observable<{ re: number; im: number }> {
    const info = this.driver.info;
    const decimation = softwareDecimation(frequencyHz, s.averagePerPoint / s.rbw, info.sampleRateHz, info.bufferSize, info.maxDecimation);
    const dt = decimation / info.sampleRateHz;
    const settleMs = (1000 * s.settle) / s.rbw;
    return timer(settleMs, this.driver.scheduler).pipe(
      switchMap(() =>
        this.driver.acquire({ ...SCOPE_DEFAULTS, decimation, trigger: `asg${this.asg.index}` as 'asg0', threshold: 0, hysteresis: 0, triggerDelay: (info.bufferSize / 2) * dt, boxcar: true }),
      ),
      map((trace) => {
        const input = s.input === 'in1' ? trace.ch1 : trace.ch2;
        const zIn = iqDemodulate(input, trace.dt, trace.t0, frequencyHz, { window: 'hann' });
        if (s.reference === 'in2') return cdiv(zIn, iqDemodulate(trace.ch2, trace.dt, trace.t0, frequencyHz, { window: 'hann' }));
        // iqDemodulate reads A·sin(2πft + φ) as A·e^{j(φ − π/2)}: multiply by j to get A·e^{jφ};
        // then undo the boxcar decimation filter's gain and divide by the excitation amplitude.
        const g = decimationResponse(frequencyHz, decimation, info.sampleRateHz);
        const a = s.amplitude * g;
        return { re: -zIn.im / a, im: zIn.re / a };
      }),
    );
  }
}


/**
 * Decimation for software demodulation: the smallest power of 2 whose buffer spans `integrationS`,
 * but no larger than keeps f below 0.4 × fs / D (so the tone is well inside the band), and at most
 * `maxDecimation` (the board's, `BoardInfo.maxDecimation`).
 */
export function softwareDecimation(frequencyHz: number, integrationS: number, sampleRateHz: number, bufferSize: number, maxDecimation: number): number {
  let d = 1;
  while (d < maxDecimation && (bufferSize * d) / sampleRateHz < integrationS) d *= 2;
  while (d > 1 && frequencyHz > (0.4 * sampleRateHz) / d) d /= 2;
  return d;
}
