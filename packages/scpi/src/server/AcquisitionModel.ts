import { EMPTY, defer, type Observable, type Subscription } from 'rxjs';
import { lsbVolts, resolveScopeSettings, type BoardDriver, type InputGain, type RawTrace, type ResolvedScopeSettings, type TriggerSource } from '@labrx/core';
import type { AcqSamples, AcqUnits } from './acqSamples.js';
import type { DeepMemoryModel } from './DeepMemoryModel.js';
import { NO_ERROR_SINK, type ScpiErrorSink } from './errorSink.js';
import { ScpiApiError, outOfRange, RP_API_ERROR } from './scpiErrors.js';

import type { AcqGain, AcqTriggerSource } from '../protocol/redPitayaScpi.js';

export { ACQ_TRIGGER_SOURCES, type AcqGain, type AcqTriggerSource } from '../protocol/redPitayaScpi.js';

/**
 * How each armed source maps onto the board's scope triggers, for the acquisition of inputs 1 and 2.
 * The simulated generator trigger is an instant at the start of each period of generator 1 (asg0),
 * so both of its edges (AWG_PE, AWG_NE) fall on the same sample. CH3/CH4 sources have no entry: they
 * exist on a 4-input board, whose inputs 3 and 4 are a second front end (`INPUTS_3_4_TRIGGERS`).
 */
export const ACQ_TRIGGER_TO_BOARD: Readonly<Partial<Record<Exclude<AcqTriggerSource, 'DISABLED'>, TriggerSource>>> = Object.freeze({
  NOW: 'immediate',
  CH1_PE: 'ch1-rising',
  CH1_NE: 'ch1-falling',
  CH2_PE: 'ch2-rising',
  CH2_NE: 'ch2-falling',
  EXT_PE: 'ext-rising',
  EXT_NE: 'ext-falling',
  AWG_PE: 'asg0',
  AWG_NE: 'asg0',
});

/**
 * The sources an acquisition of inputs 3 and 4 of a simulated 4-input board can wait for (split-trigger
 * mode), mapped onto its front end, whose inputs 1 and 2 are the board's inputs 3 and 4. The simulated
 * 4-input board does not cross-trigger between the two pairs of inputs, and has no generator.
 */
export const INPUTS_3_4_TRIGGERS: Readonly<Partial<Record<Exclude<AcqTriggerSource, 'DISABLED'>, TriggerSource>>> = Object.freeze({
  NOW: 'immediate',
  CH3_PE: 'ch1-rising',
  CH3_NE: 'ch1-falling',
  CH4_PE: 'ch2-rising',
  CH4_NE: 'ch2-falling',
  EXT_PE: 'ext-rising',
  EXT_NE: 'ext-falling',
});

export type { AcqSamples, AcqUnits } from './acqSamples.js';

interface Captured {
  readonly trace: RawTrace;
  /** Buffer position of the oldest sample (trace index 0). */
  readonly oldest: number;
  /** Buffer position of the trigger. */
  readonly trigger: number;
  /** The input gain the trace was taken with (its LSB for RAW reads). */
  readonly gain: InputGain;
}

/**
 * The scope as the Red Pitaya SCPI server sees it, over a `BoardDriver`: settings shared by every
 * connection, the arm/trigger state machine, and the captured buffer.
 *
 * `ACQ:START` arms; a trigger source other than DISABLED, once armed, subscribes `board.acquire`.
 * When the trace arrives it becomes the buffer, the source returns to DISABLED (as the FPGA clears it)
 * and `TRig:STAT?` reads TD, `FILL?` 1. Changing a setting while armed restarts the acquisition with
 * it, as the FPGA applies register writes at once. The buffer is circular: positions are computed
 * from the trigger time on the board's clock, so `WPOS?`/`TPOS?` move as on hardware.
 */
export class AcquisitionModel {
  /** ACQ:DEC: power of 2 from 1 to 65536. */
  decimation = 1;
  /** ACQ:AVG: average the raw samples within each decimation step. */
  averaging = true;
  /** V, in the calibration of the trigger channel's gain. */
  level = 0;
  /** V */
  hysteresis = 0.005;
  /** Samples after the trigger beyond half a buffer (0 = trigger mid-buffer). */
  delaySamples = 0;
  readonly gain: [AcqGain, AcqGain] = ['LV', 'LV'];
  /** Shared by all connections, as from firmware 2.04-35. */
  units: AcqUnits = 'VOLTS';
  source: AcqTriggerSource = 'DISABLED';
  /** Armed by START until the trace arrives, STOP or RST. */
  armed = false;
  /** All post-trigger samples written (FILL?). */
  filled = false;
  /** External trigger debouncer in µs (stored only: the simulator has no external trigger input). */
  debouncerUs = 500;

