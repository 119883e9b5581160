import { LabrxError } from '@labrx/core';

/**
 * A lock sequence failed: names the stage that failed (or 'calibration', 'sweep') and why, e.g.
 * "lockbox stage 'pdh' failed: input pdh reads 0.21 V ± 0.01 V, outside the locked window
 * [-0.05, 0.05] V after 0.05 s". The lockbox has already unlocked (outputs safe, leases released)
 * when this reaches a subscriber.
 */
export class LockError extends LabrxError {
  constructor(
    /** The stage's name, or 'calibration' / 'sweep' for the steps before the stages. */
    readonly stage: string,
    /** Why, in a sentence. */
    readonly reason: string,
    options?: { cause?: unknown },
  ) {
    super(`lockbox stage '${stage}' failed: ${reason}`, options);
  }
}

/**
 * The board cannot run a lockbox: its driver has no PID modules (stock Red Pitaya SCPI firmware), or
 * no sampler to watch the lock. Says what to use instead.
 */
export class LockboxUnavailableError extends LabrxError {
  constructor(
    /** The board's id ('scpi://127.0.0.1:5000'). */
    readonly board: string,
    /** What the driver lacks ('PID modules', 'a sampler'). */
    readonly missing: string,
  ) {
    super(
      `the lockbox needs ${missing}, which board ${board} does not have (stock Red Pitaya SCPI firmware has no PIDs): ` +
        "connect to a board running PyRPL's FPGA image ('pyrpl://host:2222') or to the simulator ('sim://')",
    );
  }
}
