import { concat, filter, identity, ignoreElements, map, repeat, take, throwError, type Observable } from 'rxjs';
import {
  averageCount,
  checkAdapterOptions,
  deepCaptureWindow,
  exponentialAverage,
  failOnGap,
  keepFreedMemory,
  NotSupportedError,
  resolveScopeSettings,
  resolveStreamSettings,
  rollingWindow,
  SettingsError,
  toBlockIterable,
  scopeSettingsKey,
  SCOPE_DEFAULTS,
  traceLens,
  type BoardDriver,
  type DeepCaptureEvent,
  type RawTrace,
  type ResolvedScopeSettings,
  type ResolvedStreamSettings,
  type RollingTrace,
  type ScopeSettings,
  type StreamBlock,
  type StreamSettings,
  type Trace,
} from '@labrx/core';
import { AcquiringInstrument, leaseOptions, type LeaseRequestOptions } from './AcquiringInstrument.js';
import { assembleDeepTrace, type ScopeCaptureEvent } from './assembleDeepTrace.js';
import { failOnClose } from './failOnClose.js';
import type { LeaseManager } from './leases/LeaseManager.js';

/**
 * A scope acquisition of DSP signals other than in1/in2 (PyRPL's scope input1/input2), e.g. an IQ
 * module's two quadratures for the spectrum analyzer's iq mode: the signals, the modules that
 * produce them (leased with the scope) and how to set those up and down.
 */
export interface ScopeRoute {
  /** Signals recorded on ch1 and ch2 (each 'in1', 'in2' or one of the driver's `scopeSources`). */
  readonly sources: readonly [string, string];
  /** Modules leased with the scope ('iq2'). */
  readonly modules: readonly string[];
  /** Identifies `setup$` (part of the sharing key: equal keys, interchangeable setups). */
  readonly key: string;
  /** Runs once the lease is granted, before the first acquisition; must complete. */
  readonly setup$: Observable<unknown>;
  /** Runs when the acquisitions end, still under the lease (turns the modules off); must end. */
  readonly teardown$?: Observable<unknown>;
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
export class Scope extends AcquiringInstrument<ScopeSettings, ResolvedScopeSettings, Trace> {
  constructor(
    driver: BoardDriver,
    private readonly leases: LeaseManager,
    /** Errors with `ConnectionLostError` when the board closes; merged into every pipeline. */
    private readonly closed$: Observable<never>,
  ) {
    super('scope', driver, leases, 'scope', SCOPE_DEFAULTS);
  }

  protected resolveOver(settings: ScopeSettings | undefined, base: ResolvedScopeSettings): ResolvedScopeSettings {
    return resolveScopeSettings(settings, this.driver.info, base, this.name);
  }

  /**
   * Raw acquisitions (one `Trace` per trigger, `averages: 1`) with the scope leased. The building
   * block of `single$`, `stream$` and the spectrum analyzer. The lease is shared
   * (`LeaseManager.shared$`, keyed by the acquisition settings): every subscriber asking for equal
   * settings while it is held joins the same acquisition loop; `wait` and `owner` are each
   * subscriber's own. Unsubscribing the last subscriber stops the hardware and releases the lease.
   */
  acquisitions$(settings: ResolvedScopeSettings, options: LeaseRequestOptions = {}, route?: ScopeRoute): Observable<Trace> {
    const { averages: _averages, ...hardware } = settings;
    const owner = options.owner ?? this.name;
    const wait = options.wait !== undefined ? { wait: options.wait } : {};
    if (route) return this.routedAcquisitions$(settings, owner, wait, route);
    const lease = { key: scopeSettingsKey(settings), ...wait };
    // the driver hears who asks: a board shared beyond this process leases its scope there too
    // a trace longer than one buffer is a deep-memory capture (docs/architecture.md, "Deep memory")
    const acquire = (): Observable<RawTrace> =>
      hardware.samples > this.driver.info.bufferSize
        ? this.deepCapture$(hardware).pipe(
            assembleDeepTrace(),
            filter((e) => e.kind === 'trace'),
            map((e) => e.trace),
          )
        : this.driver.acquire(hardware, { owner, ...wait });
    return this.leases.shared$([this.name], owner, lease, () => acquire().pipe(repeat())).pipe(
      // per subscriber: each sees its own settings (they differ from the loop's only in `averages`)
      map((raw: RawTrace): Trace => ({ ...raw, averages: 1, settings })),
      failOnClose(this.closed$),
    );
  }

