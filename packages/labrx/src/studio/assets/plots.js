// The studio's plots, drawn with uPlot: axes with SI prefixes and units, autoscale or a fixed
// y scale, a legend whose entries hide their trace, two cursors (A, B) snapped to the data, and
// markers. `setData` only stores; `draw` (called at most once per animation frame by app.js)
// hands the newest data to uPlot.

export const COLORS = ['#1f77b4', '#d62728', '#2ca02c', '#9467bd', '#8c564b'];
const OVERLAY = '#7f7f7f';

const PREFIXES = [
  [1e9, 'G'],
  [1e6, 'M'],
  [1e3, 'k'],
  [1, ''],
  [1e-3, 'm'],
  [1e-6, 'µ'],
  [1e-9, 'n'],
  [1e-12, 'p'],
];
/** Units that take no SI prefix (logarithmic or angular). */
const NO_PREFIX = /^(dB|°|deg)/;

/** Pretty unit text: Vpk^2 → Vpk², sqrt(Hz) → √Hz. */
export function unitText(unit) {
  return String(unit ?? '').replace('^2', '²').replace('sqrt(Hz)', '√Hz');
}

/** The SI prefix for magnitude `a`: [factor, prefix]. */
function prefixFor(a, unit) {
  if (NO_PREFIX.test(unit) || !(a > 0) || !Number.isFinite(a)) return [1, ''];
  return PREFIXES.find(([k]) => a >= k * 0.9995) ?? PREFIXES[PREFIXES.length - 1];
}

/** A value with its SI prefix and unit: si(9.5e5, 'Hz') → '950 kHz'. */
export function si(v, unit, digits = 4) {
  if (v === null || v === undefined || !Number.isFinite(v)) return '—';
  const u = unitText(unit);
  // a time or frequency computed as x0 + i·dx can miss 0 by rounding (1e-21 s): that is 0
  if (Math.abs(v) < 1e-15) return '0' + (u ? ' ' + u : '');
  const [k, p] = prefixFor(Math.abs(v), unit);
  const text = NO_PREFIX.test(unit) ? v.toFixed(Math.abs(v) >= 100 ? 1 : 2) : String(+(v / k).toPrecision(digits));
  return (text + ' ' + p + u).trim();
}

/** Tick labels of a linear axis in one prefix, with as many decimals as the tick step needs. */
function linearTicks(unit) {
  return (u, splits, axisIdx, space, incr) => {
    const a = Math.max(...splits.map((v) => Math.abs(v ?? 0)));
    const [k, p] = prefixFor(a, unit);
    const step = Math.abs(incr / k);
    // as many decimals as the step needs to be written exactly (0.25 → 2)
    let decimals = 0;
    while (decimals < 6 && step > 0 && Math.abs(Math.round(step * 10 ** decimals) - step * 10 ** decimals) > 1e-6 * step * 10 ** decimals) decimals++;
    const u2 = unitText(unit);
    return splits.map((v) => (v == null ? '' : Math.abs(v / k) < 1e-9 * step ? '0 ' + u2 : (v / k).toFixed(decimals) + ' ' + p + u2));
  };
}

/**
 * Tick labels of a log axis: each decade with its SI prefix, at most ~8 of them; over less than
 * two decades also the 2× and 5× ticks.
 */
function logTicks(unit) {
  return (u, splits) => {
    const exponent = (v) => Math.floor(Math.log10(v) + 1e-9);
    const mantissa = (v) => Math.round(v / 10 ** exponent(v));
    const isDecade = (v) => v != null && v > 0 && Math.abs(v / 10 ** exponent(v) - 1) < 1e-6;
    const decades = splits.filter(isDecade);
    const step = Math.max(1, Math.ceil(decades.length / 8));
    const few = decades.length < 3;
    return splits.map((v) => {
      if (v == null || !(v > 0)) return '';
      if (isDecade(v)) return exponent(v) % step === 0 ? si(v, unit, 3) : '';
      return few && [2, 5].includes(mantissa(v)) && Math.abs(v / 10 ** exponent(v) - mantissa(v)) < 1e-6 ? si(v, unit, 3) : '';
    });
  };
}

/** Index of the x value nearest `x` in ascending `xs`. */
export function nearestIndex(xs, x) {
  let lo = 0;
  let hi = xs.length - 1;
  if (hi < 0) return -1;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (xs[mid] < x) lo = mid;
    else hi = mid;
  }
  return Math.abs(xs[lo] - x) <= Math.abs(xs[hi] - x) ? lo : hi;
}

/**
 * One plot. `spec`: { xUnit, logX, series: [{ label, unit, scale }], scales: { y: { unit, log } ,
 * y2?: { unit, range, size (axis px, default 56) } }, height, onZoom(range|null) (x drag-zoom; null when reset) }.
 * Returns the plot's handle (see below).
 */
