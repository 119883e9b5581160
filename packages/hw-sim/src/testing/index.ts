/**
 * @labrx/hw-sim/testing — conveniences for tests that drive a SimBoard in virtual time.
 */
import { VirtualClock } from '@labrx/core/testing';
import { createSimBoard, type SimBoard } from '../SimBoard.js';
import type { SimBoardOptions } from '../options.js';

/**
 * A simulated board on a fresh `VirtualClock` (so an 8.6 s acquisition runs instantly).
 *
 * @example
 * const { clock, board } = createVirtualSimBoard({ seed: 3 });
 * const trace = await clock.run(firstValueFrom(board.acquire({ ...SCOPE_DEFAULTS, decimation: 65536 })));
 */
export function createVirtualSimBoard(options: Omit<SimBoardOptions, 'scheduler'> = {}): { clock: VirtualClock; board: SimBoard } {
  const clock = new VirtualClock();
  return { clock, board: createSimBoard({ ...options, scheduler: clock }) };
}
export { AsgHistory, MAX_ASG_HISTORY_BYTES, MAX_ASG_SEGMENTS } from '../signal/AsgHistory.js';
export { addTone } from '../signal/addTone.js';
export { quantise, roundHalfUp } from '../signal/quantise.js';
export { digitise } from '../signal/digitise.js';
export { NoiseBlocks } from '../signal/NoiseBlocks.js';
export { SignalModel, type RenderRequest } from '../signal/SignalModel.js';
