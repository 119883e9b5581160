import { Observable, type SchedulerLike } from 'rxjs';
import {
  ConnectionLostError,
  longestTraceS,
  RED_PITAYA_125_14,
  SettingsError,
  type AcquireOptions,
  type BoardDriver,
  type BoardInfo,
  type DeepCaptureEvent,
  type DeepCaptureWindow,
  type DeepMemoryDriver,
  type IqDriver,
  type IqMeasureRequest,
  type IqModuleSettings,
  type IqResult,
  type PidDriver,
  type ResolvedIqModuleSettings,
  type RawTrace,
  type SamplerDriver,
  type ResolvedAsgSettings,
  type ResolvedScopeSettings,
  type ResolvedStreamSettings,
  type StreamBlock,
} from '@labrx/core';
import { acquireTrace, type AcquisitionHost } from './acquisition/acquireTrace.js';
import { captureDeep } from './acquisition/captureDeep.js';
import { RunningJobs } from './acquisition/RunningJobs.js';
import { streamBlocks } from './acquisition/streamBlocks.js';
import { measureIq, type IqHost } from './iq/measureIq.js';
import { resolveSimBoardOptions, type ResolvedSimBoardOptions, type SimBoardOptions } from './options.js';
import { NoiseBlocks } from './signal/NoiseBlocks.js';
import { SignalModel, type InputComponent, type RenderRequest } from './signal/SignalModel.js';
import { LoopEngine } from './loop/LoopEngine.js';
import { LinearPlant } from './loop/LinearPlant.js';
import { SIM_PID_LIMITS, SimPids } from './loop/SimPids.js';
import { iqResetRegisters, readIqConfig, resolveIqConfig, SIM_IQ_MODULE_LIMITS, type IqNames } from './loop/SimIqConfig.js';
import { LOOP_SIGNALS, loopSignalIndex } from './loop/dspSignals.js';
import { renderFromLoop } from './loop/renderFromLoop.js';
import { renderSignalFromLoop } from './loop/renderSignalFromLoop.js';
import { AsgInLoop } from './loop/AsgInLoop.js';
import { Xoshiro128 } from './prng/xoshiro128.js';
import type { Plant } from './plant/Plant.js';

/** The simulated board's fixed facts: a STEMlab 125-14 with LV inputs. */
export const SIM_BOARD_INFO: BoardInfo = Object.freeze({ ...RED_PITAYA_125_14, model: 'STEMlab 125-14 (simulated)', pid: SIM_PID_LIMITS, iqModule: SIM_IQ_MODULE_LIMITS });

/** Longest trace (s): 16384 samples at the largest decimation. Generator history older than twice this is dropped. */
const LONGEST_TRACE_S = longestTraceS(SIM_BOARD_INFO);

/** Serials of direct `sampleInputs` calls live above the acquisitions' (which count from 1). */
const DIRECT_SERIAL_BASE = 0x80000000;

