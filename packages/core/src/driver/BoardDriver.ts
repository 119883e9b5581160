import type { Observable, SchedulerLike } from 'rxjs';
import type { RawTrace } from '../results/Trace.js';
import type { StreamBlock } from '../results/StreamBlock.js';
import type { ResolvedStreamSettings } from '../settings/streamSettings.js';
import type { BoardInfo } from '../settings/boardInfo.js';
import type { ResolvedAsgSettings } from '../settings/asgSettings.js';
import type { ResolvedScopeSettings } from '../settings/scopeSettings.js';
import type { ResolvedIqSettings } from '../settings/iqSettings.js';
import type { IqModuleSettings, ResolvedIqModuleSettings } from '../settings/iqModuleSettings.js';
import type { PidSettings, ResolvedPidSettings } from '../settings/pidSettings.js';
import type { DeepMemoryDriver } from './DeepMemoryDriver.js';

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
   * Optional: a software trigger on generator `index` now (PyRPL's `trig()`, SCPI `SOUR<n>:TRig:INT`): its
   * settings in force start a burst sequence whatever its `trigger` setting (docs/architecture.md, "Bursts
   * and triggers"). Emits once, then completes. Drivers without it make `asg.trigger()` fail with `NotSupportedError`.
   */
  triggerAsg?(index: number): Observable<void>;
  /**
   * Optional: generator `index`'s settings in force on the board, the current ones first, then each
   * change made by anyone — for a board shared through a server, where other clients set it too (the
   * NATS board server pushes them). Drivers that are the board's only writer leave it out: the
   * generator instrument's own state is then the truth.
   */
  asgSettings$?(index: number): Observable<ResolvedAsgSettings>;
  /**
   * Runs `fn` with the board's clock held at one instant, `nowMs` (scheduler time, ms): every setting
   * applied inside it takes effect at that instant, so a phase computed for `nowMs` holds exactly when a
   * generator restarts there. The simulator has it (its PyRPL register server phases the IQ
   * oscillators it plays on generator slots this way); a driver of real hardware leaves it out.
   */
  atOneInstant?<T>(fn: (nowMs: number) => T): T;
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
   * a driver's stream is. `options` as for `acquire` (who asks, whether to queue for the scope):
   * local drivers ignore it; a remote driver passes it on to the board server.
   */
  stream?(settings: Omit<ResolvedStreamSettings, 'onOverflow'>, options?: AcquireOptions): Observable<StreamBlock>;
  /**
   * With `stream`: 'exact' when every sample is delivered unless the consumer falls behind (the
   * embedded simulator), 'ring' when the board's own ring buffer and transport may also overflow
   * (deep memory over a network; its gaps are reported the same way). A remote board says what the
   * served board says: that holds while the relay keeps up, and its own overflows are gaps too.
   */
  readonly streamGuarantee?: 'exact' | 'ring';
  /** True while an acquisition is armed or running (for tests and user interfaces). */
  readonly scopeRunning: boolean;
  /**
   * DSP signals the scope can record besides in1 and in2 (`AcquireOptions.sources`), e.g. 'iq2' and
   * 'iq2_2' (IQ module iq2's two quadratures, what the spectrum analyzer's iq mode records); absent
   * when the scope records its inputs only (plain SCPI, a board served over NATS).
   */
  readonly scopeSources?: readonly string[];
  /** The board's IQ demodulator modules (`info.iqCount` of them), absent when the driver has none (plain SCPI). */
  readonly iq?: IqDriver;
  /** The board's PID modules, absent when the driver has none. */
  readonly pid?: PidDriver;
  /** The board's sampler (momentary signal values), absent when the driver has none. */
  readonly sampler?: SamplerDriver;
  /** Deep-memory acquisition (captures longer than one buffer), absent when the board has none; `info.deepMemorySamples` says how long. */
  readonly deepMemory?: DeepMemoryDriver;
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
  /**
   * The DSP signals recorded on ch1 and ch2 (default ['in1', 'in2']; PyRPL's scope input1/input2):
   * other signals only on a driver that lists them in `scopeSources`. Such a trace holds the signal
   * as the DSP bus carries it (14 bits, 2^13 = 1 V), without the inputs' noise or gain.
   */
  readonly sources?: readonly [string, string];
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
   * plain SCPI board). The settings arrive validated (`IQ_MODULE_SETTINGS`, `checkIqModuleChange`:
   * the `Iq` instrument and the lockbox check them first); the driver only maps them to its registers.
   */
  configure?(index: number, settings: IqModuleSettings): Observable<ResolvedIqModuleSettings>;
  /** Reads IQ module `index`'s continuous configuration back (with `configure`). */
  get?(index: number): Observable<ResolvedIqModuleSettings>;
}

/** The PID modules of a board (PyRPL's FPGA has three). */
export interface PidDriver {
  /** Number of PID modules. */
  readonly count: number;
  /** Signals a PID can read. */
  readonly inputs: readonly string[];
  /**
   * Writes `settings` (validated already, `PID_SETTINGS` / `checkPidChange`: the `Pid` instrument
   * checks them against `info.pid`), reads every register back and emits the settings in force.
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
