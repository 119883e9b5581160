import type { VirtualClock } from '@labrx/core/testing';

/**
 * Moves a virtual clock on in real time while something (a browser page) looks on: `stepMs` of board
 * time every `everyMs` of real time, until `stop()` (which resolves once the last step is done).
 */
export function tickVirtualClock(clock: VirtualClock, stepMs = 2, everyMs = 5): { stop(): Promise<void> } {
  let running = true;
  const ticking = (async () => {
    while (running) {
      await clock.advanceBy(stepMs);
      await new Promise((r) => setTimeout(r, everyMs));
    }
  })();
  return {
    stop: () => {
      running = false;
      return ticking;
    },
  };
}
