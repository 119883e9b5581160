import { defer, firstValueFrom, from, interval, map, Observable, timer, type SchedulerLike, type Subscriber, type Subscription as RxSubscription } from 'rxjs';
import { createInbox, type NatsConnection, type Subscription } from 'nats';
import {
  ConnectionLostError,
  preciseScheduler,
  SettingsError,
  TimeoutError,
  type AcquireOptions,
  type BoardDriver,
  type BoardInfo,
  type IqDriver,
  type LeaseArbiter,
  type IqMeasureRequest,
  type IqResult,
  type RawTrace,
  type ResolvedAsgSettings,
  type ResolvedScopeSettings,
  type ResolvedStreamSettings,
  type StreamBlock,
} from '@labrx/core';
import { asgFromWire, asgToWire } from './asgWire.js';
import { localIdentity, type ClientIdentity } from './ClientIdentity.js';
import { aliveSubject, boardSubject, eventSubject } from './subjects.js';
import { followAsgSettings, type FollowedAsgSettings } from './followAsgSettings.js';
import { BLOCK_FRAME_OVERHEAD, decodeFrame, encodeJson } from './wireFrames.js';
import { fromWireError } from './wireErrors.js';

/** Options of `RemoteBoardDriver.open`. */
export interface RemoteBoardOptions {
  /** An open NATS connection. */
  readonly nats: NatsConnection;
  /** The board server's name (`labrx serve --name`). */
  readonly server: string;
  /** The board's name on that server ('board0', …). */
  readonly board: string;
  /** Close `nats` when the driver closes (true when `connect` opened it). */
  readonly ownsConnection?: boolean;
  /** Milliseconds a settings request may take before it fails with `TimeoutError` (default 5000). */
  readonly requestTimeoutMs?: number;
  /** Who this client is (default: this process, with a fresh id). */
  readonly identity?: ClientIdentity;
  /**
   * With work pending and no server heartbeat for this many ms, the work fails with
   * `ConnectionLostError` (default: 3 · the server's heartbeat period, at least 1500 ms).
   */
  readonly lostAfterMs?: number;
  /** A name for messages (default `nats://<server>/<board>`). */
  readonly id?: string;
}

/** What the server says about a board (`info` reply). */
interface InfoReply {
  readonly id: string;
  readonly info: BoardInfo;
  readonly heartbeatMs: number;
  readonly clientTimeoutMs: number;
  /** The served board's gapless stream (absent from servers older than the relay: none). */
  readonly streamGuarantee?: 'exact' | 'ring' | 'none';
  /** The generators' settings in force (absent from servers that push no generator changes). */
  readonly asg?: readonly unknown[];
  /** The number of the last generator change pushed before this snapshot (absent from older servers). */
  readonly asgSeq?: number;
}

/** One client-side scope stream: a server session that outlives each single-trace `acquire`. */
interface ClientStream {
  readonly sid: string;
  readonly body: Record<string, unknown>;
  readonly waiters: Set<Subscriber<RawTrace>>;
  /** The subject of the credit awaiting its trace, or null. */
  credit: string | null;
  seq: number;
  linger: RxSubscription | null;
  /** A credit to send again shortly ('no responders' right after a reconnect). */
  retry: RxSubscription | null;
}

/** One client-side gapless stream: the relay of the served board's stream (`stream.open`). */
interface BlockStream {
  readonly sid: string;
  /** This client's subject for the stream's frames. */
  readonly reply: string;
  readonly subscriber: Subscriber<StreamBlock>;
  /** Frames allowed in flight beyond the last seen. */
  readonly window: number;
  /** Stream index the next block should start at. */
  next: number;
  /** Highest frame number seen. */
  seen: number;
  /** Frames granted up to this number. */
  upTo: number;
  /** A frame came since the last heartbeat tick. */
  heard: boolean;
}

/** Bytes of block frames a client lets be in flight per stream (the window is this over one frame's size, at least 2 frames). */
const STREAM_WINDOW_BYTES = 4 * 1024 * 1024;

/** The shortest default `lostAfterMs`: a busy event loop (a client in the server's own process) may delay a beat by some 100 ms. */
const MIN_LOST_AFTER_MS = 1500;

