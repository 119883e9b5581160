// The studio's waterfall (spectrogram) view: rows of frames of kind 10 (waterfallFrames.js) drawn
// on a canvas, newest at the top, with a frequency axis and a colour scale. Used by the Waterfall
// panel (its own spectrogram, started and stopped from the page) and by spectrograms shown with
// `studio.show`. Everything drawn is also in `window.labrx.waterfall`, for tests and the console.

const AXIS_PX = 22;
const BAR_PX = 64;
// viridis at 9 stops: lightness rises monotonically, so the brightest pixel is the strongest bin
const STOPS = [
  [68, 1, 84], [71, 44, 122], [59, 81, 139], [44, 113, 142], [33, 144, 141],
  [39, 173, 129], [92, 200, 99], [170, 220, 50], [253, 231, 37],
];
/** 256 colours, RGBA packed little-endian (for a Uint32Array view of ImageData). */
const LUT = new Uint32Array(256);
for (let i = 0; i < 256; i++) {
  const x = (i / 255) * (STOPS.length - 1);
  const k = Math.min(STOPS.length - 2, Math.floor(x));
  const f = x - k;
  const [r, g, b] = [0, 1, 2].map((j) => Math.round(STOPS[k][j] + f * (STOPS[k + 1][j] - STOPS[k][j])));
  LUT[i] = (255 << 24) | (b << 16) | (g << 8) | r;
}
const NONE = (255 << 24) | (40 << 16) | (40 << 8) | 40;

/**
 * One waterfall picture of one channel: a history of `maxRows` rows of dB values (newest first),
 * its colour scale (fixed, or from the data: the lowest row median − 5 dB to the highest value),
 * drawn scaled onto `canvas` with a frequency axis below and the colour bar on the right.
 */
export class WaterfallPicture {
  /**
   * @param {HTMLCanvasElement} canvas
   * @param {{ si: (v: number, unit: string, digits?: number) => string, label: string }} opts
   */
  constructor(canvas, opts) {
    this.canvas = canvas;
    this.opts = opts;
    this.columns = 0;
    this.maxRows = 256;
    this.rows = 0;
    this.db = new Float32Array(0);
    this.medians = [];
    this.maxima = [];
    this.x0 = 0;
    this.dx = 1;
    this.unit = 'dB';
    /** [lo, hi] of the colours (dB), or null: from the data. */
    this.fixed = null;
    this.scale = [0, 1];
    this.image = document.createElement('canvas');
    this.times = [];
    /** Bins of the full spectrum (a column holds ⌈bins/columns⌉ of them, its largest value). */
    this.bins = 0;
    /** The plotting area of the last draw, CSS px (the image, without axis and colour bar). */
    this.area = { w: 0, h: 0 };
  }

  /** Drops the history (new settings or a new picture). */
  clear(columns, maxRows, x0, dx) {
    this.columns = columns;
    this.maxRows = maxRows;
    this.rows = 0;
    this.db = new Float32Array(columns * maxRows);
    this.medians = [];
    this.maxima = [];
    this.times = [];
    this.x0 = x0;
    this.dx = dx;
    this.image.width = Math.max(1, columns);
    this.image.height = maxRows;
  }

  /** Adds one row (dB per column, oldest row of a frame first), scrolling the history down. */
  push(values, startS) {
    const c = this.columns;
    this.db.copyWithin(c, 0, c * (this.maxRows - 1));
    this.db.set(values.subarray(0, c), 0);
    // the row's maximum, and its median from at most 64 columns (the scale's floor need not be exact)
    let max = -Infinity;
    const sample = [];
    const step = Math.max(1, Math.ceil(c / 64));
    for (let i = 0; i < c; i++) {
      const v = values[i];
      if (!Number.isFinite(v)) continue;
      if (v > max) max = v;
      if (i % step === 0) sample.push(v);
    }
    sample.sort((a, b) => a - b);
    this.medians.unshift(sample.length ? sample[sample.length >> 1] : NaN);
    this.maxima.unshift(max > -Infinity ? max : NaN);
    this.times.unshift(startS);
    if (this.medians.length > this.maxRows) {
      this.medians.length = this.maxRows;
      this.maxima.length = this.maxRows;
      this.times.length = this.maxRows;
    }
    this.rows = Math.min(this.maxRows, this.rows + 1);
  }