  /** `acquisitions$` of other DSP signals (see `ScopeRoute`): the route's modules leased and set up with the scope. */
  private routedAcquisitions$(settings: ResolvedScopeSettings, owner: string, wait: { wait?: boolean }, route: ScopeRoute): Observable<Trace> {
    const { averages: _averages, ...hardware } = settings;
    const known = this.driver.scopeSources ?? [];
    const bad = route.sources.find((x) => x !== 'in1' && x !== 'in2' && !known.includes(x));
    if (bad !== undefined) {
      throw new NotSupportedError(this.driver.id, `${this.name}.sources`, `this board's scope records ${['in1', 'in2', ...known].map((x) => `'${x}'`).join(', ')}, not '${bad}'`);
    }
    if (hardware.samples > this.driver.info.bufferSize) {
      throw new SettingsError(this.name, 'samples', hardware.samples, `at most ${this.driver.info.bufferSize} when recording ${route.sources.join(' and ')} (deep memory holds the inputs only)`);
    }
    const key = `${scopeSettingsKey(settings)}|${route.sources.join(',')}|${route.key}`;
    const acquire = () => this.driver.acquire(hardware, { owner, ...wait, sources: route.sources });
    const body = () => {
      const work$ = concat(route.setup$.pipe(ignoreElements()), acquire().pipe(repeat()));
      return route.teardown$ ? { work$, cleanup: { run$: route.teardown$, onError: () => undefined } } : work$;
    };
    return this.leases.shared$([this.name, ...route.modules], owner, { key, ...wait }, body).pipe(
      map((raw: RawTrace): Trace => ({ ...raw, averages: 1, settings })),
      failOnClose(this.closed$),
    );
  }

  /**
   * One trace with progress (cold): `{ kind: 'progress', samples, total }` as the chunks of a long
   * (deep-memory) trace arrive, then `{ kind: 'trace', trace }`, then completes; a trace of one buffer
   * comes with no progress events. Leases the scope like `single$`; `averages` must be 1. Throws
   * `SettingsError` at once on bad settings.
   *
   * @example
   * rp.scope.capture$({ decimation: 1, samples: 2_000_000 }).subscribe((e) => e.kind === 'progress' ? bar(e.samples / e.total) : plot(e.trace));
   */
  capture$(settings?: ScopeSettings, options: LeaseRequestOptions = {}): Observable<ScopeCaptureEvent> {
    const s = this.resolve(settings);
    if (s.averages !== 1) throw new SettingsError(this.name, 'averages', s.averages, '1 for capture$ (use single$ to average)');
    if (s.samples <= this.driver.info.bufferSize) return this.single$(s, options).pipe(map((trace) => ({ kind: 'trace' as const, trace })));
    const { averages: _averages, ...hardware } = s;
    const owner = options.owner ?? this.name;
    const lease = { key: `capture:${scopeSettingsKey(s)}`, ...(options.wait !== undefined ? { wait: options.wait } : {}) };
    const events$ = this.leases.shared$([this.name], owner, lease, () => this.deepCapture$(hardware).pipe(assembleDeepTrace()));
    return this.tracker.track(
      'single',
      events$.pipe(
        map((e): ScopeCaptureEvent => (e.kind === 'trace' ? { kind: 'trace', trace: { ...e.trace, averages: 1, settings: s } as Trace } : e)),
        failOnClose(this.closed$),
      ),
    );
  }

  /** The driver's deep-memory capture for `hardware` settings, or a `SettingsError` naming the board's limit when it has none. */
  private deepCapture$(hardware: Omit<ResolvedScopeSettings, 'averages'>): Observable<DeepCaptureEvent> {
    const deep = this.driver.deepMemory;
    if (!deep) return throwError(() => new SettingsError(this.name, 'samples', hardware.samples, `at most ${this.driver.info.bufferSize} (this board has no deep memory)`));
    const dtS = hardware.decimation / this.driver.info.sampleRateHz;
    return deep.capture$(hardware, deepCaptureWindow(hardware.samples, hardware.triggerDelay, dtS));
  }