/** Longest wait for one reply before a request is sent again (ms). */
const ATTEMPT_MS = 1000;
/** Pause between attempts (ms). */
const RETRY_PAUSE_MS = 100;
/** After a NATS reconnect, 'no responders' is retried this long (ms): the board server may not have subscribed again yet. */
const RECONNECT_GRACE_MS = 3000;

/** How long a client stream stays open with no `acquire` waiting (ms): `repeat()` resubscribes at once. */
const LINGER_MS = 50;

/**
 * A `BoardDriver` for a board served by `serveBoards` on NATS (docs/decisions/0011-remote-boards.md).
 * Wrapped in `Board`, it gives the same instruments as any driver; what makes the board shared is
 * on the server: each `acquire` is one credit on a server stream for its settings (one acquisition
 * loop per distinct settings, fanned out to every client; the scope lease held server-side, named
 * after this client's user and host). Consecutive `acquire`s of a `repeat()` reuse the stream.
 * The served board's gapless stream is relayed as blocks (`stream`, when the served board has one).
 * Generator settings and IQ measurements are request/reply. A server that stops beating (and
 * answering: any reply counts as a beat) fails pending work with `ConnectionLostError` within
 * `lostAfterMs` plus one heartbeat period, plus however long this process itself was too busy to
 * read (a time it cannot blame on the server); a request nobody answers fails at once with
 * `ConnectionLostError`.
 */
export class RemoteBoardDriver implements BoardDriver {
  // monotonic (performance.now()): a wall-clock step (NTP, a suspended VM) must not look like a silent server
  readonly scheduler: SchedulerLike = preciseScheduler;
  readonly iq?: IqDriver;
  readonly identity: ClientIdentity;
  /** Generators and IQ modules leased here are leased on the board server too (the scope: by its shared loops). */
  readonly leaseArbiter: LeaseArbiter = { lease$: (resources, owner, wait) => this.serverLease$(resources, owner, wait) };
  /**
   * The served board's gapless stream relayed over NATS (docs/decisions/0016, "Remote boards"),
   * absent when the served board has none. Cold: subscribing opens a relay on the server (one board
   * stream per distinct settings, shared by every client; the scope lease is the server's, named
   * after this client), whose stream index starts at 0 with the first block this client gets;
   * unsubscribing ends it. Blocks the server could not send in time (this client's queue there,
   * `bufferSamples` samples per channel, was full) arrive as a `GapBlock` of exactly those samples,
   * and frames lost on the way (a NATS reconnect) become one here, from the stream index: never a
   * silent hole. `blockSamples` is bounded by NATS's largest message (`SettingsError`). A lost
   * server fails it with `ConnectionLostError`, as `acquire`.
   */
  readonly stream?: (settings: Omit<ResolvedStreamSettings, 'onOverflow'>, options?: AcquireOptions) => Observable<StreamBlock>;
  /** The served board's guarantee ('exact': the simulator; 'ring': deep memory over SCPI) as long as the relay keeps up; gaps are reported when it does not. */
  readonly streamGuarantee?: 'exact' | 'ring';
  private readonly blockStreams = new Map<string, BlockStream>();
  /** Replies awaited on this client's inbox besides traces (lease grants), by subject. */
  private readonly inboxWaiters = new Map<string, (data: Uint8Array, statusCode: number) => void>();
  private heldLeases = 0;
  private nextLid = 0;
  private readonly streams = new Map<string, ClientStream>();
  private readonly bySid = new Map<string, ClientStream>();
  private readonly inbox = createInbox();
  private readonly inboxSub: Subscription;
  private readonly aliveSub: Subscription;
  private readonly timers: RxSubscription;
  private lastBeatMs: number;
  private nextSid = 0;
  private reconnecting = false;
  private lastReconnectMs = -Infinity;
  private closed = false;
  private asgFollowed: FollowedAsgSettings | null = null;
  /** The generators' settings in force as the server pushes them after any client's change (`BoardDriver.asgSettings$`). */
  readonly asgSettings$?: (index: number) => Observable<ResolvedAsgSettings>;