  private captured: Captured | null = null;
  private running: Subscription | null = null;
  private epoch = 0;
  private owner: ScpiErrorSink = NO_ERROR_SINK;
  private ownerCommand = 'ACQ:START';

  constructor(
    private readonly board: BoardDriver,
    /** Runs board work in order after earlier generator updates (see ScpiDevice). */
    private readonly enqueue: (work: Observable<unknown>) => void,
    /** The deep-memory writer, armed and stopped with the scope (the FPGA's trigger is common to both). */
    private readonly deep?: DeepMemoryModel,
    /**
     * The board's 0-based input that is this front end's channel 1: 0, or 2 for inputs 3 and 4 of a
     * 4-input board (their own `BoardDriver`). Channel arguments of the methods are the board's.
     */
    readonly firstInput = 0,
  ) {}

  /** Whether this acquisition writes the board's input `ch` (0-based). */
  covers(ch: number): boolean {
    return ch === this.firstInput || ch === this.firstInput + 1;
  }

  private get triggers(): Readonly<Partial<Record<Exclude<AcqTriggerSource, 'DISABLED'>, TriggerSource>>> {
    return this.firstInput === 0 ? ACQ_TRIGGER_TO_BOARD : INPUTS_3_4_TRIGGERS;
  }

  private get bufferSize(): number {
    return this.board.info.bufferSize;
  }

  /** Seconds per sample at the current decimation. */
  get dt(): number {
    return this.decimation / this.board.info.sampleRateHz;
  }

  /** Sample rate in Hz at the current decimation (ACQ:SRATe?). */
  get sampleRateHz(): number {
    return this.board.info.sampleRateHz / this.decimation;
  }

  /** TRig:STAT?: the FPGA reports TD once the trigger source has returned to DISABLED. */
  get triggerState(): 'TD' | 'WAIT' {
    return this.source === 'DISABLED' ? 'TD' : 'WAIT';
  }

  /** True while an acquisition is subscribed on the board. */
  get acquiring(): boolean {
    return this.running !== null;
  }

  /** Input range of this front end's channel `local` (0 or 1) in volts of its calibration. */
  private rangeV(local: number): number {
    return this.board.info.inputFullScaleV[this.gain[local] === 'HV' ? 'hv' : 'lv'];
  }

  /** ACQ:START: re-arms; an already chosen source fires again. */
  start(sink: ScpiErrorSink, command: string): void {
    this.armed = true;
    this.filled = false;
    this.setOwner(sink, command);
    this.restart();
  }

  /** ACQ:STOP: stops writing; nothing will trigger until the next START. */
  stop(): void {
    this.armed = false;
    this.cancel();
    this.deep?.cancel();
  }

  /** ACQ:TRig <src>: DISABLED stops waiting; any other source waits for its event once armed. */
  setSource(source: AcqTriggerSource, sink: ScpiErrorSink, command: string): void {
    if (source !== 'DISABLED' && this.triggers[source] === undefined) {
      const inputs = this.firstInput === 0 ? 'inputs 1 and 2' : 'inputs 3 and 4';
      throw new ScpiApiError(RP_API_ERROR.NOTS, `Failed to set trigger source ${source} for ${inputs}: not supported on the simulated board (${Object.keys(this.triggers).join(', ')}, DISABLED).`);
    }
    this.source = source;
    this.setOwner(sink, command);
    this.restart();
  }

  /** ACQ:RST: defaults (DEC 1, AVG ON, DISABLED, LEV 0, HYST 0.005, DLY 0, LV, VOLTS); the buffer is kept. */
  reset(): void {
    this.stop();
    this.decimation = 1;
    this.averaging = true;
    this.source = 'DISABLED';
    this.level = 0;
    this.hysteresis = 0.005;
    this.delaySamples = 0;
    this.gain[0] = 'LV';
    this.gain[1] = 'LV';
    this.units = 'VOLTS';
    this.filled = false;
  }

  /** ACQ:DEC: powers of 2 from 1 to 65536. */
  setDecimation(value: number): void {
    if (!Number.isInteger(value) || value < 1 || value > this.board.info.maxDecimation || (value & (value - 1)) !== 0) throw outOfRange('decimation');
    this.decimation = value;
    this.settingsChanged();
  }

