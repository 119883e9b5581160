import { SettingsError } from '../errors/SettingsError.js';

/**
 * How a replay times its replies:
 * - 'immediate': each reply goes out as soon as its line has arrived (a replay runs as fast as the
 *   client can ask);
 * - 'recorded': each reply goes out as long after its line as it took when recorded (the time from
 *   the line sent to the reply's last byte, on the recording driver's clock) — the latency of the
 *   board that was recorded, a real one included. On a `VirtualClock` that latency passes in
 *   virtual time: a test sees an 8.6 s acquisition take 8.6 s of board time, at once.
 */
export const REPLAY_PACES = ['immediate', 'recorded'] as const;

/** One of `REPLAY_PACES`. */
export type ReplayPace = (typeof REPLAY_PACES)[number];

/** Returns `pace` as a `ReplayPace`. @throws SettingsError naming the setting and the paces allowed */
export function checkReplayPace(pace: unknown, instrument = 'replay'): ReplayPace {
  if (typeof pace === 'string' && (REPLAY_PACES as readonly string[]).includes(pace)) return pace as ReplayPace;
  throw new SettingsError(instrument, 'pace', pace, `one of ${REPLAY_PACES.map((p) => `'${p}'`).join(', ')}`);
}
