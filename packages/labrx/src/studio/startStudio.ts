import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import type { Observable } from 'rxjs';
import { SettingsError, type FrequencyResponse, type ScopeSettings } from '@labrx/core';
import type { Fleet } from '../fleet/Fleet.js';
import { StudioFleet } from './studioFleet.js';
import type { Board } from '@labrx/instruments';
import type { Catalogue } from '@labrx/catalogue';
import { openRunCatalogue } from '../catalogue/openRunCatalogue.js';
import { connect, type ConnectOptions } from '../connect.js';
import { loadStudioAssets } from './studioAssets.js';
import { StudioSession, type StudioSessionOptions } from './StudioSession.js';
import { StudioShows, type ShowHandle, type ShowOptions } from './StudioShows.js';
import type { StudioDemo } from './studioDemo.js';
import { StudioState, type PanelSettings } from './studioState.js';
import { existsSync } from 'node:fs';
import { newStudioToken, tokenMatches } from './studioToken.js';

/** Where and on what the studio runs. */
export interface StudioOptions {
  /** A board to show; the studio does not close it (its owner does). */
  readonly board?: Board;
  /**
   * A fleet (`connectMany`) for the fleet view: a small multiple of each board's newest scope trace
   * and the boards that failed. The page's instruments drive `board`, or else the fleet's first
   * board. The studio does not close the fleet.
   */
  readonly fleet?: Fleet;
  /** Scope settings of the fleet view's acquisitions (default { decimation: 64 }). */
  readonly fleetScope?: ScopeSettings;
  /** Otherwise a board to open with `connect()` ('scpi://…', 'sim://…' or options); closed with the studio. */
  readonly target?: string | ConnectOptions;
  /** Only '127.0.0.1': the studio drives hardware and never listens beyond this machine. */
  readonly host?: '127.0.0.1';
  /** TCP port (default 0: any free port). */
  readonly port?: number;
  /** Flow control and plot widths (see `StudioSessionOptions`). */
  readonly session?: StudioSessionOptions;
  /**
   * A page whose connection holds more than this many bytes not yet sent is dropped (closed), not
   * the server (default 8 MiB, `MAX_CLIENT_BUFFERED_BYTES`; docs/reliability.md).
   */
  readonly maxClientBufferedBytes?: number;
  /**
   * A page that neither answers the studio's pings nor sends anything for this long (ms) is dropped,
   * giving back what it held (the scope, the generators): a page behind a network that stopped, a
   * machine that slept, a half-open connection. Pinged every `pageTimeoutMs / 2`; dropped between
   * `pageTimeoutMs / 2` and `pageTimeoutMs` after its last sign of life, a round later when the
   * studio's own process was stalled (default 30000, `PAGE_TIMEOUT_MS`). Browsers answer pings by
   * themselves, in background tabs too.
   */
  readonly pageTimeoutMs?: number;
  /**
   * A demonstration to open on (`SIM_DEMO` for the simulator): its generators are set and its NA
   * sweep taken when the studio starts; every page opens with the scope and spectrum analyzer
   * running with its settings. Default: none (the page opens stopped).
   */
  readonly demo?: StudioDemo;
  /**
   * The run catalogue the page saves results to, lists and overlays from: a file (opened with the
   * studio, closed with it) or an open catalogue (its owner closes it). Default: none.
   */
  readonly catalogue?: string | Catalogue;
  /**
   * A folder for profiles (`profiles/<name>.yaml`, saved and loaded from the page) and the last
   * state (`last-state.yaml`: the board's snapshot and the page's panel settings, written when a
   * page changes a setting and restored here when the studio starts). `labrx studio` uses
   * `defaultStudioStateDir()` (`~/.config/labrx/studio`). Default: none.
   */
  readonly stateDir?: string;
}

