import { createSimBoard, type SimBoardOptions } from '@labrx/hw-sim';
import { startPyrplServer, type PyrplServerOptions } from '@labrx/pyrpl';
import { connect, type Board } from 'labrx';

/** The simulator (`simOptions`) behind startPyrplServer on an OS-picked port; close() closes both. */
export async function servePyrplSim(simOptions: SimBoardOptions, serverOptions: Omit<PyrplServerOptions, 'board' | 'port'> = {}) {
  const sim = createSimBoard(simOptions);
  const server = await startPyrplServer({ board: sim, port: 0, ...serverOptions });
  return {
    sim,
    server,
    close: async () => {
      await server.close();
      await sim.close();
    },
  };
}

/** As servePyrplSim, with `rp` connected to it through labrx's connect('pyrpl://…'); close() closes rp first. */
export async function connectPyrplSim(simOptions: SimBoardOptions): Promise<{ rp: Board; server: Awaited<ReturnType<typeof servePyrplSim>>['server']; close(): Promise<void> }> {
  const served = await servePyrplSim(simOptions);
  const rp = await connect(served.server.url);
  return {
    rp,
    server: served.server,
    close: async () => {
      await rp.close();
      await served.close();
    },
  };
}
