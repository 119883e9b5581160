import { Observable, type SchedulerLike } from 'rxjs';
import {
  ConnectionLostError,
  longestTraceS,
  RED_PITAYA_125_14,
  SettingsError,
  type BoardDriver,
  type BoardInfo,
  type DeepCaptureEvent,
  type DeepCaptureWindow,
  type DeepMemoryDriver,
  type IqDriver,
  type IqMeasureRequest,
  type IqResult,
  type RawTrace,
  type SamplerDriver,
  type ResolvedAsgSettings,
  type ResolvedScopeSettings,
} from '@labrx/core';
import { acquireTrace, type AcquisitionHost } from './acquisition/acquireTrace.js';
import { captureDeep } from './acquisition/captureDeep.js';
import { RunningJobs } from './acquisition/RunningJobs.js';
import { measureIq, type IqHost } from './iq/measureIq.js';
import { resolveSimBoardOptions, type ResolvedSimBoardOptions, type SimBoardOptions } from './options.js';
import { NoiseBlocks } from './signal/NoiseBlocks.js';
import { SignalModel, type InputComponent } from './signal/SignalModel.js';

/** The simulated board's fixed facts: a STEMlab 125-14 with LV inputs. */
export const SIM_BOARD_INFO: BoardInfo = Object.freeze({ ...RED_PITAYA_125_14, model: 'STEMlab 125-14 (simulated)' });

/** Longest trace (s): 16384 samples at the largest decimation. Generator history older than twice this is dropped. */
const LONGEST_TRACE_S = longestTraceS(SIM_BOARD_INFO);

/** Serials of direct `sampleInputs` calls live above the acquisitions' (which count from 1). */
const DIRECT_SERIAL_BASE = 0x80000000;

/**
 * A signal-level simulated Red Pitaya 125-14 implementing `BoardDriver`. Two generators drive
 * out1 (and out2, which nothing listens to); out1 reaches in1 through the DUT and in2 directly;
 * each input adds white noise, the external tones, and a 14-bit ADC (±1 V). The scope and the
 * three IQ modules (`iq`) both observe this one signal model. Every acquisition
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
 *   inputs do, at the ADC.
 */
export class SimBoard implements BoardDriver {
  readonly id: string;
  readonly info: BoardInfo;
  readonly scheduler: SchedulerLike;
  /** The options in force, defaults filled in. */
  readonly options: ResolvedSimBoardOptions;
  private readonly model: SignalModel;
  private readonly originMs: number;
  private readonly seedWords: readonly number[];
  private readonly running = new RunningJobs();
  private closed = false;
  private readonly directNoise: NoiseBlocks;
  private directCalls = 0;
  private readonly host: AcquisitionHost;
  private readonly runningIq = new RunningJobs();

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
    this.model = new SignalModel(this.info, this.options.dut, this.options.noiseDensity, this.options.tones);
    this.directNoise = new NoiseBlocks(this.seedWords, DIRECT_SERIAL_BASE, this.info.bufferSize, 4);
    const common = { info: this.info, scheduler: this.scheduler, model: this.model, seedWords: this.seedWords, originMs: this.originMs };
    this.host = { ...common, extTrigger: this.options.extTrigger, begin: this.running.begin, end: this.running.end };
    const iqHost: IqHost = { ...common, begin: this.runningIq.begin, end: this.runningIq.end };
    this.iq = Object.freeze({
      measure: (index: number, request: IqMeasureRequest) =>
        new Observable<IqResult>((subscriber) => {
          if (this.closed) return subscriber.error(new ConnectionLostError(this.id, 'the simulated board is closed'));
          return measureIq(iqHost, index, request).subscribe(subscriber);
        }),
    });
    if (deepBytes > 0) {
      this.deepMemory = Object.freeze({
        capture$: (settings: Omit<ResolvedScopeSettings, 'averages'>, window: DeepCaptureWindow) =>
          new Observable<DeepCaptureEvent>((subscriber) => {
            if (this.closed) return subscriber.error(new ConnectionLostError(this.id, 'the simulated board is closed'));
            const { samples, triggerIndex } = window;
            if (!(Number.isInteger(samples) && samples >= 1 && Number.isInteger(triggerIndex) && triggerIndex <= samples)) {
              return subscriber.error(new SettingsError('deepMemory', 'window', window, 'samples an integer ≥ 1 and triggerIndex an integer ≤ samples'));
            }
            return captureDeep(this.host, settings, window).subscribe(subscriber);
          }),
      });
    }
    this.sampler = Object.freeze({
      signals: Object.freeze(['in1', 'in2']),
      sample: (signal: string) =>
        new Observable<number>((subscriber) => {
          if (this.closed) return subscriber.error(new ConnectionLostError(this.id, 'the simulated board is closed'));
          if (signal !== 'in1' && signal !== 'in2') return subscriber.error(new SettingsError('sampler', 'signal', signal, "'in1' or 'in2'"));
          const a = new Float64Array(1);
          const b = new Float64Array(1);
          this.sampleInputs({ startS: this.timeS() }, a, b);
          subscriber.next(signal === 'in1' ? a[0]! : b[0]!);
          subscriber.complete();
        }),
    });
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
    return (this.scheduler.now() - this.originMs) / 1000;
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
      const now = this.timeS();
      this.model.asg[index].apply(frozen, now, now - 2 * LONGEST_TRACE_S);
      subscriber.next(frozen);
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
  acquire(settings: Omit<ResolvedScopeSettings, 'averages'>): Observable<RawTrace> {
    return new Observable<RawTrace>((subscriber) => {
      if (this.closed) return subscriber.error(new ConnectionLostError(this.id, 'the simulated board is closed'));
      return acquireTrace(this.host, settings).subscribe(subscriber);
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