  /** The newest row's dB values (a copy), or null. */
  newest() {
    return this.rows ? Array.from(this.db.subarray(0, this.columns)) : null;
  }

  /** Colours the history and draws it with its axes. */
  draw() {
    const lows = this.medians.filter(Number.isFinite);
    const highs = this.maxima.filter(Number.isFinite);
    let [lo, hi] = this.fixed ?? [lows.length ? Math.min(...lows) - 5 : 0, highs.length ? Math.max(...highs) : 1];
    if (!(hi > lo)) hi = lo + 1;
    this.scale = [lo, hi];
    const c = this.columns;
    if (c > 0) {
      const ctx = this.image.getContext('2d');
      const img = ctx.createImageData(c, this.maxRows);
      const px = new Uint32Array(img.data.buffer);
      const k = 255 / (hi - lo);
      const n = c * this.rows;
      for (let i = 0; i < n; i++) {
        const v = this.db[i];
        if (v !== v) px[i] = NONE;
        else {
          const q = Math.round((v - lo) * k);
          px[i] = LUT[q < 0 ? 0 : q > 255 ? 255 : q];
        }
      }
      ctx.putImageData(img, 0, 0);
    }
    const dpr = devicePixelRatio || 1;
    const cw = Math.max(200, this.canvas.clientWidth);
    const ch = Math.max(80, this.canvas.clientHeight);
    if (this.canvas.width !== Math.round(cw * dpr)) this.canvas.width = Math.round(cw * dpr);
    if (this.canvas.height !== Math.round(ch * dpr)) this.canvas.height = Math.round(ch * dpr);
    const g = this.canvas.getContext('2d');
    g.setTransform(dpr, 0, 0, dpr, 0, 0);
    g.clearRect(0, 0, cw, ch);
    const w = cw - BAR_PX;
    const h = ch - AXIS_PX;
    this.area = { w, h };
    g.imageSmoothingEnabled = false;
    if (c > 0) g.drawImage(this.image, 0, 0, c, this.maxRows, 0, 0, w, h);
    // frequency axis: the columns' edges span x0 − dx/2 … x0 + (c − ½)·dx
    const f0 = this.x0 - this.dx / 2;
    const f1 = this.x0 + (c - 0.5) * this.dx;
    g.fillStyle = '#1b1f24';
    g.strokeStyle = '#1b1f24';
    g.font = '11px system-ui, sans-serif';
    g.textBaseline = 'top';
    const step = niceStep((f1 - f0) / Math.max(2, Math.floor(w / 90)));
    for (let f = Math.ceil(f0 / step) * step; c > 0 && f <= f1; f += step) {
      const x = ((f - f0) / (f1 - f0)) * w;
      g.beginPath();
      g.moveTo(x + 0.5, h);
      g.lineTo(x + 0.5, h + 4);
      g.stroke();
      const text = this.opts.si(f, 'Hz', 4);
      const tw = g.measureText(text).width;
      g.fillText(text, Math.min(w - tw, Math.max(0, x - tw / 2)), h + 6);
    }
    // colour bar, hi at the top
    const barX = w + 8;
    for (let y = 0; y < h; y++) {
      const v = LUT[Math.round(255 * (1 - y / Math.max(1, h - 1)))];
      g.fillStyle = `rgb(${v & 255},${(v >> 8) & 255},${(v >> 16) & 255})`;
      g.fillRect(barX, y, 12, 1);
    }
    g.fillStyle = '#1b1f24';
    g.textBaseline = 'top';
    g.fillText(hi.toFixed(0), barX + 15, 0);
    g.textBaseline = 'bottom';
    g.fillText(lo.toFixed(0), barX + 15, h);
    g.textBaseline = 'middle';
    g.save();
    g.translate(barX + 50, h / 2);
    g.rotate(-Math.PI / 2);
    g.textAlign = 'center';
    g.fillText(this.unit + (this.fixed ? '' : ' (auto)'), 0, 0);
    g.restore();
  }

