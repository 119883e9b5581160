/**
 * Procedures the sync tests load into the engine (`connectSync({ procedures })`). Each is an
 * ordinary async function of (board, ...args): the tests also await some of them in-thread.
 */
import { firstValueFrom, timer, type Subscription } from 'rxjs';
import { ScpiError, type Trace } from '@labrx/core';
import type { Board } from '@labrx/instruments';
import { handOver, type ProcedureContext } from 'labrx';

/** Returns its argument (the trivial call of the round-trip measurements). */
export async function echo(_board: Board, x: unknown): Promise<unknown> {
  return x;
}

/** Waits `ms` on the board's clock (virtual in virtual time). */
export async function sleep(board: Board, ms: number): Promise<number> {
  await firstValueFrom(timer(ms, board.driver.scheduler));
  return board.driver.scheduler.now();
}

/** Asks the scope for a bad decimation: the board throws `SettingsError`. */
export async function badScope(board: Board): Promise<Trace> {
  return board.scope.single({ decimation: 3 });
}

/** Throws a typed error with fields. */
export async function failScpi(): Promise<never> {
  await Promise.resolve();
  throw new ScpiError(-113, 'Undefined header', 'ACQ:FOO');
}

/** Throws a builtin error with a cause. */
export async function failRange(_board: Board, message: string): Promise<never> {
  throw new RangeError(message, { cause: new Error('underneath') });
}

let aborted = 0;
/** Never settles; counts the aborts of its `this.signal` (the caller's timeout cancels it). */
export function never(this: ProcedureContext | void): Promise<never> {
  this?.signal.addEventListener('abort', () => aborted++);
  return new Promise(() => undefined);
}

/** How many `never` calls were cancelled. */
export async function neverAborted(): Promise<number> {
  return aborted;
}

/** Crashes the engine from a timer: an exception nobody can catch. */
export async function crashLater(board: Board): Promise<string> {
  board.driver.scheduler.schedule(() => {
    throw new Error('engine bug');
  }, 5);
  return 'scheduled';
}

/** Ends the engine thread outright. */
export async function exitEngine(): Promise<void> {
  process.exit(3);
}

/** Returns something that cannot be cloned (a function). */
export async function unclonable(): Promise<unknown> {
  return [() => 1];
}

let counting: Subscription | undefined;
let counted = 0;
/** Starts a background acquisition in the engine that counts traces until `stopCounting`. */
export async function startCounting(board: Board, decimation: number): Promise<void> {
  counted = 0;
  counting = board.scope.stream$({ decimation }).subscribe({ next: () => counted++ });
}

/** Traces counted so far. */
export async function count(): Promise<number> {
  return counted;
}

/** Stops the background acquisition. */
export async function stopCounting(): Promise<number> {
  counting?.unsubscribe();
  return counted;
}

/** Whether the simulated scope is acquiring right now. */
export async function scopeRunning(board: Board): Promise<boolean> {
  return board.driver.scopeRunning;
}

let kept: Trace | undefined;
/** Takes a trace, keeps a reference, and hands the result over (its buffers are transferred). */
export async function handOverTrace(board: Board): Promise<Trace> {
  kept = await board.scope.single({ decimation: 8 });
  return handOver(kept);
}

/** Takes a trace, keeps it, and returns it without `handOver` (cloned). */
export async function cloneTrace(board: Board): Promise<Trace> {
  kept = await board.scope.single({ decimation: 8 });
  return kept;
}

/** Byte length of the kept trace's ch1 in the engine: 0 once transferred away. */
export async function keptByteLength(): Promise<number> {
  return kept?.ch1.byteLength ?? -1;
}

/** A procedure calling another and two instruments. */
export async function composed(board: Board, frequency: number): Promise<{ echoed: unknown; samples: number; frequency: number }> {
  const applied = await board.asg0.set({ frequency, amplitude: 0.1, output: 'out1' });
  const tr = await board.scope.single({ decimation: 64, trigger: 'asg0' });
  return { echoed: await echo(board, 'inner'), samples: tr.ch1.length, frequency: applied.frequency };
}