/**
 * A signal-level simulated Red Pitaya 125-14 implementing `BoardDriver`. Two generators drive
 * out1 (and out2, which nothing listens to); out1 reaches in1 through the DUT and in2 directly;
 * each input adds white noise, the external tones, and a 14-bit ADC (±1 V). The scope and the
 * three IQ modules (`iq`) both observe this one signal model. PyRPL's three PIDs (`pid`) and the
 * IQ modules as continuous demodulators (`iq.configure`) act in closed loop with the DUT or a
 * `Plant` given as `dut`: while a plant or an acting module needs it, a loop engine computes the
 * FPGA's DSP chain at 125 MHz / `loopDecimation` and the scope, the IQ measurements and the sampler
 * read it (docs/architecture.md, "Closed loop"; docs/decisions/0018-closed-loop-rate.md). Every acquisition
 * takes as long as on hardware on the injected scheduler, and every random draw comes from the
 * seeded PRNG. See docs/architecture.md, "The simulator", and `SignalModel` for the physics.
 *
 * Generator conventions (documented here because users see them on the scope):
 * - periods start at the phase origin, the board time at which `setAsg` applied the settings
 *   (every `setAsg` restarts the generator), and every 1/frequency after; `phase` (deg) is the
 *   waveform's phase at those instants, so the 'asg0'/'asg1' triggers show it at t = 0;
 * - 'sine' is sin(θ); 'square' is +amplitude for the first half period and −amplitude for the
 *   second; 'triangle' is (2/π)·asin(sin θ) (in phase with the sine); 'ramp-up' rises from
 *   −amplitude at each period start to +amplitude, 'ramp-down' falls from +amplitude;
 * - 'dc' outputs `offset` only (amplitude is ignored);
 * - 'noise' is Gaussian white noise of rms `amplitude` over 0…62.5 MHz, plus `offset`;
 * - 'arbitrary' plays `data` (one period, −1…1, times amplitude) with linear interpolation
 *   between points, the last point joining the first;
 * - the outputs do not clip (|amplitude| + |offset| ≤ 1 V is checked by the settings); the
 *   inputs do, at the ADC;
 * - bursts and triggers as PyRPL's FPGA (docs/architecture.md, "Bursts and triggers"): each burst
 *   starts at `phase` with its own phase origin, ends at the `burstCycles`-th period boundary and the
 *   output then holds the value at phase 0; before the first trigger the value at `phase`; the
 *   'ext-*' triggers watch `extTrigger` (never an edge without it); `triggerAsg` is the software
 *   trigger. The 'asg0'/'asg1' scope triggers fire at period starts within bursts only.
 */
export class SimBoard implements BoardDriver {
  readonly id: string;
  readonly info: BoardInfo;
  readonly scheduler: SchedulerLike;
  /** The options in force, defaults filled in. */
  readonly options: ResolvedSimBoardOptions;
  private readonly model: SignalModel;
  private readonly originMs: number;
  /** Scheduler time (ms) the board's clock is held at inside `atOneInstant`, else null. */
  private heldMs: number | null = null;
  private readonly seedWords: readonly number[];
  private readonly running = new RunningJobs();
  private closed = false;
  private readonly directNoise: NoiseBlocks;
  private directCalls = 0;
  private readonly host: AcquisitionHost;
  private readonly runningIq = new RunningJobs();
  /** The closed loop (runs while a plant or an active PID/IQ module needs it). */
  private readonly loop: LoopEngine;
  /** Why the DUT cannot run in closed loop (no time-domain model), or null. */
  private readonly loopUnavailable: SettingsError | null;
  private readonly iqNames: IqNames[] = [0, 1, 2].map(() => ({ input: 'off', bandwidthWord: 0, acWord: 0, frequencyStep: 0, phaseWord: 0 }));
  /** Generator values for the sampler while the loop is idle. */
  private readonly idleAsgs: AsgInLoop[];
  private readonly idleRng: Xoshiro128;

  /**
   * The three PID modules of PyRPL's FPGA (red_pitaya_pid_block.v), computed in closed loop with the
   * DUT or plant (docs/architecture.md, "Closed loop"). `set` validates (SettingsError, nothing
   * written), quantises as the FPGA's registers and applies at the present board time.
   */
  readonly pid: PidDriver;

  /**
   * The three IQ modules (lock-ins) of the 125-14. `iq.measure(index, request)` is cold: it waits
   * `settleS`, integrates the simulated input for `integrationS` against a local oscillator locked
   * to generator `lockToAsg`, emits the complex amplitude (A·sin(θ + φ) reads A·e^(jφ), volts) and
   * completes; unsubscribing cancels it. See `measureIq` for the physics.
   */
  readonly iq: IqDriver;

  /**
   * Momentary values of in1 and in2 (volts, noise and ADC included): one sample at the present board
   * time per `sample`, emitted synchronously. (Servers that emulate PyRPL's sampler read it.)
   */
  readonly sampler: SamplerDriver;
  /**
   * Deep-memory captures (`captureDeep`): present unless the board was made with
   * `deepMemoryBytes: 0`; `info.deepMemorySamples` is a quarter of the region (two channels of int16).
   */
  readonly deepMemory?: DeepMemoryDriver;

