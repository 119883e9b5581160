import type { Observable, SchedulerLike } from 'rxjs';
import type { RawTrace } from '../results/Trace.js';
import type { StreamBlock } from '../results/StreamBlock.js';
import type { ResolvedStreamSettings } from '../settings/streamSettings.js';
import type { BoardInfo } from '../settings/boardInfo.js';
import type { ResolvedAsgSettings } from '../settings/asgSettings.js';
import type { ResolvedScopeSettings } from '../settings/scopeSettings.js';
import type { ResolvedIqSettings } from '../settings/iqSettings.js';

/**
 * What a board must do for the instruments: the one seam between labrx's instruments and a
 * transport (embedded simulator, SCPI over TCP, …). Only the driver knows the transport.
 *
 * Every method returns a cold Observable: nothing happens until it is subscribed, and
 * unsubscribing stops the work on the board (an acquisition is stopped, a pending command
 * abandoned). Settings arrive already validated and resolved.
 */
export interface BoardDriver {
  /** A name for messages and fleet tags, e.g. 'sim:7' or 'scpi://127.0.0.1:5000'. */
  readonly id: string;
  /** Fixed facts about the board. */
  readonly info: BoardInfo;
  /** The clock every delay on this board runs on (virtual in tests). */
  readonly scheduler: SchedulerLike;
  /**
   * Applies generator `index`'s settings (all of them) and emits the settings now in force once,
   * then completes.
   */
  setAsg(index: number, settings: ResolvedAsgSettings): Observable<ResolvedAsgSettings>;
  /**
   * Arms the scope with `settings`, waits for the trigger and the post-trigger samples, emits one
   * raw trace and completes. Takes bufferSize · decimation / sampleRate plus the trigger wait.
   * Unsubscribing before then stops the acquisition. `options` says who asks and whether to queue
   * for the scope: local drivers ignore it (the `Board`'s leases decide); a remote driver passes it on
   * to the board server, which holds the leases for all its clients (docs/decisions/0011-remote-boards.md).
   */
  acquire(settings: Omit<ResolvedScopeSettings, 'averages'>, options?: AcquireOptions): Observable<RawTrace>;
  /**
   * Optional: the scope's gapless sample stream (docs/decisions/0016-gapless-streams-and-realtime-fft.md).
   * Cold: subscribing starts the stream at stream index 0; it emits consecutive `SampleBlock`s of
   * `settings.blockSamples` samples as the board produces them (a block when its last sample is in)
   * and never completes; unsubscribing stops it. A consumer that falls more than
   * `settings.bufferSamples` behind the board's production gets a `GapBlock` naming the samples that
   * were overwritten, then the stream goes on from the oldest sample still held: never a silent
   * hole. (`onOverflow` is the instrument's business: drivers always report gaps.) Drivers without
   * it make `rp.scope.continuous$` fail with `NotSupportedError`; `streamGuarantee` says how gapless
   * a driver's stream is.
   */
  stream?(settings: Omit<ResolvedStreamSettings, 'onOverflow'>): Observable<StreamBlock>;
  /**
   * With `stream`: 'exact' when every sample is delivered unless the consumer falls behind (the
   * embedded simulator), 'ring' when the board's own ring buffer and transport may also overflow
   * (deep memory over a network; its gaps are reported the same way).
   */
  readonly streamGuarantee?: 'exact' | 'ring';
  /** True while an acquisition is armed or running (for tests and user interfaces). */
  readonly scopeRunning: boolean;
  /** The board's IQ demodulator modules (`info.iqCount` of them), absent when the driver has none (plain SCPI). */
  readonly iq?: IqDriver;
  /** The board's PID modules, absent when the driver has none. */
  readonly pid?: PidDriver;
  /** The board's sampler (momentary signal values), absent when the driver has none. */
  readonly sampler?: SamplerDriver;
  /**
   * Where module leases must also be granted beyond this process (a board shared by a board server),
   * absent for drivers whose board only this process uses.
   */
  readonly leaseArbiter?: LeaseArbiter;
  /** Releases everything the driver holds (sockets, timers); idempotent. */
  close(): Promise<void>;
}

/**
 * A second lease table behind a `Board`'s own: for a board that other processes share, the modules a
 * pipeline leases here are also leased there (docs/decisions/0011-remote-boards.md).
 */
export interface LeaseArbiter {
  /**
   * Cold: emits once when `resources` are granted to `owner` beyond this process, and never
   * completes; unsubscribing releases them. With `wait` false errors with `ResourceBusyError`
   * naming the holder when one is taken.
   */
  lease$(resources: readonly string[], owner: string, wait: boolean): Observable<void>;
}

/** Who asks for an acquisition, for drivers whose board is shared beyond this process. */
export interface AcquireOptions {
  /** The lease holder's name ('scope', 'specan', …). */
  readonly owner?: string;
  /** Queue behind another holder of the scope (true, default) or fail with `ResourceBusyError`. */
  readonly wait?: boolean;
}

/**
 * One lock-in measurement by an IQ module (units in the names): `input`, `frequencyHz`,
 * `lockToAsg`, `settleS`, `integrationS`, as declared in `IQ_SETTINGS`.
 */
export type IqMeasureRequest = ResolvedIqSettings;

/**
 * The complex amplitude an IQ module measured: a signal A·sin(θ(t) + φ), where θ(t) is the locked
 * generator's phase, reads as re + j·im = A·e^{jφ} (volts).
 */
export interface IqResult {
  /** V */
  readonly re: number;
  /** V */
  readonly im: number;
  /** End of the integration, ms on the board's scheduler clock. */
  readonly timestamp: number;
}

