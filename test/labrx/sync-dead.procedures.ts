/**
 * Procedures of the dead-engine tests (`connectSync({ procedures })`): ways for an engine thread to
 * stop answering without exiting.
 */

/** Blocks the engine's event loop for ever: the engine is alive as a thread and answers nothing. */
export async function hangEngine(): Promise<never> {
  await Promise.resolve();
  for (;;) {
    // spin: nothing else runs in the engine thread again
  }
}