  /**
   * What is under the point (x, y) in CSS px of the canvas: the column and its bins (frequencies of
   * the first and last bin's centres, Hz), the row (0: newest) and its start (s since the stream
   * started), the column's value there (dB; the largest of its bins, as quantised by the server:
   * within (hi − lo)/508 of it, decision 0023). Null outside the picture; `level`/`timeS` null where
   * no row has come yet.
   */
  cellAt(x, y) {
    const { w, h } = this.area;
    const c = this.columns;
    if (!c || !(x >= 0 && x < w && y >= 0 && y < h)) return null;
    const column = Math.min(c - 1, Math.floor((x / w) * c));
    const row = Math.min(this.maxRows - 1, Math.floor((y / h) * this.maxRows));
    const perColumn = Math.max(1, Math.ceil(this.bins / c));
    const df = this.dx / perColumn;
    const firstBin = column * perColumn;
    const lastBin = Math.min(this.bins, firstBin + perColumn) - 1;
    // column 0's centre is the mean of its bins' centres: bin 0 is at x0 − (perColumn − 1)/2 · df
    const f0 = this.x0 - ((perColumn - 1) / 2) * df;
    const here = row < this.rows;
    const v = here ? this.db[row * c + column] : NaN;
    return { column, row, firstBin, lastBin, fromHz: f0 + firstBin * df, toHz: f0 + lastBin * df, centreHz: this.x0 + column * this.dx, timeS: here ? this.times[row] : null, level: Number.isFinite(v) ? v : null, unit: this.unit };
  }

  /** The column of the brightest pixel in the newest row of the coloured image (−1 when empty). */
  brightestColumn() {
    if (!this.rows || !this.columns) return -1;
    const d = this.image.getContext('2d').getImageData(0, 0, this.columns, 1).data;
    let best = -1;
    let at = -1;
    for (let i = 0; i < this.columns; i++) {
      const y = 0.2126 * d[4 * i] + 0.7152 * d[4 * i + 1] + 0.0722 * d[4 * i + 2];
      if (y > best) {
        best = y;
        at = i;
      }
    }
    return at;
  }
}

function niceStep(raw) {
  const p = 10 ** Math.floor(Math.log10(raw));
  for (const m of [1, 2, 2.5, 5, 10]) if (m * p >= raw) return m * p;
  return 10 * p;
}

/**
 * A set of pictures (one per channel) fed by frames of one waterfall: the panel's (id 0) or a
 * shown spectrogram's. `box` gets one canvas per channel present.
 */
export class WaterfallView {
  /**
   * @param {HTMLElement} box
   * @param {{ si: Function, decode: Function, dequantise: Function }} lib
   * @param {HTMLElement | null} [cursorBox] where the cursor's readout goes
   */
  constructor(box, lib, cursorBox = null) {
    this.box = box;
    this.lib = lib;
    this.cursorBox = cursorBox;
    /** The pointer over a picture: its channel bit and position (CSS px), or null. */
    this.hover = null;
    /** The readout under the pointer (see `cellAt`, with `channel` and `text`), or null. */
    this.cursor = null;
    /** @type {Map<number, WaterfallPicture>} channel mask bit → picture */
    this.pictures = new Map();
    this.maxRows = 256;
    this.fixed = null;
    this.unit = 'dB';
    this.received = 0;
    this.drawn = 0;
    this.rowsReceived = 0;
    this.droppedRows = 0;
    this.nextRow = 0;
    this.acks = 0;
    this.dirty = false;
    this.columns = 0;
    this.x0 = 0;
    this.dx = 0;
    this.bins = 0;
    this.key = '';
    this.rowTimes = [];
    this.rowRate = 0;
  }