  private constructor(
    private readonly options: RemoteBoardOptions,
    readonly id: string,
    readonly info: BoardInfo,
    private readonly heartbeatMs: number,
    streamGuarantee: 'exact' | 'ring' | 'none' | undefined,
    asgFollowed: FollowedAsgSettings | null,
  ) {
    this.identity = options.identity ?? localIdentity();
    const nc = options.nats;
    this.lastBeatMs = this.scheduler.now();
    this.inboxSub = nc.subscribe(`${this.inbox}.*`, {
      callback: (err, msg) => {
        if (err) return;
        // any answer from the server (not NATS's own status replies) shows it is alive, as its beats do
        if (!msg.headers?.code) this.lastBeatMs = this.scheduler.now();
        const waiter = this.inboxWaiters.get(msg.subject);
        const blocks = waiter ? undefined : this.blockStreams.get(msg.subject);
        if (waiter) waiter(msg.data, msg.headers?.code ?? 0);
        else if (blocks) this.onBlockFrame(blocks, msg.data, msg.headers?.code ?? 0);
        else this.onTrace(msg.subject, msg.data, msg.headers?.code ?? 0);
      },
    });
    this.aliveSub = nc.subscribe(aliveSubject(options.server), { callback: () => (this.lastBeatMs = this.scheduler.now()) });
    // what other clients of the board set on its generators (a server that pushes them; open() began it)
    if (asgFollowed) {
      this.asgFollowed = asgFollowed;
      this.asgSettings$ = (index) => asgFollowed.settings$(index);
    }
    const lostAfterMs = options.lostAfterMs ?? Math.max(3 * heartbeatMs, MIN_LOST_AFTER_MS);
    let lastTickMs = this.scheduler.now();
    this.timers = interval(heartbeatMs, this.scheduler).subscribe({ error: () => undefined, next: () => {
      const now = this.scheduler.now();
      const lateMs = now - lastTickMs - heartbeatMs;
      lastTickMs = now;
      // This process was busy (its own timer came late): the beats it has not read yet wait in its
      // socket, so that time is not the server's silence.
      if (lateMs > heartbeatMs) this.lastBeatMs += lateMs;
      if (this.streams.size === 0 && this.blockStreams.size === 0 && this.heldLeases === 0) return;
      const silentMs = now - this.lastBeatMs;
      if (silentMs > lostAfterMs) {
        this.failStreams(new ConnectionLostError(this.id, `no heartbeat from board server '${options.server}' for ${Math.round(silentMs)} ms`));
        return;
      }
      this.publish('hb', { client: this.identity });
      for (const bs of this.blockStreams.values()) {
        // nothing came for a heartbeat while frames are owed: ask again, granting past any lost in flight
        if (!bs.heard && bs.upTo > bs.seen) this.sendStreamCredit(bs, true);
        bs.heard = false;
      }
    } });
    // after a NATS reconnect, repeat each outstanding credit: a reply lost in the outage is sent again (the server keeps one per stream)
    void (async () => {
      for await (const s of nc.status()) {
        if (s.type === 'disconnect' || s.type === 'reconnecting') this.reconnecting = true;
        if (s.type === 'reconnect') {
          this.reconnecting = false;
          this.lastReconnectMs = this.scheduler.now();
          for (const st of this.streams.values()) if (st.credit) this.sendCredit(st);
        }
      }
    })().catch(() => undefined);
    void nc.closed().then(() => this.failStreams(new ConnectionLostError(this.id, 'NATS connection closed')));
    if (info.iqCount > 0) this.iq = { measure: (index, request) => this.measureIq(index, request) };
    if (streamGuarantee === 'exact' || streamGuarantee === 'ring') {
      this.streamGuarantee = streamGuarantee;
      this.stream = (settings, streamOptions) => this.relayStream(settings, streamOptions ?? {});
    }
  }

