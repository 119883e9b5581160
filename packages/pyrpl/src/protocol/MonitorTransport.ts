import { connect as netConnect, type Socket } from 'node:net';
import { Observable, type SchedulerLike, type Subscriber, type Subscription } from 'rxjs';
import { ConnectionLostError, TimeoutError } from '@labrx/core';
import { ByteQueue } from './ByteQueue.js';
import { HEADER_BYTES, MAX_WORDS, closeRequest, decodeWords, readRequest, writeRequest } from './header.js';

/** How to reach a monitor_server. */
export interface MonitorTransportOptions {
  readonly host: string;
  readonly port: number;
  /** Limit in ms from sending a request to its complete reply (and for connecting). */
  readonly timeoutMs: number;
  /** The clock of every timeout. */
  readonly scheduler: SchedulerLike;
  /** Sees every request sent and every chunk received (a `TrafficRecorder`, for `record`). */
  readonly tap?: RegisterTrafficTap;
}

/** Sees a register link's traffic as it happens; called synchronously. */
export interface RegisterTrafficTap {
  /** One request as written to the socket: its header, and a write's words. */
  sent(bytes: Uint8Array): void;
  /** Bytes read from the socket, as they came. */
  received(chunk: Uint8Array): void;
}

interface Pending {
  /** The reply header we expect (the request's own header). */
  readonly header: Buffer;
  /** Words of payload after the header (reads), 0 for writes. */
  readonly replyWords: number;
  /** null once the caller gave the reply up (it is still consumed, then dropped). */
  subscriber: Subscriber<Uint32Array> | null;
  timer: Subscription | null;
  readonly what: string;
  /** The reply header arrived and matched. */
  headerSeen: boolean;
}

/** One open socket and what is in flight on it. */
interface Link {
  readonly socket: Socket;
  readonly pending: Pending[];
  readonly input: ByteQueue;
  dead: boolean;
}

const hex = (a: number): string => `0x${a.toString(16).padStart(8, '0')}`;

/**
 * A monitor_server client (PyRPL's register protocol over TCP) that pipelines: requests go out at
 * once, in order, and replies are matched to them in order by their 8-byte header. Every request
 * has `timeoutMs` from sending to its complete reply.
 *
 * Failures, as PyRPL's own client handles them (redpitaya_client.py:117-190), but never returning
 * wrong data: a reply header that differs from the request's is a lost sync; a request that times
 * out leaves late bytes on the wire. In both cases the socket is dropped — every request in flight
 * fails (ConnectionLostError for a lost sync or a dropped link, TimeoutError for the timeout) — and
 * the next request opens a new connection, which is how PyRPL resynchronises. A caller that
 * unsubscribes while its request is in flight gives the reply up; it is read and dropped.
 */
export class MonitorTransport {
  private link: Link | null = null;
  private connecting: Promise<Link> | null = null;
  private closed = false;
  private corked = false;
  private readonly lostListeners = new Set<(error: Error) => void>();
  /** Sockets opened so far (1 + reconnections). */
  connections = 0;

  private constructor(
    private readonly options: MonitorTransportOptions,
    /** 'pyrpl://host:port' */
    readonly target: string,
  ) {}

  /**
   * Opens the first connection. Rejects with TimeoutError after `timeoutMs`, or ConnectionLostError
   * when refused.
   */
  static async open(options: MonitorTransportOptions): Promise<MonitorTransport> {
    const t = new MonitorTransport(options, `pyrpl://${options.host.includes(':') ? `[${options.host}]` : options.host}:${options.port}`);
    t.link = await t.connect();
    return t;
  }

  /** True until `close()`. */
  get open(): boolean {
    return !this.closed;
  }

  /** Requests sent and not yet answered (0 when idle). */
  get inFlight(): number {
    return this.link?.pending.length ?? 0;
  }

  /**
   * Errors once a request fails for the link (lost sync, dropped connection, timeout), at once after
   * close(); never emits. Raced against waits between requests (a trigger wait).
   */
  readonly lost$: Observable<never> = new Observable<never>((subscriber) => {
    if (this.closed) {
      subscriber.error(new ConnectionLostError(this.target, 'closed by the client'));
      return;
    }
    const listener = (error: Error): void => subscriber.error(error);
    this.lostListeners.add(listener);
    return () => this.lostListeners.delete(listener);
  });

  /** Reads `count` words from `address` (cold: sent on subscribe). */
  read(address: number, count: number): Observable<Uint32Array> {
    return this.request(readRequest(address, count), null, count, `read ${count} words at ${hex(address)}`);
  }

  /** Writes `words` from `address`; emits an empty array once acknowledged (cold). */
  write(address: number, words: ArrayLike<number>): Observable<Uint32Array> {
    return this.request(null, words, 0, `write ${words.length} words at ${hex(address)}`, address);
  }