  /** Prefer `createSimBoard(options)`. @throws SettingsError for invalid options */
  constructor(options?: SimBoardOptions) {
    this.options = resolveSimBoardOptions(options);
    this.id = this.options.id;
    const deepBytes = this.options.deepMemoryBytes;
    // two channels share the DDR region, 2 bytes per sample (int16 ADC counts, as the DMA writes them)
    this.info = deepBytes > 0 ? Object.freeze({ ...SIM_BOARD_INFO, deepMemorySamples: Math.floor(deepBytes / 4) }) : SIM_BOARD_INFO;
    this.scheduler = this.options.scheduler;
    this.originMs = this.scheduler.now();
    const seed = this.options.seed;
    this.seedWords = [seed >>> 0, Math.floor(seed / 2 ** 32) >>> 0];
    this.model = new SignalModel(this.info, this.options.dut, this.options.noiseDensity, this.options.tones, this.options.extTrigger);
    this.directNoise = new NoiseBlocks(this.seedWords, DIRECT_SERIAL_BASE, this.info.bufferSize, 4);
    const cycles = this.options.loopDecimation;
    const dtS = cycles / this.info.sampleRateHz;
    let plant: Plant | null = this.options.plant;
    let unavailable: SettingsError | null = null;
    if (!plant) {
      try {
        plant = new LinearPlant(this.options.dut, dtS);
      } catch (e) {
        if (!(e instanceof SettingsError)) throw e;
        unavailable = e;
      }
    }
    this.loopUnavailable = unavailable;
    this.loop = new LoopEngine({
      info: this.info,
      model: this.model,
      plant: plant ?? IDLE_PLANT,
      seedWords: this.seedWords,
      cycles,
      noiseDensity: this.options.noiseDensity,
      pidRegisters: [0, 1, 2].map(() => SimPids.resetRegisters()),
      iqRegisters: [0, 1, 2].map(() => iqResetRegisters()),
    });
    this.idleAsgs = this.model.asg.map((h) => new AsgInLoop(h, this.loop.fastLimitHz, this.loop.rateHz, this.info.sampleRateHz));
    this.idleRng = new Xoshiro128(...this.seedWords, 0x49444c45);
    const noiseStd = (req: RenderRequest) => this.model.inputNoiseStd(req.decimation, req.boxcar);
    const renderer = {
      asg: this.model.asg,
      render: (input: 0 | 1, req: RenderRequest, out: Float64Array, from?: number, to?: number) => {
        if (this.loop.running) renderFromLoop(this.loop, this.info, noiseStd(req), input, req, out, from ?? 0, to ?? out.length);
        else this.model.render(input, req, out, from, to);
      },
    };
    const common = { info: this.info, scheduler: this.scheduler, model: this.model, seedWords: this.seedWords, originMs: this.originMs };
    this.host = { ...common, model: renderer, causal: () => this.loop.running, extTrigger: this.options.extTrigger, begin: this.running.begin, end: this.running.end };
    const iqHost: IqHost = { ...common, begin: this.runningIq.begin, end: this.runningIq.end, loop: () => (this.loop.running ? this.loop : null) };
    this.iq = Object.freeze({
      measure: (index: number, request: IqMeasureRequest) =>
        new Observable<IqResult>((subscriber) => {
          if (this.closed) return subscriber.error(new ConnectionLostError(this.id, 'the simulated board is closed'));
          return measureIq(iqHost, index, request).subscribe(subscriber);
        }),
      configure: (index: number, settings: IqModuleSettings) =>
        new Observable<ResolvedIqModuleSettings>((subscriber) => {
          if (this.closed) return subscriber.error(new ConnectionLostError(this.id, 'the simulated board is closed'));
          if (!(index === 0 || index === 1 || index === 2)) return subscriber.error(new SettingsError('iq', 'index', index, 'an integer from 0 to 2'));
          const block = this.loop.iqs[index]!;
          let resolved: ReturnType<typeof resolveIqConfig>;
          try {
            resolved = resolveIqConfig(index, settings, block, this.iqNames[index]!);
            const r = resolved.regs;
            const active = (r.input >= 0 && r.outputSignal !== 2 && r.gain !== 0) || (r.outputDirect !== 0 && r.amplitudeV !== 0);
            if (active && this.loopUnavailable) throw this.loopUnavailable;
          } catch (e) {
            return subscriber.error(e);
          }
          this.loopBeforeChange();
          block.setRegisters(resolved.regs);
          this.iqNames[index] = resolved.names;
          this.loopAfterChange();
          subscriber.next(readIqConfig(index, block.regs, resolved.names));
          subscriber.complete();
        }),
      get: (index: number) =>
        new Observable<ResolvedIqModuleSettings>((subscriber) => {
          if (this.closed) return subscriber.error(new ConnectionLostError(this.id, 'the simulated board is closed'));
          if (!(index === 0 || index === 1 || index === 2)) return subscriber.error(new SettingsError('iq', 'index', index, 'an integer from 0 to 2'));
          subscriber.next(readIqConfig(index, this.loop.iqs[index]!.regs, this.iqNames[index]!));
          subscriber.complete();
        }),
    });
    this.pid = new SimPids({
      blocks: this.loop.pids,
      beforeChange: () => this.loopBeforeChange(),
      afterChange: () => this.loopAfterChange(),
      closedError: () => (this.closed ? new ConnectionLostError(this.id, 'the simulated board is closed') : null),
      checkLoop: () => {
        if (this.loopUnavailable) throw this.loopUnavailable;
      },
    });
    if (deepBytes > 0) {
      this.deepMemory = Object.freeze({
        capture$: (settings: Omit<ResolvedScopeSettings, 'averages'>, window: DeepCaptureWindow, catchUp$?: Observable<unknown>) =>
          new Observable<DeepCaptureEvent>((subscriber) => {
            if (this.closed) return subscriber.error(new ConnectionLostError(this.id, 'the simulated board is closed'));
            const { samples, triggerIndex } = window;
            if (!(Number.isInteger(samples) && samples >= 1 && Number.isInteger(triggerIndex) && triggerIndex <= samples)) {
              return subscriber.error(new SettingsError('deepMemory', 'window', window, 'samples an integer ≥ 1 and triggerIndex an integer ≤ samples'));
            }
            return captureDeep(this.host, settings, window, catchUp$).subscribe(subscriber);
          }),
      });
    }
    this.sampler = Object.freeze({
      signals: Object.freeze([...LOOP_SIGNALS]),
      sample: (signal: string) =>
        new Observable<number>((subscriber) => {
          if (this.closed) return subscriber.error(new ConnectionLostError(this.id, 'the simulated board is closed'));
          const k = loopSignalIndex(signal);
          if (k === undefined || k < 0) return subscriber.error(new SettingsError('sampler', 'signal', signal, `one of ${LOOP_SIGNALS.join(', ')}`));
          subscriber.next(this.sampleSignal(k));
          subscriber.complete();
        }),
    });
    if (this.options.plant) this.loop.start(this.timeS());
  }

