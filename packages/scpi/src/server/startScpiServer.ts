import { createServer, type Server, type Socket } from 'node:net';
import type { BoardDriver } from '@labrx/core';
import { createLineFramer } from './lineFramer.js';
import { createRedPitayaCommandTable } from './redPitayaCommands.js';
import { ScpiDevice } from './ScpiDevice.js';
import { ScpiSession, type MessageRun } from './ScpiSession.js';

/** Options of `startScpiServer`. */
export interface ScpiServerOptions {
  /** The board to serve; the server never closes it. */
  readonly board: BoardDriver;
  /** Interface to bind (default '127.0.0.1'). */
  readonly host?: string;
  /** TCP port (default 5000, as on a Red Pitaya; 0 lets the OS pick). */
  readonly port?: number;
  /**
   * Called with failures that no client can be told about (a board work item that threw). Defaults to
   * a process warning, so that nothing is silently dropped.
   */
  readonly onError?: (err: unknown) => void;
}

/** A running SCPI server. */
export interface ScpiServer {
  /** The bound interface. */
  readonly host: string;
  /** The bound port (the OS's pick when 0 was asked). */
  readonly port: number;
  /** `scpi://host:port`, for `connect()`. */
  readonly url: string;
  /** Open client connections now. */
  readonly connections: number;
  /** Stops listening, ends every connection and stops board work; resolves when no handle is left. */
  close(): Promise<void>;
}

/**
 * Replies queued for one client beyond this many bytes pause that client's input until it reads:
 * memory stays bounded per client and no client waits for another.
 */
const OUTPUT_HIGH_WATER_BYTES = 1 << 20;

function defaultOnError(err: unknown): void {
  process.emitWarning(`labrx SCPI server: ${(err as Error)?.stack ?? String(err)}`, 'LabrxScpiWarning');
}

/**
 * Serves `board` over TCP the way a Red Pitaya (firmware 2.07) serves SCPI on port 5000, so that
 * existing SCPI clients (the official Python client, pyvisa, pymeasure) work unmodified.
 *
 * Each connection has its own session (data format, byte order, error queues); settings and the
 * captured buffer belong to the board and are shared, as on the hardware. Input is cut only at CRLF;
 * lines over 512 KiB are dropped with error −363. Every command runs synchronously when its line
 * is complete, and a client that does not read its replies is paused on its own, so one slow client
 * never stalls another.
 *
 * @example
 * const board = createSimBoard({ seed: 1 });
 * const server = await startScpiServer({ board, port: 0 });
 * console.log(`listening on ${server.url}`);
 * await server.close();
 */
export async function startScpiServer(options: ScpiServerOptions): Promise<ScpiServer> {
  const host = options.host ?? '127.0.0.1';
  const requestedPort = options.port ?? 5000;
  const device = new ScpiDevice(options.board, options.onError ?? defaultOnError);
  const commands = createRedPitayaCommandTable();
  const sockets = new Set<Socket>();

  const server: Server = createServer((socket) => serve(socket));
  // Many clients may connect at once (tests open 500): a deep accept queue avoids refused connects.
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen({ host, port: requestedPort, backlog: 1024 }, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : requestedPort;

  function serve(socket: Socket): void {
    sockets.add(socket);
    // The firmware leaves Nagle's algorithm on; the simulator turns it off so that a reply is not held
    // back waiting for the client's delayed ACK (loopback round trips of ~0.1 ms instead of ~1 ms).
    // Clients see the same bytes either way.
    socket.setNoDelay(true);
    // Text written during one pump is joined and sent in one write: replies are built from many
    // small pieces (values, ';', CRLF) and one write per piece costs more than the piece.
    let text = '';
    const flushText = (): void => {
      if (text) socket.write(text, 'latin1');
      text = '';
    };
    const session = new ScpiSession(device, commands, {
      write: (data) => {
        if (typeof data === 'string') text += data;
        else {
          flushText();
          socket.write(data);
        }
      },
    });
    const pending: string[] = [];
    let run: MessageRun | null = null;

    const blocked = (): boolean => socket.writableLength > OUTPUT_HIGH_WATER_BYTES;

    // Runs queued messages unit by unit until done or this client's output backs up.
    function pump(): void {
      if (socket.destroyed) return;
      socket.cork();
      try {
        while (!blocked()) {
          if (!run) {
            const message = pending.shift();
            if (message === undefined) break;
            run = session.begin(message);
          }
          if (!run.step()) run = null;
          // Text counts toward back-pressure once it is handed to the socket.
          if (text.length > OUTPUT_HIGH_WATER_BYTES) flushText();
        }
      } finally {
        flushText();
        socket.uncork();
      }
      if (blocked() || run || pending.length > 0) socket.pause();
      else socket.resume();
    }

    const framer = createLineFramer({
      line: (line) => {
        // Bare LFs inside a CRLF line end messages of their own (upstream parses each on its own).
        for (const message of line.toString('latin1').split('\n')) pending.push(message);
      },
      overflow: () => session.pushError(-363),
    });

    socket.on('data', (chunk: Buffer) => {
      framer.push(chunk);
      pump();
    });
    socket.on('drain', pump);
    // A client that vanishes mid-command just goes away; the server and other clients carry on.
    socket.on('error', () => socket.destroy());
    socket.on('close', () => {
      sockets.delete(socket);
      pending.length = 0;
      run = null;
    });
  }

  let closing: Promise<void> | null = null;
  return {
    host,
    port,
    url: `scpi://${host}:${port}`,
    get connections() {
      return sockets.size;
    },
    close() {
      closing ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const s of sockets) s.destroy();
        device.dispose();
      });
      return closing;
    },
  };
}