  /** Asks the server for the board's facts and returns a driver for it; `ConnectionLostError` when nobody serves it. */
  static async open(options: RemoteBoardOptions): Promise<RemoteBoardDriver> {
    const id = options.id ?? `nats://${options.server}/${options.board}`;
    // listening for the generators' changes before asking: the info reply's snapshot and the pushes after it leave no gap
    const asg = followAsgSettings(options.nats, eventSubject(options.server, options.board, 'asg'));
    let reply: InfoReply;
    try {
      reply = (await request(options.nats, boardSubject(options.server, options.board, 'info'), {}, options.requestTimeoutMs ?? 5000, id, 'info')) as InfoReply;
    } catch (error) {
      asg.close();
      throw error;
    }
    const pushed = reply.asg?.length === 2;
    if (pushed) asg.begin(reply.asg!, reply.asgSeq);
    else asg.close();
    // deep-memory captures, PIDs and IQ module configuration do not travel over NATS (yet): the remote
    // board offers one buffer per trace and no PIDs, so the served board's limits for them do not apply
    const { deepMemorySamples: _deep, pid: _pid, iqModule: _iqModule, ...info } = reply.info;
    return new RemoteBoardDriver(options, id, Object.freeze(info), reply.heartbeatMs, reply.streamGuarantee, pushed ? asg : null);
  }

  get scopeRunning(): boolean {
    return this.streams.size > 0 || this.blockStreams.size > 0;
  }

  setAsg(index: number, settings: ResolvedAsgSettings): Observable<ResolvedAsgSettings> {
    return defer(() => from(this.call('asg', { index, settings: asgToWire(settings) }))).pipe(map((w) => asgFromWire(w as Record<string, unknown>)));
  }

  /** A software trigger on the served board's generator `index` (its `asg.trigger`, under this client's lease). */
  triggerAsg(index: number): Observable<void> {
    return defer(() => from(this.call('asg.trigger', { index }))).pipe(map(() => undefined));
  }

  acquire(settings: Omit<ResolvedScopeSettings, 'averages'>, options: AcquireOptions = {}): Observable<RawTrace> {
    return new Observable<RawTrace>((subscriber) => {
      if (this.closed) {
        subscriber.error(new ConnectionLostError(this.id, 'board closed'));
        return undefined;
      }
      const wait = options.wait !== false;
      const key = `${JSON.stringify(settings)}|${wait}|${options.owner ?? 'scope'}`;
      let st = this.streams.get(key);
      if (!st) {
        const sid = `s${this.nextSid++}`;
        st = { sid, body: { client: this.identity, sid, settings, wait, owner: options.owner ?? 'scope' }, waiters: new Set(), credit: null, seq: 0, linger: null, retry: null };
        this.streams.set(key, st);
        this.bySid.set(sid, st);
        if (this.streams.size === 1) this.lastBeatMs = Math.max(this.lastBeatMs, this.scheduler.now() - this.heartbeatMs);
      }
      const stream = st;
      stream.linger?.unsubscribe();
      stream.linger = null;
      stream.waiters.add(subscriber);
      if (!stream.credit) this.sendCredit(stream);
      return () => {
        stream.waiters.delete(subscriber);
        if (stream.waiters.size === 0 && this.bySid.get(stream.sid) === stream) {
          stream.linger = timer(LINGER_MS, this.scheduler).subscribe({ next: () => this.endStream(stream, true), error: () => undefined });
        }
      };
    });
  }

  private relayStream(settings: Omit<ResolvedStreamSettings, 'onOverflow'>, options: AcquireOptions): Observable<StreamBlock> {
    return new Observable<StreamBlock>((subscriber) => {
      if (this.closed) {
        subscriber.error(new ConnectionLostError(this.id, 'board closed'));
        return undefined;
      }
      const nc = this.options.nats;
      const maxPayload = nc.info?.max_payload ?? Infinity;
      const frameBytes = 16 * settings.blockSamples + BLOCK_FRAME_OVERHEAD;
      if (frameBytes > maxPayload) {
        const most = Math.floor((maxPayload - BLOCK_FRAME_OVERHEAD) / 16);
        subscriber.error(new SettingsError('scope.continuous', 'blockSamples', settings.blockSamples, `an integer from 16 to ${most} on a remote board (a block is one NATS message of at most ${maxPayload} bytes)`));
        return undefined;
      }
      const window = Math.max(2, Math.floor(STREAM_WINDOW_BYTES / frameBytes));
      const sid = `b${this.nextSid++}`;
      const bs: BlockStream = { sid, reply: `${this.inbox}.${sid}`, subscriber, window, next: 0, seen: 0, upTo: window, heard: true };
      if (this.streams.size === 0 && this.blockStreams.size === 0) this.lastBeatMs = Math.max(this.lastBeatMs, this.scheduler.now() - this.heartbeatMs);
      this.blockStreams.set(bs.reply, bs);
      const { decimation, boxcar, blockSamples, bufferSamples } = settings;
      const body = { client: this.identity, sid, settings: { decimation, boxcar, blockSamples, bufferSamples }, owner: options.owner ?? 'scope', wait: options.wait !== false, window };
      try {
        nc.publish(boardSubject(this.options.server, this.options.board, 'stream.open'), encodeJson(body), { reply: bs.reply });
      } catch (error) {
        this.endBlockStream(bs, false, new ConnectionLostError(this.id, 'cannot publish to NATS', { cause: error }));
      }
      return () => this.endBlockStream(bs, true);
    });
  }

