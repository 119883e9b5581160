// The studio's three plots, drawn with uPlot. Each `update` only stores data; `draw` (called at
// most once per animation frame by app.js) hands the newest data to uPlot.

const BLUE = '#1f77b4';
const RED = '#d62728';
const HEIGHT = 260;

/** Picks a display scale for a span in seconds or hertz. */
function prefix(span, unit) {
  if (unit === 's') return span < 2e-3 ? [1e6, 'µs'] : span < 2 ? [1e3, 'ms'] : [1, 's'];
  return span >= 2e6 ? [1e-6, 'MHz'] : span >= 2e3 ? [1e-3, 'kHz'] : [1, 'Hz'];
}

/** Axis labels for a log axis: 1e-3, 1e-6, … */
function logValues(u, splits) {
  // uPlot labels only the decades of a log axis; label at most ~8 of them so that none overlap
  const exponent = (v) => Math.round(Math.log10(v));
  const decades = splits.filter((v) => v != null && Math.abs(Math.log10(v) - exponent(v)) < 1e-9);
  const step = Math.max(1, Math.ceil(decades.length / 8));
  return splits.map((v) => (v != null && decades.includes(v) && exponent(v) % step === 0 ? '1e' + exponent(v) : ''));
}

/** Frequencies with SI prefixes: 500k, 1M, 2M. */
function hzValues(u, splits) {
  return splits.map((v) => {
    if (v == null) return '';
    const a = Math.abs(v);
    return a >= 1e6 ? +(v / 1e6).toPrecision(3) + 'M' : a >= 1e3 ? +(v / 1e3).toPrecision(3) + 'k' : String(+v.toPrecision(3));
  });
}

/** A log axis shows the data's own range, not the enclosing decades. */
const tight = (u, min, max) => [min, max];

function widthOf(el) {
  return Math.max(200, Math.floor(el.clientWidth || 600));
}

/** Scope: ch1 and ch2 against time since the trigger. */
export function scopePlot(uPlot, el) {
  let plot = null;
  let unit = '';
  let data = null;
  const make = (u) => {
    plot?.destroy();
    unit = u;
    plot = new uPlot(
      {
        width: widthOf(el),
        height: HEIGHT,
        scales: { x: { time: false } },
        series: [{ label: 't (' + u + ')' }, { label: 'ch1 (V)', stroke: BLUE, width: 1 }, { label: 'ch2 (V)', stroke: RED, width: 1 }],
        axes: [{ label: 'time since trigger (' + u + ')' }, { label: 'V' }],
        legend: { live: false },
      },
      [[], [], []],
      el,
    );
  };
  make('µs');
  return {
    /** @param f a decoded scope frame */
    update(f) {
      const span = f.dx * f.nPoints;
      const [k, u] = prefix(span, 's');
      const x = new Float64Array(f.nPoints);
      for (let i = 0; i < x.length; i++) x[i] = (f.x0 + i * f.dx) * k;
      data = { u, x, ch1: f.series[0], ch2: f.series[1], xSeconds: { x0: f.x0, dx: f.dx } };
    },
    draw() {
      if (!data) return false;
      if (data.u !== unit) make(data.u);
      plot.setData([data.x, data.ch1, data.ch2]);
      return true;
    },
    resize() {
      plot.setSize({ width: widthOf(el), height: HEIGHT });
    },
    get width() {
      return widthOf(el);
    },
    /** The uPlot instance (its `data` is what is drawn). */
    get uplot() {
      return plot;
    },
  };
}

/** Spectrum: each channel against frequency; log y for linear units. */
export function spectrumPlot(uPlot, el) {
  let plot = null;
  let shape = '';
  let data = null;
  const make = (log, u, unitName) => {
    plot?.destroy();
    shape = log + u + unitName;
    plot = new uPlot(
      {
        width: widthOf(el),
        height: HEIGHT,
        scales: { x: { time: false }, y: log ? { distr: 3 } : {} },
        series: [{ label: 'f (' + u + ')' }, { label: 'ch1', stroke: BLUE, width: 1 }, { label: 'ch2', stroke: RED, width: 1 }],
        axes: [{ label: 'frequency (' + u + ')' }, log ? { label: unitName, size: 70, values: logValues } : { label: unitName, size: 70 }],
        legend: { live: false },
      },
      [[], [], []],
      el,
    );
  };
  return {
    /** @param f a decoded spectrum frame; @param unitName the spectrum's unit */
    update(f, unitName) {
      const log = !unitName.startsWith('dB');
      const [k, u] = prefix(f.x0 + f.dx * f.nPoints, 'Hz');
      const x = new Float64Array(f.nPoints);
      const ys = [[], []];
      const hz = new Float64Array(f.nPoints);
      for (let i = 0; i < f.nPoints; i++) {
        hz[i] = f.x0 + i * f.dx;
        x[i] = hz[i] * k;
        for (let c = 0; c < 2; c++) {
          const v = f.series[c][i];
          // uPlot leaves gaps at null; log axes cannot show 0 or below, no axis shows ±Infinity
          ys[c].push(Number.isFinite(v) && (!log || v > 0) ? v : null);
        }
      }
      data = { log, u, unitName, x, hz, ch1: ys[0], ch2: ys[1] };
    },
    draw() {
      if (!data) return false;
      if (shape !== data.log + data.u + data.unitName) make(data.log, data.u, data.unitName);
      plot.setData([data.x, data.ch1, data.ch2]);
      return true;
    },
    resize() {
      plot?.setSize({ width: widthOf(el), height: HEIGHT });
    },
    get data() {
      return data;
    },
    get uplot() {
      return plot;
    },
    get width() {
      return widthOf(el);
    },
  };
}

/** Network analyzer: |H| in dB (left axis) and phase in degrees (right axis), drawn as points arrive. */
export function responsePlot(uPlot, el) {
  let plot = null;
  let shape = '';
  let pending = null;
  const make = (log) => {
    plot?.destroy();
    shape = String(log);
    plot = new uPlot(
      {
        width: widthOf(el),
        height: HEIGHT,
        scales: { x: log ? { time: false, distr: 3, range: tight } : { time: false }, db: {}, deg: { range: [-180, 180] } },
        series: [
          { label: 'f (Hz)' },
          { label: '|H| (dB)', stroke: BLUE, width: 1.5, scale: 'db', points: { show: false } },
          { label: 'phase (deg)', stroke: RED, width: 1, scale: 'deg', points: { show: false } },
        ],
        axes: [{ label: 'frequency (Hz)', values: hzValues }, { label: '|H| (dB)', scale: 'db' }, { label: 'phase (deg)', scale: 'deg', side: 1, grid: { show: false } }],
        legend: { live: false },
      },
      [[], [], []],
      el,
    );
  };
  return {
    /** @param f frequencies (Hz), db, deg: arrays of the points measured so far; log: log x axis */
    update(f, db, deg, log) {
      pending = { f, db, deg, log };
    },
    draw() {
      if (!pending) return false;
      if (shape !== String(pending.log)) make(pending.log);
      plot.setData([pending.f, pending.db, pending.deg]);
      pending = null;
      return true;
    },
    resize() {
      plot?.setSize({ width: widthOf(el), height: HEIGHT });
    },
    get uplot() {
      return plot;
    },
  };
}
