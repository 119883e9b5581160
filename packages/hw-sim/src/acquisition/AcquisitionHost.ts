import type { SchedulerLike } from 'rxjs';
import type { BoardInfo } from '@labrx/core';
import type { SignalModel } from '../signal/SignalModel.js';

/** An acquisition in flight, as its board sees it. */
export interface RunningAcquisition {
  /** Ends the acquisition with `error` (the board closed). */
  fail(error: Error): void;
}

/** What an acquisition needs from its board. */
export interface AcquisitionHost {
  readonly info: BoardInfo;
  readonly scheduler: SchedulerLike;
  /** What renders input samples (the analytic model, or the closed loop's history while it runs) and the generators' histories. */
  readonly model: Pick<SignalModel, 'render' | 'asg'>;
  /** The board's seed as 32-bit words (noise realisations derive from it). */
  readonly seedWords: readonly number[];
  /** The external trigger square wave, or null if the ext input is idle. */
  readonly extTrigger: { readonly frequency: number } | null;
  /** Scheduler time (ms) at board time 0. */
  readonly originMs: number;
  /**
   * True while the signal is computed causally (the closed loop runs: a sample exists only once its
   * time has passed, since a setting changed meanwhile changes it); the level-trigger search then
   * looks at each chunk once it is in the past instead of when it begins. Absent: false.
   */
  readonly causal?: () => boolean;
  /** Registers a new acquisition; returns its serial (1, 2, …), which seeds its noise. */
  begin(acquisition: RunningAcquisition): number;
  /** Unregisters it (finished, failed or unsubscribed). */
  end(acquisition: RunningAcquisition): void;
}
