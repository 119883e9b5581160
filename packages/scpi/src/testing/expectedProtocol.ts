import { createServer, type Socket } from 'node:net';

/** What the peer does after a matched command: reply with bytes, stay silent (null), or close. */
export type ProtocolReply = string | Buffer | null | { readonly bytes?: string | Buffer; readonly close: true };

/**
 * One expected exchange: the bytes the client must send and what the peer answers. Strings are
 * latin1 and get a CRLF appended (as every SCPI line and reply has); Buffers are exact bytes.
 * A `null` command makes the peer send its reply unprompted.
 */
export type ProtocolPair = readonly [sent: string | Buffer | null, received: ProtocolReply];

/** A fake SCPI server that plays a list of exact exchanges. */
export interface ExpectedProtocolPeer {
  readonly host: string;
  readonly port: number;
  /** `scpi://127.0.0.1:<port>` */
  readonly url: string;
  /** Exchanges matched so far. */
  readonly consumed: number;
  /** Resolves once `count` exchanges are matched (rejects on a mismatch). */
  waitFor(count: number): Promise<void>;
  /** Sends bytes to the client now (a late reply, for instance). */
  send(bytes: string | Buffer): void;
  /** Closes the client's connection now. */
  drop(): void;
  /**
   * Throws unless every exchange was matched, no unexpected byte arrived, and nothing is left
   * unread; pymeasure's expected_protocol check.
   */
  assertConsumed(): void;
  /** Stops the peer and its connection. */
  close(): Promise<void>;
}

function toBytes(x: string | Buffer, crlf: boolean): Buffer {
  return typeof x === 'string' ? Buffer.from(crlf ? `${x}\r\n` : x, 'latin1') : x;
}

function show(b: Buffer): string {
  const s = JSON.stringify(b.subarray(0, 300).toString('latin1'));
  return b.length > 300 ? `${s}… (${b.length} bytes)` : s;
}

/**
 * Starts a peer on 127.0.0.1 (OS-chosen port) that accepts one connection and plays `pairs` in
 * order, byte for byte, in the style of pymeasure's `expected_protocol`: a byte that differs from
 * the expected command fails at once (the connection is dropped and `waitFor`/`assertConsumed`
 * report both texts).
 *
 * @example
 * const peer = await expectedProtocol([['*IDN?', 'REDPITAYA,INSTR2025,,01-21'], ['ACQ:STOP', null]]);
 * // … drive a client against peer.url …
 * peer.assertConsumed();
 * await peer.close();
 */
export async function expectedProtocol(pairs: readonly ProtocolPair[]): Promise<ExpectedProtocolPeer> {
  const steps = pairs.map(([sent, reply]) => ({ sent: sent === null ? null : toBytes(sent, true), reply }));
  let index = 0;
  let inbox = Buffer.alloc(0);
  let failure: Error | null = null;
  let socket: Socket | null = null;
  let connections = 0;
  const waiters: { count: number; resolve: () => void; reject: (e: Error) => void }[] = [];

  const settle = (): void => {
    for (const w of [...waiters]) {
      if (failure) w.reject(failure);
      else if (index >= w.count) w.resolve();
      else continue;
      waiters.splice(waiters.indexOf(w), 1);
    }
  };

  const fail = (message: string): void => {
    failure ??= new Error(`expectedProtocol: ${message}`);
    socket?.destroy();
    settle();
  };

  // Plays every step whose command has fully arrived (and unprompted replies).
  const advance = (): void => {
    while (!failure && socket && index < steps.length) {
      const step = steps[index]!;
      if (step.sent !== null) {
        const n = Math.min(inbox.length, step.sent.length);
        if (!inbox.subarray(0, n).equals(step.sent.subarray(0, n))) {
          return fail(`exchange ${index}: expected ${show(step.sent)}, received ${show(inbox)}`);
        }
        if (inbox.length < step.sent.length) return;
        inbox = inbox.subarray(step.sent.length);
      }
      index++;
      const r = step.reply;
      if (r !== null) {
        if (typeof r === 'string' || Buffer.isBuffer(r)) socket.write(toBytes(r, true));
        else {
          if (r.bytes !== undefined) socket.write(toBytes(r.bytes, false));
          socket.end();
          settle();
          return;
        }
      }
      settle();
    }
    if (!failure && index >= steps.length && inbox.length > 0) fail(`unexpected bytes after the last exchange: ${show(inbox)}`);
  };

  const server = createServer((s) => {
    connections++;
    if (socket) {
      s.destroy();
      return fail('a second connection was opened');
    }
    socket = s;
    s.on('data', (d: Buffer) => {
      inbox = Buffer.concat([inbox, d]);
      advance();
    });
    s.on('error', () => undefined);
    advance();
  });
  await new Promise<void>((resolve) => server.listen({ host: '127.0.0.1', port: 0 }, resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;

  return {
    host: '127.0.0.1',
    port,
    url: `scpi://127.0.0.1:${port}`,
    get consumed() {
      return index;
    },
    waitFor(count) {
      return new Promise<void>((resolve, reject) => {
        waiters.push({ count, resolve, reject });
        settle();
      });
    },
    send(bytes) {
      socket?.write(toBytes(bytes, false));
    },
    drop() {
      socket?.destroy();
    },
    assertConsumed() {
      if (failure) throw failure;
      if (connections === 0) throw new Error('expectedProtocol: the client never connected');
      if (index < steps.length) {
        const next = steps[index]!;
        throw new Error(`expectedProtocol: ${steps.length - index} exchange(s) not consumed; next expected ${next.sent ? show(next.sent) : '(unprompted reply)'}`);
      }
      if (inbox.length > 0) throw new Error(`expectedProtocol: unread bytes ${show(inbox)}`);
    },
    close() {
      socket?.destroy();
      for (const w of waiters.splice(0)) w.reject(new Error('expectedProtocol: closed'));
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
