import type { Observable, SchedulerLike, Subscription } from 'rxjs';
import { resultKindOf, SettingsError } from '@labrx/core';
import { errorInfo, type ErrorInfo } from './protocol.js';
import { SpectrogramHistory, type SpectrogramRow } from './spectrogramHistory.js';

/** Rows of a shown spectrogram kept at full resolution for export and save (one history per plot, shared by every page). */
export const SHOWN_SPECTROGRAM_ROWS = 256;

/**
 * What a shown Observable emits: a result of an instrument, one (t, value) point of a series, or
 * one row of a spectrogram (a real-time spectrum: `specan.spectrogram$`/`realtime$`), drawn as a waterfall.
 */
export type ShownKind = 'trace' | 'spectrum' | 'frequency-response' | 'series' | 'spectrogram';

/** How `studio.show` draws. */
export interface ShowOptions {
  /** Unit of a series' values (default ''); results carry their own. */
  readonly unit?: string;
  /** Points of a (t, value) series kept and drawn, newest last (default 2000). */
  readonly maxPoints?: number;
  /**
   * How real-time spectra (`specan.spectrogram$`, `realtime$`: spectra with a place in the stream)
   * are drawn: 'waterfall' (default: every row, scrolling) or 'spectrum' (the newest as a line).
   */
  readonly view?: 'waterfall' | 'spectrum';
}

/** A shown Observable: `remove()` takes it off every page and unsubscribes it. */
export interface ShowHandle {
  readonly id: number;
  readonly name: string;
  /** Unsubscribes and removes the plot from every page (idempotent). */
  remove(): void;
  /** Resolves when the plot has ended: the Observable completed, errored (shown on the page) or was removed. */
  readonly ended: Promise<void>;
}

/** One shown Observable as the pages see it. */
export interface ShownEntry {
  readonly id: number;
  readonly name: string;
  kind: ShownKind | null;
  unit: string;
  /** The newest result (not a series), or null before the first. */
  latest: unknown;
  /** Results received (points, for a series). */
  seq: number;
  /** A series' newest points: t in s, values. */
  readonly t: number[];
  readonly v: number[];
  /** A spectrogram's newest rows at full resolution (what its export and save give); null for other kinds. */
  history: SpectrogramHistory | null;
  /** Set when it has ended: 'complete', 'removed' or 'error' (then `error`). */
  end: null | { readonly reason: 'complete' | 'removed' | 'error'; readonly error?: ErrorInfo };
}

/** Hears what happens to shown Observables (a page session). */
export interface ShowListener {
  changed(entry: ShownEntry): void;
  value(entry: ShownEntry): void;
}

/**
 * The studio's shown Observables (`studio.show`): each is subscribed once, whatever the number of
 * pages, and its newest value handed to every page session, which sends it under the same flow
 * control as the instruments (newest frame wins).
 */
export class StudioShows {
  private nextId = 1;
  private readonly entries = new Map<number, { entry: ShownEntry; sub: Subscription | null; resolve: () => void }>();
  private readonly listeners = new Set<ShowListener>();

  constructor(private readonly scheduler: SchedulerLike) {}

  /** Starts showing `source$` under `name`; see `Studio.show`. */
  show(name: string, source$: Observable<unknown>, options: ShowOptions = {}): ShowHandle {
    if (typeof name !== 'string' || name.trim() === '') throw new SettingsError('studio', 'show.name', name, 'a non-empty name for the plot');
    const maxPoints = options.maxPoints ?? 2000;
    if (!Number.isInteger(maxPoints) || maxPoints < 2 || maxPoints > 100_000) throw new SettingsError('studio', 'show.maxPoints', maxPoints, 'an integer from 2 to 100000');
    const waterfall = (options.view ?? 'waterfall') === 'waterfall';
    if (options.view !== undefined && options.view !== 'waterfall' && options.view !== 'spectrum') throw new SettingsError('studio', 'show.view', options.view, "'waterfall' or 'spectrum'");
    const id = this.nextId++;
    const entry: ShownEntry = { id, name, kind: null, unit: options.unit ?? '', latest: null, seq: 0, t: [], v: [], history: null, end: null };
    let resolve!: () => void;
    const ended = new Promise<void>((r) => (resolve = r));
    const slot = { entry, sub: null as Subscription | null, resolve };
    this.entries.set(id, slot);
    this.emitChanged(entry);
    const startMs = this.scheduler.now();
    const finish = (end: NonNullable<ShownEntry['end']>) => {
      if (entry.end) return;
      entry.end = end;
      slot.sub?.unsubscribe();
      slot.sub = null;
      this.emitChanged(entry);
      if (end.reason === 'removed') this.entries.delete(id);
      resolve();
    };
    const sub = source$.subscribe({
      next: (value) => {
        if (entry.end) return;
        try {
          this.accept(entry, value, maxPoints, startMs, waterfall);
        } catch (error) {
          finish({ reason: 'error', error: errorInfo(error) });
          return;
        }
        for (const l of this.listeners) l.value(entry);
      },
      error: (error: unknown) => finish({ reason: 'error', error: errorInfo(error) }),
      complete: () => finish({ reason: 'complete' }),
    });
    if (entry.end) sub.unsubscribe();
    else slot.sub = sub;
    return { id, name, remove: () => finish({ reason: 'removed' }), ended };
  }

