import { SettingsError } from '@labrx/core';
import type { SimBoardOptions } from '@labrx/hw-sim';
import type { ConnectOptions } from '../connect.js';

/** Options of a fleet of embedded simulated boards: how many, and the options they share. */
export type SimFleetOptions = SimBoardOptions & {
  /** How many boards: an integer ≥ 0. */
  readonly count: number;
};

/**
 * Targets for `count` embedded simulated boards sharing `options`, board i with seed
 * `seed + i` (seed default 1), so every board draws its own noise and is named `sim:<seed + i>`.
 * Concatenate with SCPI URLs to mix embedded and remote boards in one fleet.
 *
 * @example
 * const fleet = await connectMany([...simTargets({ count: 4, noiseDensity: 1e-6 }), 'scpi://10.0.0.7:5000']);
 *
 * @param options `count` and the simulator options every board shares (`id`, if given, gets
 *   `:<i>` appended, since ids must tell the boards apart).
 * @returns One `{ sim: {...} }` target per board.
 * @throws SettingsError for a bad `count` or `seed`.
 */
export function simTargets(options: SimFleetOptions): ConnectOptions[] {
  const { count, seed = 1, id, ...shared } = options;
  if (!(Number.isInteger(count) && count >= 0)) throw new SettingsError('connectMany', 'sim.count', count, 'a number of boards: an integer ≥ 0');
  if (!Number.isSafeInteger(seed)) throw new SettingsError('connectMany', 'sim.seed', seed, 'an integer');
  return Array.from({ length: count }, (_, i) => ({
    sim: { ...shared, seed: seed + i, ...(id !== undefined ? { id: `${id}:${i}` } : {}) },
  }));
}