  /** One result, the mean of `averages` acquisitions, then completes (cold). Throws `SettingsError` at once on bad settings. */
  single$(settings?: ScopeSettings, options: LeaseRequestOptions = {}): Observable<Trace> {
    const s = this.resolve(settings);
    // one acquisition needs no averaging (and no copy of its 2 × 16384 samples)
    const average = s.averages > 1 ? averageCount(s.averages, traceLens) : take<Trace>(1);
    return this.tracker.track('single', this.acquisitions$(s, options).pipe(average));
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

  /**
   * What `continuous$` guarantees on this board: 'exact' (every sample unless the consumer falls
   * more than `bufferSamples` behind: the embedded simulator), 'ring' (the board's own ring buffer
   * and transport may overflow too; reported as gaps the same way), or 'none' (no stream:
   * `continuous$` throws `NotSupportedError`).
   */
  get streamGuarantee(): 'exact' | 'ring' | 'none' {
    return this.driver.stream ? (this.driver.streamGuarantee ?? 'ring') : 'none';
  }

  /**
   * The driver's gapless stream with the scope leased, gaps included (the building block of
   * `continuous$`, `continuous`, `rolling$` and the real-time spectrum analyzer). Pipelines asking
   * for equal stream settings share one stream (a late joiner's first block has a later index).
   * Throws `NotSupportedError` at once when the driver has no stream.
   */
  blocks$(settings: ResolvedStreamSettings, options: LeaseRequestOptions = {}): Observable<StreamBlock> {
    const driver = this.driver;
    const stream = driver.stream?.bind(driver);
    if (!stream) {
      throw new NotSupportedError(driver.id, `${this.name}.continuous`, 'this board has no gapless stream; the embedded simulator has one, deep memory on a board that has it gives one over SCPI, and a board served over NATS relays its own');
    }
    const { onOverflow: _policy, ...hardware } = settings;
    const owner = options.owner ?? this.name;
    const wait = options.wait !== undefined ? { wait: options.wait } : {};
    const key = `stream:${hardware.decimation}:${hardware.boxcar}:${hardware.blockSamples}:${hardware.bufferSamples}`;
    return this.leases
      .shared$([this.name], owner, { key, ...wait }, () => {
        // every block is fresh memory the consumer keeps: have the process keep what the GC frees
        keepFreedMemory();
        return stream(hardware, { owner, ...wait });
      })
      .pipe(failOnClose(this.closed$));
  }

  /**
   * A gapless stream of sample blocks (cold, never completes): consecutive blocks of both inputs,
   * each with its stream index (samples since the stream started) and board time, so a consumer can
   * prove nothing was lost. Between board and consumer sits a buffer of `bufferSamples` samples per
   * channel; a consumer that falls further behind (a slow synchronous subscriber holds up the
   * producer, which finds itself late) gets `StreamOverflowError` (`onOverflow: 'error'`, default)
   * or a `GapBlock` naming the lost samples (`'gap'`), never a silent hole. Holds the scope lease
   * until unsubscribed. Throws `SettingsError` on bad settings and `NotSupportedError` on a board
   * without a stream, at once. See docs/architecture.md, "Gapless streams".
   *
   * @example
   * rp.scope.continuous$({ decimation: 64, onOverflow: 'gap' }).subscribe((b) => b.kind === 'gap' ? warn(b) : use(b.ch1));
   */
  continuous$(settings?: StreamSettings, options: LeaseRequestOptions = {}): Observable<StreamBlock> {
    const s = resolveStreamSettings(settings, this.driver.info, `${this.name}.continuous`);
    const blocks$ = this.blocks$(s, options);
    return this.tracker.track('continuous', s.onOverflow === 'error' ? blocks$.pipe(failOnGap(`${this.name}.continuous`, s.bufferSamples)) : blocks$);
  }

  /**
   * The pull face of `continuous$`: an async iterable whose queue is bounded in samples
   * (`bufferSamples`, the same bound as the board's side): a consumer that pulls too slowly gets
   * `StreamOverflowError` from `next()` after the blocks already queued ('error'), or a `GapBlock`
   * in place of the oldest unread blocks ('gap'). `break` and `signal` stop the stream.
   */
  continuous(settings?: StreamSettings, options: { readonly signal?: AbortSignal; readonly wait?: boolean } = {}): AsyncIterable<StreamBlock> {
    const s = resolveStreamSettings(settings, this.driver.info, `${this.name}.continuous`);
    checkAdapterOptions(`${this.name}.continuous`, options);
    const blocks$ = this.tracker.track('continuous', this.blocks$(s, leaseOptions(options)));
    return toBlockIterable(blocks$, { bufferSamples: s.bufferSamples, onOverflow: s.onOverflow, signal: options.signal, operation: `${this.name}.continuous` });
  }

  /**
   * Rolling mode (PyRPL's `rolling_mode`) for long time bases: after every block of the gapless
   * stream, the newest `durationS` seconds as one trace (oldest first, t0 = −duration, NaN where
   * nothing is known yet or samples were lost). Other settings as `continuous$` (blocks default to
   * 1/16 of the window, at least 64 samples, so the trace rolls smoothly).
   *
   * @example
   * rp.scope.rolling$({ decimation: 8192, durationS: 10 }).subscribe((t) => plot(t.ch1));
   */
  rolling$(settings: StreamSettings & { readonly durationS: number }, options: LeaseRequestOptions = {}): Observable<RollingTrace> {
    const { durationS, ...rest } = settings ?? ({} as { durationS: number });
    const op = `${this.name}.rolling`;
    const decimation = resolveStreamSettings({ decimation: rest.decimation ?? 64 }, this.driver.info, op).decimation;
    const dtS = decimation / this.driver.info.sampleRateHz;
    const maxS = ((1 << 22) * dtS);
    if (typeof durationS !== 'number' || !(durationS > 0) || durationS > maxS) {
      throw new SettingsError(op, 'durationS', durationS, `a number above 0 and at most ${maxS} (s: 2^22 samples at decimation ${decimation})`);
    }
    const length = Math.max(2, Math.round(durationS / dtS));
    const blockSamples = rest.blockSamples ?? Math.min(16384, Math.max(64, Math.floor(length / 16)));
    const s = resolveStreamSettings({ onOverflow: 'gap', ...rest, decimation, blockSamples }, this.driver.info, op);
    const blocks$ = this.blocks$(s, options);
    const checked$ = s.onOverflow === 'error' ? blocks$.pipe(failOnGap(op, s.bufferSamples)) : blocks$;
    return this.tracker.track('continuous', checked$.pipe(rollingWindow(length)));
  }
}
