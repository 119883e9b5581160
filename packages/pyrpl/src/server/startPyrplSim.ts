import type { BoardDriver } from '@labrx/core';
import { startPyrplServer, type PyrplServer } from './startPyrplServer.js';

/** What `labrx-sim --protocol pyrpl` serves. */
export interface PyrplSimOptions {
  /** Interface to bind. */
  readonly host: string;
  /** Port of the first board; board i listens on port + i (0: the OS picks each). */
  readonly port: number;
  /** The boards (simulators) to serve, one server each. The servers never close them. */
  readonly boards: readonly BoardDriver[];
  /** Conditions the simulator cannot reproduce (default: a process warning). */
  readonly onError?: (err: unknown) => void;
}

/** Running PyRPL servers. */
export interface PyrplSim {
  readonly servers: readonly PyrplServer[];
  /** Closes every server (not the boards); idempotent. */
  close(): Promise<void>;
}

/**
 * Serves each board over PyRPL's monitor_server protocol, board i on port + i, as
 * `labrx-sim --protocol pyrpl` does; on failure closes what it opened and rethrows.
 *
 * @example
 * const sim = await startPyrplSim({ host: '127.0.0.1', port: 2222, boards: [createSimBoard({ seed: 1 })] });
 * for (const s of sim.servers) console.log(`listening on ${s.url}`);
 */
export async function startPyrplSim(options: PyrplSimOptions): Promise<PyrplSim> {
  const servers: PyrplServer[] = [];
  let closing: Promise<void> | null = null;
  const close = (): Promise<void> => (closing ??= Promise.all(servers.map((s) => s.close())).then(() => undefined));
  try {
    for (let i = 0; i < options.boards.length; i++) {
      servers.push(
        await startPyrplServer({
          board: options.boards[i]!,
          host: options.host,
          port: options.port === 0 ? 0 : options.port + i,
          ...(options.onError ? { onError: options.onError } : {}),
        }),
      );
    }
  } catch (err) {
    await close();
    throw err;
  }
  return { servers, close };
}
