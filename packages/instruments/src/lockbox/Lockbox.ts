import {
  BehaviorSubject,
  EMPTY,
  Observable,
  catchError,
  concat,
  concatMap,
  defer,
  filter,
  firstValueFrom,
  forkJoin,
  ignoreElements,
  interval,
  last,
  map,
  of,
  range,
  reduce,
  retry,
  scan,
  switchMap,
  take,
  takeWhile,
  tap,
  timer,
  toArray,
  type Subscriber,
  type Subscription,
} from 'rxjs';
import { checkIqModuleChange, ConnectionLostError, decimationForDuration, SettingsError, traceTimes, type BoardDriver, type IqModuleSettings, type PidDriver, type SamplerDriver, type Trace } from '@labrx/core';
import type { Asg } from '../Asg.js';
import type { Pid } from '../Pid.js';
import type { Scope } from '../Scope.js';
import { awaitSingle, pullStream, type SingleOptions, type StreamOptions } from '../faces.js';
import type { LeaseHolder, LeaseManager } from '../leases/LeaseManager.js';
import { locateCenter, signalStats } from './calibrateTrace.js';
import { expectedSignal, expectedSlope, lockedWindow, type InputCalibration } from './inputModels.js';
import type { CalibrationEvent, LockboxSignals, LockboxState, LockEvent, LockResult, LockStatus } from './lockboxEvents.js';
import { resolveLockboxConfig, SCOPE_SIGNALS, type LockboxConfig, type ResolvedLockboxConfig, type ResolvedLockboxInput, type ResolvedLockboxOutput, type ResolvedLockboxStage } from './lockboxSettings.js';
import { LockboxUnavailableError, LockError } from './LockError.js';
import { pidGains } from './pidGains.js';
import { sweepVoltage, type SweepShape } from './sweepVoltage.js';

/** The board's parts a lockbox works with (the `Board` hands them over). */
export interface LockboxModules {
  readonly driver: BoardDriver;
  readonly leases: LeaseManager;
  readonly scope: Scope;
  readonly asgs: readonly Asg[];
  readonly pids: readonly (Pid | undefined)[];
}

/** The owner name of the lockbox's leases. */
export const LOCKBOX_OWNER = 'lockbox';

/** Spacing of a zoomed calibration's sampler readings, in sweep periods: (√5 − 1)/20, so their phases fill the period evenly (a Weyl sequence). */
const ZOOM_STEP_PERIODS = (Math.sqrt(5) - 1) / 20;

/** One lock-status sample. */
interface LockSample {
  readonly inputV: number;
  readonly outputV: number | null;
  readonly locked: boolean;
  readonly errorV: number;
  /** Why it is not locked, or null. */
  readonly why: string | null;
}

interface Session {
  readonly subscription: Subscription;
  /** The `lock$` subscriber waiting for the lock, if any. */
  waiter: Subscriber<LockEvent> | null;
}

/**
 * PyRPL's lockbox as a pipeline: sweeps an output, calibrates the inputs from the sweep, walks a
 * sequence of stages (each sets the PIDs' inputs, setpoints and gains) until the system is locked,
 * watches the lock with the sampler and, with `autoRelock`, relocks after a loss.
 * docs/architecture.md ("Lockbox") and docs/decisions/0019-lockbox.md.
 *
 * - `configure(config)` validates a whole configuration (plain data; `SettingsError` naming the part
 *   and setting, nothing changed); `lock(config)` does it too.
 * - `lock$()` leases the PIDs, the sweep generator (and the IQ modules of demodulated inputs),
 *   emits each calibration and each stage as it is reached, then 'locked', and completes; it errors
 *   with `LockError` naming the stage when one fails, after unlocking. The lock then stays held by
 *   the lockbox (and its leases with it) until `unlock()`. Unsubscribing before 'locked' unlocks.
 * - Unlocked means safe: every lockbox PID has p = i = 0 and its integrator reset to 0 V (its output
 *   sits at 0 V, or at the nearer limit when 0 V is outside them), the sweep generator's output is
 *   off, the IQ modules it configured modulate nothing (amplitude 0, output off, gain 0), and the
 *   leases are released.
 * - `locked$` reports the lock status on every change and every `lockStatusIntervalS` of board time
 *   while locked (default 20 ms: a loss is reported within `lossSamples` · 20 ms = 60 ms).
 *
 * @example
 * const result = await rp.lockbox.lock(fabryPerotPdhLock({ linewidthHz: 1e6, piezoHzPerV: 5e7, modulationHz: 10e6 }));
 * rp.lockbox.locked$.subscribe((s) => console.log(s.locked, s.errorV));
 * await rp.lockbox.unlock();
 */
export class Lockbox {
  private resolved: ResolvedLockboxConfig | null = null;
  private readonly configs = new BehaviorSubject<ResolvedLockboxConfig | null>(null);
  private readonly calibrations = new Map<string, InputCalibration>();
  private readonly current: BehaviorSubject<LockStatus>;
  private session: Session | null = null;
  private readonly originMs: number;