/** The IQ modules of a board. */
export interface IqDriver {
  /**
   * Cold: waits `settleS`, integrates for `integrationS` (board time), emits one result and
   * completes. Unsubscribing stops the module.
   */
  measure(index: number, request: IqMeasureRequest): Observable<IqResult>;
  /**
   * Configures IQ module `index` as a continuous demodulator on the DSP bus (PyRPL's iq.py: input,
   * frequency, phase, bandwidth, gain, amplitude, output_direct, output_signal), writes what is
   * given, reads back and emits the settings in force. Absent on drivers without a DSP bus (the
   * plain SCPI board). SettingsError (module, setting, value) for a bad value; nothing is written then.
   */
  configure?(index: number, settings: IqModuleSettings): Observable<ResolvedIqModuleSettings>;
}

/** What an IQ module sends back to the DSP bus (PyRPL's `output_signal`). */
export type IqOutputSignal = 'quadrature' | 'output_direct' | 'off';

/**
 * A continuous IQ module configuration as a user gives it (all optional; what is not given stays).
 * Names follow PyRPL's iq.py; units in the names.
 */
export interface IqModuleSettings {
  /** The signal demodulated: 'in1', 'in2', another module ('pid0', 'asg0', …) or 'off'. */
  readonly input?: string;
  /** Oscillator (modulation and demodulation) frequency, Hz. */
  readonly frequencyHz?: number;
  /** Demodulation phase relative to the modulation, degrees (PyRPL's `phase`). */
  readonly phaseDeg?: number;
  /**
   * Quadrature low-pass filter cutoffs, Hz (PyRPL's `bandwidth` list: positive low-pass, negative
   * high-pass, 0 off; up to 2 stages, 4 on iq2).
   */
  readonly bandwidthHz?: readonly number[];
  /** Gain from the demodulated quadrature to the module's output signal (dimensionless, PyRPL's `gain`). */
  readonly gain?: number;
  /** Amplitude of the oscillator on `outputDirect`, V (PyRPL's `amplitude`): amplitude·sin(2πft). */
  readonly amplitudeV?: number;
  /** Where the oscillator is summed into the DACs. */
  readonly outputDirect?: PidOutputDirect;
  /** What goes back to the DSP bus: 'quadrature' (gain · I), 'output_direct' (the oscillator) or 'off'. */
  readonly outputSignal?: IqOutputSignal;
}

/** An IQ module's continuous configuration as the hardware holds it (values after quantisation). */
export interface ResolvedIqModuleSettings {
  readonly input: string;
  /** Hz */ readonly frequencyHz: number;
  /** deg */ readonly phaseDeg: number;
  /** Hz, one per filter stage (0 = off) */ readonly bandwidthHz: readonly number[];
  readonly gain: number;
  /** V */ readonly amplitudeV: number;
  readonly outputDirect: PidOutputDirect;
  readonly outputSignal: IqOutputSignal;
}

/** Where a feedback module's output is summed into the DACs. */
export type PidOutputDirect = 'off' | 'out1' | 'out2' | 'both';

/** PID settings as a user gives them (all optional; what is not given stays as it is). */
export interface PidSettings {
  /** The signal the PID reads: 'in1', 'in2', another module ('pid0', 'iq2', 'asg0', …) or 'off'. */
  readonly input?: string;
  /** Where the output goes besides the signal bus. */
  readonly outputDirect?: PidOutputDirect;
  /** Setpoint in volts. */
  readonly setpoint?: number;
  /** Proportional gain (dimensionless). */
  readonly p?: number;
  /** Integral gain as the integrator's unity-gain frequency in Hz (PyRPL's convention). */
  readonly i?: number;
  /** Integrator state in volts (writing it resets the integrator to this value). */
  readonly ival?: number;
  /** Lower output limit in volts. */
  readonly minVoltage?: number;
  /** Upper output limit in volts. */
  readonly maxVoltage?: number;
  /**
   * Input filter stages in Hz (PyRPL's `inputfilter`): up to 4 first-order sections, positive
   * low-pass, negative high-pass, 0 off; the hardware rounds each to its nearest cutoff.
   */
  readonly inputFilterHz?: readonly number[];
  /**
   * True holds the integrator and zeroes the proportional part (PyRPL's `paused`, with the power-on
   * `pause_gains` 'pid'); false runs the PID. To reset the integrator write `ival: 0`.
   */
  readonly paused?: boolean;
}

/** A PID module's settings as the hardware holds them (values after its quantisation). */
export interface ResolvedPidSettings {
  readonly input: string;
  readonly outputDirect: PidOutputDirect;
  /** V */ readonly setpoint: number;
  readonly p: number;
  /** Hz */ readonly i: number;
  /** V */ readonly ival: number;
  /** V */ readonly minVoltage: number;
  /** V */ readonly maxVoltage: number;
  /** Hz, four stages (0 = off, negative = high-pass), as the hardware realises them. */
  readonly inputFilterHz: readonly number[];
  readonly paused: boolean;
}

/** The PID modules of a board (PyRPL's FPGA has three). */
export interface PidDriver {
  /** Number of PID modules. */
  readonly count: number;
  /** Signals a PID can read. */
  readonly inputs: readonly string[];
  /**
   * Validates `settings` (SettingsError naming the module, setting and what is allowed; nothing is
   * written then), writes them, reads every register back and emits the settings in force.
   */
  set(index: number, settings: PidSettings): Observable<ResolvedPidSettings>;
  /** Reads PID `index`'s settings back from the hardware. */
  get(index: number): Observable<ResolvedPidSettings>;
}

/** Momentary values of a board's signals (PyRPL's sampler). */
export interface SamplerDriver {
  /** Signals that can be sampled. */
  readonly signals: readonly string[];
  /** Emits the value of `signal` now (volts) once, then completes. */
  sample(signal: string): Observable<number>;
}
