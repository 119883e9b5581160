import { connect as netConnect, type Socket } from 'node:net';
import { Observable, type SchedulerLike, type Subscriber, type Subscription } from 'rxjs';
import { ConnectionLostError, TimeoutError } from '@labrx/core';
import { ScpiResponseParser, type ScpiResponse } from './ScpiResponseParser.js';

/** Options of an SCPI transport. */
export interface ScpiTransportOptions {
  readonly host: string;
  readonly port: number;
  /** Per-command limit in ms from sending to the complete reply (and for connecting). */
  readonly timeoutMs: number;
  /** The clock of every timeout. */
  readonly scheduler: SchedulerLike;
}

interface Request {
  readonly line: string;
  readonly expectsReply: boolean;
  readonly subscriber: Subscriber<ScpiResponse>;
  timer: Subscription | null;
  /** Sent, reply no longer wanted (timed out or unsubscribed): its reply, if one comes, is dropped. */
  abandoned: boolean;
}

/** Longest command text quoted in error messages. */
const QUOTE_LIMIT = 60;

function shortLine(line: string): string {
  return line.length > QUOTE_LIMIT ? `${line.slice(0, QUOTE_LIMIT)}…` : line;
}

/**
 * An SCPI-over-TCP link to a Red Pitaya (or `labrx-sim`): a queue that sends one command at a time
 * (the next only once the previous reply is in), reads replies with `ScpiResponseParser`, fails a
 * command that gets no complete reply within `timeoutMs` with `TimeoutError`, and fails every pending
 * and later command with `ConnectionLostError` once the socket closes or errors.
 *
 * A command that timed out may still be answered later. When the server answers every query (with
 * `RP:RET_ON_ERROR ON`, see `repliesAlways`), that late reply is recognised by its place in the
 * reply order and dropped; otherwise the transport assumes it will never come.
 */
export class ScpiTransport {
  /** True once the server is known to answer every query, even a failed one (RET_ON_ERROR). */
  repliesAlways = false;

  private readonly queue: Request[] = [];
  /** Sent queries, in order, waiting for (or absorbing) their replies. */
  private readonly awaiting: Request[] = [];
  private readonly parser: ScpiResponseParser;
  private lost: ConnectionLostError | null = null;
  private closed: Promise<void> | null = null;
  private readonly closedSignal: Promise<void>;

  private constructor(
    private readonly socket: Socket,
    private readonly options: ScpiTransportOptions,
    readonly target: string,
  ) {
    this.parser = new ScpiResponseParser((message) => this.onMessage(message));
    let signalClosed!: () => void;
    this.closedSignal = new Promise<void>((resolve) => (signalClosed = resolve));
    socket.on('data', (chunk: Buffer) => this.parser.push(chunk));
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
      // Replies are small requests and answers: send each command at once.
      socket.setNoDelay(true);
      const timer = options.scheduler.schedule(() => {
        socket.destroy();
        reject(new TimeoutError(`connect ${target}`, options.timeoutMs));
      }, options.timeoutMs);
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

  /** Commands queued or waiting for a reply (for tests: 0 when idle). */
  get pending(): number {
    return this.queue.length + this.awaiting.filter((r) => !r.abandoned).length;
  }

  /**
   * Sends `line` (CRLF appended) when its turn comes. With `expectsReply`, emits the reply message and
   * completes; otherwise completes once the line is handed to the socket. Cold; unsubscribing before
   * the turn removes it, after sending abandons the reply.
   */
  request(line: string, expectsReply: boolean): Observable<ScpiResponse> {
    return new Observable<ScpiResponse>((subscriber) => {
      if (this.lost) {
        subscriber.error(this.lost);
        return;
      }
      const req: Request = { line, expectsReply, subscriber, timer: null, abandoned: false };
      this.queue.push(req);
      this.pump();
      return () => {
        const i = this.queue.indexOf(req);
        if (i >= 0) this.queue.splice(i, 1);
        else if (this.awaiting.includes(req)) this.abandon(req);
      };
    });
  }

  /** Closes the link: pending commands fail with ConnectionLostError; resolves once the socket closed. */
  close(): Promise<void> {
    if (!this.closed) {
      this.closed = this.closedSignal;
      // end() flushes what was written (a final ACQ:STOP); destroy() below covers a peer that never answers FIN.
      this.socket.end();
      const fallback = this.options.scheduler.schedule(() => this.socket.destroy(), this.options.timeoutMs);
      void this.closedSignal.then(() => fallback.unsubscribe());
      if (this.lost) this.socket.destroy();
    }
    return this.closed;
  }

  private busy(): boolean {
    return this.awaiting.some((r) => !r.abandoned);
  }

  private pump(): void {
    while (!this.lost && !this.busy() && this.queue.length > 0) {
      const req = this.queue.shift()!;
      this.socket.write(`${req.line}\r\n`, 'latin1');
      if (!req.expectsReply) {
        req.subscriber.complete();
        continue;
      }
      this.awaiting.push(req);
      req.timer = this.options.scheduler.schedule(() => {
        req.timer = null;
        req.subscriber.error(new TimeoutError(`SCPI ${shortLine(req.line)}`, this.options.timeoutMs));
        this.abandon(req);
      }, this.options.timeoutMs);
    }
  }

  private abandon(req: Request): void {
    if (req.abandoned) return;
    req.timer?.unsubscribe();
    req.timer = null;
    req.abandoned = true;
    // Without a guaranteed reply, a timed-out query is assumed to have failed silently.
    const i = this.awaiting.indexOf(req);
    if (!this.repliesAlways && i >= 0) this.awaiting.splice(i, 1);
    this.pump();
  }

  private onMessage(message: ScpiResponse): void {
    const req = this.awaiting.shift();
    if (!req || req.abandoned) {
      this.pump();
      return;
    }
    req.timer?.unsubscribe();
    req.timer = null;
    req.subscriber.next(message);
    req.subscriber.complete();
    this.pump();
  }

  private fail(error: ConnectionLostError): void {
    if (this.lost) return;
    this.lost = error;
    const all = [...this.awaiting, ...this.queue];
    this.awaiting.length = 0;
    this.queue.length = 0;
    for (const req of all) {
      req.timer?.unsubscribe();
      if (!req.abandoned) req.subscriber.error(error);
    }
    this.socket.destroy();
  }
}