/** A running studio. */
export interface Studio {
  /** The page's address with the per-start token, e.g. http://127.0.0.1:41234/?token=… */
  readonly url: string;
  readonly port: number;
  /** The per-start token every request but the page itself must carry (`?token=`). */
  readonly token: string;
  /** The board shown. */
  readonly board: Board;
  /** Pages connected now. */
  readonly connections: number;
  /** Pages dropped so far for holding more than `maxClientBufferedBytes` unsent, or for silence (`pageTimeoutMs`). */
  readonly droppedPages: number;
  /**
   * Plots `source$` live on every page under `name`, until it completes (the last value stays on
   * the page), errors (the error is shown) or `remove()` is called. It takes Traces, Spectra,
   * FrequencyResponses, or (t, value) points — numbers (t: now), `[t, value]` or `{ t, value }`
   * with t in s — with the instruments' flow control: a slow page gets the newest value, never a
   * queue. Real-time spectra (`rp.specan.spectrogram$`, `realtime$`) are drawn as a waterfall of
   * every row (at most 256 waiting per page; `{ view: 'spectrum' }`: the newest as a line).
   * `source$` is subscribed once, whatever the number of pages.
   *
   * @example
   * const studio = await startStudio({ board: rp });
   * const h = studio.show('ch1 rms', rp.scope.stream$({ decimation: 64 }).pipe(map((t) => Math.hypot(...t.ch1) / Math.sqrt(t.ch1.length))), { unit: 'V' });
   * h.remove();
   */
  show(name: string, source$: Observable<unknown>, options?: ShowOptions): ShowHandle;
  /** Stops every page's pipelines, closes sockets and the server (and the board it opened); leaves no handle. */
  close(): Promise<void>;
}

/** The largest message a page may send (settings are small; this bounds a hostile page). */
const MAX_CLIENT_MESSAGE_BYTES = 64 * 1024;

/**
 * Default `maxClientBufferedBytes`: 8 MiB queued for one page and it is dropped. Scope and spectrum
 * frames stop at 1 MiB (`STREAM_HIGH_WATER_BYTES`) whatever the page acknowledges, so only a page that
 * reads nothing while it asks for replies (or NA points) gets here.
 */
export const MAX_CLIENT_BUFFERED_BYTES = 8 << 20;

/** Default `pageTimeoutMs`: a page silent this long (ms; no pong, no message) is dropped. */
export const PAGE_TIMEOUT_MS = 30_000;

/**
 * Starts the studio: a local web page with live scope, spectrum analyzer and network analyzer plots
 * and their settings, fed over a WebSocket as binary frames.
 *
 * Security: it binds 127.0.0.1 only. Each start makes a random token; every request except the
 * page itself — its scripts, styles, and the WebSocket — must carry it (`?token=`), and the
 * WebSocket upgrade must also come from the studio's own origin, so that another web site open in
 * the same browser can neither read the page's data nor drive the hardware. The Host header must
 * name 127.0.0.1 or localhost (against DNS rebinding). Anything refused gets 403.
 *
 * @example
 * const studio = await startStudio({ target: { sim: { dut: resonator({ f0: 1e6, q: 20 }) } } });
 * console.log(studio.url); // open in a browser
 * await studio.close();
 */
