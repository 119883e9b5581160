import { defer, repeat, type Observable, type Subscription } from 'rxjs';
import { type Spectrum, type Trace } from '@labrx/core';
import type { Board, InstrumentState, NaSweepEvent } from '@labrx/instruments';
import { errorInfo, parseClientMessage, studioFields, type ClientMessage, type ServerMessage, type StudioInstrument, type StudioSettable } from './protocol.js';
import { naPointsFrame, naSweepFrame, spectrumFrame, traceFrame } from './resultFrames.js';

/** Where a session's messages go (a WebSocket in the studio; a recorder in tests). */
export interface StudioChannel {
  /** Sends a JSON text message. */
  sendText(text: string): void;
  /** Sends a binary frame. */
  sendBinary(bytes: Uint8Array): void;
  /**
   * Bytes sent and not yet taken by the network (a WebSocket's `bufferedAmount`). When given, scope
   * and spectrum frames wait while it is above `maxQueuedBytes`, whatever the page acknowledges:
   * flow control does not trust the page's word alone. The owner calls `drained()` as it falls.
   */
  bufferedBytes?(): number;
}

/** Session tuning. */
export interface StudioSessionOptions {
  /**
   * Scope and spectrum frames sent and not yet acknowledged as drawn, at most (default 1). The
   * page acknowledges each frame after drawing it, so a slow page gets fewer frames instead of a
   * growing queue, and the server envelopes only the traces it actually sends. One is enough to
   * keep up with 60 animation frames/s on loopback (bench/studio.bench.ts); 2 sent ~40 % of the
   * frames for nothing (received, then replaced before the next animation frame).
   */
  readonly maxInFlight?: number;
  /** Plot width in pixels assumed until the page says (default 1000). */
  readonly defaultWidth?: number;
  /**
   * A plot width in pixels to use whatever the page says (for benchmarks: 8192 sends whole
   * 16384-point traces, as if there were no envelopes).
   */
  readonly fixedWidth?: number;
  /**
   * Scope and spectrum frames are held back (only the newest result kept) while the channel holds
   * more than this many bytes not yet sent (default 1 MiB, `STREAM_HIGH_WATER_BYTES`).
   */
  readonly maxQueuedBytes?: number;
}

/** Default `maxQueuedBytes`: 1 MiB, eight full-width (8192-pixel) trace frames. */
export const STREAM_HIGH_WATER_BYTES = 1 << 20;

type Mode = 'idle' | 'single' | 'run';
type Streamed = 'scope' | 'specan';

/** Flow control of one streamed plot: the newest result waiting, and frames not yet drawn. */
interface Outbox<T> {
  pending: T | null;
  inFlight: number;
  seq: number;
  timestamp: number;
}

/** Pixel widths are clamped to this range (a 16384-sample trace needs no more than 8192 columns). */
const MIN_WIDTH = 16;
const MAX_WIDTH = 8192;

/**
 * One page's connection to a board: runs the instruments the page asks for (Single / Run / Stop),
 * validates its settings (a `SettingsError` goes back to the page with its fields), and sends
 * results as binary frames — scope traces and spectra as min/max envelopes the width of the plot,
 * at most `maxInFlight` ahead of what the page has drawn; NA points one by one as they are measured.
 *
 * Every pipeline goes through the board's instruments, so several pages (or a script) share the
 * board with its leases: a sweep waits while another page's scope holds the scope.
 */
export class StudioSession {
  private readonly settings: Record<StudioSettable, Record<string, unknown>> = { scope: {}, specan: {}, na: {}, asg0: {}, asg1: {} };
  private readonly modes: Record<StudioInstrument, Mode> = { scope: 'idle', specan: 'idle', na: 'idle' };
  private readonly running: Record<StudioInstrument, Subscription | null> = { scope: null, specan: null, na: null };
  private readonly lastState: Record<StudioInstrument, InstrumentState> = { scope: { state: 'idle', holder: null }, specan: { state: 'idle', holder: null }, na: { state: 'idle', holder: null } };
  private readonly widths: Record<Streamed, number>;
  private readonly scopeOut: Outbox<Trace> = { pending: null, inFlight: 0, seq: 0, timestamp: 0 };
  private readonly specanOut: Outbox<Spectrum> = { pending: null, inFlight: 0, seq: 0, timestamp: 0 };
  private naSweeps = 0;
  private readonly maxInFlight: number;
  private readonly fixedWidth: number | undefined;
  private readonly maxQueuedBytes: number;
  private readonly stateSubs: Subscription[] = [];
  private closed = false;

