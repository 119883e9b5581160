import { connect as netConnect, type Socket } from 'node:net';
import { Observable, type SchedulerLike, type Subscriber, type Subscription } from 'rxjs';
import { ConnectionLostError, TimeoutError } from '@labrx/core';
import { MAX_REPLY_BYTES, ScpiResponseParser, type ScpiResponse } from './ScpiResponseParser.js';
import type { ScpiTrafficTap } from '../recording/ScpiTrafficTap.js';

/** Options of an SCPI transport. */
export interface ScpiTransportOptions {
  readonly host: string;
  readonly port: number;
  /** Per-command limit in ms from sending to the complete reply (and for connecting). */
  readonly timeoutMs: number;
  /** The clock of every timeout. */
  readonly scheduler: SchedulerLike;
  /** Limit in ms for the socket to connect (default `timeoutMs`). */
  readonly connectTimeoutMs?: number;
  /** Sees every line sent and every chunk received (a `ScpiRecorder`). */
  readonly tap?: ScpiTrafficTap;
}

interface Request {
  readonly line: string;
  readonly expectsReply: boolean;
  readonly subscriber: Subscriber<ScpiResponse>;
}

/** The query in flight: a caller's, or the transport's own resynchronisation marker. */
type InFlight = { readonly kind: 'request'; readonly req: Request; readonly timer: Subscription } | { readonly kind: 'sync'; readonly expect: string; readonly timer: Subscription };

/** Longest command text quoted in error messages. */
const QUOTE_LIMIT = 60;

function shortLine(line: string): string {
  return line.length > QUOTE_LIMIT ? `${line.slice(0, QUOTE_LIMIT)}…` : line;
}

function asText(message: ScpiResponse): string {
  return message.map((u) => (typeof u === 'string' ? u : u.toString('latin1'))).join(';');
}

/**
 * An SCPI-over-TCP link to a Red Pitaya (or `labrx-sim`): a queue that sends one command at a time
 * (the next only once the previous reply is in), reads replies with `ScpiResponseParser`, fails a
 * command that gets no complete reply within `timeoutMs` with `TimeoutError`, and fails every pending
 * and later command with `ConnectionLostError` once the socket closes or errors.
 *
 * A query given up (timed out, or unsubscribed while in flight) may still be answered later, or never
 * (the server sends nothing for an unknown header). Before the next command the transport therefore
 * resynchronises: it sends `*ESE a;*ESE?;*ESE b;*ESE?;*ESE 0` with a fresh pair a, b and drops every
 * reply until `a;b` comes back, so no late reply is ever taken for another command's. A server that
 * does not answer that either within `timeoutMs` is declared lost.
 */
export class ScpiTransport {
  private readonly queue: Request[] = [];
  private inFlight: InFlight | null = null;
  private syncNeeded = false;
  private syncCounter = 0;
  private readonly parser: ScpiResponseParser;
  private lost: ConnectionLostError | null = null;
  private readonly lostListeners = new Set<(error: ConnectionLostError) => void>();
  private closed: Promise<void> | null = null;
  private readonly closedSignal: Promise<void>;

  private constructor(
    private readonly socket: Socket,
    private readonly options: ScpiTransportOptions,
    readonly target: string,
  ) {
    // A reply past MAX_REPLY_BYTES without its end (a server that never ends it) loses the link: the
    // stream cannot be followed any further, and memory stays bounded.
    this.parser = new ScpiResponseParser(
      (message) => this.onMessage(message),
      (held) => this.fail(new ConnectionLostError(this.target, `a reply of ${held} bytes or more without its end, over the ${MAX_REPLY_BYTES}-byte bound: not the SCPI this driver reads`)),
    );
    let signalClosed!: () => void;
    this.closedSignal = new Promise<void>((resolve) => (signalClosed = resolve));
    socket.on('data', (chunk: Buffer) => {
      this.options.tap?.received(chunk);
      this.parser.push(chunk);
    });
    socket.on('error', (err) => this.fail(new ConnectionLostError(this.target, err.message, { cause: err })));
    socket.on('close', () => {
      this.fail(new ConnectionLostError(this.target, this.closed ? 'closed by the client' : 'closed by the server'));
      signalClosed();
    });
  }

  /**
   * Opens a TCP connection. Rejects with TimeoutError when it takes longer than `timeoutMs`, or with
   * ConnectionLostError when it is refused or fails.
   */
  static open(options: ScpiTransportOptions): Promise<ScpiTransport> {
    const target = `scpi://${options.host}:${options.port}`;
    return new Promise<ScpiTransport>((resolve, reject) => {
      const socket = netConnect({ host: options.host, port: options.port });
      // Commands are short lines that each wait for a reply: send every one at once.
      socket.setNoDelay(true);
      const timer = options.scheduler.schedule(() => {
        socket.destroy();
        reject(new TimeoutError(`connect ${target}`, options.connectTimeoutMs ?? options.timeoutMs));
      }, options.connectTimeoutMs ?? options.timeoutMs);
      const onError = (err: Error): void => {
        timer.unsubscribe();
        socket.destroy();
        reject(new ConnectionLostError(target, err.message, { cause: err }));
      };
      socket.once('error', onError);
      socket.once('connect', () => {
        timer.unsubscribe();
        socket.off('error', onError);
        resolve(new ScpiTransport(socket, options, target));
      });
    });
  }

