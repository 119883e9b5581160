import { createSimBoard, type SimBoard } from '@labrx/hw-sim';
import { startScpiServer, type ScpiServer } from '@labrx/scpi';
import { connect, type Board } from 'labrx';

/** A simulated board behind a SCPI server on a port the OS picks, and a labrx board connected to it. */
export interface ScpiServedBoard {
  /** The simulated board the server serves. */
  readonly sim: SimBoard;
  /** The SCPI server (127.0.0.1, port 0). */
  readonly server: ScpiServer;
  /** A labrx board connected over `scpi://`. */
  readonly rp: Board;
}

/**
 * Serves `createSimBoard(simOptions)` over SCPI and connects to it with `connect('scpi://…')`; the
 * test's teardown closes the client, the server and the board, in that order.
 */
export async function scpiServedBoard(t: { teardown(fn: () => unknown): void }, simOptions: Parameters<typeof createSimBoard>[0] = {}): Promise<ScpiServedBoard> {
  const sim = createSimBoard(simOptions);
  const server = await startScpiServer({ board: sim, port: 0 });
  const rp = await connect(server.url);
  t.teardown(async () => {
    await rp.close();
    await server.close();
    await sim.close();
  });
  return { sim, server, rp };
}