  /**
   * The lock status now and on every report (see `LockStatus`); completes when the board closes.
   * Hot: every subscriber sees the present status first.
   */
  readonly locked$: Observable<LockStatus>;

  constructor(private readonly modules: LockboxModules) {
    this.originMs = modules.driver.scheduler.now();
    this.current = new BehaviorSubject<LockStatus>(this.status0('unlocked', null));
    this.locked$ = this.current.asObservable();
  }

  /** The lock status now. */
  get status(): LockStatus {
    return this.current.value;
  }

  /** The configuration in force (resolved), or null before `configure`. */
  get config(): ResolvedLockboxConfig | null {
    return this.resolved;
  }

  /**
   * The configuration in force now and on every change (`configure`, or `lock$`/`calibrate$` with a
   * configuration), for user interfaces that show it; null before the first. Hot; completes when
   * the board closes.
   */
  readonly config$: Observable<ResolvedLockboxConfig | null> = this.configs.asObservable();

  /** Each input's last calibration (V), by input name. */
  get calibration(): Readonly<Record<string, InputCalibration>> {
    return Object.fromEntries(this.calibrations);
  }

  /** Board time since the lockbox was made, s. */
  private nowS(): number {
    return (this.modules.driver.scheduler.now() - this.originMs) / 1000;
  }

  private status0(state: LockboxState, reason: string | null, stage: string | null = null): LockStatus {
    return { locked: false, state, stage, timeS: this.originMs === undefined ? 0 : this.nowS(), inputV: null, errorV: null, outputV: null, relocks: this.current?.value.relocks ?? 0, reason };
  }

  private publish(patch: Partial<LockStatus>): void {
    if (this.current.closed) return;
    this.current.next({ ...this.current.value, timeS: this.nowS(), ...patch });
  }

  /** The PID and sampler drivers, or `LockboxUnavailableError` (stock SCPI has neither). */
  private hardware(): { pid: PidDriver; sampler: SamplerDriver } {
    const { driver } = this.modules;
    if (!driver.pid) throw new LockboxUnavailableError(driver.id, 'PID modules');
    if (!driver.sampler) throw new LockboxUnavailableError(driver.id, 'a sampler');
    return { pid: driver.pid, sampler: driver.sampler };
  }

  /**
   * Validates `config` (see `resolveLockboxConfig`, plus what this board has: the sampler must read
   * every input's signal, the PIDs must exist) and makes it the configuration in force; returns it
   * resolved. Throws `LockboxUnavailableError` on a board without PIDs, `SettingsError` on a bad
   * configuration (the one in force stays), and `LockError` while a lock runs (unlock first).
   */
  configure(config: LockboxConfig): ResolvedLockboxConfig {
    const resolved = this.check(config);
    this.adopt(resolved);
    return resolved;
  }

  /**
   * What `configure` checks, without adopting: returns `config` resolved, or throws as `configure`
   * does (`LockboxUnavailableError`, `SettingsError`, `LockError` while a lock runs). Changes nothing;
   * a profile's restore checks its lockbox section with it before writing anything.
   */
  check(config: LockboxConfig): ResolvedLockboxConfig {
    const resolved = this.validate(config);
    if (this.session) throw new LockError(this.current.value.stage ?? 'configure', 'the lockbox is locked or locking: unlock() before configuring it anew');
    return resolved;
  }

  /** True when this board can lock (it has PIDs and a sampler; stock SCPI has neither). */
  get available(): boolean {
    return this.modules.driver.pid !== undefined && this.modules.driver.sampler !== undefined;
  }

  /** True while a lock runs (locking, locked, relocking or lost): `configure` is refused until `unlock()`. */
  get busy(): boolean {
    return this.session !== null;
  }

  private adopt(resolved: ResolvedLockboxConfig): void {
    this.resolved = resolved;
    this.calibrations.clear();
    this.configs.next(resolved);
  }

  /** `resolveLockboxConfig` and this board's checks; changes nothing. */
  private validate(config: LockboxConfig): ResolvedLockboxConfig {
    const { pid, sampler } = this.hardware();
    const resolved = resolveLockboxConfig(config, this.modules.driver.info);
    for (const input of Object.values(resolved.inputs)) {
      if (!sampler.signals.includes(input.signal)) {
        throw new SettingsError(`lockbox.inputs.${input.name}`, 'signal', input.signal, `a signal this board's sampler reads: ${sampler.signals.join(', ')}`);
      }
    }
    for (const output of Object.values(resolved.outputs)) {
      const index = Number(output.pid.slice(3));
      if (index >= pid.count || !this.modules.pids[index]) throw new SettingsError(`lockbox.outputs.${output.name}`, 'pid', output.pid, `one of this board's ${pid.count} PIDs`);
    }
    return resolved;
  }