  /** Signal `k` (loop/dspSignals.ts) now: from the loop when it runs, else from the analytic model. */
  private sampleSignal(k: number): number {
    const now = this.timeS();
    if (this.loop.running) {
      this.loop.advanceTo(now);
      return this.loop.signal(k);
    }
    if (k === 0 || k === 1) {
      const a = new Float64Array(1);
      const b = new Float64Array(1);
      this.sampleInputs({ startS: now }, a, b);
      return k === 0 ? a[0]! : b[0]!;
    }
    if (k === 2 || k === 3 || k === 10 || k === 11) {
      // generators only: nothing else acts while the loop is idle
      let sum = 0;
      for (let g = 0; g < 2; g++) {
        const a = this.idleAsgs[g]!;
        const v = a.value(now, this.idleRng) + a.tones.reduce((s, t) => s + t.re * Math.sin(2 * Math.PI * t.frequencyHz * now) + t.im * Math.cos(2 * Math.PI * t.frequencyHz * now), 0);
        if (k >= 10 ? k - 10 === g : a.output(now) === (k === 2 ? 'out1' : 'out2')) sum += v;
      }
      return Math.max(-1, Math.min(8191 / 8192, sum));
    }
    return 0;
  }

  /** Computes the loop up to now, so that a change lands at the present board time. */
  private loopBeforeChange(): void {
    if (this.loop.running) this.loop.advanceTo(this.timeS());
  }

