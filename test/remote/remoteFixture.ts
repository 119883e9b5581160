import test, { type ExecutionContext } from 'ava';
import { createSimBoard, type SimBoard, type SimBoardOptions } from '@labrx/hw-sim';
import { Board } from '@labrx/instruments';
import { connectNats, serveBoards, type BoardServer, type NatsConnection, type ServeBoardsOptions } from '@labrx/remote';
import { natsServerAvailable, startNatsServer, type NatsServerProcess } from '../helpers/natsServer.js';
import { testNeeding } from '../helpers/testNeeding.js';

/** A nats-server, one simulated board served on it as `lab1/board0`, and how to tear it all down. */
export interface ServedSim {
  readonly nats: NatsServerProcess;
  /** The server's own NATS connection. */
  readonly nc: NatsConnection;
  readonly sim: SimBoard;
  /** The server's Board (its lease table is the one every client queues on). */
  readonly board: Board;
  readonly server: BoardServer;
  /** `nats://127.0.0.1:<port>/lab1/board0` */
  readonly url: string;
  close(): Promise<void>;
}

/** Starts nats-server and serves one simulated board on it (heartbeats every `heartbeatMs`, default 100 ms). */
export async function startServedSim(sim: SimBoardOptions = { seed: 7 }, options: Partial<ServeBoardsOptions> = {}): Promise<ServedSim> {
  const nats = await startNatsServer();
  const nc = await connectNats(nats.url);
  const simBoard = createSimBoard(sim);
  const board = new Board(simBoard);
  const server = await serveBoards({ nats: nc, name: 'lab1', boards: [board], heartbeatMs: 100, ...options });
  return {
    nats,
    nc,
    sim: simBoard,
    board,
    server,
    url: `${nats.url}/lab1/board0`,
    async close() {
      await server.close();
      await nc.close();
      await board.close();
      await nats.stop();
    },
  };
}

/**
 * A test that needs nats-server (as `testNeeding`: skipped with a message where it is missing,
 * failed under CI=true), run serially: the tests of a file share one served board and its lease.
 */
export function testNats(title: string, body: (t: ExecutionContext) => Promise<void> | void): void {
  if (natsServerAvailable) test.serial(title, body);
  else testNeeding(false, 'nats-server', title, body);
}