  /**
   * ACQ:DEC:Factor: the real FPGA also takes any factor from 16 to 65536, but the BoardDriver contract
   * (resolveScopeSettings) decimates by powers of 2 only, so other factors are refused as unsupported.
   */
  setDecimationFactor(value: number): void {
    if (!Number.isInteger(value) || value < 1 || value > this.board.info.maxDecimation) throw outOfRange('decimation factor');
    if ((value & (value - 1)) !== 0) {
      throw new ScpiApiError(RP_API_ERROR.EUF, `Failed to set decimation factor: Unsupported Feature. (the simulated board decimates by powers of 2 only)`);
    }
    this.decimation = value;
    this.settingsChanged();
  }

  /** ACQ:AVG ON|OFF */
  setAveraging(on: boolean): void {
    this.averaging = on;
    this.settingsChanged();
  }

  /** ACQ:TRig:LEV: within the range of both inputs' calibrations (±1 V LV, ±20 V HV). */
  setLevel(volts: number): void {
    for (const ch of [0, 1]) {
      if (!(Math.abs(volts) <= this.rangeV(ch))) throw outOfRange(`CH${this.firstInput + ch + 1} trigger level`);
    }
    this.level = Math.fround(volts);
    this.settingsChanged();
  }

  /** ACQ:TRig:HYST in V (0 to twice the full scale). */
  setHysteresis(volts: number): void {
    if (!(volts >= 0 && volts <= 2 * this.board.info.fullScaleV)) throw outOfRange('trigger hysteresis');
    this.hysteresis = Math.fround(volts);
    this.settingsChanged();
  }

  /** ACQ:TRig:DLY in samples; below −bufferSize/2 clamps, as on the hardware. */
  setDelaySamples(samples: number): void {
    if (!Number.isInteger(samples) || Math.abs(samples) > 2 ** 31) throw outOfRange('trigger delay');
    this.delaySamples = Math.max(-this.bufferSize / 2, samples);
    this.settingsChanged();
  }

  /** ACQ:TRig:DLY:NS; kept in samples of the current decimation (8 ns · dec each). */
  setDelayNs(ns: number): void {
    this.setDelaySamples(Math.round((ns * 1e-9) / this.dt));
  }

  /** ACQ:TRig:DLY:NS? in ns. */
  get delayNs(): number {
    return Math.round(this.delaySamples * this.dt * 1e9);
  }

  /** ACQ:SOUR<n>:GAIN for the board's input `ch` (0-based); an input of another front end is ignored. */
  setGain(ch: number, gain: AcqGain): void {
    if (!this.covers(ch)) return;
    this.gain[ch - this.firstInput] = gain;
    this.settingsChanged();
  }

  /** The gain of the board's input `ch` (0-based), which this acquisition covers. */
  gainOf(ch: number): AcqGain {
    return this.gain[ch - this.firstInput]!;
  }

  /** The board settings for the current state, validated by the core rules. */
  boardSettings(): Omit<ResolvedScopeSettings, 'averages'> {
    const trigger = this.source === 'DISABLED' ? 'immediate' : (this.triggers[this.source] ?? 'immediate');
    // The simulated board has one input gain for both channels (its ADC model): the trigger
    // channel's gain is the one in force (channel 1's for other triggers). A real board has a
    // jumper per input; clients that set both alike, as labrx's driver does, see no difference.
    const ch = trigger.startsWith('ch2') ? 1 : 0;
    const { averages: _a, ...s } = resolveScopeSettings(
      {
        decimation: this.decimation,
        trigger,
        gain: this.gain[ch] === 'HV' ? 'hv' : 'lv',
        threshold: this.level,
        hysteresis: this.hysteresis,
        triggerDelay: this.delaySamples * this.dt,
        boxcar: this.averaging,
      },
      this.board.info,
    );
    return s;
  }

  /** ACQ:WPOS?: where the FPGA writes now (moving while armed), or where it stopped. */
  writePointer(nowMs: number): number {
    if (this.armed && this.running) return this.positionAt(nowMs, this.dt);
    if (this.captured) return (this.captured.oldest + this.bufferSize - 1) % this.bufferSize;
    return 0;
  }

  /** ACQ:TPOS?: buffer position of the last trigger. */
  get triggerPointer(): number {
    return this.captured?.trigger ?? 0;
  }