  /** One frame of a relayed stream: a block (a gap first if frames were lost on the way), or the error that ends it. */
  private onBlockFrame(bs: BlockStream, data: Uint8Array, statusCode: number): void {
    if (statusCode === 503 && data.length === 0) {
      // nobody subscribes to the server's subjects: right after a reconnect the board server may not
      // have subscribed again yet (the next heartbeat tick asks again; a server that lost the stream
      // answers that with an error); otherwise it is gone
      if (this.reconnecting || this.scheduler.now() - this.lastReconnectMs < RECONNECT_GRACE_MS) return;
      this.endBlockStream(bs, false, new ConnectionLostError(this.id, `no board server answers on ${boardSubject(this.options.server, this.options.board, 'stream.open')}`));
      return;
    }
    let frame;
    try {
      frame = decodeFrame(data);
    } catch (error) {
      this.endBlockStream(bs, true, new ConnectionLostError(this.id, `malformed block frame from the board server: ${(error as Error).message}`));
      return;
    }
    if (frame.kind === 'error') {
      this.endBlockStream(bs, false, fromWireError(frame.error, this.id));
      return;
    }
    if (frame.kind !== 'block') {
      this.endBlockStream(bs, true, new ConnectionLostError(this.id, `expected a block frame, got ${frame.kind}`));
      return;
    }
    bs.heard = true;
    bs.seen = Math.max(bs.seen, frame.seq);
    const b = frame.block;
    // NATS keeps order: an index behind the next expected is a repeat, one ahead says frames were lost
    if (b.index >= bs.next) {
      if (b.index > bs.next) {
        const missing = b.index - bs.next;
        bs.subscriber.next({ kind: 'gap', index: bs.next, samples: missing, dt: b.dt, timestamp: b.timestamp - missing * b.dt * 1000 });
        if (this.blockStreams.get(bs.reply) !== bs) return;
      }
      bs.next = b.index + b.samples;
      bs.subscriber.next(b);
      // the consumer may have unsubscribed while handling it
      if (this.blockStreams.get(bs.reply) !== bs) return;
    }
    if (bs.upTo - bs.seen <= bs.window / 2) this.sendStreamCredit(bs, false);
  }

  private sendStreamCredit(bs: BlockStream, resync: boolean): void {
    bs.upTo = bs.seen + bs.window;
    const nc = this.options.nats;
    if (nc.isClosed()) return;
    try {
      nc.publish(boardSubject(this.options.server, this.options.board, 'stream.credit'), encodeJson({ client: this.identity, sid: bs.sid, seen: bs.seen, ...(resync ? { resync } : {}) }), { reply: bs.reply });
    } catch {
      // closing or reconnecting: the next heartbeat tick asks again
    }
  }

  /** Ends a relayed stream: tells the server (when it still has it) and fails the subscriber with `error`, if given. */
  private endBlockStream(bs: BlockStream, tellServer: boolean, error?: Error): void {
    if (this.blockStreams.get(bs.reply) !== bs) return;
    this.blockStreams.delete(bs.reply);
    if (tellServer) this.publish('scope.stop', { client: this.identity, sid: bs.sid });
    if (error) bs.subscriber.error(error);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.timers.unsubscribe();
    this.asgFollowed?.close();
    this.failStreams(new ConnectionLostError(this.id, 'board closed'), true);
    const nc = this.options.nats;
    if (!nc.isClosed()) {
      this.inboxSub.unsubscribe();
      this.aliveSub.unsubscribe();
      await nc.flush().catch(() => undefined);
      if (this.options.ownsConnection) await nc.close();
    }
  }