  private request(header: Buffer | null, words: ArrayLike<number> | null, replyWords: number, what: string, address = 0): Observable<Uint32Array> {
    return new Observable<Uint32Array>((subscriber) => {
      if (this.closed) {
        subscriber.error(new ConnectionLostError(this.target, 'closed by the client'));
        return;
      }
      const count = words ? words.length : replyWords;
      if (!(count >= 1 && count <= MAX_WORDS)) {
        subscriber.error(new RangeError(`${what}: a request carries 1 to ${MAX_WORDS} words`));
        return;
      }
      const bytes = words ? writeRequest(address, words) : header!;
      const entry: Pending = { header: bytes.subarray(0, HEADER_BYTES), replyWords, subscriber, timer: null, what, headerSeen: false };
      let cancelled = false;
      const send = (link: Link): void => {
        if (cancelled) return;
        if (link.dead) {
          subscriber.error(new ConnectionLostError(this.target, 'the connection was lost before the request was sent'));
          return;
        }
        link.pending.push(entry);
        entry.timer = this.options.scheduler.schedule(() => {
          entry.timer = null;
          this.drop(link, new TimeoutError(`pyrpl ${what}`, this.options.timeoutMs));
        }, this.options.timeoutMs);
        this.send(link, bytes);
      };
      const link = this.link;
      if (link && !link.dead) send(link);
      else
        this.reconnect().then(send, (err: unknown) => {
          if (!cancelled) subscriber.error(err);
        });
      return () => {
        cancelled = true;
        // In flight: the reply is still read (to stay in sync) and dropped.
        entry.subscriber = null;
        entry.timer?.unsubscribe();
        entry.timer = null;
      };
    });
  }

  /** Sends a request, corking the socket for the rest of this tick so that a burst goes out in few segments. */
  private send(link: Link, bytes: Buffer): void {
    if (!this.corked) {
      this.corked = true;
      link.socket.cork();
      queueMicrotask(() => {
        this.corked = false;
        link.socket.uncork();
      });
    }
    this.options.tap?.sent(bytes);
    link.socket.write(bytes);
  }

  private reconnect(): Promise<Link> {
    this.connecting ??= this.connect().then(
      (link) => {
        this.connecting = null;
        if (this.closed) {
          link.socket.destroy();
          throw new ConnectionLostError(this.target, 'closed by the client');
        }
        this.link = link;
        return link;
      },
      (err: unknown) => {
        this.connecting = null;
        throw err;
      },
    );
    return this.connecting;
  }

  private connect(): Promise<Link> {
    const { host, port, timeoutMs, scheduler } = this.options;
    return new Promise<Link>((resolve, reject) => {
      const socket = netConnect({ host, port });
      socket.setNoDelay(true);
      const timer = scheduler.schedule(() => {
        socket.destroy();
        reject(new TimeoutError(`connect ${this.target}`, timeoutMs));
      }, timeoutMs);
      const onError = (err: Error): void => {
        timer.unsubscribe();
        socket.destroy();
        reject(new ConnectionLostError(this.target, err.message, { cause: err }));
      };
      socket.once('error', onError);
      socket.once('connect', () => {
        timer.unsubscribe();
        socket.off('error', onError);
        this.connections++;
        const link: Link = { socket, pending: [], input: new ByteQueue(), dead: false };
        socket.on('data', (chunk: Buffer) => this.onData(link, chunk));
        socket.on('error', (err) => this.drop(link, new ConnectionLostError(this.target, err.message, { cause: err })));
        socket.on('close', () => this.drop(link, new ConnectionLostError(this.target, this.closed ? 'closed by the client' : 'closed by the server')));
        resolve(link);
      });
    });
  }

  private onData(link: Link, chunk: Buffer): void {
    if (link.dead) return;
    this.options.tap?.received(chunk);
    link.input.push(chunk);
    for (;;) {
      const head = link.pending[0];
      if (!head) {
        if (link.input.length > 0) this.drop(link, new ConnectionLostError(this.target, `lost sync: ${link.input.length} bytes arrived that no request asked for`));
        return;
      }
      // The header is checked as soon as it is in: a wrong one fails at once, not after a timeout.
      if (!head.headerSeen) {
        if (link.input.length < HEADER_BYTES) return;
        const h = link.input.take(HEADER_BYTES);
        if (!h.equals(head.header)) return this.lostSync(link, head, h);
        head.headerSeen = true;
      }
      if (link.input.length < 4 * head.replyWords) return;
      const payload = head.replyWords > 0 ? decodeWords(link.input.take(4 * head.replyWords)) : new Uint32Array(0);
      link.pending.shift();
      head.timer?.unsubscribe();
      const s = head.subscriber;
      if (s) {
        s.next(payload);
        s.complete();
      }
    }
  }

  private lostSync(link: Link, head: Pending, got: Buffer): void {
    this.drop(link, new ConnectionLostError(this.target, `lost sync: reply header ${got.toString('hex')} to ${head.what} (expected ${head.header.toString('hex')})`));
  }

  /** Drops `link`: every request on it fails with `error`; the next request reconnects. */
  private drop(link: Link, error: Error): void {
    if (link.dead) return;
    link.dead = true;
    if (this.link === link) this.link = null;
    link.socket.destroy();
    link.input.clear();
    const waiting = link.pending.splice(0);
    for (const p of waiting) {
      p.timer?.unsubscribe();
      p.subscriber?.error(error);
    }
    for (const listener of [...this.lostListeners]) listener(error);
  }

  /** Sends PyRPL's close request and closes; requests in flight fail with ConnectionLostError. Idempotent. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const link = this.link ?? (this.connecting ? await this.connecting.catch(() => null) : null);
    if (!link || link.dead) return;
    await new Promise<void>((resolve) => {
      link.socket.once('close', () => resolve());
      link.socket.end(closeRequest());
      const fallback = this.options.scheduler.schedule(() => link.socket.destroy(), this.options.timeoutMs);
      link.socket.once('close', () => fallback.unsubscribe());
    });
    this.drop(link, new ConnectionLostError(this.target, 'closed by the client'));
  }
}
