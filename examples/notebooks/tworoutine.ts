/**
 * The tour notebook's tworoutine (examples/notebooks/tour.ipynb): the South Pole Telescope's
 * `double_slowly`, one implementation, awaited in the notebook's thread (`await doubleSlowly(rp, 2)`)
 * and called synchronously through the engine (`rps.call('doubleSlowly', 1)` with
 * `connectSync({ procedures: 'tworoutine.ts' })`). examples/tworoutine.ts re-exports these same procedures;
 * they live here, beside the notebook, because the notebook kernel compiles only files under the
 * notebook's folder. No top-level await: the kernel loads modules as CommonJS.
 */
import { firstValueFrom, timer } from 'rxjs';
import type { Board } from 'labrx';

/** The seed's `double_slowly`: waits 100 ms of board time, returns 2·x. */
export async function doubleSlowly(board: Board, x: number): Promise<number> {
  await firstValueFrom(timer(100, board.driver.scheduler));
  return 2 * x;
}

/** Composition: doubleSlowly twice, then the scope's in2 rms in volts. */
export async function doubleTwiceAndMeasure(board: Board, x: number): Promise<{ value: number; rmsIn2: number }> {
  const value = await doubleSlowly(board, await doubleSlowly(board, x));
  const trace = await board.scope.single({ decimation: 64 });
  let s = 0;
  for (const v of trace.ch2) s += v * v;
  return { value, rmsIn2: Math.sqrt(s / trace.ch2.length) };
}
