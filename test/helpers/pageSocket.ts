import { createRequire } from 'node:module';
import type { Socket } from 'node:net';
import { fileURLToPath } from 'node:url';

/** The part of a `ws` client that the studio tests and benches drive, its raw socket included (to stop reading). */
export interface WsClient {
  on(event: 'open' | 'close', cb: () => void): void;
  on(event: 'message', cb: (data: Buffer, isBinary: boolean) => void): void;
  on(event: 'error', cb: (e: Error) => void): void;
  send(text: string): void;
  close(): void;
  terminate(): void;
  readonly _socket: Socket;
}

// `ws` is labrx's dependency, not the root's: resolve it from packages/labrx.
const requireFromLabrx = createRequire(fileURLToPath(new URL('../../packages/labrx/package.json', import.meta.url)));

/** A WebSocket client class, as a hostile or slow studio page would use it. */
export const WebSocket = requireFromLabrx('ws') as new (url: string) => WsClient;
