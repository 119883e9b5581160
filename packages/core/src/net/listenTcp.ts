import { createServer, type Server, type Socket } from 'node:net';

/** Where and how to listen, and what to release once the listener closes. */
export interface ListenTcpOptions {
  /** Interface to bind, e.g. '127.0.0.1'. */
  readonly host: string;
  /** TCP port; 0 lets the OS pick one (read it from `TcpListener.port`). */
  readonly port: number;
  /** Length of the accept queue (connections). Default 1024, so that many clients may connect at once. */
  readonly backlog?: number;
  /** Called once by `close()`, after the sockets are destroyed: the protocol's own clean-up. */
  readonly onClose?: () => void;
}

/** A listening TCP server that tracks its connections. */
export interface TcpListener {
  /** The bound TCP port (the OS's pick when 0 was asked). */
  readonly port: number;
  /** The connections open now; each leaves the set when its socket closes. */
  readonly sockets: ReadonlySet<Socket>;
  /**
   * Stops listening, destroys every connection, runs `onClose` and resolves when the server has
   * closed. Idempotent: every call returns the same Promise.
   */
  close(): Promise<void>;
}

/**
 * Listens on `options.host`:`options.port` and hands each new connection to `onConnection`. Knows no
 * protocol: it owns the listen, the set of open sockets and the shutdown that every TCP server repeats.
 * Rejects (nothing left listening) when the port cannot be bound.
 */
export async function listenTcp(options: ListenTcpOptions, onConnection: (socket: Socket) => void): Promise<TcpListener> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    onConnection(socket);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen({ host: options.host, port: options.port, backlog: options.backlog ?? 1024 }, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : options.port;
  let closing: Promise<void> | null = null;
  return {
    port,
    sockets,
    close() {
      closing ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const s of sockets) s.destroy();
        options.onClose?.();
      });
      return closing;
    },
  };
}
