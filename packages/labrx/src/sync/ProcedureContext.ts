import type { Board } from '@labrx/instruments';

/**
 * `this` inside a procedure that `rp.call` runs in the engine: the engine's board, and a signal
 * that aborts when the blocking caller gave up (its timeout passed), so long work can stop early.
 *
 * @example
 * export async function sweep(this: ProcedureContext | void, board: Board, n: number) { … this?.signal … }
 */
export interface ProcedureContext {
  readonly board: Board;
  readonly signal: AbortSignal;
}