  /** The configuration in force, or `SettingsError` when there is none. */
  private configured(config?: LockboxConfig): ResolvedLockboxConfig {
    this.hardware();
    if (config !== undefined) return this.configure(config);
    if (!this.resolved) throw new SettingsError('lockbox', 'config', undefined, 'a configuration: lockbox.configure(config) or lockbox.lock(config)');
    return this.resolved;
  }

  /** The modules a configuration uses: its PIDs, sweep generator and configured IQ modules (leased for a calibration or a lock). */
  private resources(cfg: ResolvedLockboxConfig): string[] {
    return [...Object.values(cfg.outputs).map((o) => o.pid), cfg.sweepAsg, ...this.configuredIqs(cfg).map((i) => i.signal)];
  }

  /** Inputs whose IQ module the lockbox configures. */
  private configuredIqs(cfg: ResolvedLockboxConfig): ResolvedLockboxInput[] {
    return Object.values(cfg.inputs).filter((i) => i.iqFrequencyHz > 0);
  }

  /** Configures the IQ modules of demodulated inputs (`on`), or turns their modulation and output off. */
  private iqs$(cfg: ResolvedLockboxConfig, on: boolean): Observable<never> {
    return defer(() => {
      const inputs = this.configuredIqs(cfg);
      if (inputs.length === 0) return EMPTY;
      const configure = this.modules.driver.iq?.configure?.bind(this.modules.driver.iq);
      if (!configure) throw new LockboxUnavailableError(this.modules.driver.id, 'IQ modules that demodulate continuously (iq.configure)');
      const info = this.modules.driver.info;
      // all validated against the declaration (IQ_MODULE_SETTINGS) before any module is written
      const changes = inputs.map((i) => {
        // the input AC-coupled at 1/128 of the modulation, as PyRPL's InputIq sets it (lockbox/input.py:570)
        const settings: IqModuleSettings = on
          ? { input: i.iqInput, frequencyHz: i.iqFrequencyHz, phaseDeg: i.iqPhaseDeg, bandwidthHz: [i.iqBandwidthHz, i.iqBandwidthHz], acBandwidthHz: i.iqFrequencyHz / 128, gain: i.iqGain, amplitudeV: i.iqAmplitudeV, outputDirect: i.iqOutput, outputSignal: 'quadrature' }
          : { amplitudeV: 0, outputDirect: 'off', gain: 0 };
        return [Number(i.signal.slice(2)), checkIqModuleChange(settings, info, i.signal)] as const;
      });
      return forkJoin(changes.map(([index, settings]) => configure(index, settings).pipe(take(1)))).pipe(ignoreElements());
    });
  }

  // ---- calibration --------------------------------------------------------------------------

  /**
   * Cold: sweeps the sweep output (PIDs off) and calibrates every input from it (min, max, mean, rms
   * and where its feature sits on the output), emitting progress and each input's calibration, then
   * stops the sweep and completes. Leases the PIDs and the generator for the time (ResourceBusyError
   * while a lock holds them); the scope for its trace.
   */
  calibrate$(config?: LockboxConfig): Observable<CalibrationEvent> {
    return defer(() => {
      const cfg = this.configured(config);
      if (this.session) throw new LockError('calibration', 'the lockbox is locked or locking: unlock() before calibrating');
      return this.modules.leases.using$(this.resources(cfg), LOCKBOX_OWNER, { wait: false }, (holder) => ({
        work$: concat(this.outputsOff$(cfg, holder, false), this.iqs$(cfg, true), this.calibrateUnderLease$(cfg, holder)),
        cleanup: { run$: this.safe$(cfg, holder), onError: (e) => this.publish({ reason: `could not make the outputs safe: ${(e as Error).message}` }) },
      }));
    });
  }

  /** Promise face of `calibrate$`: resolves with every input's calibration. */
  calibrate(config?: LockboxConfig, options: SingleOptions = {}): Promise<Readonly<Record<string, InputCalibration>>> {
    return awaitSingle(
      () =>
        this.calibrate$(config).pipe(
          reduce((acc, e) => (e.kind === 'calibration' ? { ...acc, [e.input]: e.calibration } : acc), {} as Record<string, InputCalibration>),
        ),
      this.modules.driver.scheduler,
      'lockbox.calibrate',
      options,
    );
  }

  private sweepShape(output: ResolvedLockboxOutput): SweepShape {
    return { waveform: output.sweepWaveform, amplitudeV: output.sweepAmplitude, offsetV: output.sweepOffset, frequencyHz: output.sweepFrequencyHz };
  }

  /** Plays `sweep` on the sweep output's DAC with the lockbox's generator. */
  private startSweep$(cfg: ResolvedLockboxConfig, holder: LeaseHolder, sweep: SweepShape): Observable<never> {
    const output = cfg.outputs[cfg.sweepOutput]!;
    const asg = this.modules.asgs[cfg.sweepAsg === 'asg0' ? 0 : 1]!;
    return asg
      .set$({ waveform: sweep.waveform, amplitude: sweep.amplitudeV, offset: sweep.offsetV, frequency: sweep.frequencyHz, phase: 0, output: output.dac, trigger: 'immediately', burstCycles: 0 }, { lease: holder })
      .pipe(ignoreElements());
  }

