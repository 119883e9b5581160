import { WATERFALL_FLAG_RESET, encodeWaterfallFrame, quantiseDb, type WaterfallRow } from './waterfallFrames.js';

/** Columns a waterfall row has at most (a pixel column each on a wide screen). */
export const WATERFALL_MAX_COLUMNS = 2048;
/** Columns at least (a narrower request is widened). */
export const WATERFALL_MIN_COLUMNS = 16;
/** A row's automatic dB range spans at most this much below its maximum (dB): deeper values clamp. */
export const WATERFALL_MAX_DB_SPAN = 200;

/** What a waterfall row is made of: a spectrum (bins in Hz, channels in `unit`; an empty channel was not analysed). */
export interface WaterfallSpectrum {
  readonly frequencies: Float64Array;
  readonly ch1: Float64Array;
  readonly ch2: Float64Array;
  readonly unit: string;
  /** Start of the row in the stream (s). */
  readonly startS: number;
  /** Board clock of its first sample (ms). */
  readonly timestamp: number;
}

/** The dB scale rows are quantised against: fixed [dbMin, dbMax], or each row's own range (null). */
export type WaterfallRange = readonly [number, number] | null;

/** Bins per column and columns for `bins` bins in about `width` pixels: ⌈bins/width⌉ bins each. */
export function waterfallColumns(bins: number, width: number): { binsPerColumn: number; columns: number } {
  const w = Math.min(WATERFALL_MAX_COLUMNS, Math.max(WATERFALL_MIN_COLUMNS, Math.round(width)));
  const binsPerColumn = Math.max(1, Math.ceil(bins / w));
  return { binsPerColumn, columns: Math.ceil(bins / binsPerColumn) };
}

/** The unit a waterfall draws: dB units as they are, a linear unit as dB of it ('dB(Vpk^2)'). */
export function waterfallDbUnit(unit: string): string {
  return unit.startsWith('dB') ? unit : `dB(${unit})`;
}

/**
 * One channel → `out` (dB, one value per column): the largest bin of each column (a narrow line
 * stays visible however many bins share a pixel), a linear unit converted to dB (10·log10 of a
 * power, 20·log10 of an amplitude density). NaN bins are skipped; an all-NaN column is NaN.
 */
export function columnsDb(values: Float64Array, unit: string, binsPerColumn: number, out: Float32Array): void {
  const toDb = unit.startsWith('dB') ? null : unit === 'Vrms/sqrt(Hz)' ? 20 : 10;
  for (let c = 0; c < out.length; c++) {
    let m = -Infinity;
    let any = false;
    const end = Math.min(values.length, (c + 1) * binsPerColumn);
    for (let i = c * binsPerColumn; i < end; i++) {
      const v = values[i]!;
      if (v !== v) continue;
      any = true;
      if (v > m) m = v;
    }
    out[c] = !any ? NaN : toDb === null ? m : toDb * Math.log10(m);
  }
}

/** A row's own range [lo, hi] in dB: its finite extremes, lo at most `WATERFALL_MAX_DB_SPAN` below hi; [0, 1] for a row with none. */
export function rowRange(db: Float32Array): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < db.length; i++) {
    const v = db[i]!;
    if (!(v > -Infinity && v < Infinity)) continue;
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  if (hi === -Infinity) return [0, 1];
  lo = Math.max(lo, hi - WATERFALL_MAX_DB_SPAN);
  return hi > lo ? [lo, hi] : [lo - 0.5, hi + 0.5];
}

/**
 * The rows of one waterfall on one page not yet sent, quantised as they arrive (one byte per
 * column) and bounded: at most `maxRows` wait (the picture's history; older ones would scroll off
 * before the page drew them), so a page that draws slowly costs at most
 * maxRows · channels · (columns + 8) + 8 · maxRows bytes here. `take()` encodes every waiting row
 * into one frame (the page gets all rows, in bursts when it is slow, not only the newest).
 */
