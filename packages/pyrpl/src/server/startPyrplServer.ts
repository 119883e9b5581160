import type { Socket } from 'node:net';
import { listenTcp, tcpServer, type TcpServer } from '@labrx/core/net';
import type { Subscription } from 'rxjs';
import type { BoardDriver } from '@labrx/core';
import { FPGA_ADDRESS_END, FPGA_ADDRESS_FIRST } from '../map/registerMap.js';
import { ByteQueue } from '../protocol/ByteQueue.js';
import { COMMAND, HEADER_BYTES, decodeHeader, decodeWords, encodeWords } from '../protocol/header.js';
import { SimFpga } from './SimFpga.js';

/** Options of `startPyrplServer`. */
export interface PyrplServerOptions {
  /** The board to serve (the simulator: its IQ modules demodulate); the server never closes it. */
  readonly board: BoardDriver;
  /** Interface to bind (default '127.0.0.1'). */
  readonly host?: string;
  /** TCP port (default 2222, PyRPL's; 0 lets the OS pick). */
  readonly port?: number;
  /** A client that leaves a request incomplete this long (ms, board clock) is dropped (default 10000). */
  readonly stallTimeoutMs?: number;
  /** Conditions no client can be told about (what the simulator does not reproduce). Default: a process warning. */
  readonly onError?: (err: unknown) => void;
}

/** A running simulated monitor_server. */
export interface PyrplServer extends TcpServer {
  /** `pyrpl://host:port`, for `connect()`. */
  readonly url: string;
  /** Reply bytes queued for clients and not yet sent (bounded: at most 1 MiB plus one reply per client). */
  readonly bufferedBytes: number;
  /** Clients dropped for a protocol fault (unknown command, address outside the FPGA, stalled request) or over `MAX_PYRPL_CLIENT_BYTES`. */
  readonly dropped: number;
  /** The most bytes one client holds now (input not yet answered plus replies not yet sent), ≤ `MAX_PYRPL_CLIENT_BYTES`. */
  readonly maxClientBytes: number;
}

/** Replies queued for one client beyond this many bytes pause its input until it reads. */
const OUTPUT_HIGH_WATER_BYTES = 1 << 20;

/**
 * Bytes one client may hold on the server (input not yet answered plus replies not yet sent); a client
 * over it is dropped. What the protocol needs stays below it: the largest request (a write of 65535
 * words, 256 KiB), one received chunk (64 KiB), replies up to `OUTPUT_HIGH_WATER_BYTES` and the
 * largest reply (a read of 65535 words, 256 KiB): 1.56 MiB. A guard, not a limit clients meet.
 */
export const MAX_PYRPL_CLIENT_BYTES = 2 << 20;

function defaultOnError(err: unknown): void {
  process.emitWarning(`labrx PyRPL server: ${(err as Error)?.message ?? String(err)}`, 'LabrxPyrplWarning');
}

/**
 * Serves `board` over PyRPL's monitor_server protocol (port 2222), so that PyRPL's own client, and
 * labrx's `connect('pyrpl://…')`, use it as a Red Pitaya running PyRPL's FPGA image.
 *
 * Requests are answered as monitor_server.c does (lines 199-235): a read with the same header and
 * the words; a write, once its words are in, with the header; 'c' closes that connection; a count of
 * 0 gets no answer. Where monitor_server exits (unknown command byte) or would touch memory outside
 * the FPGA (addresses outside 0x40000000-0x407FFFFF), only that client is dropped; a client that
 * stops in the middle of a request is dropped after `stallTimeoutMs`. Unmapped FPGA registers read 0,
 * as the FPGA's bus answers them; unaligned addresses too. Every client has its own input state; the
 * FPGA (registers, buffers) is shared, as on the board. Replies pause a client's input when over 1 MiB
 * are unsent, so memory per client stays bounded (one request of at most 256 KiB plus that); a client
 * holding more than `MAX_PYRPL_CLIENT_BYTES` is dropped.
 *
 * @example
 * const board = createSimBoard({ seed: 1 });
 * const server = await startPyrplServer({ board, port: 0 });
 * const rp = await connect(server.url);
 */
export async function startPyrplServer(options: PyrplServerOptions): Promise<PyrplServer> {
  const host = options.host ?? '127.0.0.1';
  const requestedPort = options.port ?? 2222;
  const stallMs = options.stallTimeoutMs ?? 10000;
  const fpga = new SimFpga(options.board, options.onError ?? defaultOnError);
  const scheduler = options.board.scheduler;
  let dropped = 0;

  const listener = await listenTcp({ host, port: requestedPort, onClose: () => fpga.dispose() }, (socket) => serve(socket));
  const { sockets } = listener;
  /** Each client's input not yet answered (for `maxClientBytes`). */
  const inputs = new Map<Socket, ByteQueue>();

  function serve(socket: Socket): void {
    socket.setNoDelay(true);
    const input = new ByteQueue();
    inputs.set(socket, input);
    let header: { command: number; count: number; address: number; bytes: Buffer } | null = null;
    let stall: Subscription | null = null;

    const drop = (): void => {
      dropped++;
      socket.destroy();
    };
    const inFpga = (address: number, count: number): boolean => address >= FPGA_ADDRESS_FIRST && address + 4 * count <= FPGA_ADDRESS_END;

    const pump = (): void => {
      while (!socket.destroyed && socket.writableLength <= OUTPUT_HIGH_WATER_BYTES) {
        if (!header) {
          if (input.length < HEADER_BYTES) break;
          const bytes = Buffer.from(input.take(HEADER_BYTES));
          const h = decodeHeader(bytes);
          if (h.command === COMMAND.close) {
            socket.end();
            return;
          }
          if (h.command !== COMMAND.read && h.command !== COMMAND.write) return drop();
          if (h.count === 0) continue; // monitor_server: no answer, next header
          if (!inFpga(h.address, h.count)) return drop();
          header = { ...h, bytes };
        }
        if (header.command === COMMAND.read) {
          fpga.flush(); // a read sees every write before it
          const words = header.address % 4 === 0 ? fpga.read(header.address, header.count) : new Uint32Array(header.count);
          socket.write(encodeWords(words, header.bytes));
          header = null;
          continue;
        }
        if (input.length < 4 * header.count) break;
        const words = decodeWords(input.take(4 * header.count));
        if (header.address % 4 === 0) fpga.write(header.address, words);
        socket.write(header.bytes);
        header = null;
      }
      fpga.flush();
      // a request left incomplete: the client has stallMs to finish it
      stall?.unsubscribe();
      stall = header || input.length > 0 ? scheduler.schedule(drop, stallMs) : null;
      if (socket.writableLength > OUTPUT_HIGH_WATER_BYTES) socket.pause();
      else socket.resume();
    };

    socket.on('data', (chunk: Buffer) => {
      input.push(chunk);
      if (input.length + socket.writableLength > MAX_PYRPL_CLIENT_BYTES) return drop();
      pump();
    });
    socket.on('drain', pump);
    socket.on('error', () => socket.destroy());
    socket.on('close', () => {
      stall?.unsubscribe();
      stall = null;
      inputs.delete(socket);
      input.clear();
      header = null;
    });
  }

  return tcpServer(listener, 'pyrpl', host, {
    get dropped() {
      return dropped;
    },
    get maxClientBytes() {
      let most = 0;
      for (const [s, input] of inputs) most = Math.max(most, input.length + s.writableLength);
      return most;
    },
    get bufferedBytes() {
      let n = 0;
      for (const s of sockets) n += s.writableLength;
      return n;
    },
  });
}
