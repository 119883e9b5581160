import { interval, share, Subscription, type SchedulerLike, type Observable, type Subscription as RxSubscription } from 'rxjs';
import type { Msg, NatsConnection, Subscription as NatsSubscription } from 'nats';
import {
  ASG_DEFAULTS,
  ConnectionLostError,
  preciseScheduler,
  resolveAsgSettings,
  resolveScopeSettings,
  resolveStreamSettings,
  scopeSettingsKey,
  SettingsError,
  SCOPE_DEFAULTS,
  type AsgSettings,
  type IqMeasureRequest,
  type ScopeSettings,
  type StreamBlock,
  type StreamSettings,
} from '@labrx/core';
import type { Board, LeaseHolder } from '@labrx/instruments';
import { firstValueFrom } from 'rxjs';
import { BadRequestError } from './BadRequestError.js';
import { checkIdentity, holderName, type ClientIdentity } from './ClientIdentity.js';
import { servedBoardLoop } from './servedBoardLoop.js';
import { aliveSubject, eventSubject, NAME_PATTERN, parseBoardSubject, serverWildcard } from './subjects.js';
import { asgToWire } from './asgWire.js';
import { BlockRelayQueue } from './BlockRelayQueue.js';
import { base64ToFloat64, BLOCK_FRAME_OVERHEAD, blockFrame, decodeJson, errorFrame, okFrame } from './wireFrames.js';
import { toWireError } from './wireErrors.js';

/** Options of `serveBoards`. */
export interface ServeBoardsOptions {
  /** An open NATS connection (the caller closes it after `server.close()`). */
  readonly nats: NatsConnection;
  /** The server's name: subjects are `labrx.<name>.<board>.<op>` (letters, digits, '-', '_'). */
  readonly name: string;
  /** The boards to serve; the caller keeps owning them (`server.close()` does not close them). */
  readonly boards: readonly Board[];
  /** Board names, one per board (default 'board0', 'board1', …). */
  readonly boardNames?: readonly string[];
  /** Milliseconds between the server's heartbeats and its checks of client heartbeats (default 1000). */
  readonly heartbeatMs?: number;
  /** A client not heard from for this many ms loses its streams and leases (default 3 · heartbeatMs). */
  readonly clientTimeoutMs?: number;
  /** Larger requests get a `BadRequestError` reply (bytes, default 256 KiB: an arbitrary waveform in base64 fits). */
  readonly maxRequestBytes?: number;
  /** Bytes of requests one client may have waiting for its turn before it is dropped (default `MAX_QUEUED_BYTES_PER_CLIENT`, 4 MiB). */
  readonly maxQueuedBytesPerClient?: number;
  /** Clock of the heartbeats (default: `preciseScheduler`, real time on a monotonic clock). */
  readonly scheduler?: SchedulerLike;
}

/** What a board server counts (for tests, the bench and `labrx serve`'s log). */
export interface BoardServerStats {
  /** Requests answered (including error replies). */
  requests: number;
  /** Error replies sent. */
  errors: number;
  /** Trace frames sent to clients. */
  tracesSent: number;
  /** Bytes of trace frames sent. */
  traceBytesSent: number;
  /** Gapless-stream block frames sent to clients (sample blocks and gaps). */
  blocksSent: number;
  /** Bytes of block frames sent. */
  blockBytesSent: number;
  /** Samples per channel that clients too slow for their stream lost from their queues (sent to them as gaps). */
  samplesDropped: number;
}

/** A running board server (see `serveBoards`). */
export interface BoardServer {
  /** The server's name. */
  readonly name: string;
  /** The names the boards are served under, in order. */
  readonly boardNames: readonly string[];
  /** Counters. */
  readonly stats: Readonly<BoardServerStats>;
  /** Clients with open streams or leases on `board` now (ids). */
  clientsOf(board: string): string[];
  /**
   * Acquisition loops and gapless board streams running on `board` now: one per distinct scope
   * settings or stream settings, however many clients stream them.
   */
  loopsOf(board: string): number;
  /**
   * Stops serving: ends every client stream (releasing the leases; a gapless stream's client gets
   * `ConnectionLostError` at once) and unsubscribes; the boards stay open.
   */
  close(): Promise<void>;
}

