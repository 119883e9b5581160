import { last, take, tap, type Observable } from 'rxjs';
import { once } from '@labrx/core';
import type { Board } from '@labrx/instruments';
import { progressBar, type CliIo } from './instrumentFlags.js';

/**
 * Awaits the `count`-th result of `stream$` (whose results carry how many acquisitions they
 * average) while a progress bar counts them: the awaited result of `single$`, with progress.
 * `timeoutS` (seconds on the board's clock) stops the work with a `TimeoutError`.
 */
export function acquireWithProgress<T extends { averages: number }>(
  io: CliIo,
  board: Board,
  stream$: Observable<T>,
  count: number,
  what: { operation: string; label: string; unit: string; timeoutS?: number },
): Promise<T> {
  const bar = progressBar(io, what.label, count, what.unit);
  return once(
    stream$.pipe(
      tap((r) => bar.update(r.averages)),
      take(count),
      last(),
    ),
    { operation: what.operation, scheduler: board.driver.scheduler, ...(what.timeoutS !== undefined ? { timeoutMs: 1000 * what.timeoutS } : {}) },
  ).finally(() => bar.stop());
}