  /** Takes one frame's rows. */
  onFrame(f) {
    this.received++;
    this.acks++;
    const key = f.channelMask + '|' + f.columns + '|' + f.x0 + '|' + f.dx + '|' + this.maxRows;
    if ((f.flags & 1) !== 0 || key !== this.key) {
      this.key = key;
      this.columns = f.columns;
      this.x0 = f.x0;
      this.dx = f.dx;
      this.bins = f.bins;
      this.nextRow = f.firstRow;
      this.rowTimes = [];
      this.box.replaceChildren();
      this.pictures.clear();
      for (const bit of [1, 2]) {
        if ((f.channelMask & bit) === 0) continue;
        const canvas = document.createElement('canvas');
        canvas.className = 'waterfall-canvas';
        canvas.dataset.channel = String(bit);
        this.box.append(canvas);
        canvas.addEventListener('mousemove', (e) => {
          this.hover = { bit, x: e.offsetX, y: e.offsetY };
          this.showCursor();
        });
        canvas.addEventListener('mouseleave', () => {
          this.hover = null;
          this.showCursor();
        });
        const p = new WaterfallPicture(canvas, { si: this.lib.si, label: 'ch' + bit });
        p.bins = f.bins;
        p.clear(f.columns, this.maxRows, f.x0, f.dx);
        p.unit = this.unit;
        p.fixed = this.fixed;
        this.pictures.set(bit, p);
      }
    }
    if (f.firstRow > this.nextRow) this.droppedRows += f.firstRow - this.nextRow;
    this.nextRow = f.firstRow + f.rows.length;
    const pics = [...this.pictures.values()];
    const scratch = new Float32Array(f.columns);
    for (const row of f.rows) {
      pics.forEach((p, c) => p.push(this.lib.dequantise(row.codes[c], row.lo[c], row.hi[c], scratch), row.startS));
      this.rowTimes.push(row.startS);
    }
    this.rowsReceived += f.rows.length;
    while (this.rowTimes.length > 2 && this.rowTimes[this.rowTimes.length - 1] - this.rowTimes[0] > 1) this.rowTimes.shift();
    const span = this.rowTimes[this.rowTimes.length - 1] - this.rowTimes[0];
    this.rowRate = span > 0 ? (this.rowTimes.length - 1) / span : 0;
    this.dirty = true;
  }

  /** Sets the colour scale ([lo, hi] dB, or null: from the data) and the unit shown. */
  setScale(fixed, unit) {
    this.fixed = fixed;
    this.unit = unit;
    for (const p of this.pictures.values()) {
      p.fixed = fixed;
      p.unit = unit;
    }
    this.dirty = true;
  }

  /** Draws if something changed; true when it drew. */
  draw() {
    if (!this.dirty) return false;
    this.dirty = false;
    for (const p of this.pictures.values()) p.draw();
    this.drawn++;
    // rows scroll under a pointer that stays: the readout follows (before any hover: a hint)
    if (this.hover || (this.cursorBox && !this.cursorBox.textContent)) this.showCursor();
    return true;
  }

  /** The cursor's readout: what is under the pointer, in the cursor box and `this.cursor`. */
  showCursor() {
    const si = this.lib.si;
    const p = this.hover && this.pictures.get(this.hover.bit);
    const cell = p ? p.cellAt(this.hover.x, this.hover.y) : null;
    if (!cell) {
      this.cursor = null;
      if (this.cursorBox) this.cursorBox.textContent = this.columns ? 'hover the waterfall for frequency, time and level' : '';
      return;
    }
    const channel = 'ch' + this.hover.bit;
    const bins = cell.lastBin - cell.firstBin + 1;
    const where = bins > 1 ? si(cell.fromHz, 'Hz', 5) + ' … ' + si(cell.toHz, 'Hz', 5) + ' (largest of bins ' + cell.firstBin + '–' + cell.lastBin + ')' : si(cell.centreHz, 'Hz', 5) + ' (bin ' + cell.firstBin + ')';
    const when = cell.timeS === null ? 'no row here yet' : 't ' + si(cell.timeS, 's', 5) + ' (row ' + cell.row + ')';
    const level = cell.level === null ? (cell.timeS === null ? '' : ' · no value') : ' · ' + cell.level.toFixed(1) + ' ' + cell.unit;
    const text = channel + ' · ' + where + ' · ' + when + level;
    this.cursor = { channel, ...cell, bins, text };
    if (this.cursorBox) this.cursorBox.textContent = text;
  }

