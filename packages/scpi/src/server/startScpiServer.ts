import type { Socket } from 'node:net';
import { listenTcp, tcpServer, type TcpServer } from '@labrx/core/net';
import type { BoardDriver } from '@labrx/core';
import { createLineFramer } from './lineFramer.js';
import { createRedPitayaCommandTable } from './redPitayaCommands.js';
import { ScpiDevice } from './ScpiDevice.js';
import { ScpiSession, type MessageRun } from './ScpiSession.js';

/** Options of `startScpiServer`. */
export interface ScpiServerOptions {
  /** The board to serve; the server never closes it. */
  readonly board: BoardDriver;
  /**
   * Serve a STEMlab 125-14 4-Input: this front end's inputs 1 and 2 are the board's inputs 3 and 4 (on
   * the same clock as `board`; the server never closes it). They acquire in split-trigger mode.
   */
  readonly inputs34?: BoardDriver;
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
export interface ScpiServer extends TcpServer {
  /** `scpi://host:port`, for `connect()`. */
  readonly url: string;
  /**
   * The most bytes held for any one client now: input not yet run (a partial line, queued
   * messages) and replies not yet taken by the network. Bounded by `MAX_CLIENT_BYTES`.
   */
  readonly maxClientBytes: number;
}

/**
 * What the server holds for one client, at most: a partial input line (512 KiB, `MAX_LINE_BYTES`) and
 * the messages of one received chunk (64 KiB), replies up to the high-water mark (1 MiB) plus one
 * turn (64 KiB) and the largest single reply unit (an ASCII trace, 180 KB) — under 2 MiB
 * (docs/reliability.md). A deep-memory data query is the exception: one unit of up to 2^21 samples
 * (`MAX_DEEP_READ_SAMPLES`), as large as the client asked for.
 */
export const MAX_CLIENT_BYTES = 2 << 20;

/**
 * Replies queued for one client beyond this many bytes pause that client's input until it reads:
 * memory stays bounded per client and no client waits for another.
 */
const OUTPUT_HIGH_WATER_BYTES = 1 << 20;

/**
 * Work one client may do in one turn: after this many reply bytes or program units, the client
 * waits for the next round, after every other client with work (and the network) had its turn. One
 * ASCII trace of 16384 samples (~164 KB) is one turn, so a client chaining 2000 data queries on one
 * line delays another by about one trace's formatting, not by all of them (docs/reliability.md).
 */
const TURN_OUTPUT_BYTES = 64 * 1024;
/** Program units one client may run in one turn (see `TURN_OUTPUT_BYTES`). */
const TURN_UNITS = 256;

function defaultOnError(err: unknown): void {
  process.emitWarning(`labrx SCPI server: ${(err as Error)?.stack ?? String(err)}`, 'LabrxScpiWarning');
}

/**
 * Serves `board` over TCP the way a Red Pitaya (firmware 2.07) serves SCPI on port 5000, so that
 * existing SCPI clients (the official Python client, pyvisa, pymeasure) work unmodified.
 *
 * Each connection has its own session (data format, byte order, error queues); settings and the
 * captured buffer belong to the board and are shared, as on the hardware. Input is cut only at CRLF;
 * lines over 512 KiB are dropped with error −363. Commands run when their line is complete, a
 * bounded turn at a time per client (round-robin), and a client that does not read its replies is
 * paused on its own, so one slow or greedy client never stalls another.
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
  const device = new ScpiDevice(options.board, options.onError ?? defaultOnError, options.inputs34);
  const commands = createRedPitayaCommandTable();
  const heldBytes = new Map<Socket, () => number>();
  // Round-robin between clients: those with work left after their turn wait here for the next round,
  // which runs after pending I/O (setImmediate), so new input of other clients is read in between.
  const waiting = new Set<() => void>();
  let nextRound: ReturnType<typeof setImmediate> | undefined;
  const runRound = (): void => {
    nextRound = undefined;
    const turns = [...waiting];
    waiting.clear();
    for (const turn of turns) turn();
  };

  // Many clients may connect at once (tests open 500): listenTcp's deep accept queue avoids refused connects.
  const listener = await listenTcp({ host, port: requestedPort, onClose }, (socket) => serve(socket));
  function onClose(): void {
    waiting.clear();
    if (nextRound !== undefined) clearImmediate(nextRound);
    nextRound = undefined;
    device.dispose();
  }

  function serve(socket: Socket): void {
    // The firmware leaves Nagle's algorithm on; the simulator turns it off so that a reply is not held
    // back waiting for the client's delayed ACK (loopback round trips of ~0.1 ms instead of ~1 ms).
    // Clients see the same bytes either way.
    socket.setNoDelay(true);
    // Text written during one pump is joined and sent in one write: replies are built from many
    // small pieces (values, ';', CRLF) and one write per piece costs more than the piece.
    let text = '';
    let turnBytes = 0; // reply bytes written in this turn
    const flushText = (): void => {
      if (text) socket.write(text, 'latin1');
      text = '';
    };
    const session = new ScpiSession(device, commands, {
      write: (data) => {
        turnBytes += data.length;
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

    // Runs queued messages unit by unit until done, this client's output backs up, or its turn is
    // over (then it waits for the next round).
    function pump(): void {
      if (socket.destroyed) return;
      waiting.delete(pump);
      socket.cork();
      let units = 0;
      turnBytes = 0;
      try {
        while (!blocked()) {
          if (units >= TURN_UNITS || turnBytes >= TURN_OUTPUT_BYTES) {
            waiting.add(pump);
            nextRound ??= setImmediate(runRound);
            break;
          }
          if (!run) {
            const message = pending.shift();
            if (message === undefined) break;
            run = session.begin(message);
          }
          units++;
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

    // A client waiting for its turn gets no extra one by sending more or by reading.
    socket.on('data', (chunk: Buffer) => {
      framer.push(chunk);
      if (!waiting.has(pump)) pump();
    });
    socket.on('drain', () => {
      if (!waiting.has(pump)) pump();
    });
    // A client that vanishes mid-command just goes away; the server and other clients carry on.
    socket.on('error', () => socket.destroy());
    heldBytes.set(socket, () => framer.pendingBytes + pending.reduce((n, m) => n + m.length, 0) + text.length + socket.writableLength);
    socket.on('close', () => {
      heldBytes.delete(socket);
      waiting.delete(pump);
      pending.length = 0;
      run = null;
    });
  }

  return tcpServer(listener, 'scpi', host, {
    get maxClientBytes() {
      let most = 0;
      for (const held of heldBytes.values()) most = Math.max(most, held());
      return most;
    },
  });
}