/** One client's stream of one scope setting on one board. */
interface StreamSession {
  readonly key: string;
  subscription: RxSubscription | null;
  /** The newest trace frame not yet sent (latest-only: a newer one replaces it). */
  latest: Uint8Array | null;
  /** Where the client's outstanding credit asks the next frame to go. */
  reply: string | null;
  /** The error frame that ended the stream, until the client asks for it. */
  failed: Uint8Array | null;
  /** For a gapless stream's relay (`stream.open`): its queue and credits; null for a trace stream. */
  blocks: BlockRelay | null;
}

/**
 * The server's side of one client's gapless stream: the client grants frames by number (`upTo`,
 * frames numbered from 1), the server sends blocks while it has credit and queues the rest
 * (`BlockRelayQueue`, bounded in samples by the client's `bufferSamples`).
 */
interface BlockRelay {
  readonly queue: BlockRelayQueue;
  /** The client's subject for this stream's frames (fixed for the stream's life). */
  readonly reply: string;
  /** Frames sent so far (the last one's `seq`). */
  sent: number;
  /** The client has granted frames up to this `seq`. */
  upTo: number;
  /** The client's window: frames it allows in flight beyond the last it has seen. */
  readonly window: number;
  /** Board stream index of this client's first block: the client's stream starts at index 0 there. */
  origin: number | null;
}

/** A module lease a client holds (or waits for) on the server: generators and IQ modules. */
interface ClientLease {
  readonly subscription: RxSubscription;
  /** The holder record once granted (what `apply$`/`measure$` compare), else null. */
  holder: LeaseHolder | null;
}

interface ClientEntry {
  readonly identity: ClientIdentity;
  lastSeenMs: number;
  readonly streams: Map<string, StreamSession>;
  readonly leases: Map<string, ClientLease>;
}

/** Modules a client may lease through the server (the scope is leased by the shared acquisition loops). */
const LEASABLE = new Set(['asg0', 'asg1', 'iq0', 'iq1', 'iq2']);

interface LoopEntry {
  readonly frames$: Observable<Uint8Array>;
  refs: number;
}

/** One gapless board stream, shared by every client relay of its settings. */
interface BlockLoopEntry {
  readonly blocks$: Observable<StreamBlock>;
  refs: number;
}

/** A request checked as far as needs no state, waiting for its client's turn. */
interface Parsed {
  readonly msg: Msg;
  readonly op: string;
  readonly sb: ServedBoard;
  readonly body: Record<string, unknown>;
}

/**
 * Requests served per turn, round-robin between clients; then the event loop runs (network, timers)
 * before the next turn. A request is small work (a settings check, a generator write, a frame copy).
 */
const REQUESTS_PER_TURN = 64;

/**
 * Bytes of requests one client may have waiting for its turn (their bodies, plus
 * `QUEUED_REQUEST_OVERHEAD_BYTES` each for what a parsed request holds); a request that would go over
 * it drops the client (streams and leases released) and discards its waiting requests.
 */
export const MAX_QUEUED_BYTES_PER_CLIENT = 4 << 20;

/** What one waiting request is counted for beyond its body (the message and its parsed JSON), bytes. */
const QUEUED_REQUEST_OVERHEAD_BYTES = 512;

/** Largest window a client may ask for, frames. */
const MAX_WINDOW = 1024;

/** `{ lease }` for `apply$`/`measure$` when `client` holds `module`'s lease on the server. */
function leaseOf(sb: ServedBoard, client: ClientEntry, module: string): { lease?: LeaseHolder } {
  const holder = sb.board.leases.holderOf(module);
  if (!holder) return {};
  for (const l of client.leases.values()) if (l.holder === holder) return { lease: holder };
  return {};
}

/** The state a server keeps per board. */
class ServedBoard {
  readonly clients = new Map<string, ClientEntry>();
  readonly loops = new Map<string, LoopEntry>();
  readonly blockLoops = new Map<string, BlockLoopEntry>();
  constructor(
    readonly name: string,
    readonly board: Board,
  ) {}
}

const DEFAULT_MAX_REQUEST_BYTES = 256 * 1024;

/**
 * Streams (trace streams and gapless relays) one client may hold on one board. Each holds at most one
 * trace frame (16 bytes per sample: 256 KiB at 16384 samples) or a relay queue bounded by its
 * `bufferSamples`; a client asking for more is dropped (docs/reliability.md, "NATS board server").
 */
export const MAX_STREAMS_PER_CLIENT = 32;

/** Leases (granted or waiting) one client may hold on one board; a client asking for more is dropped. */
export const MAX_LEASES_PER_CLIENT = 32;