  constructor(
    private readonly board: Board,
    private readonly channel: StudioChannel,
    options: StudioSessionOptions = {},
  ) {
    this.maxInFlight = options.maxInFlight ?? 1;
    this.fixedWidth = options.fixedWidth;
    this.maxQueuedBytes = options.maxQueuedBytes ?? STREAM_HIGH_WATER_BYTES;
    const w = options.fixedWidth ?? options.defaultWidth ?? 1000;
    this.widths = { scope: w, specan: w };
  }

  /** Sends the board, its settings and the field descriptors of every panel, and starts reporting states. */
  start(): void {
    const b = this.board;
    const asg = (s: typeof b.asg0.settings) => ({ ...s, data: null });
    this.send({
      type: 'hello',
      board: { id: b.id, ...b.info, naUsesIqModules: b.na.usesIqModules },
      settings: { scope: b.scope.settings, specan: b.specan.settings, na: b.na.settings, asg0: asg(b.asg0.settings), asg1: asg(b.asg1.settings) },
      fields: studioFields(b.info),
    });
    const watch = (name: StudioInstrument, state$: Observable<InstrumentState>) =>
      this.stateSubs.push(
        state$.subscribe({
          next: (s) => {
            this.lastState[name] = s;
            this.sendState(name);
          },
          // state$ completes when the board closes; an error here would be a bug worth showing
          error: (e: unknown) => this.send({ type: 'error', instrument: name, error: errorInfo(e) }),
        }),
      );
    watch('scope', b.scope.state$);
    watch('specan', b.specan.state$);
    watch('na', b.na.state$);
  }

  /** Handles one text message from the page; problems go back to the page as 'error' messages. */
  handle(text: string): void {
    let m: ClientMessage;
    try {
      m = parseClientMessage(text);
    } catch (error) {
      this.send({ type: 'error', instrument: 'studio', error: errorInfo(error) });
      return;
    }
    switch (m.type) {
      case 'run':
        // settings that come with Single / Run must pass first: a bad one runs nothing
        if (m.settings !== undefined && !this.store(m.instrument, m.settings)) return;
        return this.run(m.instrument, m.mode === 'stop' ? 'idle' : m.mode);
      case 'settings':
        return this.applySettings(m.instrument, m.settings);
      case 'view':
        if (this.fixedWidth !== undefined) return;
        for (const k of ['scope', 'specan'] as const) {
          const w = m.widths[k];
          if (w !== undefined) this.widths[k] = Math.min(MAX_WIDTH, Math.max(MIN_WIDTH, Math.round(w)));
        }
        return;
      case 'ack': {
        const out = m.instrument === 'scope' ? this.scopeOut : this.specanOut;
        out.inFlight = Math.max(0, out.inFlight - 1);
        return this.flush(m.instrument);
      }
    }
  }

  /** The channel's queue fell: sends the newest waiting frames the acknowledgements allow. */
  drained(): void {
    if (this.closed) return;
    this.flush('scope');
    this.flush('specan');
  }

  /** Stops everything this page started. */
  close(): void {
    this.closed = true;
    for (const name of ['scope', 'specan', 'na'] as const) this.stop(name);
    for (const s of this.stateSubs) s.unsubscribe();
    this.stateSubs.length = 0;
  }

  private applySettings(instrument: StudioSettable, settings: Record<string, unknown>): void {
    if (instrument === 'asg0' || instrument === 'asg1') {
      this.board[instrument].set(settings).then(
        (applied) => this.send({ type: 'applied', instrument, settings: { ...applied, data: null } }),
        (error: unknown) => this.send({ type: 'error', instrument, error: errorInfo(error) }),
      );
      return;
    }
    if (!this.store(instrument, settings)) return;
    // a running instrument picks the new settings up at once
    if (this.modes[instrument] === 'run') this.run(instrument, 'run');
  }

  /** Validates and keeps an instrument's settings; tells the page either way. False when rejected. */
  private store(instrument: StudioInstrument, settings: Record<string, unknown>): boolean {
    try {
      // validate now, so the page hears about a bad value even while the instrument is stopped
      const resolved = this.board[instrument].resolve(settings);
      this.settings[instrument] = settings;
      this.send({ type: 'applied', instrument, settings: resolved });
      return true;
    } catch (error) {
      this.send({ type: 'error', instrument, error: errorInfo(error) });
      return false;
    }
  }

