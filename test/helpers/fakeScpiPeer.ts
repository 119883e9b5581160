import { createServer, type Server, type Socket } from 'node:net';

/**
 * A scriptable SCPI server for driver tests: answers what `connectScpiBoard` asks on connecting as a
 * 2.07 Red Pitaya does, and hands every other line to `onLine`, which may write anything (or nothing)
 * to the socket. Binds 127.0.0.1 port 0; `close()` destroys every connection.
 */
export interface FakeScpiPeer {
  readonly port: number;
  readonly url: string;
  /** Sockets accepted so far. */
  readonly sockets: readonly Socket[];
  close(): Promise<void>;
}

/** Replies of a 2.07 server to the driver's connect handshake. */
export function handshakeReply(line: string): string | undefined {
  if (line === '*IDN?') return 'REDPITAYA,INSTR2025,,01-21';
  if (line.endsWith('SYST:ERR:COUN?')) return '0';
  if (line === 'SYST:BRD:Name?') return 'STEMlab 125-14 v1.1';
  return undefined;
}

export async function startFakeScpiPeer(onLine: (line: string, socket: Socket) => void): Promise<FakeScpiPeer> {
  const sockets: Socket[] = [];
  const server: Server = createServer((socket) => {
    sockets.push(socket);
    socket.on('error', () => undefined);
    let text = '';
    socket.on('data', (d: Buffer) => {
      text += d.toString('latin1');
      for (let i = text.indexOf('\r\n'); i >= 0; i = text.indexOf('\r\n')) {
        const line = text.slice(0, i);
        text = text.slice(i + 2);
        const reply = handshakeReply(line);
        if (reply !== undefined) socket.write(`${reply}\r\n`);
        else onLine(line, socket);
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  return {
    port,
    url: `scpi://127.0.0.1:${port}`,
    sockets,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
