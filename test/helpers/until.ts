/**
 * Runs `step` until `done()` holds, or throws after `limitMs` (default 30 s) of real time, naming
 * `what`. A test that polls a condition uses this instead of an open loop, so a condition that never
 * comes fails that test instead of leaving it running (see docs/decisions/0026-test-watchdog.md).
 */
export async function pollUntil(done: () => boolean, step: () => Promise<unknown>, what: string, limitMs = 30_000): Promise<void> {
  const giveUp = performance.now() + limitMs;
  while (!done()) {
    if (performance.now() > giveUp) throw new Error(`gave up after ${limitMs} ms of real time waiting for ${what}`);
    await step();
  }
}

/** A promise that resolves after `ms` milliseconds of real time. */
export const sleepMs = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