  private stopSweep$(cfg: ResolvedLockboxConfig, holder: LeaseHolder): Observable<never> {
    const asg = this.modules.asgs[cfg.sweepAsg === 'asg0' ? 0 : 1]!;
    return asg.set$({ output: 'off' }, { lease: holder }).pipe(ignoreElements());
  }

  private calibrateUnderLease$(cfg: ResolvedLockboxConfig, holder: LeaseHolder): Observable<CalibrationEvent> {
    return defer(() => {
      const output = cfg.outputs[cfg.sweepOutput]!;
      const sweep = this.sweepShape(output);
      const periodS = 1 / sweep.frequencyHz;
      const inputs = Object.values(cfg.inputs);
      const onScope = inputs.filter((i) => (SCOPE_SIGNALS as readonly string[]).includes(i.signal) && i.locateWith === '');
      const sampled = inputs.filter((i) => !onScope.includes(i));
      const info = this.modules.driver.info;
      const decimation = decimationForDuration(periodS, info);
      const traceS = (info.bufferSize * decimation) / info.sampleRateHz;
      const first = onScope[0]?.name ?? sampled[0]!.name;
      const scope$: Observable<CalibrationEvent> = onScope.length === 0
        ? EMPTY
        : concat(
            of<CalibrationEvent>({ kind: 'progress', input: first, step: 'trace', done: 0, of: 1 }),
            // the trace starts at a period start of the generator (trigger 'asgN', delay: half a buffer)
            this.modules.scope.single$({ decimation, trigger: cfg.sweepAsg, triggerDelay: traceS / 2, averages: 1, boxcar: true }, { owner: LOCKBOX_OWNER }).pipe(
              switchMap((trace) => of(...onScope.map((input): CalibrationEvent => ({ kind: 'calibration', input: input.name, calibration: this.fromTrace(cfg, input, trace, sweep) })))),
            ),
          );
      const sampler$ = concat(...sampled.map((input) => defer(() => this.zoomCalibration$(cfg, holder, input, sweep))));
      return concat(
        of<CalibrationEvent>({ kind: 'progress', input: first, step: 'sweep', done: 0, of: 1 }),
        this.startSweep$(cfg, holder, sweep),
        // one period for whatever the sweep drives to follow it
        timer(periodS * 1000, this.modules.driver.scheduler).pipe(ignoreElements()),
        scope$,
        sampler$,
        this.stopSweep$(cfg, holder),
      ).pipe(tap((e) => e.kind === 'calibration' && this.calibrations.set(e.input, e.calibration)));
    });
  }

  /** An input's calibration from a sweep trace that starts at a period start of the sweep. */
  private fromTrace(cfg: ResolvedLockboxConfig, input: ResolvedLockboxInput, trace: Trace, sweep: SweepShape): InputCalibration {
    const values = input.signal === 'in1' ? trace.ch1 : trace.ch2;
    const times = traceTimes(trace);
    const periodS = 1 / sweep.frequencyHz;
    // one whole period of the sweep (the trace may be longer)
    let n = 0;
    while (n < times.length && times[n]! < periodS) n++;
    const signal = values.subarray(0, n);
    const outputV = new Float64Array(n);
    for (let i = 0; i < n; i++) outputV[i] = sweepVoltage(sweep, times[i]!);
    const output = cfg.outputs[cfg.sweepOutput]!;
    // a fringe's min and max are its extremes only if the sweep crossed a whole period of it
    const sweptRad = 2 * sweep.amplitudeV * Math.abs(output.actuatorGain);
    if (input.model === 'fringe' && sweptRad < 2 * Math.PI) {
      throw new LockError('calibration', `input ${input.name}: the sweep moves the phase by ${sweptRad.toPrecision(3)} rad, less than a fringe (2π): widen the sweep`);
    }
    const fringeSign = Math.sign(output.actuatorGain) * (input.inverted ? -1 : 1);
    const centerV = locateCenter(input.model, outputV, signal, fringeSign, sweep.offsetV);
    // a peak at the end of the sweep is the tail of one outside it
    if (centerV !== null && Math.abs(centerV - sweep.offsetV) > 0.98 * sweep.amplitudeV) {
      const lo = sweep.offsetV - sweep.amplitudeV;
      const hi = sweep.offsetV + sweep.amplitudeV;
      throw new LockError('calibration', `input ${input.name}: its feature is at the edge of the sweep (${centerV.toPrecision(4)} V of ${lo} … ${hi} V): widen or move the sweep`);
    }
    return Object.freeze({ ...signalStats(signal), source: 'scope' as const, centerV, timeS: this.nowS() });
  }

