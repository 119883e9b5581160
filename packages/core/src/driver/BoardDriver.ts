import type { Observable, SchedulerLike } from 'rxjs';
import type { RawTrace } from '../results/Trace.js';
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
   * Unsubscribing before then stops the acquisition.
   */
  acquire(settings: Omit<ResolvedScopeSettings, 'averages'>): Observable<RawTrace>;
  /** True while an acquisition is armed or running (for tests and user interfaces). */
  readonly scopeRunning: boolean;
  /** The board's IQ demodulator modules (`info.iqCount` of them), absent when the driver has none (plain SCPI). */
  readonly iq?: IqDriver;
  /** Releases everything the driver holds (sockets, timers); idempotent. */
  close(): Promise<void>;
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
}