  /**
   * Cold: leases `resources` (all but the scope) on the board server for `owner`; emits once granted,
   * releases on unsubscribe. Queued there behind other clients, or `ResourceBusyError` with `wait` false.
   */
  private serverLease$(resources: readonly string[], owner: string, wait: boolean): Observable<void> {
    const remote = resources.filter((r) => r !== 'scope');
    return new Observable<void>((subscriber) => {
      if (remote.length === 0) {
        subscriber.next();
        return undefined;
      }
      if (this.closed) {
        subscriber.error(new ConnectionLostError(this.id, 'board closed'));
        return undefined;
      }
      const lid = `l${this.nextLid++}`;
      const replyTo = `${this.inbox}.${lid}`;
      this.heldLeases++;
      this.inboxWaiters.set(replyTo, (data, statusCode) => {
        this.inboxWaiters.delete(replyTo);
        if (statusCode === 503 && data.length === 0) {
          subscriber.error(new ConnectionLostError(this.id, `no board server answers on ${boardSubject(this.options.server, this.options.board, 'lease')}`));
          return;
        }
        try {
          const frame = decodeFrame(data);
          if (frame.kind === 'error') subscriber.error(fromWireError(frame.error, this.id));
          else subscriber.next();
        } catch (error) {
          subscriber.error(new ConnectionLostError(this.id, `malformed lease reply: ${(error as Error).message}`));
        }
      });
      const nc = this.options.nats;
      try {
        nc.publish(boardSubject(this.options.server, this.options.board, 'lease'), encodeJson({ client: this.identity, lid, resources: remote, owner, wait }), { reply: replyTo });
      } catch (error) {
        subscriber.error(new ConnectionLostError(this.id, 'cannot publish to NATS', { cause: error }));
      }
      return () => {
        this.heldLeases--;
        this.inboxWaiters.delete(replyTo);
        this.publish('release', { client: this.identity, lid });
      };
    });
  }

  private measureIq(index: number, req: IqMeasureRequest): Observable<IqResult> {
    const timeoutMs = (req.settleS + req.integrationS) * 1000 + (this.options.requestTimeoutMs ?? 5000);
    return defer(() => from(this.call('iq', { index, request: req }, timeoutMs))).pipe(map((r) => r as IqResult));
  }

  /**
   * One request, repeated (in attempts of at most ATTEMPT_MS) until `timeoutMs` runs out when its
   * reply was lost, and after a NATS reconnect while the board server has not yet subscribed again
   * ('no responders'). Every request carries a whole state (all of a generator's settings) or only
   * reads, so a repeat leaves the board as one write would: no duplicated effect, and a write that
   * never got through rejects instead of being lost silently.
   */
  private async call(op: string, body: Record<string, unknown>, timeoutMs = this.options.requestTimeoutMs ?? 5000): Promise<unknown> {
    if (this.closed) throw new ConnectionLostError(this.id, 'board closed');
    const subject = boardSubject(this.options.server, this.options.board, op);
    const payload = { ...body, client: this.identity };
    const deadline = this.scheduler.now() + timeoutMs;
    for (;;) {
      const left = deadline - this.scheduler.now();
      try {
        return await request(this.options.nats, subject, payload, Math.max(1, Math.min(left, op === 'iq' ? left : ATTEMPT_MS)), this.id, op);
      } catch (error) {
        const reconnecting = this.scheduler.now() - this.lastReconnectMs < RECONNECT_GRACE_MS || this.reconnecting;
        const retry = !this.closed && this.scheduler.now() + RETRY_PAUSE_MS < deadline && (error instanceof TimeoutError || (error instanceof ConnectionLostError && reconnecting));
        if (!retry) throw error instanceof TimeoutError ? new TimeoutError(`${this.id} ${op}`, timeoutMs) : error;
        await firstValueFrom(timer(RETRY_PAUSE_MS, this.scheduler));
      }
    }
  }

  private publish(op: string, body: Record<string, unknown>): void {
    const nc = this.options.nats;
    if (nc.isClosed()) return;
    try {
      nc.publish(boardSubject(this.options.server, this.options.board, op), encodeJson(body));
    } catch {
      // closing: nothing to tell the server any more
    }
  }

