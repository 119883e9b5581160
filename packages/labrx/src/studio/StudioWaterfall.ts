import type { Subscription } from 'rxjs';
import type { Board } from '@labrx/instruments';
import { errorInfo, type ErrorInfo } from './protocol.js';
import type { WaterfallClientMessage, WaterfallServerMessage } from './waterfallProtocol.js';
import { WaterfallRows, waterfallDbUnit, type WaterfallSpectrum } from './waterfallRows.js';
import { WATERFALL_SETTINGS, waterfallRealtimeSettings, type ResolvedWaterfallSettings } from './waterfallSettings.js';

/** Where the panel's messages go, and whether the channel can take a frame now. */
export interface WaterfallChannel {
  send(message: WaterfallServerMessage | { readonly type: 'error'; readonly instrument: 'waterfall'; readonly error: ErrorInfo }): void;
  sendBinary(bytes: Uint8Array): void;
  /** False while the channel is backed up (the session's `maxQueuedBytes`). */
  roomForFrames(): boolean;
}

/** Rows of a shown spectrogram that wait for one page at most (its picture's history). */
export const SHOWN_WATERFALL_ROWS = 256;

/** Flow control of one waterfall on this page: the rows waiting and frames not yet drawn. */
interface Outbox {
  readonly rows: WaterfallRows;
  inFlight: number;
}

/**
 * One page's waterfall (spectrogram) panel, and the waterfalls of spectrograms shown with
 * `studio.show`. Start runs `specan.spectrogram$` with the panel's settings; every row is reduced
 * to the canvas's columns (the largest bin of each) and quantised to a byte per column against its
 * own dB range (or the fixed scale), and rows go to the page in frames of kind 10 under the
 * session's flow control: at most `maxInFlight` frames not yet drawn, and none while the channel is
 * backed up; meanwhile rows wait, at most `rows` of them (the oldest go first, as they would scroll
 * off). Stop, a new Start, or the page going unsubscribes: the scope's lease is released.
 */
export class StudioWaterfall {
  private sub: Subscription | null = null;
  private settings: ResolvedWaterfallSettings;
  private width = 1000;
  private state: 'idle' | 'starting' | 'running' = 'idle';
  private readonly own: Outbox;
  private readonly shown = new Map<number, Outbox>();
  private closed = false;

  constructor(
    private readonly board: Board,
    private readonly channel: WaterfallChannel,
    private readonly maxInFlight: number,
  ) {
    this.settings = WATERFALL_SETTINGS.resolve({}, board.info);
    this.own = { rows: new WaterfallRows(0, this.settings.rows), inFlight: 0 };
  }

  /** Sends the panel's form and state (after the session's hello). */
  hello(): void {
    this.sendState(true);
  }

  /** Handles a 'waterfall' message of the page. */
  handle(m: WaterfallClientMessage): void {
    if (m.action === 'start') return this.start(m.settings, m.width);
    if (m.action === 'stop') return this.stop();
    this.ack(m.id);
  }

  /** Starts (or restarts) the panel's spectrogram; a bad setting comes back as a SettingsError and runs nothing. */
  start(settings: Record<string, unknown>, width?: number): void {
    if (this.closed) return;
    let resolved: ResolvedWaterfallSettings;
    try {
      resolved = WATERFALL_SETTINGS.resolve(settings, this.board.info);
    } catch (error) {
      this.channel.send({ type: 'error', instrument: 'waterfall', error: errorInfo(error) });
      return;
    }
    this.unsubscribe();
    this.settings = resolved;
    if (width !== undefined) this.width = width;
    this.own.rows.restart(resolved.rows);
    const range = resolved.scale === 'fixed' ? ([resolved.dbMin, resolved.dbMax] as const) : null;
    this.state = 'starting';
    this.sendState(false);
    let sub: Subscription | undefined;
    let ended = false;
    const end = () => {
      ended = true;
      if (sub !== undefined && this.sub !== sub) return; // replaced meanwhile
      this.sub = null;
      this.state = 'idle';
      this.sendState(false);
    };
    sub = this.board.specan.spectrogram$(waterfallRealtimeSettings(resolved), { owner: 'studio waterfall' }).subscribe({
      next: (row) => {
        if (this.state !== 'running') {
          this.state = 'running';
          this.sendState(false);
        }
        this.own.rows.push(row, this.width, range);
        this.flushOne(this.own);
      },
      error: (error: unknown) => {
        end();
        this.channel.send({ type: 'error', instrument: 'waterfall', error: errorInfo(error) });
      },
      complete: end,
    });
    if (!ended) this.sub = sub;
  }

  /** Stops the panel's spectrogram (its lease is released); rows not sent are dropped. */
  stop(): void {
    this.unsubscribe();
    this.own.rows.restart();
    if (this.state !== 'idle') {
      this.state = 'idle';
      this.sendState(false);
    }
  }

  /** A row of a spectrogram shown with `studio.show` (plot `id`), for a canvas about `width` pixels wide. */
  shownRow(id: number, row: WaterfallSpectrum, width: number): void {
    let out = this.shown.get(id);
    if (!out) this.shown.set(id, (out = { rows: new WaterfallRows(id, SHOWN_WATERFALL_ROWS), inFlight: 0 }));
    out.rows.push(row, width, null);
    this.flushOne(out);
  }

  /** A shown plot went: its rows are dropped. */
  forget(id: number): void {
    this.shown.delete(id);
  }

  /** The page drew a frame of waterfall `id` (0: the panel's). */
  ack(id: number): void {
    const out = id === 0 ? this.own : this.shown.get(id);
    if (!out) return;
    out.inFlight = Math.max(0, out.inFlight - 1);
    this.flushOne(out);
  }

  /** Sends what waits, where the page and the channel have room (the channel drained). */
  flush(): void {
    this.flushOne(this.own);
    for (const out of this.shown.values()) this.flushOne(out);
  }

  /** The page went: the spectrogram is unsubscribed (the scope's lease released). */
  close(): void {
    this.closed = true;
    this.unsubscribe();
    this.shown.clear();
  }

  /** True while the panel's spectrogram is subscribed. */
  get running(): boolean {
    return this.sub !== null;
  }

  private flushOne(out: Outbox): void {
    if (this.closed || out.inFlight >= this.maxInFlight || out.rows.waiting === 0 || !this.channel.roomForFrames()) return;
    const frame = out.rows.take();
    if (!frame) return;
    out.inFlight++;
    this.channel.sendBinary(frame);
  }

  private unsubscribe(): void {
    const sub = this.sub;
    this.sub = null;
    // frames of the old picture in flight are acknowledged as the page draws them
    sub?.unsubscribe();
  }

  private sendState(withFields: boolean): void {
    if (this.closed) return;
    this.channel.send({
      type: 'waterfall',
      state: this.state,
      settings: this.settings,
      unit: waterfallDbUnit(this.settings.unit),
      ...(withFields ? { fields: WATERFALL_SETTINGS.fields(this.board.info) } : {}),
    });
  }
}