export async function startStudio(options: StudioOptions = {}): Promise<Studio> {
  const host = options.host ?? '127.0.0.1';
  if (host !== '127.0.0.1') throw new SettingsError('studio', 'host', host, "'127.0.0.1' (the studio listens on this machine only)");
  const port = options.port ?? 0;
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new SettingsError('studio', 'port', port, 'an integer from 0 to 65535 (0: any free port)');
  const pageTimeoutMs = options.pageTimeoutMs ?? PAGE_TIMEOUT_MS;
  if (!(Number.isFinite(pageTimeoutMs) && pageTimeoutMs >= 100)) throw new SettingsError('studio', 'pageTimeoutMs', pageTimeoutMs, 'a number of ms ≥ 100');
  const assets = loadStudioAssets();
  const fleetBoard = options.board ?? options.fleet?.boards[0];
  const ownsBoard = fleetBoard === undefined;
  const board = fleetBoard ?? (await connect(options.target ?? {}));
  const token = newStudioToken();
  const sessions = new Set<StudioSession>();
  const shows = new StudioShows(board.driver.scheduler);
  let lastSweep: FrequencyResponse | null = null;
  const demo = options.demo;
  if (demo) {
    try {
      if (demo.asg0) await board.asg0.set(demo.asg0);
      if (demo.asg1) await board.asg1.set(demo.asg1);
      // the NA's sweep of the device, shown on every page from the start
      if (demo.na) lastSweep = await board.na.single(demo.na);
    } catch (error) {
      if (ownsBoard) await board.close();
      throw error;
    }
  }
  const ownsCatalogue = typeof options.catalogue === 'string';
  const catalogue = options.catalogue === undefined ? undefined : typeof options.catalogue === 'string' ? { catalogue: openRunCatalogue(options.catalogue), path: options.catalogue } : { catalogue: options.catalogue, path: '(open catalogue)' };
  // the last state, restored over the demonstration (a bad one is refused whole: ProfileError)
  const state = options.stateDir === undefined ? undefined : new StudioState(options.stateDir);
  let initialPanels: Partial<PanelSettings> | undefined;
  if (state && existsSync(state.lastStatePath)) {
    try {
      initialPanels = await state.load(board, { path: state.lastStatePath });
    } catch (error) {
      if (ownsBoard) await board.close();
      if (ownsCatalogue) catalogue?.catalogue.close();
      throw error;
    }
  }
  const fleetView = options.fleet ? new StudioFleet(options.fleet, options.fleetScope) : undefined;
  fleetView?.start();
  const context = { ...(fleetView ? { fleet: fleetView } : {}), ...(demo ? { demo } : {}), ...(catalogue ? { catalogue } : {}), ...(state ? { state } : {}), ...(initialPanels ? { initialPanels } : {}), shows, lastSweep: () => lastSweep, sweepDone: (r: FrequencyResponse) => (lastSweep = r) };
  let droppedPages = 0;
  let boundPort = 0;

  const allowedHost = (h: string | undefined) => h === `127.0.0.1:${boundPort}` || h === `localhost:${boundPort}`;
  const allowedOrigin = (o: string | undefined) => o === undefined || o === `http://127.0.0.1:${boundPort}` || o === `http://localhost:${boundPort}`;
  const hasToken = (req: IncomingMessage) => tokenMatches(new URL(req.url ?? '/', 'http://x').searchParams.get('token'), token);

  const server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    if (!allowedHost(req.headers.host)) return refuse(res, 403, 'unknown host');
    const isPage = path === '/' || path === '/index.html';
    if (!isPage && !hasToken(req)) return refuse(res, 403, 'missing or wrong token');
    if (req.method !== 'GET' && req.method !== 'HEAD') return refuse(res, 405, 'method not allowed');
    if (isPage) {
      return send(res, 200, 'text/html; charset=utf-8', assets.page, {
        'Content-Security-Policy': [
          "default-src 'none'",
          `script-src 'self' 'sha256-${assets.bootstrapHash}'`,
          "style-src 'self' 'unsafe-inline'",
          `connect-src ws://127.0.0.1:${boundPort} ws://localhost:${boundPort}`,
          "img-src 'self' data:",
          "frame-ancestors 'none'",
          "base-uri 'none'",
          "form-action 'none'",
        ].join('; '),
      }, req.method === 'HEAD');
    }
    const asset = path.startsWith('/assets/') ? assets.files.get(path.slice('/assets/'.length)) : undefined;
    if (!asset) return refuse(res, 404, 'not found');
    send(res, 200, asset.contentType, asset.body, {}, req.method === 'HEAD');
  });

  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_CLIENT_MESSAGE_BYTES });
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    if (path !== '/ws' || !allowedHost(req.headers.host) || !allowedOrigin(req.headers.origin) || !hasToken(req)) {
      socket.end('HTTP/1.1 403 Forbidden\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => attach(ws));
  });

  const maxBuffered = options.maxClientBufferedBytes ?? MAX_CLIENT_BUFFERED_BYTES;
  /** Pages heard from (a pong or a message) since the last ping round. */
  const heard = new WeakSet<WebSocket>();
  // every pageTimeoutMs / 2: a page not heard from since the last round is dropped, the others pinged.
  // The round is decided after the event loop has read the sockets once more (setImmediate runs after
  // the poll phase), so answers that came while this process was busy count; and a round that comes
  // late (a long stall, a machine that slept) drops no one.
  const pingEveryMs = pageTimeoutMs / 2;
  let lastRound = performance.now();
  let round: ReturnType<typeof setImmediate> | null = null;
  const pinger = setInterval(() => {
    const now = performance.now();
    const late = now - lastRound > 1.5 * pingEveryMs;
    lastRound = now;
    round ??= setImmediate(() => {
      round = null;
      for (const ws of wss.clients) {
        if (!heard.has(ws) && !late) {
          droppedPages++;
          ws.terminate();
          continue;
        }
        heard.delete(ws);
        ws.ping();
      }
    });
  }, pingEveryMs);
  function attach(ws: WebSocket): void {
    heard.add(ws);
    ws.on('pong', () => heard.add(ws));
    // Every send is checked against the socket's own queue (ws.bufferedAmount: the socket's
    // writableLength and ws's own buffer), never against the page's acknowledgements alone.
    const sent = () => session.drained();
    const send = (data: string | Uint8Array, binary: boolean): void => {
      if (ws.readyState !== ws.OPEN) return;
      ws.send(data, { binary }, sent);
      if (ws.bufferedAmount > maxBuffered) {
        droppedPages++;
        ws.terminate();
      }
    };
    const session = new StudioSession(
      board,
      {
        sendText: (text) => send(text, false),
        sendBinary: (bytes) => send(bytes, true),
        bufferedBytes: () => ws.bufferedAmount,
      },
      options.session,
      context,
    );
    sessions.add(session);
    ws.on('message', (data: RawData, isBinary: boolean) => {
      heard.add(ws);
      if (isBinary) return session.handle('(binary)');
      session.handle(rawText(data));
    });
    const end = () => {
      sessions.delete(session);
      session.close();
    };
    ws.on('close', end);
    // a socket error is followed by 'close'; the session ends there
    ws.on('error', () => undefined);
    session.start();
  }

  await new Promise<void>((resolve, reject) => {
    const failed = (error: Error): void => {
      clearInterval(pinger);
      if (round) clearImmediate(round);
      reject(error);
    };
    server.once('error', failed);
    server.listen(port, host, () => {
      server.off('error', failed);
      resolve();
    });
  });
  boundPort = (server.address() as { port: number }).port;

  let closing: Promise<void> | undefined;
  return {
    url: `http://127.0.0.1:${boundPort}/?token=${token}`,
    port: boundPort,
    token,
    board,
    get connections() {
      return sessions.size;
    },
    get droppedPages() {
      return droppedPages;
    },
    show: (name, source$, showOptions) => shows.show(name, source$, showOptions),
    close() {
      closing ??= (async () => {
        clearInterval(pinger);
        if (round) clearImmediate(round);
        const released: Promise<void>[] = [];
        for (const s of sessions) {
          s.close();
          released.push(s.released());
        }
        sessions.clear();
        // a page's lock is unlocked with the page (docs/decisions/0022): the outputs are safe before the board goes
        await Promise.all(released);
        shows.close();
        fleetView?.close();
        if (ownsCatalogue) catalogue?.catalogue.close();
        for (const ws of wss.clients) ws.terminate();
        await new Promise<void>((resolve) => wss.close(() => resolve()));
        server.closeAllConnections();
        await new Promise<void>((resolve, reject) => server.close((e) => (e ? reject(e) : resolve())));
        if (ownsBoard) await board.close();
      })();
      return closing;
    },
  };
}

function rawText(data: RawData): string {
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  return Buffer.from(data as ArrayBuffer).toString('utf8');
}

/**
 * The Content-Security-Policy of every response but the page (which has its own, as strict, that
 * allows its scripts): nothing may load, run or frame it (docs/threat-model.md).
 */
const STRICT_CSP = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

function send(res: ServerResponse, status: number, contentType: string, body: Buffer, headers: Record<string, string>, headOnly: boolean): void {
  res.writeHead(status, {
    'Content-Type': contentType,
    'Content-Length': body.length,
    'Cache-Control': 'no-store',
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
    // no framing (clickjacking), by old and new browsers alike; no other origin may embed or open it
    'X-Frame-Options': 'DENY',
    'Content-Security-Policy': STRICT_CSP,
    'Cross-Origin-Resource-Policy': 'same-origin',
    'Cross-Origin-Opener-Policy': 'same-origin',
    ...headers,
  });
  res.end(headOnly ? undefined : body);
}

function refuse(res: ServerResponse, status: number, reason: string): void {
  const body = Buffer.from(`${status} ${reason}\n`);
  send(res, status, 'text/plain; charset=utf-8', body, {}, false);
}