/**
 * Serves boards on NATS (docs/decisions/0011-remote-boards.md). The server holds the one connection
 * to each board; clients (`connect('nats://host:4222/<name>/<board>')`) send settings as
 * request/reply and pull scope traces with credits: each `scope.next` request is answered with the
 * newest trace not yet sent to that client, so a slow client gets the newest results and never a
 * queue. Clients asking for the same settings share one acquisition loop; the scope lease is the
 * server's, so clients with other settings queue (or get `ResourceBusyError` naming the holder and its
 * host). Gapless streams (`stream.open`) are relayed the same way: one board stream per distinct
 * stream settings, each client granting a window of block frames and holding a queue here bounded by
 * its `bufferSamples`, whose overflow it gets as a gap (docs/decisions/0016, "Remote boards").
 * A client not heard from for `clientTimeoutMs` loses its streams and leases, checked every
 * `heartbeatMs`: leases are free at most `clientTimeoutMs + heartbeatMs` after a client's last
 * message. Every message is answered; malformed ones get a `BadRequestError` reply. A client holds at
 * most `MAX_STREAMS_PER_CLIENT` streams and `MAX_LEASES_PER_CLIENT` leases on a board; one asking for
 * more is dropped (a `BadRequestError` naming the limit), the server and other clients go on.
 * Requests are served round-robin between clients (one of each per turn, `REQUESTS_PER_TURN` at most),
 * each client's in the order they came, so a client flooding requests delays another by about a turn;
 * a client with more than `MAX_QUEUED_BYTES_PER_CLIENT` of requests waiting is dropped.
 *
 * @example
 * const nc = await connect({ servers: 'nats://127.0.0.1:4222' });
 * const server = await serveBoards({ nats: nc, name: 'lab1', boards: [new Board(createSimBoard())] });
 * // … clients: await connect('nats://127.0.0.1:4222/lab1/board0')
 * await server.close(); await nc.close();
 */
