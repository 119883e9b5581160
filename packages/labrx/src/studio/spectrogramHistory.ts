import type { Spectrogram, Spectrum } from '@labrx/core';

/**
 * Bytes of full-resolution rows one history holds at most (32 MiB): a history keeps
 * min(rows, ⌊32 MiB / (8 · (channels · bins + 1))⌋) rows, at least one — all 256 rows of the
 * waterfall's defaults (1025 bins, 2.1 MB), 1024 rows up to 4095 bins on one channel, fewer for
 * longer segments (docs/reliability.md).
 */
export const SPECTROGRAM_HISTORY_MAX_BYTES = 32 * 2 ** 20;

/** A spectrogram row: a spectrum and its start in the stream (s). */
export type SpectrogramRow = Spectrum & { readonly startS: number };

/**
 * The newest rows of a spectrogram at full resolution (Float64, as analysed) in a ring allocated
 * once per layout: what the waterfall exports and saves as a `Spectrogram`. The page's picture is
 * reduced and quantised (decision 0023); this keeps the numbers themselves. A row of another
 * layout (bins, frequencies, channels, unit) starts the history again.
 */
export class SpectrogramHistory {
  private frequencies = new Float64Array(0);
  private times = new Float64Array(0);
  private ch1 = new Float64Array(0);
  private ch2 = new Float64Array(0);
  private capacity = 0;
  /** Rows held (≤ capacity) and where the next goes. */
  private held = 0;
  private next = 0;
  private meta: Pick<Spectrum, 'unit' | 'rbw' | 'window' | 'averages' | 'settings'> | null = null;

  constructor(
    private maxRows: number,
    private readonly maxBytes: number = SPECTROGRAM_HISTORY_MAX_BYTES,
  ) {}

  /** Rows held. */
  get rows(): number {
    return this.held;
  }

  /** Rows it can hold with the present layout (0 before the first row). */
  get rowCapacity(): number {
    return this.capacity;
  }

  /** Bytes of its arrays. */
  get bytes(): number {
    return 8 * (this.frequencies.length + this.times.length + this.ch1.length + this.ch2.length);
  }

  /** Drops every row (a new start); `maxRows`: the new history length. The arrays go too. */
  restart(maxRows: number = this.maxRows): void {
    this.maxRows = maxRows;
    this.capacity = 0;
    this.held = 0;
    this.next = 0;
    this.frequencies = this.times = this.ch1 = this.ch2 = new Float64Array(0);
    this.meta = null;
  }

  /** Keeps a copy of `row`, dropping the oldest when full. */
  push(row: SpectrogramRow): void {
    const f = row.frequencies;
    const bins = f.length;
    const has1 = row.ch1.length === bins && bins > 0;
    const has2 = row.ch2.length === bins && bins > 0;
    if (!has1 && !has2) return;
    if (this.capacity === 0 || !this.sameLayout(row, has1, has2)) {
      this.restart();
      const perRow = 8 * ((has1 ? bins : 0) + (has2 ? bins : 0) + 1);
      this.capacity = Math.max(1, Math.min(this.maxRows, Math.floor((this.maxBytes - 8 * bins) / perRow)));
      this.frequencies = Float64Array.from(f);
      this.times = new Float64Array(this.capacity);
      this.ch1 = new Float64Array(has1 ? this.capacity * bins : 0);
      this.ch2 = new Float64Array(has2 ? this.capacity * bins : 0);
    }
    this.meta = { unit: row.unit, rbw: row.rbw, window: row.window, averages: row.averages, settings: row.settings };
    const i = this.next;
    this.times[i] = row.startS;
    if (has1) this.ch1.set(row.ch1, i * bins);
    if (has2) this.ch2.set(row.ch2, i * bins);
    this.next = (i + 1) % this.capacity;
    this.held = Math.min(this.capacity, this.held + 1);
  }

  /** The rows held, oldest first, as a `Spectrogram` (copies); null when none is held. */
  snapshot(): Spectrogram | null {
    if (this.held === 0 || this.meta === null) return null;
    const bins = this.frequencies.length;
    const n = this.held;
    const first = (this.next - n + this.capacity) % this.capacity;
    const times = new Float64Array(n);
    const ch1 = new Float64Array(this.ch1.length ? n * bins : 0);
    const ch2 = new Float64Array(this.ch2.length ? n * bins : 0);
    for (let r = 0; r < n; r++) {
      const from = (first + r) % this.capacity;
      times[r] = this.times[from]!;
      if (ch1.length) ch1.set(this.ch1.subarray(from * bins, (from + 1) * bins), r * bins);
      if (ch2.length) ch2.set(this.ch2.subarray(from * bins, (from + 1) * bins), r * bins);
    }
    return { frequencies: this.frequencies.slice(), times, ch1, ch2, ...this.meta };
  }

  private sameLayout(row: SpectrogramRow, has1: boolean, has2: boolean): boolean {
    const f = row.frequencies;
    if (f.length !== this.frequencies.length || has1 !== this.ch1.length > 0 || has2 !== this.ch2.length > 0 || row.unit !== this.meta?.unit) return false;
    // the bins are the same when the first two and the last are (a uniform grid)
    const n = f.length;
    return f[0] === this.frequencies[0] && f[n - 1] === this.frequencies[n - 1] && (n < 2 || f[1] === this.frequencies[1]);
  }
}