  /** The pictures' canvases, ch1 first (for a PNG). */
  canvases() {
    return [...this.pictures.values()].map((p) => p.canvas);
  }

  /** What the page state shows of this view. */
  summary() {
    const channels = {};
    for (const [bit, p] of this.pictures) {
      const newest = p.newest();
      let peak = -1;
      if (newest) for (let i = 0; i < newest.length; i++) if (peak < 0 || newest[i] > newest[peak]) peak = i;
      channels['ch' + bit] = { newest, peakColumn: peak, peakHz: peak < 0 ? null : this.x0 + peak * this.dx, brightestColumn: p.brightestColumn(), scale: p.scale, rows: p.rows };
    }
    return { received: this.received, drawn: this.drawn, rowsReceived: this.rowsReceived, droppedRows: this.droppedRows, columns: this.columns, bins: this.bins, x0: this.x0, dx: this.dx, unit: this.unit, rowRate: this.rowRate, channels, cursor: this.cursor };
  }
}

/**
 * The Waterfall panel and the shown spectrograms of the page. `ctx` gives what app.js owns:
 * `$`, `send`, `schedule`, `studio` (window.labrx), `si`, the frame decoder, the form helpers
 * (`fieldControl`, `gather`, `fill`, `showError`, `clearError`) and the plots' Save/Export wiring
 * (`wireExport`, `savePng`). Returns the hooks app.js calls.
 */
