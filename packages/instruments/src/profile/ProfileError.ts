import { LabrxError } from '@labrx/core';

/** One rejected entry of a profile: where, the value given and what is allowed. */
export interface ProfileProblem {
  /** Module ('scope', 'asg0', 'iq1', …; a lockbox part such as 'lockbox.outputs.piezo'; '(profile)' for the profile itself). */
  readonly instrument: string;
  /** Setting name ('decimation', …; '(module)' for an unknown module, 'schema' for the version). */
  readonly setting: string;
  /** The rejected value, as given. */
  readonly value: unknown;
  /** Human-readable description of what is allowed. */
  readonly allowed: string;
  /** `instrument.setting = value: allowed`. */
  readonly text: string;
}

/**
 * A profile was refused before anything was written: `problems` lists every bad setting (unknown
 * modules and keys included), and the message names them all, one a line. The board is left as it was.
 *
 * @example
 * // ProfileError: 3 bad settings in the profile, nothing changed:
 * //   scope.decimation = 3: a power of 2 from 1 to 65536
 * //   asg0.frequency = -1: a number from 0 to 62500000 (Hz)
 * //   na.points = 0: …
 */
export class ProfileError extends LabrxError {
  constructor(
    /** Every problem found, in profile order. */
    readonly problems: readonly ProfileProblem[],
  ) {
    super(`${problems.length} bad setting${problems.length === 1 ? '' : 's'} in the profile, nothing changed:\n${problems.map((p) => `  ${p.text}`).join('\n')}`);
  }
}