  /** Starts or stops the loop as the plant and the modules now need. */
  private loopAfterChange(): void {
    this.loop.refresh();
    const want = this.options.plant !== null || this.loop.pids.some((p) => p.active) || this.loop.iqs.some((q) => q.active);
    if (want && !this.loop.running) this.loop.start(this.timeS());
    else if (!want && this.loop.running) this.loop.stop();
  }

  /** True while the closed loop runs (a plant, or a PID or IQ module acting): the scope and IQ modules then read the loop. */
  get loopRunning(): boolean {
    return this.loop.running;
  }

  /** Closed-loop steps computed since the board was created (for benchmarks). */
  get loopStepsComputed(): number {
    return this.loop.stepsComputed;
  }

  /** The loop rate (Hz): 125 MHz / loopDecimation. */
  get loopRateHz(): number {
    return this.loop.rateHz;
  }

  /** The plant's state at the loop's last step (`Plant.state()`), after computing the loop up to now. */
  plantState(): Readonly<Record<string, number>> {
    this.loopBeforeChange();
    return (this.options.plant ?? IDLE_PLANT).state();
  }

  /** IQ measurements waiting or integrating now. */
  get activeIqMeasurements(): number {
    return this.runningIq.size;
  }

  /** Acquisitions armed or running now (0 once every subscriber has finished or unsubscribed). */
  get activeAcquisitions(): number {
    return this.running.size;
  }

  /** Acquisitions started since the board was created. */
  get acquisitionsStarted(): number {
    return this.running.started;
  }

  /** True while an acquisition is armed or running. */
  get scopeRunning(): boolean {
    return this.running.size > 0;
  }

  /** Board time in seconds: scheduler time since the board was created. */
  timeS(): number {
    return ((this.heldMs ?? this.scheduler.now()) - this.originMs) / 1000;
  }

  /** BoardDriver.atOneInstant: the board's time stands at one scheduler instant while `fn` runs (nested calls share it). */
  atOneInstant<T>(fn: (nowMs: number) => T): T {
    if (this.heldMs !== null) return fn(this.heldMs);
    const now = this.scheduler.now();
    this.heldMs = now;
    try {
      return fn(now);
    } finally {
      this.heldMs = null;
    }
  }

  /**
   * Applies generator `index`'s settings at the current board time (the generator restarts its
   * phase there) and emits them once, then completes. Cold: nothing changes until subscribed.
   * Errors with SettingsError for an index other than 0 or 1 or an 'arbitrary' waveform without
   * data, and with ConnectionLostError after `close()`.
   */
  setAsg(index: number, settings: ResolvedAsgSettings): Observable<ResolvedAsgSettings> {
    return new Observable<ResolvedAsgSettings>((subscriber) => {
      if (this.closed) return subscriber.error(new ConnectionLostError(this.id, 'the simulated board is closed'));
      if (!(index === 0 || index === 1)) return subscriber.error(new SettingsError('asg', 'index', index, 'an integer from 0 to 1'));
      if (settings.waveform === 'arbitrary' && !(settings.data && settings.data.length > 0)) {
        return subscriber.error(new SettingsError(`asg${index}`, 'data', settings.data, "one period of samples when waveform is 'arbitrary'"));
      }
      const frozen = Object.isFrozen(settings) ? settings : Object.freeze({ ...settings });
      this.loopBeforeChange();
      const now = this.timeS();
      this.model.asg[index].apply(frozen, now, now - 2 * LONGEST_TRACE_S);
      subscriber.next(frozen);
      subscriber.complete();
    });
  }

