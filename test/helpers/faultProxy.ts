import { createServer, connect as netConnect, type Server, type Socket } from 'node:net';
import { mulberry32 } from '@labrx/core/testing';

/**
 * A fault-injecting TCP proxy for tests: listens on 127.0.0.1 port 0 and forwards every connection
 * to `target`, applying, per direction and switchable at run time, one of
 * - `pass`: bytes go through as they come;
 * - `delay`: each chunk goes `ms` later (order kept);
 * - `stall`: nothing goes through; what arrives is held and released, in order, when the fault
 *   is switched to something else (a network that stops, then recovers);
 * - `drop`: what arrives is thrown away (a black hole; the connection stays up);
 * - `truncate`: `bytes` more bytes go through, then the connection is cut;
 * - `corrupt`: one bit in every `every` bytes is flipped (seeded: the same bytes every run; take
 *   `every` odd, as a multiple of 4 flips the same byte of every 32-bit word);
 * - `duplicate`: every chunk is sent twice;
 * - `cut`: every connection is destroyed at once (and new ones as they come).
 *
 * `up` is client → server, `down` server → client.
 *
 * @example
 * const proxy = await startFaultProxy({ host: '127.0.0.1', port: server.port });
 * const board = await connectScpiBoard({ host: '127.0.0.1', port: proxy.port, timeoutMs: 500 });
 * proxy.set('down', { kind: 'stall' }); // replies stop coming
 */
export type Fault =
  | { readonly kind: 'pass' }
  | { readonly kind: 'delay'; readonly ms: number }
  | { readonly kind: 'stall' }
  | { readonly kind: 'drop' }
  | { readonly kind: 'truncate'; readonly bytes: number }
  | { readonly kind: 'corrupt'; readonly every: number; readonly seed?: number }
  | { readonly kind: 'duplicate' }
  | { readonly kind: 'cut' };

/** A direction of traffic: `up` client → server, `down` server → client. */
export type Direction = 'up' | 'down';

/** A running fault proxy. */
export interface FaultProxy {
  readonly port: number;
  /** `scpi://127.0.0.1:<port>`. */
  readonly url: string;
  /** Connections open now. */
  readonly connections: number;
  /** Bytes forwarded so far, per direction (duplicates counted twice). */
  readonly forwarded: Readonly<Record<Direction, number>>;
  /** Sets the fault of one direction (or both); takes effect for the next chunk. */
  set(direction: Direction | 'both', fault: Fault): void;
  /** Stops listening and destroys every connection; resolves when the server has closed. */
  close(): Promise<void>;
}

interface Pipe {
  readonly from: Socket;
  readonly to: Socket;
  readonly direction: Direction;
  /** Chunks held by a stall, in order. */
  held: Buffer[];
  /** Pending delay timers (cleared on close). */
  readonly timers: Set<ReturnType<typeof setTimeout>>;
}