  private sendCredit(st: ClientStream): void {
    const nc = this.options.nats;
    if (nc.isClosed()) return;
    st.credit = `${this.inbox}.${st.sid}_${st.seq++}`;
    try {
      nc.publish(boardSubject(this.options.server, this.options.board, 'scope.next'), encodeJson(st.body), { reply: st.credit });
    } catch (error) {
      this.endStream(st, false, new ConnectionLostError(this.id, 'cannot publish to NATS', { cause: error }));
    }
  }

  private onTrace(subject: string, data: Uint8Array, statusCode: number): void {
    const token = subject.slice(this.inbox.length + 1);
    const sid = token.slice(0, token.lastIndexOf('_'));
    const st = this.bySid.get(sid);
    // a late reply to a credit that was repeated after a reconnect: the newer credit's reply is the one kept
    if (!st || st.credit !== subject) return;
    st.credit = null;
    if (statusCode === 503 && data.length === 0) {
      // NATS says nobody subscribes to scope.next: right after a reconnect the board server may not
      // have subscribed again yet (ask again shortly); otherwise it is gone
      if (this.reconnecting || this.scheduler.now() - this.lastReconnectMs < RECONNECT_GRACE_MS) {
        st.credit = 'pending';
        st.retry = timer(RETRY_PAUSE_MS, this.scheduler).subscribe({ next: () => this.bySid.get(st.sid) === st && this.sendCredit(st), error: () => undefined });
      } else {
        this.endStream(st, false, new ConnectionLostError(this.id, `no board server answers on ${boardSubject(this.options.server, this.options.board, 'scope.next')}`));
      }
      return;
    }
    let frame;
    try {
      frame = decodeFrame(data);
    } catch (error) {
      this.endStream(st, true, new ConnectionLostError(this.id, `malformed trace frame from the board server: ${(error as Error).message}`));
      return;
    }
    if (frame.kind === 'error') {
      this.endStream(st, false, fromWireError(frame.error, this.id));
      return;
    }
    if (frame.kind !== 'trace') {
      this.endStream(st, true, new ConnectionLostError(this.id, `expected a trace frame, got ${frame.kind}`));
      return;
    }
    const waiters = [...st.waiters];
    st.waiters.clear();
    for (const w of waiters) {
      w.next(frame.trace);
      w.complete();
    }
  }

  /** Ends a stream: tells the server (when it still has it) and fails any waiter with `error`. */
  private endStream(st: ClientStream, tellServer: boolean, error?: Error): void {
    if (this.bySid.get(st.sid) !== st) return;
    this.bySid.delete(st.sid);
    for (const [k, v] of this.streams) if (v === st) this.streams.delete(k);
    st.linger?.unsubscribe();
    st.retry?.unsubscribe();
    st.credit = null;
    if (tellServer) this.publish('scope.stop', { client: this.identity, sid: st.sid });
    const waiters = [...st.waiters];
    st.waiters.clear();
    for (const w of waiters) w.error(error ?? new ConnectionLostError(this.id, 'stream ended'));
  }

  private failStreams(error: Error, tellServer = true): void {
    for (const st of [...this.streams.values()]) this.endStream(st, tellServer, error);
    for (const bs of [...this.blockStreams.values()]) this.endBlockStream(bs, tellServer, error);
  }
}

/** One request/reply: the reply's value, or its error rebuilt; nobody answering is `ConnectionLostError`. */
async function request(nc: NatsConnection, subject: string, body: Record<string, unknown>, timeoutMs: number, id: string, op: string): Promise<unknown> {
  let reply;
  try {
    reply = await nc.request(subject, encodeJson(body), { timeout: timeoutMs });
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (code === '503') throw new ConnectionLostError(id, `no board server answers on ${subject}`, { cause: error });
    if (code === 'TIMEOUT') throw new TimeoutError(`${id} ${op}`, timeoutMs);
    throw new ConnectionLostError(id, `NATS request on ${subject} failed: ${(error as Error).message}`, { cause: error });
  }
  const frame = decodeFrame(reply.data);
  if (frame.kind === 'error') throw fromWireError(frame.error, id);
  if (frame.kind !== 'ok') throw new ConnectionLostError(id, `unexpected ${frame.kind} frame in reply to ${op}`);
  return frame.value;
}