  /**
   * Calibrates an input the scope does not show: sweeps ±`zoom` setpoint units around the centre its
   * `locateWith` input found (the whole sweep when it has none) and reads it with the sampler
   * `samples` times, spaced so that their phases fill the sweep's period evenly.
   */
  private zoomCalibration$(cfg: ResolvedLockboxConfig, holder: LeaseHolder, input: ResolvedLockboxInput, full: SweepShape): Observable<CalibrationEvent> {
    const { sampler } = this.hardware();
    const output = cfg.outputs[cfg.sweepOutput]!;
    let sweep = full;
    let centerV: number | null = null;
    if (input.locateWith !== '') {
      centerV = this.calibrations.get(input.locateWith)?.centerV ?? null;
      if (centerV === null) throw new LockError('calibration', `input ${input.name}: input ${input.locateWith} found no feature in the sweep to zoom on`);
      const half = Math.abs(input.zoom / output.actuatorGain);
      const lo = Math.max(output.minVoltage, centerV - half);
      const hi = Math.min(output.maxVoltage, centerV + half);
      sweep = { ...full, offsetV: (lo + hi) / 2, amplitudeV: (hi - lo) / 2 };
    }
    const periodS = 1 / sweep.frequencyHz;
    const stepMs = periodS * ZOOM_STEP_PERIODS * 1000;
    const n = input.samples;
    const every = Math.max(1, Math.ceil(n / 10));
    const scheduler = this.modules.driver.scheduler;
    const readings$ = range(0, n).pipe(
      concatMap((k) => timer(k === 0 ? periodS * 1000 : stepMs, scheduler).pipe(switchMap(() => sampler.sample(input.signal)), take(1))),
    );
    const values: number[] = [];
    return concat(
      sweep === full ? EMPTY : this.startSweep$(cfg, holder, sweep),
      readings$.pipe(
        concatMap((v): Observable<CalibrationEvent> => {
          values.push(v);
          return values.length % every === 0 || values.length === n ? of({ kind: 'progress', input: input.name, step: 'zoom', done: values.length, of: n }) : EMPTY;
        }),
      ),
      defer(() => of<CalibrationEvent>({ kind: 'calibration', input: input.name, calibration: Object.freeze({ ...signalStats(values), source: 'sampler' as const, centerV, timeS: this.nowS() }) })),
      sweep === full ? EMPTY : this.startSweep$(cfg, holder, full),
    );
  }

  // ---- locking ------------------------------------------------------------------------------

  /**
   * Cold: runs the lock sequence (with `config`, or the one in force): leases the modules, sweeps and
   * calibrates, then each stage; emits each calibration, each stage as it is reached, then 'locked',
   * and completes — the lock then stays, held by the lockbox, until `unlock()`. Errors with
   * `LockError` (the stage and why) after unlocking; with `ResourceBusyError` when another pipeline
   * holds one of the modules. Unsubscribing before 'locked' unlocks (outputs safe).
   * A lock held from an earlier `lock$` is unlocked first.
   */
  lock$(config?: LockboxConfig): Observable<LockEvent> {
    return new Observable<LockEvent>((subscriber) => {
      let cfg: ResolvedLockboxConfig;
      try {
        if (this.session?.waiter) throw new LockError(this.current.value.stage ?? 'lock', 'another lock sequence is running: unsubscribe from it or unlock() first');
        cfg = config !== undefined ? this.validate(config) : this.configured();
      } catch (error) {
        subscriber.error(error);
        return undefined;
      }
      let started: Session | null = null;
      const previous = this.session;
      const start = (): void => {
        if (subscriber.closed) return;
        if (config !== undefined) this.adopt(cfg);
        started = this.startSession(cfg, subscriber);
      };
      if (previous) void this.endSession(previous).then(start);
      else start();
      return () => {
        // still waiting for the lock: give up on it, and unlock
        if (started && started.waiter === subscriber) {
          started.waiter = null;
          void this.endSession(started);
        }
      };
    });
  }

  /** Promise face of `lock$`: resolves once locked (see `LockResult`); rejects with `LockError`, unlocked. */
  lock(config?: LockboxConfig, options: SingleOptions = {}): Promise<LockResult> {
    return awaitSingle(
      () =>
        defer(() => {
          const t0 = this.nowS();
          const stages: string[] = [];
          const calibrations: Record<string, InputCalibration> = {};
          return this.lock$(config).pipe(
            tap((e) => {
              if (e.kind === 'stage') stages.push(e.stage);
              if (e.kind === 'calibration') calibrations[e.input] = e.calibration;
            }),
            last(),
            map((e): LockResult => ({ stages, calibrations, lockedAtS: e.timeS, durationS: e.timeS - t0 })),
          );
        }),
      this.modules.driver.scheduler,
      'lockbox.lock',
      options,
    );
  }

  /** Ends a lock or a lock sequence: the outputs safe (see the class), leases released; resolves when done. */
  async unlock(): Promise<void> {
    const s = this.session;
    if (s) {
      const w = s.waiter;
      s.waiter = null;
      w?.error(new LockError(this.current.value.stage ?? 'lock', 'unlocked before the lock was reached'));
      await this.endSession(s);
    }
  }