  /** Every shown entry, oldest first (ended ones stay, showing their last value, until removed). */
  list(): ShownEntry[] {
    return [...this.entries.values()].map((s) => s.entry);
  }

  /** Adds a listener; returns its removal. */
  listen(listener: ShowListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Unsubscribes every shown Observable. */
  close(): void {
    for (const slot of this.entries.values()) {
      slot.sub?.unsubscribe();
      slot.sub = null;
      slot.resolve();
    }
    this.entries.clear();
    this.listeners.clear();
  }

  private accept(entry: ShownEntry, value: unknown, maxPoints: number, startMs: number, waterfall: boolean): void {
    const result = resultKindOf(value);
    // a whole Spectrogram (e.g. loaded from a file) is not a row of one: its rows are shown as they come
    if (result === 'spectrogram') throw new SettingsError('studio', `show('${entry.name}') value`, 'a Spectrogram', 'rows of a spectrogram as they come (specan.spectrogram$), not a whole Spectrogram');
    const point = result === null ? seriesPoint(value, (this.scheduler.now() - startMs) / 1000) : null;
    const kind: ShownKind | null = result === 'spectrum' && waterfall && isStreamSpectrum(value) ? 'spectrogram' : (result ?? (point ? 'series' : null));
    if (kind === null) {
      throw new SettingsError('studio', `show('${entry.name}') value`, typeof value === 'object' ? Object.prototype.toString.call(value) : value, 'a Trace, a Spectrum, a FrequencyResponse, a number, [t, value] or { t, value } (t in s)');
    }
    if (entry.kind !== null && entry.kind !== kind) throw new SettingsError('studio', `show('${entry.name}') value`, kind, `one kind of value per plot (this one shows ${entry.kind})`);
    const unit = kind === 'spectrum' || kind === 'spectrogram' ? (value as { unit: string }).unit : kind === 'trace' ? 'V' : kind === 'frequency-response' ? 'dB' : entry.unit;
    if (entry.kind !== kind || entry.unit !== unit) {
      entry.kind = kind;
      entry.unit = unit;
      this.emitChanged(entry);
    }
    entry.seq++;
    if (point) {
      entry.t.push(point[0]);
      entry.v.push(point[1]);
      if (entry.t.length > maxPoints) {
        entry.t.splice(0, entry.t.length - maxPoints);
        entry.v.splice(0, entry.v.length - maxPoints);
      }
    } else entry.latest = value;
    if (kind === 'spectrogram') (entry.history ??= new SpectrogramHistory(SHOWN_SPECTROGRAM_ROWS)).push(value as SpectrogramRow);
  }

  private emitChanged(entry: ShownEntry): void {
    for (const l of this.listeners) l.changed(entry);
  }
}

/** A (t, value) point from a number (t: now), [t, value] or { t, value }; null for anything else. */
function seriesPoint(value: unknown, nowS: number): [number, number] | null {
  if (typeof value === 'number') return [nowS, value];
  if (Array.isArray(value) && value.length === 2 && typeof value[0] === 'number' && typeof value[1] === 'number') return [value[0], value[1]];
  const o = value as { t?: unknown; value?: unknown } | null;
  if (o && typeof o === 'object' && typeof o.t === 'number' && typeof o.value === 'number') return [o.t, o.value];
  return null;
}

/** A spectrum with a place in the stream (a `RealtimeSpectrum`: `startS`, `index`, `durationS`): a spectrogram row. */
function isStreamSpectrum(value: unknown): boolean {
  const v = value as { startS?: unknown; index?: unknown; durationS?: unknown };
  return typeof v.startS === 'number' && typeof v.index === 'number' && typeof v.durationS === 'number';
}
