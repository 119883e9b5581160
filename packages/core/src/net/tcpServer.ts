import type { TcpListener } from './listenTcp.js';

/** What every labrx TCP server shows: where it listens, how many clients it has, how to stop it. */
export interface TcpServer {
  /** The bound interface. */
  readonly host: string;
  /** The bound port (the OS's pick when 0 was asked). */
  readonly port: number;
  /** `<scheme>://host:port`, for `connect()`. */
  readonly url: string;
  /** Open client connections now. */
  readonly connections: number;
  /** Stops listening, ends every connection and stops board work; resolves when nothing is left open. */
  close(): Promise<void>;
}

/**
 * The handle of a server on `listener`, reached as `scheme`://`host`:port, with the protocol's own
 * read-outs `extra` (its getters stay live: they are copied as properties, not read once).
 */
export function tcpServer<E extends object>(listener: TcpListener, scheme: string, host: string, extra: E): TcpServer & E {
  const handle: TcpServer = {
    host,
    port: listener.port,
    url: `${scheme}://${host}:${listener.port}`,
    get connections() {
      return listener.sockets.size;
    },
    close: () => listener.close(),
  };
  return Object.defineProperties(handle, Object.getOwnPropertyDescriptors(extra)) as TcpServer & E;
}