  /**
   * `count` samples of the board's input `ch` (0-based, one this acquisition covers) from buffer
   * position `start` (wrapping), in the current units: float32 volts in the channel's calibration, or
   * int16 ADC counts. Zeros before any capture.
   */
  samples(ch: number, start: number, count: number): AcqSamples {
    const n = this.bufferSize;
    const src = this.captured ? (ch === this.firstInput ? this.captured.trace.ch1 : this.captured.trace.ch2) : null;
    const oldest = this.captured?.oldest ?? 0;
    const first = (((start - oldest) % n) + n) % n;
    if (this.units === 'RAW') {
      const lsb = lsbVolts(this.board.info, this.captured?.gain ?? 'lv');
      const hi = 2 ** (this.board.info.adcBits - 1);
      const out = new Int16Array(count);
      if (src) {
        for (let i = 0; i < count; i++) {
          const c = Math.round(src[(first + i) % n]! / lsb);
          out[i] = c < -hi ? -hi : c > hi - 1 ? hi - 1 : c;
        }
      }
      return { units: 'RAW', values: out };
    }
    const out = new Float32Array(count);
    if (src) {
      // Two contiguous copies (the read may wrap once) convert float64 to float32 natively.
      for (let done = 0; done < count; ) {
        const from = (first + done) % n;
        const k = Math.min(count - done, n - from);
        out.set(src.subarray(from, from + k), done);
        done += k;
      }
    }
    return { units: 'VOLTS', values: out };
  }

  /** Buffer position of the oldest sample (the whole-buffer read starts there). */
  get oldestPosition(): number {
    return this.captured?.oldest ?? 0;
  }

  /** Stops everything (server close). */
  dispose(): void {
    this.cancel();
    this.deep?.cancel();
  }

  private setOwner(sink: ScpiErrorSink, command: string): void {
    this.owner = sink;
    this.ownerCommand = command;
  }

  private settingsChanged(): void {
    if (this.running || this.armed) this.restart();
  }

  private cancel(): void {
    this.epoch++;
    const r = this.running;
    this.running = null;
    r?.unsubscribe();
  }

  private restart(): void {
    this.cancel();
    // the deep-memory writer runs on after the standard buffer is full: only a new arming restarts it
    if (!this.armed || this.source === 'DISABLED') return;
    this.deep?.cancel();
    const epoch = this.epoch;
    const owner = this.owner;
    const command = this.ownerCommand;
    let settings: Omit<ResolvedScopeSettings, 'averages'>;
    try {
      settings = this.boardSettings();
    } catch (err) {
      owner.pushApiError(new ScpiApiError(RP_API_ERROR.EOOR, `Failed to start Red Pitaya acquire: ${(err as Error).message}`), command);
      return;
    }
    this.enqueue(
      defer(() => {
        if (epoch === this.epoch) {
          this.subscribe(settings, epoch, owner, command);
          this.deep?.arm(settings, owner, command);
        }
        return EMPTY;
      }),
    );
  }

  private subscribe(settings: Omit<ResolvedScopeSettings, 'averages'>, epoch: number, owner: ScpiErrorSink, command: string): void {
    let finished = false;
    const sub = this.board.acquire(settings).subscribe({
      next: (trace) => {
        if (epoch === this.epoch) this.capture(trace, settings.gain);
      },
      error: (err: unknown) => {
        finished = true;
        if (epoch !== this.epoch) return;
        this.running = null;
        this.armed = false;
        owner.pushApiError(new ScpiApiError(RP_API_ERROR.EOOR, `Acquisition failed: ${(err as Error)?.message ?? String(err)}`), command);
      },
      complete: () => {
        finished = true;
        if (epoch === this.epoch) this.running = null;
      },
    });
    // The board may have emitted and completed inside subscribe().
    if (!finished && epoch === this.epoch) this.running = sub;
  }

  private positionAt(ms: number, dt: number): number {
    // Reduce modulo one buffer period first, so that large clock values keep sub-sample precision.
    const periodMs = this.bufferSize * dt * 1e3;
    const phase = ((ms % periodMs) + periodMs) % periodMs;
    return Math.floor((phase / periodMs) * this.bufferSize) % this.bufferSize;
  }

  private capture(trace: RawTrace, gain: InputGain): void {
    const n = this.bufferSize;
    const trigger = this.positionAt(trace.timestamp, trace.dt);
    const triggerIndex = Math.round(-trace.t0 / trace.dt);
    const oldest = (((trigger - triggerIndex) % n) + n) % n;
    this.captured = { trace, oldest, trigger, gain };
    this.source = 'DISABLED';
    this.armed = false;
    this.filled = true;
  }
}