export async function serveBoards(options: ServeBoardsOptions): Promise<BoardServer> {
  const { nats, name, boards } = options;
  if (!NAME_PATTERN.test(name)) throw new BadRequestError('serveBoards', `server name ${JSON.stringify(name)} must be 1 to 64 letters, digits, '-' or '_'`);
  const names = options.boardNames ?? boards.map((_, i) => `board${i}`);
  if (names.length !== boards.length) throw new BadRequestError('serveBoards', `${names.length} board names for ${boards.length} boards`);
  for (const n of names) if (!NAME_PATTERN.test(n)) throw new BadRequestError('serveBoards', `board name ${JSON.stringify(n)} must be 1 to 64 letters, digits, '-' or '_'`);
  const heartbeatMs = options.heartbeatMs ?? 1000;
  const clientTimeoutMs = options.clientTimeoutMs ?? 3 * heartbeatMs;
  const maxRequestBytes = options.maxRequestBytes ?? DEFAULT_MAX_REQUEST_BYTES;
  const maxQueuedBytes = options.maxQueuedBytesPerClient ?? MAX_QUEUED_BYTES_PER_CLIENT;
  // monotonic (performance.now()): a wall-clock step (NTP, a suspended VM) must not look like silent clients
  const scheduler = options.scheduler ?? preciseScheduler;
  const served = new Map(names.map((n, i) => [n, new ServedBoard(n, boards[i]!)]));
  const stats: BoardServerStats = { requests: 0, errors: 0, tracesSent: 0, traceBytesSent: 0, blocksSent: 0, blockBytesSent: 0, samplesDropped: 0 };
  let closed = false;

  const send = (reply: string, frame: Uint8Array): void => {
    if (closed || nats.isClosed()) return;
    try {
      nats.publish(reply, frame);
    } catch {
      // the connection is draining or closed: the client's watchdog reports the loss
    }
  };
  // every client of a board hears a generator's settings whoever changed them (another client, a script in this process),
  // numbered per board so that a client applies only what is newer than its info reply's snapshot (followAsgSettings)
  const asgSeq = new Map<string, number>();
  const asgEvents = [...served.values()].flatMap((sb) =>
    [sb.board.asg0, sb.board.asg1].map((asg, index) =>
      asg.settings$.subscribe({
        next: (settings) => {
          const seq = (asgSeq.get(sb.name) ?? 0) + 1;
          asgSeq.set(sb.name, seq);
          send(eventSubject(name, sb.name, 'asg'), okFrame({ index, settings: asgToWire(settings), seq }));
        },
        error: () => undefined,
      }),
    ),
  );
  const replyError = (msg: Msg, error: unknown): void => {
    stats.requests++;
    stats.errors++;
    if (msg.reply) send(msg.reply, errorFrame(toWireError(error)));
  };
  const replyOk = (msg: Msg, value: unknown): void => {
    stats.requests++;
    if (msg.reply) send(msg.reply, okFrame(value));
  };

  const endSession = (sb: ServedBoard, client: ClientEntry, sid: string): void => {
    const s = client.streams.get(sid);
    if (!s) return;
    client.streams.delete(sid);
    s.subscription?.unsubscribe();
    s.subscription = null;
    releaseLoop(sb, s.key);
  };
  const releaseLoop = (sb: ServedBoard, key: string): void => {
    const loop = sb.loops.get(key) ?? sb.blockLoops.get(key);
    if (loop && --loop.refs <= 0) {
      sb.loops.delete(key);
      sb.blockLoops.delete(key);
    }
  };
  const dropClient = (sb: ServedBoard, client: ClientEntry, reason?: Error): void => {
    for (const [sid, s] of [...client.streams]) {
      // a credit still waiting gets the reason, so that a client that was only slow does not hang
      if (reason && s.reply) send(s.reply, errorFrame(toWireError(reason)));
      if (reason && s.blocks) send(s.blocks.reply, errorFrame(toWireError(reason)));
      endSession(sb, client, sid);
    }
    for (const l of client.leases.values()) l.subscription.unsubscribe();
    client.leases.clear();
    sb.clients.delete(client.identity.id);
  };

  /** A client asking for one stream (or lease) more than its bound is dropped, not served: throws the reply's error. */
  const overLimit = (sb: ServedBoard, msg: Msg, client: ClientEntry, what: 'streams' | 'leases'): void => {
    const limit = what === 'streams' ? MAX_STREAMS_PER_CLIENT : MAX_LEASES_PER_CLIENT;
    if ((what === 'streams' ? client.streams : client.leases).size < limit) return;
    const error = new BadRequestError(msg.subject, `a client may hold at most ${limit} ${what} on a board: client ${client.identity.id} was dropped (its streams and leases released)`);
    dropClient(sb, client, error);
    throw error;
  };

  const clientOf = (sb: ServedBoard, identity: ClientIdentity): ClientEntry => {
    let c = sb.clients.get(identity.id);
    if (!c) {
      c = { identity, lastSeenMs: scheduler.now(), streams: new Map(), leases: new Map() };
      sb.clients.set(identity.id, c);
    }
    c.lastSeenMs = scheduler.now();
    return c;
  };

  const deliver = (s: StreamSession, frame: Uint8Array): void => {
    if (s.reply) {
      const reply = s.reply;
      s.reply = null;
      stats.tracesSent++;
      stats.traceBytesSent += frame.length;
      send(reply, frame);
    } else {
      s.latest = frame;
    }
  };

  const scopeNext = (sb: ServedBoard, msg: Msg, body: Record<string, unknown>, client: ClientEntry): void => {
    const sid = body['sid'];
    if (typeof sid !== 'string' || sid.length === 0 || sid.length > 128) throw new BadRequestError(msg.subject, 'sid must be a string of 1 to 128 characters');
    if (!msg.reply) throw new BadRequestError(msg.subject, 'scope.next needs a reply subject');
    let s = client.streams.get(sid);
    if (!s) {
      overLimit(sb, msg, client, 'streams');
      const settings = resolveScopeSettings(body['settings'] as ScopeSettings | undefined, sb.board.info, SCOPE_DEFAULTS, 'scope');
      const wait = body['wait'] !== false;
      const owner = typeof body['owner'] === 'string' ? body['owner'].slice(0, 64) : 'scope';
      const key = scopeSettingsKey(settings);
      let loop = sb.loops.get(key);
      if (!loop) {
        loop = { frames$: servedBoardLoop(sb.board, settings, key, holderName(owner, client.identity), wait), refs: 0 };
        sb.loops.set(key, loop);
      }
      loop.refs++;
      const session: StreamSession = { key, subscription: null, latest: null, reply: msg.reply, failed: null, blocks: null };
      s = session;
      client.streams.set(sid, session);
      session.subscription = loop.frames$.subscribe({
        next: (frame) => deliver(session, frame),
        error: (error: unknown) => {
          const frame = errorFrame(toWireError(error));
          stats.errors++;
          if (session.reply) {
            send(session.reply, frame);
            session.reply = null;
            endSession(sb, client, sid);
          } else {
            session.failed = frame;
            session.subscription = null;
          }
        },
      });
      stats.requests++;
      return;
    }
    stats.requests++;
    if (s.failed) {
      send(msg.reply, s.failed);
      endSession(sb, client, sid);
    } else if (s.latest) {
      const frame = s.latest;
      s.latest = null;
      s.reply = msg.reply;
      deliver(s, frame);
    } else {
      // a repeated credit (after a NATS reconnect) replaces the earlier one: one reply per credit
      s.reply = msg.reply;
    }
  };

  /** Sends a relay's queued blocks while the client has credit. */
  const pump = (relay: BlockRelay): void => {
    for (let b = relay.sent < relay.upTo ? relay.queue.shift() : undefined; b; b = relay.sent < relay.upTo ? relay.queue.shift() : undefined) {
      const frame = blockFrame(b, b.index - relay.origin!, ++relay.sent);
      stats.blocksSent++;
      stats.blockBytesSent += frame.length;
      send(relay.reply, frame);
    }
  };

  const streamOpen = (sb: ServedBoard, msg: Msg, body: Record<string, unknown>, client: ClientEntry): void => {
    const sid = body['sid'];
    if (typeof sid !== 'string' || sid.length === 0 || sid.length > 128) throw new BadRequestError(msg.subject, 'sid must be a string of 1 to 128 characters');
    if (!msg.reply) throw new BadRequestError(msg.subject, 'stream.open needs a reply subject (where the blocks go)');
    if (client.streams.has(sid)) throw new BadRequestError(msg.subject, `stream ${sid} exists already`);
    overLimit(sb, msg, client, 'streams');
    const window = body['window'];
    if (!Number.isInteger(window) || (window as number) < 1 || (window as number) > MAX_WINDOW) throw new BadRequestError(msg.subject, `window must be an integer from 1 to ${MAX_WINDOW}`);
    const settings = resolveStreamSettings(body['settings'] as StreamSettings | undefined, sb.board.info, 'scope.continuous');
    // a block travels as one NATS message: it must fit in the server's max_payload
    const maxPayload = nats.info?.max_payload ?? Infinity;
    if (16 * settings.blockSamples + BLOCK_FRAME_OVERHEAD > maxPayload) {
      const most = Math.floor((maxPayload - BLOCK_FRAME_OVERHEAD) / 16);
      throw new SettingsError('scope.continuous', 'blockSamples', settings.blockSamples, `an integer from 16 to ${most} on a remote board (a block is one NATS message of at most ${maxPayload} bytes)`);
    }
    const wait = body['wait'] !== false;
    const owner = typeof body['owner'] === 'string' ? body['owner'].slice(0, 64) : 'scope';
    const key = `stream:${settings.decimation}:${settings.boxcar}:${settings.blockSamples}:${settings.bufferSamples}`;
    let loop = sb.blockLoops.get(key);
    if (!loop) {
      // the served Board's own stream, scope leased there (queueing with every other client and in-process user)
      loop = { blocks$: sb.board.scope.blocks$(settings, { owner: holderName(owner, client.identity), wait }).pipe(share()), refs: 0 };
      sb.blockLoops.set(key, loop);
    }
    loop.refs++;
    const relay: BlockRelay = { queue: new BlockRelayQueue(settings.bufferSamples), reply: msg.reply, sent: 0, upTo: window as number, window: window as number, origin: null };
    const session: StreamSession = { key, subscription: null, latest: null, reply: null, failed: null, blocks: relay };
    client.streams.set(sid, session);
    stats.requests++;
    const subscription = loop.blocks$.subscribe({
      next: (b) => {
        relay.origin ??= b.index;
        const before = relay.queue.dropped;
        relay.queue.push(b);
        stats.samplesDropped += relay.queue.dropped - before;
        pump(relay);
      },
      error: (error: unknown) => {
        stats.errors++;
        send(relay.reply, errorFrame(toWireError(error)));
        endSession(sb, client, sid);
      },
    });
    if (client.streams.get(sid) === session) session.subscription = subscription;
  };

  const streamCredit = (msg: Msg, body: Record<string, unknown>, client: ClientEntry, sb: ServedBoard): void => {
    const sid = body['sid'];
    const seen = body['seen'];
    if (typeof sid !== 'string') throw new BadRequestError(msg.subject, 'sid must be a string');
    if (!Number.isInteger(seen) || (seen as number) < 0) throw new BadRequestError(msg.subject, 'seen must be an integer ≥ 0');
    stats.requests++;
    const relay = client.streams.get(sid)?.blocks;
    if (!relay) {
      // the stream is gone here (the client was dropped for silence, or the board stream failed and its error frame was lost)
      if (msg.reply) send(msg.reply, errorFrame(toWireError(new ConnectionLostError(`${name}/${sb.name}`, `no stream ${sid} of this client on the board server: it was ended (a client not heard from for ${clientTimeoutMs} ms loses its streams)`))));
      return;
    }
    relay.upTo = Math.max(relay.upTo, (seen as number) + relay.window);
    // the client heard nothing for a heartbeat while owed frames: those in flight were lost (a NATS reconnect); grant past them
    if (body['resync'] === true) relay.upTo = Math.max(relay.upTo, relay.sent + relay.window);
    pump(relay);
  };

  /** A message's board, op and body, checked as far as needs no state (its errors are replied to at once). */
  const parse = (msg: Msg): Parsed => {
    const where = parseBoardSubject(msg.subject, name);
    if (!where) throw new BadRequestError(msg.subject, `not a subject of this server: labrx.${name}.<board>.<op>`);
    const sb = served.get(where.board);
    if (!sb) throw new BadRequestError(msg.subject, `no board '${where.board}' here: ${names.join(', ')}`);
    if (msg.data.length > maxRequestBytes) throw new BadRequestError(msg.subject, `${msg.data.length} bytes is over the limit of ${maxRequestBytes}`);
    let parsed: unknown;
    try {
      parsed = msg.data.length === 0 ? {} : decodeJson(msg.data);
    } catch (error) {
      throw new BadRequestError(msg.subject, `malformed JSON (${(error as Error).message})`);
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new BadRequestError(msg.subject, 'the body must be a JSON object');
    return { msg, op: where.op, sb, body: parsed as Record<string, unknown> };
  };

  const handle = async ({ msg, op, sb, body }: Parsed): Promise<void> => {
    if (op === 'info') {
      // `loops` and `clients` are live counts, for monitoring: one loop per distinct scope settings however many clients stream them
      // `streamGuarantee`: the served board's gapless stream ('exact', 'ring' or 'none'), relayed by `stream.open`
      replyOk(msg, {
        id: sb.board.id,
        info: sb.board.info,
        server: name,
        board: sb.name,
        heartbeatMs,
        clientTimeoutMs,
        loops: sb.loops.size + sb.blockLoops.size,
        clients: sb.clients.size,
        streamGuarantee: sb.board.scope.streamGuarantee,
        asg: [asgToWire(sb.board.asg0.settings), asgToWire(sb.board.asg1.settings)],
        asgSeq: asgSeq.get(sb.name) ?? 0,
      });
      return;
    }
    const identity = checkIdentity(body['client']);
    if (typeof identity === 'string') throw new BadRequestError(msg.subject, identity);
    const client = clientOf(sb, identity);
    switch (op) {
      case 'hb':
        stats.requests++;
        if (msg.reply) replyOk(msg, { streams: client.streams.size });
        return;
      case 'scope.next':
        scopeNext(sb, msg, body, client);
        return;
      case 'stream.open':
        streamOpen(sb, msg, body, client);
        return;
      case 'stream.credit':
        streamCredit(msg, body, client, sb);
        return;
      case 'scope.stop': {
        const sid = body['sid'];
        if (typeof sid !== 'string') throw new BadRequestError(msg.subject, 'sid must be a string');
        endSession(sb, client, sid);
        if (client.streams.size === 0 && client.leases.size === 0) sb.clients.delete(identity.id);
        replyOk(msg, { stopped: sid });
        return;
      }
      case 'asg': {
        const index = body['index'];
        if (index !== 0 && index !== 1) throw new BadRequestError(msg.subject, 'index must be 0 or 1');
        const raw = body['settings'];
        if (typeof raw !== 'object' || raw === null) throw new BadRequestError(msg.subject, 'settings must be an object');
        const s = { ...(raw as Record<string, unknown>) };
        if (typeof s['data'] === 'string') s['data'] = base64ToFloat64(s['data']);
        else if (s['data'] === null) delete s['data'];
        const asg = index === 0 ? sb.board.asg0 : sb.board.asg1;
        const resolved = resolveAsgSettings(s, sb.board.info, ASG_DEFAULTS, asg.name);
        const applied = await firstValueFrom(asg.apply$(resolved, leaseOf(sb, client, asg.name)));
        replyOk(msg, asgToWire(applied));
        return;
      }
      case 'asg.trigger': {
        const index = body['index'];
        if (index !== 0 && index !== 1) throw new BadRequestError(msg.subject, 'index must be 0 or 1');
        const asg = index === 0 ? sb.board.asg0 : sb.board.asg1;
        await firstValueFrom(asg.trigger$(leaseOf(sb, client, asg.name)));
        replyOk(msg, { triggered: index });
        return;
      }
      case 'iq': {
        const index = body['index'];
        if (index !== 0 && index !== 1 && index !== 2) throw new BadRequestError(msg.subject, 'index must be 0, 1 or 2');
        const r = body['request'] as Record<string, unknown> | undefined;
        if (typeof r !== 'object' || r === null) throw new BadRequestError(msg.subject, 'request must be an object');
        if (r['input'] !== 'in1' && r['input'] !== 'in2') throw new BadRequestError(msg.subject, "request.input must be 'in1' or 'in2'");
        if (r['lockToAsg'] !== 0 && r['lockToAsg'] !== 1) throw new BadRequestError(msg.subject, 'request.lockToAsg must be 0 or 1');
        for (const k of ['frequencyHz', 'settleS', 'integrationS']) if (typeof r[k] !== 'number') throw new BadRequestError(msg.subject, `request.${k} must be a number`);
        const iq = [sb.board.iq0, sb.board.iq1, sb.board.iq2][index]!;
        const result = await firstValueFrom(iq.measure$(r as unknown as IqMeasureRequest, leaseOf(sb, client, iq.name)));
        replyOk(msg, result);
        return;
      }
      case 'lease': {
        const lid = body['lid'];
        const resources = body['resources'];
        if (typeof lid !== 'string' || lid.length === 0 || lid.length > 128) throw new BadRequestError(msg.subject, 'lid must be a string of 1 to 128 characters');
        if (!Array.isArray(resources) || resources.length === 0 || !resources.every((r) => typeof r === 'string' && LEASABLE.has(r))) {
          throw new BadRequestError(msg.subject, `resources must be a list of ${[...LEASABLE].join(', ')}`);
        }
        if (!msg.reply) throw new BadRequestError(msg.subject, 'lease needs a reply subject');
        if (client.leases.has(lid)) throw new BadRequestError(msg.subject, `lease ${lid} exists already`);
        overLimit(sb, msg, client, 'leases');
        const owner = typeof body['owner'] === 'string' ? body['owner'].slice(0, 64) : 'client';
        const reply = msg.reply;
        stats.requests++;
        const entry: ClientLease = { subscription: new Subscription(), holder: null };
        client.leases.set(lid, entry);
        entry.subscription.add(
          sb.board.leases.lease$(resources as string[], holderName(owner, client.identity), { wait: body['wait'] !== false }).subscribe({
            next: (holder) => {
              entry.holder = holder;
              send(reply, okFrame({ lid, holder: holder.owner }));
            },
            error: (error: unknown) => {
              client.leases.delete(lid);
              stats.errors++;
              send(reply, errorFrame(toWireError(error)));
            },
          }),
        );
        return;
      }
      case 'release': {
        const lid = body['lid'];
        if (typeof lid !== 'string') throw new BadRequestError(msg.subject, 'lid must be a string');
        client.leases.get(lid)?.subscription.unsubscribe();
        client.leases.delete(lid);
        if (client.streams.size === 0 && client.leases.size === 0) sb.clients.delete(identity.id);
        replyOk(msg, { released: lid });
        return;
      }
      default:
        throw new BadRequestError(msg.subject, `unknown op '${op}': info, asg, asg.trigger, iq, scope.next, scope.stop, stream.open, stream.credit, lease, release, hb`);
    }
  };

  // Requests wait in one queue per client (board and identity; '' for messages without one) and are
  // served round-robin, one of each waiting client in turn, at most REQUESTS_PER_TURN per turn, so that
  // a client flooding requests delays another by about one turn, not by all its requests.
  const waiting = new Map<string, { readonly requests: Parsed[]; bytes: number }>();
  let turn: ReturnType<typeof setImmediate> | null = null;
  const serveTurn = (): void => {
    turn = null;
    for (let done = 0; done < REQUESTS_PER_TURN && waiting.size > 0; ) {
      for (const [key, queue] of waiting) {
        const request = queue.requests.shift()!;
        queue.bytes -= request.msg.data.length + QUEUED_REQUEST_OVERHEAD_BYTES;
        if (queue.requests.length === 0) waiting.delete(key);
        handle(request).catch((error: unknown) => replyError(request.msg, error));
        if (++done >= REQUESTS_PER_TURN) break;
      }
    }
    if (waiting.size > 0) turn = setImmediate(serveTurn);
  };
  const admit = (msg: Msg): void => {
    let request: Parsed;
    try {
      request = parse(msg);
    } catch (error) {
      replyError(msg, error);
      return;
    }
    const c = request.body['client'];
    const id = typeof c === 'object' && c !== null && typeof (c as { id?: unknown }).id === 'string' ? (c as { id: string }).id : '';
    // a client is heard when its message is read, even if it then waits for its turn
    const heard = request.sb.clients.get(id);
    if (heard) heard.lastSeenMs = scheduler.now();
    const key = `${request.sb.name}\u0000${id}`;
    const cost = msg.data.length + QUEUED_REQUEST_OVERHEAD_BYTES;
    let queue = waiting.get(key);
    if (queue && queue.bytes + cost > maxQueuedBytes) {
      // a client sending faster than it is served: dropped, its waiting requests discarded
      waiting.delete(key);
      const error = new BadRequestError(msg.subject, `client ${JSON.stringify(id)} has over ${maxQueuedBytes} bytes of requests waiting: dropped (its waiting requests discarded, its streams and leases released)`);
      const client = request.sb.clients.get(id);
      if (client) dropClient(request.sb, client, error);
      replyError(msg, error);
      return;
    }
    if (!queue) waiting.set(key, (queue = { requests: [], bytes: 0 }));
    queue.requests.push(request);
    queue.bytes += cost;
    turn ??= setImmediate(serveTurn);
  };

  const sub: NatsSubscription = nats.subscribe(serverWildcard(name), {
    callback: (err, msg) => {
      if (err || closed) return;
      admit(msg);
    },
  });

  let lastTickMs = scheduler.now();
  const beat = interval(heartbeatMs, scheduler).subscribe({ next: () => {
    const now = scheduler.now();
    const lateMs = now - lastTickMs - heartbeatMs;
    lastTickMs = now;
    // this process was busy (its own timer came late): what clients sent meanwhile waits unread in its
    // socket, so that time is not their silence
    if (lateMs > heartbeatMs) for (const sb of served.values()) for (const c of sb.clients.values()) c.lastSeenMs += lateMs;
    for (const sb of served.values()) {
      for (const client of [...sb.clients.values()]) if (now - client.lastSeenMs > clientTimeoutMs) dropClient(sb, client, new ConnectionLostError(`${name}/${sb.name}`, `no heartbeat from this client for ${Math.round(now - client.lastSeenMs)} ms: its streams and leases were released`));
    }
    send(aliveSubject(name), okFrame({ server: name, boards: names }));
  }, error: () => undefined });
  send(aliveSubject(name), okFrame({ server: name, boards: names }));
  await nats.flush();

  return {
    name,
    boardNames: names,
    stats,
    clientsOf: (board) => [...(served.get(board)?.clients.keys() ?? [])],
    loopsOf: (board) => {
      const sb = served.get(board);
      return sb ? sb.loops.size + sb.blockLoops.size : 0;
    },
    async close() {
      if (closed) return;
      beat.unsubscribe();
      for (const e of asgEvents) e.unsubscribe();
      // requests not yet served are dropped with the server (their clients' timeouts report it)
      if (turn) clearImmediate(turn);
      turn = null;
      waiting.clear();
      // a gapless stream's client learns at once (a trace stream's from its watchdog, as before)
      for (const sb of served.values()) {
        for (const c of sb.clients.values()) {
          for (const s of c.streams.values()) if (s.blocks) send(s.blocks.reply, errorFrame(toWireError(new ConnectionLostError(`${name}/${sb.name}`, 'the board server stopped'))));
        }
      }
      for (const sb of served.values()) for (const c of [...sb.clients.values()]) dropClient(sb, c);
      closed = true;
      sub.unsubscribe();
      if (!nats.isClosed()) await nats.flush().catch(() => undefined);
    },
  };
}