  /**
   * A software trigger on generator `index` at the present board time (PyRPL's `asg.trig()`, SCPI
   * `SOUR<n>:TRig:INT`): its settings start a burst sequence now, whatever its `trigger` (a continuous
   * generator restarts its phase). Emits once and completes; cold.
   */
  triggerAsg(index: number): Observable<void> {
    return new Observable<void>((subscriber) => {
      if (this.closed) return subscriber.error(new ConnectionLostError(this.id, 'the simulated board is closed'));
      if (!(index === 0 || index === 1)) return subscriber.error(new SettingsError('asg', 'index', index, 'an integer from 0 to 1'));
      this.loopBeforeChange();
      const now = this.timeS();
      this.model.asg[index].trigger(now, now - 2 * LONGEST_TRACE_S);
      subscriber.next();
      subscriber.complete();
    });
  }

  /** Generator `index`'s settings in force now (readback). */
  asgSettings(index: number): ResolvedAsgSettings {
    if (!(index === 0 || index === 1)) throw new SettingsError('asg', 'index', index, 'an integer from 0 to 1');
    return this.model.asgSettings(index);
  }

  /**
   * Arms the scope, waits for the trigger and the post-trigger samples, emits one raw trace and
   * completes: 16384·decimation/125 MHz after arming for an immediate trigger (8.59 s at
   * decimation 65536), plus the trigger wait. Unsubscribing stops it and leaves nothing
   * scheduled. Errors with ConnectionLostError once the board is closed (also if it closes
   * mid-acquisition).
   */
  acquire(settings: Omit<ResolvedScopeSettings, 'averages'>, options: AcquireOptions = {}): Observable<RawTrace> {
    return new Observable<RawTrace>((subscriber) => {
      if (this.closed) return subscriber.error(new ConnectionLostError(this.id, 'the simulated board is closed'));
      const sources = options.sources;
      if (!sources || (sources[0] === 'in1' && sources[1] === 'in2')) return acquireTrace(this.host, settings).subscribe(subscriber);
      let host: AcquisitionHost;
      try {
        host = this.routedHost(sources);
      } catch (e) {
        return subscriber.error(e);
      }
      return acquireTrace(host, settings).subscribe(subscriber);
    });
  }

  /** Signals the scope records besides in1/in2: the PIDs' and IQ modules' outputs and iq2_2, from the closed loop (0 while it is idle). */
  readonly scopeSources: readonly string[] = Object.freeze(['pid0', 'pid1', 'pid2', 'iq0', 'iq1', 'iq2', 'iq2_2']);

  /** The acquisition host whose ch1/ch2 render `sources` (PyRPL's scope input1/input2). */
  private routedHost(sources: readonly [string, string]): AcquisitionHost {
    const pick = sources.map((name, c): { input: 0 | 1; signal: number } => {
      if (name === 'in1' || name === 'in2') return { input: name === 'in1' ? 0 : 1, signal: -1 };
      if (!this.scopeSources.includes(name)) throw new SettingsError('scope', `sources[${c}]`, name, `one of 'in1', 'in2', ${this.scopeSources.map((x) => `'${x}'`).join(', ')}`);
      return { input: c === 0 ? 0 : 1, signal: loopSignalIndex(name)! };
    });
    const base = this.host.model;
    return {
      ...this.host,
      model: {
        asg: base.asg,
        render: (input: 0 | 1, req: RenderRequest, out: Float64Array, from?: number, to?: number) => {
          const p = pick[input]!;
          if (p.signal < 0) base.render(p.input, req, out, from, to);
          else renderSignalFromLoop(this.loop, this.info, p.signal, req, out, from ?? 0, to ?? out.length);
        },
      },
    };
  }

  /** Every sample is delivered unless the consumer falls more than `bufferSamples` behind. */
  readonly streamGuarantee = 'exact' as const;

