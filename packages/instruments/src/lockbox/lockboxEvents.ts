import type { InputCalibration } from './inputModels.js';

/**
 * What the lockbox is doing: 'unlocked' (outputs safe), 'calibrating' (sweeping), 'locking' (in a
 * stage), 'locked', 'lost' (the sequence had locked, the lock does not hold now; without
 * autoRelock the PIDs stay on), 'relocking' (autoRelock at work).
 */
export type LockboxState = 'unlocked' | 'calibrating' | 'locking' | 'locked' | 'lost' | 'relocking';

/**
 * The lock status, as `locked$` reports it: on every change of state, and on every lock-status sample
 * (every `lockStatusIntervalS` of board time) while a lock is held.
 */
export interface LockStatus {
  /** True while the lock holds: the judged input within its window and no locked output saturated. */
  readonly locked: boolean;
  readonly state: LockboxState;
  /** The stage in force (the last one once locked), or null. */
  readonly stage: string | null;
  /** Board time of the report, s. */
  readonly timeS: number;
  /** The judged input's value at the last sample, V (null between samples' sessions). */
  readonly inputV: number | null;
  /** That value minus the expected signal at the setpoint, V: the error signal. */
  readonly errorV: number | null;
  /** The first locked output's PID output at the last sample, V (null when the board's sampler cannot read it). */
  readonly outputV: number | null;
  /** Relocks since `lock` (autoRelock). */
  readonly relocks: number;
  /** Why the lock is not held (a loss, a failed relock, an unlock), or null. */
  readonly reason: string | null;
}

/** A calibration's progress (`calibrate$`). */
export type CalibrationEvent =
  | { readonly kind: 'progress'; readonly input: string; readonly step: 'sweep' | 'trace' | 'zoom'; readonly done: number; readonly of: number }
  | { readonly kind: 'calibration'; readonly input: string; readonly calibration: InputCalibration };

/** A lock sequence's progress (`lock$`): each calibrated input, each stage as it is reached, then 'locked'. */
export type LockEvent =
  | { readonly kind: 'calibration'; readonly input: string; readonly calibration: InputCalibration; readonly timeS: number }
  | { readonly kind: 'stage'; readonly index: number; readonly stage: string; readonly timeS: number }
  | { readonly kind: 'locked'; readonly stage: string; readonly timeS: number; readonly relock: boolean };

/** What `lock()` resolves with. */
export interface LockResult {
  /** The stages in the order they were reached. */
  readonly stages: readonly string[];
  /** Each input's calibration from this lock's sweep. */
  readonly calibrations: Readonly<Record<string, InputCalibration>>;
  /** Board time at which the lock was declared, s. */
  readonly lockedAtS: number;
  /** From the start of `lock` to the lock, board time, s. */
  readonly durationS: number;
}

/** Momentary values for a user interface (`signals$`): every input and every output's PID, V. */
export interface LockboxSignals {
  /** Board time, s. */
  readonly timeS: number;
  readonly inputs: Readonly<Record<string, number>>;
  readonly outputs: Readonly<Record<string, number>>;
}