  private run(instrument: StudioInstrument, mode: Mode): void {
    this.stop(instrument);
    if (mode === 'idle' || this.closed) return this.sendState(instrument);
    let source$: Observable<unknown>;
    try {
      source$ = this.pipeline(instrument, mode);
    } catch (error) {
      this.send({ type: 'error', instrument, error: errorInfo(error) });
      return this.sendState(instrument);
    }
    this.modes[instrument] = mode;
    this.sendState(instrument);
    let sub: Subscription | undefined;
    let ended = false;
    sub = source$.subscribe({
      next: (value) => this.deliver(instrument, value),
      error: (error: unknown) => {
        ended = true;
        this.finished(instrument, sub);
        this.send({ type: 'error', instrument, error: errorInfo(error) });
      },
      complete: () => {
        ended = true;
        this.finished(instrument, sub);
      },
    });
    // a pipeline may end synchronously (then `sub` was still undefined in its callbacks)
    if (!ended) this.running[instrument] = sub;
  }

  private pipeline(instrument: StudioInstrument, mode: 'single' | 'run'): Observable<unknown> {
    const b = this.board;
    switch (instrument) {
      case 'scope':
        return mode === 'single' ? b.scope.single$(this.settings.scope) : b.scope.stream$(this.settings.scope);
      case 'specan':
        return mode === 'single' ? b.specan.single$(this.settings.specan) : b.specan.stream$(this.settings.specan);
      case 'na': {
        const sweep$ = b.na.sweep$(this.settings.na);
        // Run: one sweep after another, each drawn point by point
        return mode === 'single' ? sweep$ : defer(() => sweep$).pipe(repeat());
      }
    }
  }

  /** A pipeline ended by itself; `sub` is undefined when it ended while being subscribed. */
  private finished(instrument: StudioInstrument, sub: Subscription | undefined): void {
    if (sub !== undefined && this.running[instrument] !== sub) return; // replaced meanwhile
    this.running[instrument] = null;
    this.modes[instrument] = 'idle';
    this.sendState(instrument);
  }

  private stop(instrument: StudioInstrument): void {
    const sub = this.running[instrument];
    this.running[instrument] = null;
    this.modes[instrument] = 'idle';
    sub?.unsubscribe();
  }

  private deliver(instrument: StudioInstrument, value: unknown): void {
    const now = this.board.driver.scheduler.now();
    if (instrument === 'scope') {
      const t = value as Trace;
      this.scopeOut.pending = t;
      this.scopeOut.seq++;
      this.scopeOut.timestamp = t.timestamp;
      return this.flush('scope');
    }
    if (instrument === 'specan') {
      this.specanOut.pending = value as Spectrum;
      this.specanOut.seq++;
      this.specanOut.timestamp = now;
      return this.flush('specan');
    }
    const e = value as NaSweepEvent;
    if (e.kind === 'point') this.channel.sendBinary(naPointsFrame([e.point], e.done, e.total, this.naSweeps, now));
    else this.channel.sendBinary(naSweepFrame(e.result, ++this.naSweeps, now));
  }

  /**
   * Sends the newest waiting result of a plot if the page has drawn enough of the earlier ones and
   * the channel is not backed up (a page may acknowledge frames it never read).
   */
  private flush(instrument: Streamed): void {
    if ((this.channel.bufferedBytes?.() ?? 0) > this.maxQueuedBytes) return;
    if (instrument === 'scope') {
      const out = this.scopeOut;
      if (out.pending === null || out.inFlight >= this.maxInFlight) return;
      const frame = traceFrame(out.pending, this.widths.scope, out.seq);
      out.pending = null;
      out.inFlight++;
      this.channel.sendBinary(frame);
    } else {
      const out = this.specanOut;
      if (out.pending === null || out.inFlight >= this.maxInFlight) return;
      const frame = spectrumFrame(out.pending, this.widths.specan, out.seq, out.timestamp);
      out.pending = null;
      out.inFlight++;
      this.channel.sendBinary(frame);
    }
  }

  private sendState(instrument: StudioInstrument): void {
    const s = this.lastState[instrument];
    this.send({ type: 'state', instrument, mode: this.modes[instrument], state: s.state, holder: s.holder });
  }

  private send(message: ServerMessage): void {
    if (!this.closed) this.channel.sendText(JSON.stringify(message));
  }
}
