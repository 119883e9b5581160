import type { Subscription } from 'rxjs';
import type { Spectrogram } from '@labrx/core';
import type { Board } from '@labrx/instruments';
import { SpectrogramHistory } from './spectrogramHistory.js';
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
 *
 * The panel's newest `rows` rows are also kept at full resolution (`SpectrogramHistory`, at most
 * 32 MiB): what Export and Save give as a `Spectrogram`, also after Stop, until the next Start.
 */
export class StudioWaterfall {
  private sub: Subscription | null = null;
  private settings: ResolvedWaterfallSettings;
  private width = 1000;
  private state: 'idle' | 'starting' | 'running' = 'idle';
  private readonly own: Outbox;
  private readonly history: SpectrogramHistory;
  private readonly shown = new Map<number, Outbox>();
  private closed = false;
  /** The settings as the page (or a profile) gave them last: what the studio's state keeps. */
  private given: Record<string, unknown> | null = null;

  /**
   * @param initial settings to open with (the restored last state; a bad one is ignored: defaults)
   * @param onSettings called with the settings given whenever they pass (the session keeps its state)
   */
  constructor(
    private readonly board: Board,
    private readonly channel: WaterfallChannel,
    private readonly maxInFlight: number,
    initial?: Record<string, unknown>,
    private readonly onSettings?: (settings: Record<string, unknown>) => void,
  ) {
    this.settings = WATERFALL_SETTINGS.resolve({}, board.info);
    if (initial) {
      try {
        this.settings = WATERFALL_SETTINGS.resolve(initial, board.info);
        this.given = { ...initial };
      } catch {
        // the state file was checked when it was loaded (StudioState.load); defaults otherwise
      }
    }
    this.own = { rows: new WaterfallRows(0, this.settings.rows), inFlight: 0 };
    this.history = new SpectrogramHistory(this.settings.rows);
  }

  /** The panel's newest rows at full resolution, oldest first (null: none since the last Start). */
  spectrogram(): Spectrogram | null {
    return this.history.snapshot();
  }

  /** Sends the panel's form and state (after the session's hello). */
  hello(): void {
    this.sendState(true);
  }

  /** The settings given last (null: none since the studio started without a state). */
  get givenSettings(): Record<string, unknown> | null {
    return this.given;
  }

  /** Handles a 'waterfall' message of the page. */
  handle(m: WaterfallClientMessage): void {
    if (m.action === 'start') return this.start(m.settings, m.width);
    if (m.action === 'stop') return this.stop();
    if (m.action === 'settings') return this.set(m.settings);
    this.ack(m.id);
  }

  /**
   * New settings (the page's form changed, or a profile was loaded): checked at once (a bad one is a
   * SettingsError and changes nothing), kept for the next Start, and a running waterfall restarts
   * with them.
   */
  set(settings: Record<string, unknown>): void {
    if (this.closed) return;
    if (this.sub !== null) return this.start(settings);
    try {
      this.settings = WATERFALL_SETTINGS.resolve(settings, this.board.info);
    } catch (error) {
      this.channel.send({ type: 'error', instrument: 'waterfall', error: errorInfo(error) });
      return;
    }
    this.given = { ...settings };
    this.onSettings?.(this.given);
    this.sendState(false);
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
    this.given = { ...settings };
    this.onSettings?.(this.given);
    if (width !== undefined) this.width = width;
    this.own.rows.restart(resolved.rows);
    this.history.restart(resolved.rows);
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
        this.history.push(row);
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