export function createPlot(uPlot, el, spec) {
  const state = {
    fixed: false,
    fixedRange: null,
    cursors: [],
    markers: [],
    zoom: null,
    data: null,
    overlay: null,
    hidden: new Set(),
  };
  let plot = null;
  let height = spec.height ?? 240;
  let next = null;

  const yScale = spec.scales.y;
  const yRange = (u, min, max) => {
    if (state.fixed && state.fixedRange) return state.fixedRange;
    if (yScale.log) return uPlot.rangeLog(min, max, 10, true);
    if (!(max > min)) return [min - 1, max + 1];
    const pad = (max - min) * 0.08;
    return [min - pad, max + pad];
  };
  const xRange = (u, min, max) => {
    if (state.zoom) return state.zoom;
    return spec.logX ? [min, max] : [min, max];
  };

  function options(width) {
    const scales = { x: { time: false, range: xRange, ...(spec.logX ? { distr: 3 } : {}) }, y: { range: yRange, ...(yScale.log ? { distr: 3 } : {}) } };
    const axes = [
      { values: spec.logX ? logTicks(spec.xUnit) : linearTicks(spec.xUnit), ...(spec.logX ? { filter: (u, splits) => splits } : {}), space: 70, size: 36, grid: { stroke: '#eceef1' }, ticks: { stroke: '#d5dae0' } },
      { scale: 'y', values: yScale.log ? logTicks(yScale.unit) : linearTicks(yScale.unit), ...(yScale.log ? { filter: (u, splits) => splits } : {}), size: 76, grid: { stroke: '#eceef1' }, ticks: { stroke: '#d5dae0' } },
    ];
    if (spec.scales.y2) {
      scales.y2 = { range: spec.scales.y2.range };
      axes.push({ scale: 'y2', side: 1, values: linearTicks(spec.scales.y2.unit), size: spec.scales.y2.size ?? 56, grid: { show: false } });
    }
    const series = [
      { label: spec.xUnit === 's' ? 't' : 'f', value: (u, v) => si(v, spec.xUnit) },
      ...spec.series.map((s, i) => ({
        label: s.label,
        stroke: s.color ?? COLORS[i],
        width: s.width ?? 1.25,
        scale: s.scale ?? 'y',
        show: !state.hidden.has(i + 1),
        points: { show: false },
        spanGaps: false,
      })),
      { label: 'saved', stroke: OVERLAY, width: 1, dash: [4, 3], scale: 'y', points: { show: false }, show: state.overlay !== null },
    ];
    return {
      width,
      height,
      scales,
      axes,
      series,
      legend: { live: false },
      cursor: { drag: { x: true, y: false, setScale: false }, bind: { dblclick: () => () => null }, points: { show: false } },
      hooks: {
        setSelect: [
          (u) => {
            if (u.select.width < 4) return;
            const a = u.posToVal(u.select.left, 'x');
            const b = u.posToVal(u.select.left + u.select.width, 'x');
            u.setSelect({ left: 0, width: 0, top: 0, height: 0 }, false);
            handle.zoomTo([a, b]);
          },
        ],
        setSeries: [
          (u, i) => {
            if (i == null) return;
            if (u.series[i].show) state.hidden.delete(i);
            else state.hidden.add(i);
          },
        ],
        draw: [(u) => decorate(u)],
        ready: [
          (u) => {
            // a click (not a drag) places a cursor
            let down = null;
            u.over.addEventListener('mousedown', (e) => (down = [e.clientX, e.clientY]));
            u.over.addEventListener('mouseup', (e) => {
              if (down && Math.abs(e.clientX - down[0]) < 4 && Math.abs(e.clientY - down[1]) < 4) handle.placeCursor(u.posToVal(e.offsetX, 'x'));
              down = null;
            });
          },
        ],
      },
    };
  }

  /** Cursors and markers, drawn over the plot. */
  function decorate(u) {
    const ctx = u.ctx;
    const dpr = devicePixelRatio || 1;
    ctx.save();
    ctx.font = `${11 * dpr}px system-ui, sans-serif`;
    for (const [i, c] of state.cursors.entries()) {
      const x = u.valToPos(c.x, 'x', true);
      if (!(x >= u.bbox.left && x <= u.bbox.left + u.bbox.width)) continue;
      ctx.strokeStyle = '#222';
      ctx.setLineDash([5 * dpr, 4 * dpr]);
      ctx.lineWidth = dpr;
      ctx.beginPath();
      ctx.moveTo(x, u.bbox.top);
      ctx.lineTo(x, u.bbox.top + u.bbox.height);
      ctx.stroke();
      ctx.setLineDash([]);
      ctx.fillStyle = '#222';
      ctx.fillText(i === 0 ? 'A' : 'B', x + 3 * dpr, u.bbox.top + 12 * dpr);
      if (Number.isFinite(c.y)) {
        const y = u.valToPos(c.y, c.scale, true);
        ctx.beginPath();
        ctx.arc(x, y, 3.5 * dpr, 0, 2 * Math.PI);
        ctx.stroke();
      }
    }
    for (const m of state.markers) {
      if (!Number.isFinite(m.x) || !Number.isFinite(m.y)) continue;
      const x = u.valToPos(m.x, 'x', true);
      const y = u.valToPos(m.y, m.scale ?? 'y', true);
      if (!(x >= u.bbox.left && x <= u.bbox.left + u.bbox.width)) continue;
      ctx.fillStyle = m.color;
      ctx.beginPath();
      ctx.moveTo(x, y - 3 * dpr);
      ctx.lineTo(x - 5 * dpr, y - 12 * dpr);
      ctx.lineTo(x + 5 * dpr, y - 12 * dpr);
      ctx.closePath();
      ctx.fill();
      if (m.span) {
        ctx.strokeStyle = m.color;
        ctx.lineWidth = dpr;
        const y3 = u.valToPos(m.span.y, m.scale ?? 'y', true);
        ctx.beginPath();
        ctx.moveTo(u.valToPos(m.span.x1, 'x', true), y3);
        ctx.lineTo(u.valToPos(m.span.x2, 'x', true), y3);
        ctx.stroke();
      }
    }
    ctx.restore();
  }

  function make(width) {
    plot?.destroy();
    plot = new uPlot(options(width), [[], ...spec.series.map(() => []), []], el);
  }

  const handle = {
    spec,
    state,
    /** Newest data: x (SI unit), one array per series (null: gap). */
    setData(x, ys) {
      next = { x, ys };
      state.data = next;
    },
    /** Hands the newest data to uPlot; false when there was none. */
    draw() {
      if (!next) return false;
      if (!plot) make(widthOf(el));
      const overlay = state.overlay ? resample(state.overlay, next.x) : next.x.map(() => null);
      plot.setData([next.x, ...next.ys, overlay]);
      // cursors follow the trace they sit on
      for (const c of state.cursors) c.y = valueAt(c.x).y;
      next = null;
      return true;
    },
    redraw() {
      plot?.redraw(false);
    },
    resize(h) {
      if (h) height = h;
      plot?.setSize({ width: widthOf(el), height });
    },
    get width() {
      return widthOf(el);
    },
    get uplot() {
      return plot;
    },
    /** The tick labels axis `i` shows now (0: x; for tests and the console). */
    ticks(i) {
      return (plot?.axes[i]?._values ?? []).filter((v) => v);
    },
    /** Freezes the y scale where it is (true) or autoscales (false). */
    setFixed(fixed) {
      state.fixed = fixed;
      state.fixedRange = fixed && plot ? [plot.scales.y.min, plot.scales.y.max] : null;
      plot?.redraw(true);
    },
    /** Zooms x to [a, b] (SI unit), or back to the whole data (null). */
    zoomTo(range) {
      state.zoom = range ? [Math.min(...range), Math.max(...range)] : null;
      spec.onZoom?.(state.zoom);
      if (plot) {
        const x = plot.data[0];
        plot.setScale('x', state.zoom ? { min: state.zoom[0], max: state.zoom[1] } : { min: x[0], max: x[x.length - 1] });
      }
    },
    /** Places cursor A, then B, then moves the nearer one; each snaps to a sample of the first visible trace. */
    placeCursor(x) {
      const snapped = valueAt(x);
      if (snapped.x === undefined) return;
      if (state.cursors.length < 2) state.cursors.push(snapped);
      else {
        const [a, b] = state.cursors;
        state.cursors[Math.abs(a.x - x) <= Math.abs(b.x - x) ? 0 : 1] = snapped;
      }
      spec.onCursors?.(state.cursors);
      plot?.redraw(false);
    },
    clearCursors() {
      state.cursors = [];
      spec.onCursors?.(state.cursors);
      plot?.redraw(false);
    },
    setMarkers(markers) {
      state.markers = markers;
    },
    /** A saved curve drawn dashed under the live ones: { x, y } (same units), or null. */
    setOverlay(curve) {
      state.overlay = curve;
      if (plot) plot.setSeries(plot.series.length - 1, { show: curve !== null });
      if (state.data) next = state.data;
    },
    /** The visible trace a cursor tracks: the first series shown. */
    trackedSeries() {
      for (let i = 0; i < spec.series.length; i++) if (!state.hidden.has(i + 1)) return i;
      return 0;
    },
  };

  /** The sample nearest x of the tracked trace: { x, y, scale }. */
  function valueAt(x) {
    const d = state.data;
    if (!d || d.x.length === 0) return { x: undefined, y: NaN };
    const i = nearestIndex(d.x, x);
    const s = handle.trackedSeries();
    const y = d.ys[s]?.[i];
    return { x: d.x[i], y: y ?? NaN, scale: spec.series[s].scale ?? 'y', index: i, series: s };
  }

  return handle;
}

/** A saved curve at the live x values (nearest point; null outside its range). */
function resample(curve, xs) {
  const out = new Array(xs.length);
  const lo = curve.x[0];
  const hi = curve.x[curve.x.length - 1];
  for (let i = 0; i < xs.length; i++) {
    const x = xs[i];
    out[i] = x < lo || x > hi ? null : curve.y[nearestIndex(curve.x, x)];
  }
  return out;
}

function widthOf(el) {
  return Math.max(240, Math.floor(el.clientWidth || 600));
}