  /**
   * The scope's gapless stream (see `streamBlocks`): consecutive blocks of both inputs from stream
   * index 0 at subscription, each emitted when its last sample is in, rendered from the same signal
   * model as an acquisition, with one noise realisation across blocks. A consumer more than
   * `bufferSamples` behind gets a `GapBlock`. Counts as a running acquisition (`scopeRunning`) until
   * unsubscribed. Errors with ConnectionLostError once the board is closed.
   */
  stream(settings: Omit<ResolvedStreamSettings, 'onOverflow'>): Observable<StreamBlock> {
    return new Observable<StreamBlock>((subscriber) => {
      if (this.closed) return subscriber.error(new ConnectionLostError(this.id, 'the simulated board is closed'));
      return streamBlocks(this.host, settings).subscribe(subscriber);
    });
  }

  /**
   * Computes input samples directly, synchronously, with no scheduler: ch1 (in1) and ch2 (in2)
   * quantised volts at board times startS + i·decimation/125 MHz, each stamped at the first raw
   * sample of its boxcar window. For benchmarks and for modules (IQ, NA) that need the same signal
   * model as the scope. Each call draws a fresh noise realisation unless `realisation` is given
   * (the same realisation number gives the same noise).
   *
   * @param p.startS board time of the first sample, s
   * @param p.decimation power of two 1…65536 (default 1)
   * @param p.boxcar average within each decimation step (default true)
   */
  sampleInputs(p: { startS: number; decimation?: number; boxcar?: boolean; realisation?: number }, ch1: Float64Array, ch2: Float64Array): void {
    const serial = p.realisation ?? ++this.directCalls;
    this.directNoise.reset(DIRECT_SERIAL_BASE + (serial % DIRECT_SERIAL_BASE));
    const req = { armS: p.startS, decimation: p.decimation ?? 1, boxcar: p.boxcar ?? true, first: 0, noise: this.directNoise };
    this.model.render(0, req, ch1);
    this.model.render(1, req, ch2);
  }

  /**
   * The sinusoidal components at an input at board time `timeS` (default now) and its DC level,
   * before noise and the ADC: generator harmonics through the DUT (in1) or direct (in2), and the
   * external tones. Each is amplitude·sin(2π·frequency·t + phase) in board time t.
   */
  inputComponents(input: 'in1' | 'in2', timeS = this.timeS()): { dc: number; tones: InputComponent[] } {
    return this.model.components(input, timeS);
  }

  /** V/√Hz of white noise on each input. */
  get noiseDensity(): number {
    return this.options.noiseDensity;
  }

  /**
   * Closes the board: acquisitions in flight error with ConnectionLostError, later calls error
   * the same way, and nothing stays scheduled. Idempotent.
   */
  close(): Promise<void> {
    if (!this.closed) {
      this.closed = true;
      const error = new ConnectionLostError(this.id, 'the simulated board was closed');
      this.running.failAll(error);
      this.runningIq.failAll(error);
    }
    return Promise.resolve();
  }
}

/** Stands in for the plant of a DUT without a time-domain model (the loop never starts then). */
const IDLE_PLANT: Plant = Object.freeze({
  name: 'none',
  spec: { kind: 'none' },
  step(_t: number, _dt: number, drive: { out1: number }, sense: { in1: number; in2: number; tones1: unknown[]; tones2: unknown[] }) {
    sense.in1 = 0;
    sense.in2 = drive.out1;
    sense.tones1.length = 0;
    sense.tones2.length = 0;
  },
  state: () => ({}),
});

/**
 * Creates a simulated Red Pitaya 125-14.
 *
 * @example
 * const clock = new VirtualClock();
 * const board = createSimBoard({ seed: 7, dut: resonator({ f0: 1e6, q: 20 }), scheduler: clock });
 * await firstValueFrom(board.setAsg(0, { ...ASG_DEFAULTS, frequency: 1e6, amplitude: 0.5, output: 'out1' }));
 * const trace = await clock.run(firstValueFrom(board.acquire({ ...SCOPE_DEFAULTS, decimation: 8 })));
 * @throws SettingsError for invalid options
 */
export function createSimBoard(options?: SimBoardOptions): SimBoard {
  return new SimBoard(options);
}