  /** Pull face of `locked$` (for the blocking face: `for (const s of rps.lockbox.statuses()) …`). */
  statuses(options: StreamOptions = {}): AsyncIterable<LockStatus> {
    return pullStream(() => this.locked$, 'lockbox.statuses', options);
  }

  /**
   * Cold: every input's signal and every output's PID output (V), read with the sampler every
   * `intervalS` of board time, for user interfaces (an error-signal and output plot). Leases nothing.
   */
  signals$(intervalS = 0.05): Observable<LockboxSignals> {
    return defer(() => {
      const cfg = this.configured();
      const { sampler } = this.hardware();
      if (!(Number.isFinite(intervalS) && intervalS >= 1e-3 && intervalS <= 10)) throw new SettingsError('lockbox.signals$', 'intervalS', intervalS, 'a number from 0.001 to 10 (s)');
      const inputs = Object.values(cfg.inputs);
      const outputs = Object.values(cfg.outputs).filter((o) => sampler.signals.includes(o.pid));
      return interval(intervalS * 1000, this.modules.driver.scheduler).pipe(
        concatMap(() =>
          forkJoin([forkJoin(inputs.map((i) => sampler.sample(i.signal).pipe(take(1)))), outputs.length ? forkJoin(outputs.map((o) => sampler.sample(o.pid).pipe(take(1)))) : of([] as number[])]),
        ),
        map(([iv, ov]): LockboxSignals => ({
          timeS: this.nowS(),
          inputs: Object.fromEntries(inputs.map((i, k) => [i.name, iv[k]!])),
          outputs: Object.fromEntries(outputs.map((o, k) => [o.name, ov[k]!])),
        })),
      );
    });
  }

  /** Starts a session: the lease, the sequence, then the watch (and relocks). */
  private startSession(cfg: ResolvedLockboxConfig, waiter: Subscriber<LockEvent>): Session {
    this.publish({ locked: false, state: 'calibrating', stage: null, relocks: 0, reason: null, inputV: null, errorV: null, outputV: null });
    const work$ = this.modules.leases.using$(this.resources(cfg), LOCKBOX_OWNER, { wait: false }, (holder) => ({
      work$: this.sessionWork$(cfg, holder),
      cleanup: {
        run$: this.safe$(cfg, holder),
        onError: (e: unknown) => this.publish({ reason: `could not make the outputs safe: ${(e as Error).message}` }),
      },
    }));
    const session: Session = { subscription: undefined as unknown as Subscription, waiter };
    const finish = (reason: string | null): void => {
      if (this.session === session) this.session = null;
      this.publish({ locked: false, state: 'unlocked', stage: null, reason, inputV: null, errorV: null, outputV: null });
    };
    this.session = session;
    (session as { subscription: Subscription }).subscription = work$.subscribe({
      next: (e) => {
        const w = session.waiter;
        if (!w) return;
        w.next(e);
        if (e.kind === 'locked') {
          session.waiter = null;
          w.complete();
        }
      },
      error: (error: unknown) => {
        // the lease's cleanup (outputs safe) may still run: report the failure once it is over
        void this.released().then(() => {
          finish(error instanceof Error ? error.message : String(error));
          const w = session.waiter;
          session.waiter = null;
          w?.error(error);
        });
      },
      complete: () => finish(null),
    });
    return session;
  }

  /** Tears a session down and waits until its outputs are safe and its leases released. */
  private async endSession(s: Session): Promise<void> {
    if (this.session === s) this.session = null;
    s.subscription.unsubscribe();
    await this.released();
    this.publish({ locked: false, state: 'unlocked', stage: null, reason: 'unlocked', inputV: null, errorV: null, outputV: null });
  }

  /** Resolves when no module is held by the lockbox any more (its cleanup has run). */
  private released(): Promise<void> {
    return firstValueFrom(this.modules.leases.holders$.pipe(filter((held) => ![...held.values()]
      .some((h) => h.owners.includes(LOCKBOX_OWNER))))).then(() => undefined);
  }

  /** The lock sequence, then the watch; with autoRelock, a relock after every loss, retried until it holds. */
  private sessionWork$(cfg: ResolvedLockboxConfig, holder: LeaseHolder): Observable<LockEvent> {
    const scheduler = this.modules.driver.scheduler;
    const relock$: Observable<LockEvent> = defer(() => {
      this.publish({ locked: false, state: 'relocking' });
      return concat(timer(cfg.relockDelayS * 1000, scheduler).pipe(ignoreElements()), this.attempt$(cfg, holder, true));
    }).pipe(
      retry({
        delay: (error: unknown) => {
          if (error instanceof ConnectionLostError) throw error;
          this.publish({ locked: false, state: 'relocking', reason: `relock failed: ${(error as Error).message}` });
          return of(0);
        },
      }),
      tap((e) => e.kind === 'locked' && this.publish({ relocks: this.current.value.relocks + 1 })),
    );
    const cycle$ = (attempt$: Observable<LockEvent>): Observable<LockEvent> =>
      concat(attempt$, this.watch$(cfg, cfg.autoRelock), defer(() => (cfg.autoRelock ? cycle$(relock$) : EMPTY)));
    return cycle$(this.attempt$(cfg, holder, false));
  }