export async function startFaultProxy(target: { host: string; port: number }): Promise<FaultProxy> {
  const faults: Record<Direction, Fault> = { up: { kind: 'pass' }, down: { kind: 'pass' } };
  const truncateLeft: Record<Direction, number> = { up: 0, down: 0 };
  const corruptState: Record<Direction, { count: number; random: () => number }> = {
    up: { count: 0, random: mulberry32(1) },
    down: { count: 0, random: mulberry32(2) },
  };
  const forwarded: Record<Direction, number> = { up: 0, down: 0 };
  const pipes = new Set<Pipe>();
  const sockets = new Set<Socket>();

  const destroyPair = (a: Socket, b: Socket): void => {
    a.destroy();
    b.destroy();
  };

  const write = (pipe: Pipe, chunk: Buffer): void => {
    if (pipe.to.destroyed) return;
    forwarded[pipe.direction] += chunk.length;
    pipe.to.write(chunk);
  };

  const deliver = (pipe: Pipe, chunk: Buffer): void => {
    const fault = faults[pipe.direction];
    switch (fault.kind) {
      case 'pass':
        return write(pipe, chunk);
      case 'delay': {
        const timer = setTimeout(() => {
          pipe.timers.delete(timer);
          write(pipe, chunk);
        }, fault.ms);
        pipe.timers.add(timer);
        return;
      }
      case 'stall':
        pipe.held.push(chunk);
        return;
      case 'drop':
        return;
      case 'truncate': {
        const n = Math.min(truncateLeft[pipe.direction], chunk.length);
        truncateLeft[pipe.direction] -= n;
        if (n > 0) write(pipe, chunk.subarray(0, n));
        if (truncateLeft[pipe.direction] <= 0) {
          // let the last bytes leave before the cut
          if (pipe.to.writableLength === 0) destroyPair(pipe.from, pipe.to);
          else pipe.to.once('drain', () => destroyPair(pipe.from, pipe.to));
        }
        return;
      }
      case 'corrupt': {
        const state = corruptState[pipe.direction];
        const copy = Buffer.from(chunk);
        for (let i = 0; i < copy.length; i++) {
          if (++state.count < fault.every) continue;
          state.count = 0;
          copy[i] = copy[i]! ^ (1 << Math.floor(state.random() * 8));
        }
        return write(pipe, copy);
      }
      case 'duplicate':
        write(pipe, chunk);
        return write(pipe, chunk);
      case 'cut':
        return destroyPair(pipe.from, pipe.to);
    }
  };

  const server: Server = createServer((client) => {
    const upstream = netConnect({ host: target.host, port: target.port });
    client.setNoDelay(true);
    upstream.setNoDelay(true);
    sockets.add(client);
    sockets.add(upstream);
    const up: Pipe = { from: client, to: upstream, direction: 'up', held: [], timers: new Set() };
    const down: Pipe = { from: upstream, to: client, direction: 'down', held: [], timers: new Set() };
    pipes.add(up);
    pipes.add(down);
    if (faults.up.kind === 'cut' || faults.down.kind === 'cut') destroyPair(client, upstream);
    // bytes from the client wait for the upstream connection (a pass-through proxy buffers too)
    client.on('data', (chunk: Buffer) => deliver(up, chunk));
    upstream.on('data', (chunk: Buffer) => deliver(down, chunk));
    const end = (): void => {
      destroyPair(client, upstream);
      for (const p of [up, down]) {
        for (const timer of p.timers) clearTimeout(timer);
        p.timers.clear();
        pipes.delete(p);
      }
      sockets.delete(client);
      sockets.delete(upstream);
    };
    client.on('close', end);
    upstream.on('close', end);
    client.on('error', () => undefined);
    upstream.on('error', () => undefined);
    // an orderly end on one side ends the other (a server closing its side after its reply)
    client.on('end', () => upstream.end());
    upstream.on('end', () => client.end());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;

  return {
    port,
    url: `scpi://127.0.0.1:${port}`,
    get connections() {
      return pipes.size / 2;
    },
    forwarded,
    set(direction, fault) {
      for (const d of direction === 'both' ? (['up', 'down'] as const) : [direction]) {
        faults[d] = fault;
        if (fault.kind === 'truncate') truncateLeft[d] = fault.bytes;
        if (fault.kind === 'corrupt') corruptState[d] = { count: 0, random: mulberry32(fault.seed ?? (d === 'up' ? 1 : 2)) };
        for (const pipe of [...pipes]) {
          if (pipe.direction !== d) continue;
          if (fault.kind === 'cut') destroyPair(pipe.from, pipe.to);
          else if (fault.kind !== 'stall' && pipe.held.length > 0) {
            // a stall that ends releases what it held, in order, through the new fault
            const held = pipe.held;
            pipe.held = [];
            for (const chunk of held) deliver(pipe, chunk);
          }
        }
      }
    },
    close() {
      return new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        for (const p of pipes) for (const timer of p.timers) clearTimeout(timer);
        server.close(() => resolve());
      });
    },
  };
}