  /** True until the link is lost or closed. */
  get open(): boolean {
    return this.lost === null;
  }

  /**
   * Errors with the ConnectionLostError once the link is lost (at once if it already is); never
   * emits. Raced against long operations that may be between commands when it happens (a trigger wait).
   */
  readonly lost$: Observable<never> = new Observable<never>((subscriber) => {
    if (this.lost) {
      subscriber.error(this.lost);
      return;
    }
    const listener = (error: ConnectionLostError): void => subscriber.error(error);
    this.lostListeners.add(listener);
    return () => this.lostListeners.delete(listener);
  });

  /** Caller commands queued or waiting for a reply (0 when idle). */
  get pending(): number {
    return this.queue.length + (this.inFlight?.kind === 'request' ? 1 : 0);
  }

  /**
   * Sends `line` (CRLF appended) when its turn comes. With `expectsReply`, emits the reply message and
   * completes; otherwise completes once the line is handed to the socket. Cold; unsubscribing before
   * the turn removes it, after sending gives the reply up.
   */
  request(line: string, expectsReply: boolean): Observable<ScpiResponse> {
    return new Observable<ScpiResponse>((subscriber) => {
      if (this.lost) {
        subscriber.error(this.lost);
        return;
      }
      const req: Request = { line, expectsReply, subscriber };
      this.queue.push(req);
      this.pump();
      return () => {
        const i = this.queue.indexOf(req);
        if (i >= 0) this.queue.splice(i, 1);
        else if (this.inFlight?.kind === 'request' && this.inFlight.req === req) this.giveUp();
      };
    });
  }

  /** Closes the link: pending commands fail with ConnectionLostError; resolves once the socket closed. */
  close(): Promise<void> {
    if (!this.closed) {
      this.closed = this.closedSignal;
      // end() flushes what was written (a final ACQ:STOP); destroy() covers a peer that never answers FIN.
      this.socket.end();
      const fallback = this.options.scheduler.schedule(() => this.socket.destroy(), this.options.timeoutMs);
      void this.closedSignal.then(() => fallback.unsubscribe());
      if (this.lost) this.socket.destroy();
    }
    return this.closed;
  }

  /**
   * Drops the link now, without the graceful end `close()` gives a server time for: pending
   * commands fail with ConnectionLostError; resolves once the socket closed (no handle left).
   */
  abort(): Promise<void> {
    this.closed ??= this.closedSignal;
    this.socket.destroy();
    return this.closed;
  }

  private pump(): void {
    while (!this.lost && !this.inFlight) {
      if (this.syncNeeded && this.queue.length > 0) {
        this.sendSync();
        return;
      }
      const req = this.queue.shift();
      if (!req) return;
      this.socket.write(`${req.line}\r\n`, 'latin1');
      this.options.tap?.sent(req.line);
      if (!req.expectsReply) {
        req.subscriber.complete();
        continue;
      }
      const timer = this.options.scheduler.schedule(() => {
        // Give the reply up first, so that the error handler may already queue the next command.
        this.giveUp();
        req.subscriber.error(new TimeoutError(`SCPI ${shortLine(req.line)}`, this.options.timeoutMs));
      }, this.options.timeoutMs);
      this.inFlight = { kind: 'request', req, timer };
    }
  }

  /** Stops waiting for the query in flight; the next command is preceded by a resynchronisation. */
  private giveUp(): void {
    if (this.inFlight?.kind !== 'request') return;
    this.inFlight.timer.unsubscribe();
    this.inFlight = null;
    this.syncNeeded = true;
    this.pump();
  }

  private sendSync(): void {
    // Two values from 1 to 255 that change every time: a stale reply cannot read "a;b" by chance.
    const a = (this.syncCounter++ % 255) + 1;
    const b = ((a * 7 + 3) % 255) + 1;
    const line = `*ESE ${a};*ESE?;*ESE ${b};*ESE?;*ESE 0`;
    this.socket.write(`${line}\r\n`, 'latin1');
    this.options.tap?.sent(line);
    const timer = this.options.scheduler.schedule(() => {
      this.fail(new ConnectionLostError(this.target, `no reply within ${this.options.timeoutMs} ms, not even to a resynchronisation`));
    }, this.options.timeoutMs);
    this.inFlight = { kind: 'sync', expect: `${a};${b}`, timer };
  }

  private onMessage(message: ScpiResponse): void {
    const f = this.inFlight;
    // A reply nobody waits for is a late one to a query given up: drop it.
    if (!f) return;
    if (f.kind === 'sync') {
      if (asText(message) !== f.expect) return;
      f.timer.unsubscribe();
      this.inFlight = null;
      this.syncNeeded = false;
      this.pump();
      return;
    }
    f.timer.unsubscribe();
    this.inFlight = null;
    f.req.subscriber.next(message);
    f.req.subscriber.complete();
    this.pump();
  }

  private fail(error: ConnectionLostError): void {
    if (this.lost) return;
    this.lost = error;
    const f = this.inFlight;
    this.inFlight = null;
    f?.timer.unsubscribe();
    const waiting = [...(f?.kind === 'request' ? [f.req] : []), ...this.queue];
    this.queue.length = 0;
    for (const req of waiting) req.subscriber.error(error);
    for (const listener of [...this.lostListeners]) listener(error);
    this.socket.destroy();
  }
}