  /** One try at the lock: outputs off, sweep and calibrate, each stage, the final check. */
  private attempt$(cfg: ResolvedLockboxConfig, holder: LeaseHolder, relock: boolean): Observable<LockEvent> {
    return concat(
      this.outputsOff$(cfg, holder, true),
      this.iqs$(cfg, true),
      this.calibrateUnderLease$(cfg, holder).pipe(
        concatMap((e) => (e.kind === 'calibration' ? of<LockEvent>({ kind: 'calibration', input: e.input, calibration: e.calibration, timeS: this.nowS() }) : EMPTY)),
      ),
      ...cfg.sequence.map((stage, k) => this.stage$(cfg, holder, stage, k)),
      this.checkLocked$(cfg, relock),
    );
  }

  /** PIDs off (p = i = 0), their integrators reset when `reset`; inputs and outputs routed. */
  private outputsOff$(cfg: ResolvedLockboxConfig, holder: LeaseHolder, reset: boolean): Observable<never> {
    const writes = Object.values(cfg.outputs).map((o) =>
      this.pidOf(o).set$({ p: 0, i: 0, ...(reset ? { ival: 0 } : {}), outputDirect: o.dac, minVoltage: o.minVoltage, maxVoltage: o.maxVoltage }, { lease: holder }),
    );
    return (writes.length ? forkJoin(writes) : EMPTY).pipe(ignoreElements());
  }

  /** The safe state (see the class), run under the lease after any session or calibration. */
  private safe$(cfg: ResolvedLockboxConfig, holder: LeaseHolder): Observable<unknown> {
    return concat(this.outputsOff$(cfg, holder, true), this.stopSweep$(cfg, holder), this.iqs$(cfg, false));
  }

  private pidOf(o: ResolvedLockboxOutput): Pid {
    const pid = this.modules.pids[Number(o.pid.slice(3))];
    if (!pid) throw new LockboxUnavailableError(this.modules.driver.id, `PID module ${o.pid}`);
    return pid;
  }

  /** Enables one stage (PyRPL's `Stage._enable`), emits it, and holds it for its duration. */
  private stage$(cfg: ResolvedLockboxConfig, holder: LeaseHolder, stage: ResolvedLockboxStage, index: number): Observable<LockEvent> {
    return defer(() => {
      const lease = { lease: holder };
      const input = cfg.inputs[stage.input]!;
      const cal = this.calibrations.get(input.name);
      if (!cal) throw new LockError(stage.name, `input ${input.name} has no calibration`);
      this.publish({ state: 'locking', stage: stage.name });
      const writes = Object.values(cfg.outputs).map((o) => {
        const so = stage.outputs[o.name];
        const pid = this.pidOf(o);
        if (!so?.lock) {
          return pid.set$({ p: 0, i: 0, ...(typeof so?.offset === 'number' ? { ival: so.offset } : {}) }, lease);
        }
        const slope = expectedSlope(input, cal, stage.setpoint);
        const gains = pidGains({ slope, actuatorGain: o.actuatorGain, unityGainHz: o.unityGainHz, proportionalGain: o.proportionalGain, gainFactor: stage.gainFactor });
        if (!gains) throw new LockError(stage.name, `input ${input.name} has no slope at setpoint ${stage.setpoint} (a peak or a flat signal): nothing to lock to`);
        let ival: number | undefined;
        if (so.offset === 'from-sweep') {
          const located = cal.centerV ?? (input.locateWith ? this.calibrations.get(input.locateWith)?.centerV : null) ?? null;
          if (located === null) throw new LockError(stage.name, `the sweep did not locate input ${input.name}'s feature, so 'from-sweep' has no voltage`);
          ival = Math.min(o.maxVoltage, Math.max(o.minVoltage, located + stage.setpoint / o.actuatorGain));
        } else if (typeof so.offset === 'number') {
          ival = so.offset;
        }
        const setpointV = expectedSignal(input, cal, stage.setpoint);
        // gains to zero while input and setpoint change (PyRPL does so too), then the new gains
        return concat(
          pid.set$({ p: 0, i: 0, input: input.signal, setpoint: setpointV, ...(ival !== undefined ? { ival } : {}) }, lease),
          defer(() => pid.set$({ p: gains.p, i: gains.i }, lease)),
        ).pipe(
          last(),
          catchError((e: unknown) => {
            throw e instanceof SettingsError ? new LockError(stage.name, `output ${o.name}: the gains for a ${o.unityGainHz} Hz loop do not fit the PID (${e.message})`, { cause: e }) : e;
          }),
        );
      });
      return concat(
        of<LockEvent>({ kind: 'stage', index, stage: stage.name, timeS: this.nowS() }),
        (writes.length ? forkJoin(writes) : EMPTY).pipe(ignoreElements()),
        timer(stage.durationS * 1000, this.modules.driver.scheduler).pipe(ignoreElements()),
      );
    });
  }