export class WaterfallRows {
  private pending: WaterfallRow[] = [];
  /** Rows pushed so far (the frame's firstRow counts from here). */
  private produced = 0;
  /** The layout (bins, columns, channels, f0, df) is set: a change of it starts a new picture. */
  private laidOut = false;
  private f0 = 0;
  private df = 0;
  private reset = true;
  private x0 = 0;
  private dx = 0;
  private bins = 0;
  private binsPerColumn = 1;
  private columns = 0;
  private channelMask = 0;
  private timestamp = 0;
  private readonly scratch: Float32Array[] = [];

  constructor(
    /** 0: the page's panel; else the shown plot's id. */
    readonly id: number,
    private maxRows: number,
  ) {}

  /** Rows waiting to be sent. */
  get waiting(): number {
    return this.pending.length;
  }

  /** Drops every row and starts a new picture (new settings): the next frame says reset. */
  restart(maxRows: number = this.maxRows): void {
    this.maxRows = maxRows;
    this.pending = [];
    this.produced = 0;
    this.laidOut = false;
    this.bins = -1;
    this.reset = true;
  }

  /**
   * Adds a row of `s` reduced to about `width` columns and quantised against `range` (null: the
   * row's own). A change of bins, columns or channels starts a new picture.
   */
  push(s: WaterfallSpectrum, width: number, range: WaterfallRange): void {
    const f = s.frequencies;
    const bins = f.length;
    const { binsPerColumn, columns } = waterfallColumns(bins, width);
    const channelMask = (s.ch1.length ? 1 : 0) | (s.ch2.length ? 2 : 0);
    const df = bins > 1 ? f[1]! - f[0]! : 0;
    const f0 = f[0] ?? 0;
    if (bins !== this.bins || columns !== this.columns || channelMask !== this.channelMask || f0 !== this.f0 || df !== this.df) {
      if (this.laidOut) this.restart();
      this.laidOut = true;
      this.f0 = f0;
      this.df = df;
      this.bins = bins;
      this.binsPerColumn = binsPerColumn;
      this.columns = columns;
      this.channelMask = channelMask;
      // a column's centre: the mean of its bins' centres
      this.x0 = f0 + ((binsPerColumn - 1) / 2) * df;
      this.dx = binsPerColumn * df;
    }
    const lo: number[] = [];
    const hi: number[] = [];
    const codes: Uint8Array[] = [];
    let k = 0;
    for (const ch of [s.ch1, s.ch2]) {
      if (!ch.length) continue;
      let db = this.scratch[k];
      if (!db || db.length !== columns) db = this.scratch[k] = new Float32Array(columns);
      k++;
      columnsDb(ch, s.unit, this.binsPerColumn, db);
      // the frame carries lo and hi as Float32: quantise against exactly what the page will read
      const [l0, h0] = range ?? rowRange(db);
      const l = Math.fround(l0);
      const h = Math.fround(h0);
      const out = new Uint8Array(columns);
      quantiseDb(db, l, h, out);
      lo.push(l);
      hi.push(h);
      codes.push(out);
    }
    this.pending.push({ startS: s.startS, lo, hi, codes });
    this.produced++;
    this.timestamp = s.timestamp;
    if (this.pending.length > this.maxRows) this.pending.splice(0, this.pending.length - this.maxRows);
  }

  /** Every waiting row as one frame (null when none waits). */
  take(): Uint8Array | null {
    if (this.pending.length === 0) return null;
    const rows = this.pending;
    this.pending = [];
    const frame = encodeWaterfallFrame(
      { flags: this.reset ? WATERFALL_FLAG_RESET : 0, channelMask: this.channelMask, columns: this.columns, firstRow: this.produced - rows.length, id: this.id, bins: this.bins, x0: this.x0, dx: this.dx, timestamp: this.timestamp },
      rows,
    );
    this.reset = false;
    return frame;
  }
}