export function setupWaterfall(ctx) {
  const { $, send, schedule, studio, si, decodeWaterfallFrame, dequantiseDb } = ctx;
  const panel = $('#waterfall');
  const lib = { si, decode: decodeWaterfallFrame, dequantise: dequantiseDb };
  const view = new WaterfallView($('[data-waterfall]', panel), lib, $('[data-cursors]', panel));
  /** @type {Map<number, WaterfallView>} */
  const shown = new Map();
  const state = { state: 'idle', settings: null, unit: 'dB', view, shown };
  studio.waterfall = {
    state: 'idle',
    settings: null,
    get panel() {
      return view.summary();
    },
    shown: (id) => shown.get(id)?.summary() ?? null,
  };

  /** A view's canvases stacked on white under `title`, downloaded as the PNG `name`. */
  function png(v, title, name) {
    const canvases = v.canvases();
    if (canvases.length === 0) return;
    const width = Math.max(...canvases.map((c) => c.width));
    const height = canvases.reduce((h, c) => h + c.height, 0);
    ctx.savePng(name, title, width, height, (g, top) => {
      let y = top;
      for (const c of canvases) {
        g.drawImage(c, 0, y);
        y += c.height;
      }
    });
  }
  // Save (label → run catalogue) and Export: the history at full resolution from the server, PNG here
  ctx.wireExport(panel, 'waterfall', undefined, () => png(view, 'Waterfall', 'labrx-waterfall.png'));

  const width = () => Math.max(16, Math.round(($('[data-waterfall]', panel).clientWidth || 1000) - BAR_PX));
  $('[data-wf-start]', panel).addEventListener('click', () => {
    ctx.clearError('waterfall');
    send({ type: 'waterfall', action: 'start', settings: ctx.gather(panel), width: width() });
  });
  $('[data-wf-stop]', panel).addEventListener('click', () => send({ type: 'waterfall', action: 'stop' }));
  panel.addEventListener('change', (e) => {
    // a running waterfall restarts with the new settings; a stopped one checks and keeps them for Start
    if (!e.target.dataset?.setting) return;
    ctx.clearError('waterfall');
    if (state.state === 'idle') send({ type: 'waterfall', action: 'settings', settings: ctx.gather(panel) });
    else send({ type: 'waterfall', action: 'start', settings: ctx.gather(panel), width: width() });
  });

  function applyScale(settings, unit) {
    view.maxRows = settings.rows;
    view.setScale(settings.scale === 'fixed' ? [settings.dbMin, settings.dbMax] : null, unit);
  }

  return {
    /** A 'waterfall' text message; true when it was one. */
    onText(m) {
      if (m.type !== 'waterfall') return false;
      if (m.fields) {
        const box = $('[data-fields]', panel);
        box.replaceChildren(...m.fields.filter((f) => f.form).map(ctx.fieldControl));
        ctx.fill(panel, m.settings);
      } else if (!panel.contains(document.activeElement)) {
        // a loaded profile changes settings the page did not type: show them
        ctx.fill(panel, m.settings);
      }
      state.state = m.state;
      state.settings = m.settings;
      state.unit = m.unit;
      studio.waterfall.state = m.state;
      studio.waterfall.settings = m.settings;
      applyScale(m.settings, m.unit);
      const el = $('[data-state]', panel);
      el.textContent = m.state === 'idle' ? 'stopped' : m.state === 'starting' ? 'starting…' : 'running';
      el.classList.toggle('running', m.state === 'running');
      return true;
    },
    /** A binary frame; true when it was a waterfall frame (kind 10). */
    onFrame(buffer) {
      if (new Uint8Array(buffer, 0, 1)[0] !== 10) return false;
      const f = decodeWaterfallFrame(buffer);
      const v = f.id === 0 ? view : shown.get(f.id);
      if (!v) {
        send({ type: 'waterfall', action: 'ack', id: f.id });
        return true;
      }
      v.onFrame(f);
      schedule();
      return true;
    },
    /** Draws what changed and acknowledges what was drawn; true when it drew. */
    draw() {
      let drew = false;
      for (const [id, v] of [[0, view], ...shown]) {
        if (v.draw()) drew = true;
        for (; v.acks > 0; v.acks--) send({ type: 'waterfall', action: 'ack', id });
      }
      if (drew) {
        const s = view.summary();
        const parts = [];
        for (const [k, c] of Object.entries(s.channels)) if (c.peakHz !== null) parts.push(k + ' peak ' + si(c.peakHz, 'Hz', 5) + ', ' + c.newest[c.peakColumn].toFixed(1) + ' ' + s.unit);
        if (s.rowsReceived) parts.push(s.rowRate.toFixed(0) + ' rows/s' + (s.rowRate > 0 ? ' (history ' + si(view.maxRows / s.rowRate, 's', 3) + ')' : ''), s.columns + ' columns of ' + s.bins + ' bins', s.droppedRows + ' rows not drawn');
        $('[data-readout]', panel).textContent = parts.join(' · ');
      }
      return drew;
    },
    /** A shown spectrogram's panel as a PNG (its canvases). */
    pngShown(id, name) {
      const v = shown.get(id);
      if (v) png(v, v.box.closest('.panel')?.querySelector('h2')?.textContent ?? 'Spectrogram', name);
    },
    /** A shown spectrogram's panel: its plot element becomes a waterfall (cursor readout in `cursorBox`). */
    attachShown(id, el, unit, cursorBox) {
      const v = new WaterfallView(el, lib, cursorBox ?? null);
      v.setScale(null, unit.startsWith('dB') ? unit : 'dB(' + unit + ')');
      shown.set(id, v);
    },
    /** A shown plot went. */
    detachShown(id) {
      shown.delete(id);
    },
  };
}