  /** One lock-status sample: the judged input and the first locked output's PID. */
  private sample$(cfg: ResolvedLockboxConfig): Observable<LockSample> {
    return defer(() => {
      const { sampler } = this.hardware();
      const last = cfg.sequence[cfg.sequence.length - 1]!;
      const input = cfg.inputs[cfg.lockedInput]!;
      const cal = this.calibrations.get(input.name);
      const locked = Object.values(cfg.outputs).filter((o) => last.outputs[o.name]?.lock);
      const watched = locked.filter((o) => sampler.signals.includes(o.pid));
      return forkJoin([sampler.sample(input.signal).pipe(take(1)), watched.length ? forkJoin(watched.map((o) => sampler.sample(o.pid).pipe(take(1)))) : of([] as number[])]).pipe(
        map(([inputV, outs]) => {
          if (!cal) return { inputV, outputV: outs[0] ?? null, locked: false, errorV: NaN, why: `input ${input.name} has no calibration` };
          const [lo, hi] = lockedWindow(input, cal, last.setpoint, cfg.lockedThreshold);
          const errorV = inputV - expectedSignal(input, cal, last.setpoint);
          let why: string | null = null;
          if (!(inputV >= lo && inputV <= hi)) why = `input ${input.name} reads ${inputV.toPrecision(4)} V, outside the locked window [${lo.toPrecision(4)}, ${hi.toPrecision(4)}] V`;
          watched.forEach((o, k) => {
            const v = outs[k]!;
            if (why === null && (v >= o.maxVoltage - cfg.saturationMarginV || v <= o.minVoltage + cfg.saturationMarginV)) {
              why = `output ${o.name} is saturated at ${v.toPrecision(4)} V (limits ${o.minVoltage} to ${o.maxVoltage} V)`;
            }
          });
          return { inputV, outputV: outs[0] ?? null, locked: why === null, errorV, why };
        }),
      );
    });
  }

  /** After the last stage: the mean of `checkSamples` samples must be locked, else `LockError`. */
  private checkLocked$(cfg: ResolvedLockboxConfig, relock: boolean): Observable<LockEvent> {
    const last = cfg.sequence[cfg.sequence.length - 1]!;
    const scheduler = this.modules.driver.scheduler;
    return range(0, cfg.checkSamples).pipe(
      concatMap((k) => (k === 0 ? this.sample$(cfg) : timer(cfg.lockStatusIntervalS * 1000, scheduler).pipe(switchMap(() => this.sample$(cfg))))),
      toArray(),
      map((samples): LockEvent => {
        const bad = samples.filter((s) => !s.locked);
        // locked when most samples are (a single noisy sample does not fail a lock)
        if (bad.length * 2 > samples.length) throw new LockError(last.name, `not locked after the stage: ${bad[0]!.why} (${bad.length} of ${samples.length} samples)`);
        const s = samples[samples.length - 1]!;
        this.publish({ locked: true, state: 'locked', stage: last.name, inputV: s.inputV, errorV: s.errorV, outputV: s.outputV, reason: null });
        return { kind: 'locked', stage: last.name, timeS: this.nowS(), relock };
      }),
    );
  }

  /**
   * Watches the lock every `lockStatusIntervalS`, publishing each sample on `locked$`; with
   * `untilLost`, completes once `lossSamples` samples in a row were unlocked (the lock is lost).
   */
  private watch$(cfg: ResolvedLockboxConfig, untilLost: boolean): Observable<never> {
    return interval(cfg.lockStatusIntervalS * 1000, this.modules.driver.scheduler).pipe(
      concatMap(() => this.sample$(cfg)),
      // unlocked samples in a row
      scan((acc, s) => ({ s, bad: s.locked ? 0 : acc.bad + 1 }), { s: null as unknown as LockSample, bad: 0 }),
      tap(({ s, bad }) => {
        const lost = bad >= cfg.lossSamples;
        const stillLocked = this.current.value.locked ? !lost : s.locked;
        this.publish({ locked: stillLocked, state: stillLocked ? 'locked' : 'lost', inputV: s.inputV, errorV: s.errorV, outputV: s.outputV, reason: stillLocked ? null : (s.why ?? this.current.value.reason) });
      }),
      takeWhile(({ bad }) => !(untilLost && bad >= cfg.lossSamples)),
      ignoreElements(),
    );
  }

  /** Ends the lockbox with the board: any lock is torn down, `locked$` completes. */
  dispose(): void {
    const s = this.session;
    this.session = null;
    s?.subscription.unsubscribe();
    this.current.complete();
    this.configs.complete();
  }
}
