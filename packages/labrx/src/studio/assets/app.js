// The studio page: controls → JSON messages; binary frames → plots, drawn at most once per
// animation frame. Everything the plots show is also on `window.labrx`, for tests and the console.

const OWNER = { scope: 'scope', specan: 'specan', na: 'na' };
const RATE_WINDOW_MS = 1000;

/**
 * Starts the page; `token` is the per-start token from the page's URL; `socket.ws` the page's
 * WebSocket opened by the bootstrap script, whose messages so far wait in `socket.early`.
 */
export async function main(token, socket) {
  const q = '?token=' + encodeURIComponent(token);
  // module imports carry the token too, so they are dynamic (a static import cannot add a query)
  const [{ default: uPlot }, { decodeFrame, FRAME_KIND, FRAME_FLAG_ENVELOPE }, plots, { setupModules }, waterfallModule, waterfallFrames, { setupLockEditor }] = await Promise.all([
    import('/assets/uPlot.esm.js' + q),
    import('/assets/frames.js' + q),
    import('/assets/plots.js' + q),
    import('/assets/modules.js' + q),
    import('/assets/waterfall.js' + q),
    import('/assets/waterfallFrames.js' + q),
    import('/assets/lockbox.js' + q),
  ]);
  const { createPlot, si, unitText } = plots;

  const $ = (sel, root = document) => root.querySelector(sel);
  const status = $('#status');
  const studio = {
    ready: false,
    connected: false,
    board: null,
    settings: {},
    states: {},
    errors: [],
    exports: [],
    scope: { received: 0, drawn: 0, seq: 0, acquisitionRate: 0, drawRate: 0, nPoints: 0, samples: 0, envelope: false, x0: 0, dx: 0, ch1: null, ch2: null, measured: null },
    specan: { received: 0, drawn: 0, seq: 0, spectrumRate: 0, drawRate: 0, unit: '', frequencies: null, ch1: null, ch2: null, peaks: null },
    na: { done: 0, total: 0, sweeps: 0, complete: false, logscale: true, frequencies: [], magnitudeDb: [], phaseDeg: [], resonance: null },
    shown: {},
    paused: { scope: false, specan: false, na: false },
    readouts: {},
    /** Page times (ms since navigation): modules loaded, hello received, first scope frame drawn. */
    times: { loaded: performance.now(), hello: null, firstScope: null },
  };
  window.labrx = studio;

  const ws = socket?.ws ?? new WebSocket('ws://' + location.host + '/ws' + q);
  ws.binaryType = 'arraybuffer';
  const send = (m) => ws.readyState === WebSocket.OPEN && ws.send(JSON.stringify(m));

  /** Plot height from the window: two rows of panels fill it. */
  const plotHeight = () => Math.max(140, Math.min(330, Math.floor((innerHeight - 120) / 2 - 112)));

  // ---- plots ----
  const plot = {
    scope: createPlot(uPlot, $('#scope [data-plot]'), {
      xUnit: 's',
      series: [{ label: 'ch1 in1' }, { label: 'ch2 in2' }],
      scales: { y: { unit: 'V' } },
      height: plotHeight(),
      onZoom: (range) => {
        $('#scope [data-full]').hidden = range === null;
        send({ type: 'view', widths: { scope: plot.scope.width }, scopeWindow: range });
      },
      onCursors: () => showCursors('scope'),
    }),
    specan: null,
    na: null,
  };
  studio.plots = plot;

  function spectrumPlot(el, unit, onCursors) {
    const log = !unit.startsWith('dB');
    return createPlot(uPlot, el, { xUnit: 'Hz', series: [{ label: 'ch1' }, { label: 'ch2' }], scales: { y: { unit, log } }, height: plotHeight(), onCursors });
  }
  function responsePlot(el, logX, onCursors) {
    return createPlot(uPlot, el, {
      xUnit: 'Hz',
      logX,
      series: [{ label: '|H|', width: 1.6 }, { label: 'phase', scale: 'y2' }],
      scales: { y: { unit: 'dB' }, y2: { unit: '°', range: [-180, 180] } },
      height: plotHeight(),
      onCursors,
    });
  }
  function ensureSpecanPlot(unit) {
    if (plot.specan && plot.specan.spec.scales.y.unit === unit) return plot.specan;
    const el = $('#specan [data-plot]');
    plot.specan?.uplot?.destroy();
    el.replaceChildren();
    plot.specan = spectrumPlot(el, unit, () => showCursors('specan'));
    return plot.specan;
  }
  function ensureNaPlot(logX) {
    if (plot.na && plot.na.spec.logX === logX) return plot.na;
    const el = $('#na [data-plot]');
    plot.na?.uplot?.destroy();
    el.replaceChildren();
    plot.na = responsePlot(el, logX, () => showCursors('na'));
    return plot.na;
  }

  // ---- controls ----
  const panelOf = (name) => document.querySelector('[data-instrument="' + name + '"]');

  /** A control's value as the server takes it (undefined: an empty number box, left out). */
  function controlValue(c) {
    if (c.dataset.type === 'boolean') return c.checked;
    if (c.dataset.type === 'number') {
      const text = c.value.trim();
      if (text === '') return undefined;
      const x = Number(text);
      // a non-number goes to the server as typed, so that its SettingsError shows what was typed
      return Number.isFinite(x) ? x : text;
    }
    if (c.dataset.type === 'list') {
      // '1000, -10' → [1000, -10]; an empty box is an empty list; anything else goes as typed
      const parts = c.value.split(/[\s,;]+/).filter((p) => p !== '');
      const xs = parts.map(Number);
      return xs.every(Number.isFinite) ? xs : c.value;
    }
    return c.value;
  }

  function gather(panel) {
    const out = {};
    for (const c of panel.querySelectorAll('[data-setting]')) {
      const v = controlValue(c);
      if (v !== undefined) out[c.dataset.setting] = v;
    }
    return out;
  }

  function fill(panel, settings) {
    if (!panel) return;
    for (const c of panel.querySelectorAll('[data-setting]')) {
      const v = settings?.[c.dataset.setting];
      if (v === undefined || v === null) continue;
      if (c.dataset.type === 'boolean') c.checked = Boolean(v);
      else if (Array.isArray(v)) c.value = v.map((x) => (typeof x === 'number' ? +x.toPrecision(6) : x)).join(', ');
      else c.value = String(v);
    }
  }

  /** Shows an error in its panel and, for a SettingsError, beside the field it names. */
  function showError(instrument, error) {
    const panel = instrument === 'studio' ? null : panelOf(instrument);
    studio.errors.push({ instrument, ...error });
    // the lockbox editor's errors name the input, output or stage ('lockbox.outputs.piezo'): its part of the editor
    const part = instrument === 'lockbox' && error.instrument?.startsWith('lockbox') ? panel?.querySelector('[data-part="' + CSS.escape(error.instrument) + '"]') : null;
    const field = panel && error.setting ? (part ?? panel).querySelector('[data-setting="' + CSS.escape(error.setting) + '"]') : null;
    if (field) {
      field.classList.add('invalid');
      const box = field.closest('.field')?.querySelector('.field-error');
      if (box) box.textContent = error.message;
      const menu = field.closest('details');
      if (menu) menu.open = true;
    }
    const box = panel ? $('[data-error]', panel) : status;
    const lines = [error.message];
    if (error.setting !== undefined) lines.push('setting: ' + error.setting + ' · value: ' + error.value + ' · allowed: ' + error.allowed);
    box.textContent = lines.join('\n');
    box.hidden = false;
  }

  function clearError(instrument) {
    const panel = panelOf(instrument);
    if (!panel) return;
    const box = $('[data-error]', panel);
    box.hidden = true;
    box.textContent = '';
    for (const c of panel.querySelectorAll('.invalid')) c.classList.remove('invalid');
    for (const c of panel.querySelectorAll('.field-error')) c.textContent = '';
  }

  for (const name of ['scope', 'specan', 'na', 'asg0', 'asg1']) {
    const panel = panelOf(name);
    const generator = name.startsWith('asg');
    panel.addEventListener('change', (e) => {
      if (!e.target.dataset?.setting) return;
      send({ type: 'settings', instrument: name, settings: gather(panel) });
    });
    for (const b of panel.querySelectorAll('[data-run]')) {
      b.addEventListener('click', () => {
        const mode = b.dataset.run;
        send(mode === 'stop' ? { type: 'run', instrument: name, mode } : { type: 'run', instrument: name, mode, settings: gather(panel) });
      });
    }
    if (generator) {
      $('[data-apply]', panel).addEventListener('click', () => send({ type: 'settings', instrument: name, settings: gather(panel) }));
      $('[data-trigger]', panel).addEventListener('click', () => send({ type: 'trigger', instrument: name }));
    }
    else wireTools(panel, name, undefined, () => plot[name]);
  }
  $('#scope [data-full]').addEventListener('click', () => plot.scope.zoomTo(null));

  /** Pause, fixed scale, averaging and export buttons of a plot's panel. */
  function wireTools(panel, name, id, plotOf) {
    const pause = $('[data-pause]', panel);
    pause.addEventListener('click', () => {
      const paused = pause.getAttribute('aria-pressed') !== 'true';
      pause.setAttribute('aria-pressed', String(paused));
      pause.textContent = paused ? 'Paused' : 'Pause';
      if (id === undefined) studio.paused[name] = paused;
      else studio.shown[id].paused = paused;
      send({ type: 'pause', instrument: name, ...(id !== undefined ? { id } : {}), paused });
    });
    const fixed = $('[data-fixed]', panel);
    fixed.addEventListener('click', () => {
      const on = fixed.getAttribute('aria-pressed') !== 'true';
      fixed.setAttribute('aria-pressed', String(on));
      plotOf()?.setFixed(on);
    });
    const avg = $('[data-avg]', panel);
    avg?.addEventListener('click', () => {
      const on = avg.getAttribute('aria-pressed') !== 'true';
      const control = panel.querySelector('[data-setting=averages]');
      if (control) control.value = on ? '16' : '1';
      avg.setAttribute('aria-pressed', String(on));
      send({ type: 'settings', instrument: name, settings: gather(panel) });
    });
    wireExport(panel, name, id, () => {
      const p = plotOf();
      const file = (id !== undefined ? 'labrx-shown' + id : 'labrx-' + name) + '.png';
      if (p) exportPng(panel, p, file);
      // a shown spectrogram is a waterfall: its canvases
      else if (id !== undefined) waterfall.pngShown(id, file);
    });
  }

  /**
   * The Save menu (label → run catalogue) and the Export select of a panel: data and SVG from the
   * server ('save', 'export'; answered by 'saved' and 'file'), PNG from the page (`png`).
   */
  function wireExport(panel, name, id, png) {
    const saveButton = $('[data-save]', panel);
    saveButton?.addEventListener('click', () => {
      const label = $('[data-save-label]', panel);
      send({ type: 'save', instrument: name, ...(id !== undefined ? { id } : {}), label: label.value });
      saveButton.closest('details').open = false;
    });
    const exp = $('[data-export]', panel);
    exp.addEventListener('change', () => {
      const format = exp.value;
      exp.value = '';
      if (!format) return;
      if (format === 'png') return png();
      send({ type: 'export', instrument: name, ...(id !== undefined ? { id } : {}), format });
    });
  }

  /** The plot as a PNG: its canvas (axes and traces) on white, with the title and legend. */
  function exportPng(panel, p, name) {
    const u = p?.uplot;
    if (!u) return;
    const dpr = devicePixelRatio || 1;
    const src = u.ctx.canvas;
    const legend = u.series.slice(1).filter((s) => s.show).map((s) => s.label);
    savePng(name, $('h2', panel).textContent, src.width, src.height, (ctx, y) => {
      ctx.drawImage(src, 0, y);
      ctx.font = `${12 * dpr}px system-ui, sans-serif`;
      let x = 8 * dpr;
      const bottom = y + src.height + 28 * dpr;
      u.series.slice(1).forEach((s) => {
        if (!s.show || legend.length === 0) return;
        ctx.fillStyle = typeof s.stroke === 'function' ? s.stroke(u, 1) : s.stroke || '#444';
        ctx.fillRect(x, bottom - 15 * dpr, 14 * dpr, 3 * dpr);
        ctx.fillStyle = '#1b1f24';
        ctx.fillText(s.label, x + 18 * dpr, bottom - 10 * dpr);
        x += ctx.measureText(s.label).width + 36 * dpr;
      });
    });
  }

  /**
   * A picture `width` × `height` device pixels on white under `title` (and as tall again below for a
   * legend), painted by `paint(ctx, top)`, downloaded as the PNG `name` (and listed in studio.exports).
   */
  function savePng(name, title, width, height, paint) {
    const dpr = devicePixelRatio || 1;
    const pad = 28 * dpr;
    const c = document.createElement('canvas');
    c.width = width;
    c.height = height + 2 * pad;
    const ctx = c.getContext('2d');
    ctx.fillStyle = '#fff';
    ctx.fillRect(0, 0, c.width, c.height);
    ctx.fillStyle = '#1b1f24';
    ctx.font = `600 ${13 * dpr}px system-ui, sans-serif`;
    ctx.fillText(title, 8 * dpr, 19 * dpr);
    paint(ctx, pad);
    c.toBlob((blob) => {
      studio.exports.push({ name, mime: 'image/png', size: blob.size });
      download(blob, name);
    }, 'image/png');
  }

  // a download's object URL lives through the next few downloads (the browser may still be
  // reading it; an .npy comes with its sidecar), then is released
  const downloadUrls = [];
  function download(blob, name) {
    while (downloadUrls.length >= 4) URL.revokeObjectURL(downloadUrls.shift());
    const a = document.createElement('a');
    a.href = URL.createObjectURL(blob);
    downloadUrls.push(a.href);
    a.download = name;
    document.body.append(a);
    a.click();
    a.remove();
  }

  function onFile(m) {
    for (const f of m.files) {
      studio.exports.push({ instrument: m.instrument, id: m.id, format: m.format, name: f.name, mime: f.mime, data: f.data, encoding: f.encoding });
      const bytes = f.encoding === 'base64' ? Uint8Array.from(atob(f.data), (ch) => ch.charCodeAt(0)) : f.data;
      download(new Blob([bytes], { type: f.mime }), f.name);
    }
  }

  /**
   * Builds each panel's controls from the field descriptors the server sends (declared once with
   * each setting, docs/decisions/0009): a select for choices and powers of two, a checkbox for a
   * boolean, a text box for a number; the label says the name and unit, the tooltip the doc and
   * what is allowed; a SettingsError is shown beside its field.
   */
  function setupFields(fields) {
    for (const [instrument, list] of Object.entries(fields)) {
      const panel = panelOf(instrument);
      const box = panel && $('[data-fields]', panel);
      if (!box) continue;
      box.replaceChildren(...list.filter((f) => f.form).map(fieldControl));
    }
  }

  function fieldControl(f) {
    const label = document.createElement('label');
    label.className = 'field';
    label.title = f.doc + ': ' + f.allowed;
    let control;
    if (f.kind === 'boolean') {
      control = document.createElement('input');
      control.type = 'checkbox';
      control.dataset.type = 'boolean';
    } else if (f.choices) {
      control = document.createElement('select');
      control.replaceChildren(...f.choices.map((c) => new Option(String(c), String(c))));
      if (f.kind !== 'choice') control.dataset.type = 'number';
    } else if (f.kind === 'number-list') {
      control = document.createElement('input');
      control.type = 'text';
      control.dataset.type = 'list';
      control.placeholder = 'e.g. 1000, 0';
      control.size = 14;
    } else {
      control = document.createElement('input');
      control.type = 'text';
      // a choice without a list of choices is a name (the lockbox's inputs, outputs, stages)
      control.dataset.type = f.kind === 'choice' ? 'text' : 'number';
      if (f.kind !== 'choice') control.inputMode = f.kind === 'integer' ? 'numeric' : 'decimal';
      control.size = f.kind === 'integer' ? 5 : 8;
    }
    control.dataset.setting = f.name;
    const name = document.createElement('span');
    name.className = 'name';
    name.textContent = f.name + (f.unit ? ' (' + f.unit + ')' : '');
    const err = document.createElement('span');
    err.className = 'field-error';
    err.dataset.fieldError = f.name;
    label.append(name, control, err);
    return label;
  }

  // ---- readouts ----
  function setReadout(el, parts) {
    el.replaceChildren(
      ...parts.flatMap((p, i) => {
        const span = document.createElement('span');
        if (p.cls) span.className = p.cls;
        span.textContent = p.text;
        return i === 0 ? [span] : [document.createTextNode(' · '), span];
      }),
    );
  }

  function showCursors(name, id) {
    const p = id === undefined ? plot[name] : studio.shown[id]?.plot;
    const el = id === undefined ? $('#' + name + ' [data-cursors]') : studio.shown[id]?.panel.querySelector('[data-cursors]');
    if (!p || !el) return;
    const cs = p.state.cursors;
    const xu = p.spec.xUnit;
    const tracked = p.trackedSeries();
    const yu = p.spec.series[tracked].scale === 'y2' ? p.spec.scales.y2.unit : p.spec.scales.y.unit;
    const r = { cursors: cs.map((c) => ({ x: c.x, y: c.y })) };
    if (cs.length === 0) {
      setReadout(el, [{ text: 'click the plot to place cursor A, again for B · drag to zoom' }]);
    } else {
      const parts = cs.map((c, i) => ({ text: (i ? 'B ' : 'A ') + si(c.x, xu) + ', ' + si(c.y, yu) }));
      if (cs.length === 2) {
        const dx = cs[1].x - cs[0].x;
        const dy = cs[1].y - cs[0].y;
        Object.assign(r, { dx, dy, inverseDx: 1 / Math.abs(dx) });
        parts.push({ text: 'Δ' + (xu === 's' ? 't' : 'f') + ' ' + si(dx, xu) }, { text: 'Δy ' + si(dy, yu) }, { text: '1/Δ' + (xu === 's' ? 't' : 'f') + ' ' + si(1 / Math.abs(dx), xu === 's' ? 'Hz' : 's') });
      }
      setReadout(el, parts);
    }
    if (id === undefined) studio.readouts[name] = { ...(studio.readouts[name] ?? {}), ...r };
  }

  function showScopeMeasurements(m) {
    studio.scope.measured = m;
    const ch = (k, c, cls) => ({ cls, text: k + ': ' + si(c.vpp, 'V', 3) + ' pp, ' + si(c.vrms, 'V', 3) + ' rms, mean ' + si(c.mean, 'V', 2) + ', ' + (c.frequencyHz === null ? '— Hz' : si(c.frequencyHz, 'Hz', 5)) });
    setReadout($('#scope [data-readout]'), [ch('ch1', m.ch1, 'c1'), ch('ch2', m.ch2, 'c2')]);
  }

  function showSpecanPeaks(m) {
    studio.specan.peaks = m;
    const p = plot.specan;
    const parts = [];
    const markers = [];
    ['ch1', 'ch2'].forEach((k, i) => {
      const peak = m[k];
      if (!peak || (p && p.state.hidden.has(i + 1))) return;
      parts.push({ cls: 'c' + (i + 1), text: k + ' peak ' + si(peak.frequencyHz, 'Hz', 6) + ', ' + si(peak.level, m.unit, 4) });
      markers.push({ x: peak.frequencyHz, y: peak.level, color: plots.COLORS[i] });
    });
    p?.setMarkers(markers);
    setReadout($('#specan [data-readout]'), parts);
  }

  /** f0 (largest |H|) and Q from the −3 dB points, interpolated in frequency. */
  function resonance(f, db) {
    if (f.length < 3) return null;
    let k = 0;
    for (let i = 1; i < db.length; i++) if (db[i] > db[k]) k = i;
    const level = db[k] - 3.0103;
    const cross = (from, step) => {
      for (let i = from; i + step >= 0 && i + step < db.length; i += step) {
        if (db[i + step] < level) return f[i] + ((f[i + step] - f[i]) * (db[i] - level)) / (db[i] - db[i + step]);
      }
      return null;
    };
    const lo = cross(k, -1);
    const hi = cross(k, 1);
    return { f0: f[k], peakDb: db[k], low: lo, high: hi, q: lo !== null && hi !== null ? f[k] / (hi - lo) : null, level };
  }

  function showResonance() {
    const na = studio.na;
    const r = resonance(na.frequencies.slice(0, na.done), na.magnitudeDb.slice(0, na.done));
    na.resonance = r;
    const el = $('#na [data-readout]');
    if (!r) return setReadout(el, []);
    plot.na?.setMarkers(r.q !== null ? [{ x: r.f0, y: r.peakDb, color: plots.COLORS[0], span: { x1: r.low, x2: r.high, y: r.level } }] : [{ x: r.f0, y: r.peakDb, color: plots.COLORS[0] }]);
    setReadout(el, [
      { cls: 'c1', text: 'f0 ' + si(r.f0, 'Hz', 5) + ', |H| ' + si(r.peakDb, 'dB') },
      { text: r.q === null ? 'Q: the −3 dB points are outside the sweep' : 'Q ' + r.q.toPrecision(3) + ' (−3 dB at ' + si(r.low, 'Hz', 4) + ' and ' + si(r.high, 'Hz', 4) + ')' },
    ]);
  }

  // ---- saved runs (the run catalogue) ----
  studio.saved = [];
  studio.history = [];
  studio.overlays = {};
  const PLOT_OF_KIND = { trace: 'scope', spectrum: 'specan', 'frequency-response': 'na' };
  for (const b of document.querySelectorAll('[data-tab]')) {
    b.addEventListener('click', () => {
      for (const o of document.querySelectorAll('[data-tab]')) o.setAttribute('aria-pressed', String(o === b));
      for (const p of document.querySelectorAll('[data-tab-page]')) p.hidden = p.dataset.tabPage !== b.dataset.tab;
      if (b.dataset.tab === 'history') send({ type: 'history' });
      if (b.dataset.tab === 'profiles') send({ type: 'profile', action: 'list' });
    });
  }
  $('[data-profile-save]').addEventListener('click', () => send({ type: 'profile', action: 'save', name: $('[data-profile-name]').value.trim() }));
  studio.profiles = { names: [], done: [] };
  function showProfiles(m) {
    studio.profiles.names = m.names;
    if (m.done) {
      studio.profiles.done.push(m.done);
      status.textContent = 'profile ' + m.done.replace(/^(saved|loaded) /, '“') + '” ' + m.done.split(' ')[0];
    }
    $('[data-profiles-where]').textContent = m.dir ? 'Profiles in ' + m.dir + '/profiles (YAML; labrx scope … --profile FILE loads them too). The last state is restored when the studio starts.' : 'No profile folder: start the studio with one (stateDir) to save profiles.';
    $('[data-profiles]').replaceChildren(
      ...m.names.map((name) => {
        const li = document.createElement('li');
        const b = document.createElement('button');
        b.textContent = 'Load';
        b.dataset.profileLoad = name;
        b.addEventListener('click', () => send({ type: 'profile', action: 'load', name }));
        li.append(Object.assign(document.createElement('span'), { textContent: name }), b);
        return li;
      }),
    );
  }
  function showHistory(m) {
    studio.history = m.runs;
    $('[data-history-where]').textContent = m.catalogue ? 'Run catalogue: ' + m.catalogue + ' (also: labrx runs ls --db …)' : 'No run catalogue: start the studio with one (labrx studio --db FILE) to save results.';
    renderHistory();
  }
  function renderHistory() {
    const body = $('[data-history]');
    body.replaceChildren(
      ...studio.history.map((r) => {
        const tr = document.createElement('tr');
        const when = new Date(r.createdMs).toLocaleString();
        const target = PLOT_OF_KIND[r.kind];
        const on = studio.overlays[target] === r.id;
        // a spectrogram (the waterfall's) has bins as its points, and no plot to overlay it on
        const what = r.kind === 'spectrogram' ? 'spectrogram · ' + r.points + ' bins' : r.instrument + ' · ' + r.points + ' pts';
        const cells = [String(r.id), when, what, r.label ?? ''];
        tr.append(...cells.map((text, i) => Object.assign(document.createElement('td'), { textContent: text, className: i === 3 ? 'label' : '' })));
        const td = document.createElement('td');
        tr.append(td);
        if (!target) return tr;
        const b = document.createElement('button');
        b.textContent = on ? 'Remove overlay' : 'Overlay on ' + target;
        b.dataset.overlayRun = String(r.id);
        b.addEventListener('click', () => send({ type: 'overlay', instrument: target, run: on ? null : r.id, series: target === 'na' ? 0 : plot[target]?.trackedSeries() ?? 0 }));
        td.append(b);
        return tr;
      }),
    );
  }

  // ---- the fleet view: a small multiple of each board's newest trace ----
  studio.fleet = null;
  studio.fleetDrawn = 0;
  let fleetDirty = false;
  const fleetCells = new Map();
  function drawFleet() {
    const boards = studio.fleet;
    if (!boards) return;
    const panel = $('#fleet');
    if (panel.hidden) {
      // the fleet is what this studio is for: it goes first
      panel.hidden = false;
      $('main').prepend(panel);
    }
    const failed = boards.filter((b) => b.status === 'failed').length;
    $('[data-fleet-summary]').textContent = boards.length + ' boards · ' + (boards.length - failed) + ' live' + (failed ? ' · ' + failed + ' failed' : '');
    const grid = $('[data-fleet]');
    for (const b of boards) {
      let cell = fleetCells.get(b.id);
      if (!cell) {
        const el = document.createElement('div');
        el.className = 'fleet-cell';
        el.dataset.board = b.id;
        const id = Object.assign(document.createElement('div'), { className: 'id', textContent: b.id, title: b.id });
        const canvas = document.createElement('canvas');
        const why = Object.assign(document.createElement('div'), { className: 'why' });
        el.append(id, canvas, why);
        grid.append(el);
        cell = { el, canvas, why };
        fleetCells.set(b.id, cell);
      }
      cell.el.classList.toggle('failed', b.status === 'failed');
      cell.why.textContent = b.status === 'failed' ? 'failed: ' + (b.error?.message ?? '') : '';
      cell.canvas.hidden = b.status === 'failed';
      if (b.status === 'live') drawCell(cell.canvas, b.ch1);
    }
    studio.fleetDrawn++;
  }
  function drawCell(canvas, ys) {
    const dpr = devicePixelRatio || 1;
    const w = Math.max(60, canvas.clientWidth) * dpr;
    const h = 48 * dpr;
    if (canvas.width !== w) canvas.width = w;
    if (canvas.height !== h) canvas.height = h;
    const ctx = canvas.getContext('2d');
    ctx.clearRect(0, 0, w, h);
    let lo = Infinity;
    let hi = -Infinity;
    for (const v of ys) {
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
    if (!(hi > lo)) hi = lo + 1e-3;
    ctx.strokeStyle = plots.COLORS[0];
    ctx.lineWidth = dpr;
    ctx.beginPath();
    ys.forEach((v, i) => {
      const x = (i / Math.max(1, ys.length - 1)) * (w - 2) + 1;
      const y = h - 2 - ((v - lo) / (hi - lo)) * (h - 4);
      if (i === 0) ctx.moveTo(x, y);
      else ctx.lineTo(x, y);
    });
    ctx.stroke();
  }

  // ---- the waterfall panel and shown spectrograms (waterfall.js) ----
  const waterfall = waterfallModule.setupWaterfall({ $, send, schedule: () => schedule(), studio, si, fieldControl, gather, fill, showError, clearError, wireExport, savePng, ...waterfallFrames });

  // ---- messages ----
  function onText(m) {
    if (waterfall.onText(m)) return;
    switch (m.type) {
      case 'hello': {
        studio.board = m.board;
        studio.settings = m.settings;
        $('#board').textContent = m.board.model + ' · ' + m.board.id + ' · ' + m.board.sampleRateHz / 1e6 + ' MS/s';
        setupFields(m.fields);
        for (const name of Object.keys(m.settings)) fill(panelOf(name), m.settings[name]);
        studio.specan.unit = m.settings.specan.unit;
        studio.na.logscale = m.settings.na.logscale;
        ensureSpecanPlot(studio.specan.unit);
        ensureNaPlot(studio.na.logscale);
        for (const name of ['scope', 'specan']) $('#' + name + ' [data-avg]').setAttribute('aria-pressed', String((m.settings[name].averages ?? 1) > 1));
        if (m.demo) {
          const w = $('#wiring');
          w.replaceChildren(Object.assign(document.createElement('b'), { textContent: 'Demonstration: ' }), m.demo.wiring);
          w.title = m.demo.wiring;
          w.hidden = false;
          $('[data-wiring-hint]').hidden = true;
          if (m.demo.scopeWindowS) {
            plot.scope.state.zoom = [...m.demo.scopeWindowS];
            $('#scope [data-full]').hidden = false;
          }
        }
        setupModules($('#modules'), m.modules ?? [], { fieldControl, controlValue, send });
        setupLockbox(m.lockbox);
        for (const name of ['scope', 'specan', 'na']) showCursors(name);
        sendView();
        studio.ready = true;
        studio.times.hello = performance.now();
        status.textContent = 'connected';
        return;
      }
      case 'applied':
        studio.settings[m.instrument] = m.settings;
        // a loaded profile changes settings the page did not type: show them
        // a PID/IQ module's read-back (its quantised values) is shown at once, even in the row just typed in
        if (/^(pid|iq)\d$/.test(m.instrument) || document.activeElement?.closest?.('[data-instrument="' + m.instrument + '"]') == null) fill(panelOf(m.instrument), m.settings);
        if (m.instrument === 'specan') studio.specan.unit = m.settings.unit;
        if (m.instrument === 'na') studio.na.logscale = m.settings.logscale;
        clearError(m.instrument);
        return;
      case 'triggered':
        clearError(m.instrument);
        $('[data-triggered]', panelOf(m.instrument)).textContent = 'triggered at ' + (m.boardTimeMs / 1000).toFixed(6) + ' s (board time)';
        return;
      case 'state': {
        studio.states[m.instrument] = m;
        const el = $('[data-state]', panelOf(m.instrument));
        // the scope and the spectrum analyzer of the studio take turns with the scope: not waiting
        const turns = (m.instrument === 'scope' || m.instrument === 'specan') && /^(scope|specan)(, (scope|specan))*$/.test(m.holder ?? '');
        const waiting = m.mode !== 'idle' && m.holder !== null && m.holder !== OWNER[m.instrument] && !turns;
        el.textContent = waiting ? 'waiting: ' + m.holder + ' holds the hardware' : m.mode === 'run' ? 'running' : m.mode === 'single' ? 'single…' : 'stopped';
        el.classList.toggle('running', m.mode !== 'idle' && !waiting);
        return;
      }
      case 'measured':
        if (m.instrument === 'scope') showScopeMeasurements(m);
        else showSpecanPeaks(m);
        return;
      case 'shown':
        return onShown(m);
      case 'file':
        return onFile(m);
      case 'saved':
        studio.saved.push(m);
        status.textContent = 'saved as run ' + m.run + (m.label ? ' “' + m.label + '”' : '');
        return;
      case 'history':
        return showHistory(m);
      case 'profiles':
        return showProfiles(m);
      case 'fleet':
        studio.fleet = m.boards;
        fleetDirty = true;
        schedule();
        return;
      case 'overlay': {
        const p = m.id !== undefined ? studio.shown[m.id]?.plot : plot[m.instrument];
        studio.overlays[m.instrument] = m.curve ? m.curve.run : null;
        p?.setOverlay(m.curve ? { x: m.curve.x, y: m.curve.y } : null);
        if (m.instrument in dirty) dirty[m.instrument] = true;
        schedule();
        renderHistory();
        return;
      }
      case 'lock':
        onLockEvent(m.event);
        return;
      case 'lockStatus':
        showLockStatus(m.status);
        return;
      case 'lockConfig':
        // the configuration in force changed (this page's Apply or Lock, another page, a script)
        if (m.config) {
          lockbox.editor?.set(m.config, 'in force');
          clearError('lockbox');
        }
        return;
      case 'lockPreset':
        lockbox.editor?.set(m.config, 'preset ' + m.preset + ' (not applied)');
        return;
      case 'error':
        showError(m.instrument, m.error);
        return;
    }
  }

  // ---- lockbox: presets, the configuration editor (lockbox.js), Lock / Unlock, stages, status, error and output strip chart ----
  const lockbox = { plot: null, acks: 0, dirty: false, received: 0, drawn: 0, status: null, stages: [] };
  studio.lockbox = lockbox;
  function setupLockbox(info) {
    const panel = $('#lockbox');
    panel.hidden = !info;
    if (!info) return;
    const select = $('[data-lock-preset]', panel);
    const names = Object.keys(info.presets);
    select.replaceChildren(...names.map((n) => Object.assign(document.createElement('option'), { value: n, textContent: n })));
    const options = $('[data-lock-options]', panel);
    const fillOptions = () => {
      const preset = info.presets[select.value] ?? {};
      options.replaceChildren(
        ...Object.entries(preset).flatMap(([k, v]) => [
          Object.assign(document.createElement('span'), { className: 'name', textContent: k }),
          Object.assign(document.createElement('input'), { type: 'number', value: String(v), step: 'any' }),
        ]),
      );
      for (const [i, input] of Array.from(options.querySelectorAll('input')).entries()) input.dataset.option = Object.keys(preset)[i];
    };
    select.onchange = fillOptions;
    fillOptions();
    const presetOptions = () => {
      const opts = {};
      for (const input of options.querySelectorAll('input')) opts[input.dataset.option] = Number(input.value);
      return opts;
    };
    // built once (a second hello, after a reconnection, keeps it)
    const editor = (lockbox.editor ??= setupLockEditor($('[data-lock-editor]', panel), info.fields, { fieldControl, controlValue, fill }));
    $('[data-lock-load]', panel).onclick = () => {
      clearError('lockbox');
      send({ type: 'lockPreset', preset: select.value, options: presetOptions() });
    };
    $('[data-lock-apply]', panel).onclick = () => {
      clearError('lockbox');
      const config = editor.config();
      if (config) send({ type: 'lockConfig', config });
    };
    // the editor opens with the configuration in force, else with the chosen preset's (not applied)
    if (info.config) editor.set(info.config, 'in force');
    else send({ type: 'lockPreset', preset: select.value, options: presetOptions() });
    $('[data-lock]', panel).onclick = () => {
      clearError('lockbox');
      lockbox.stages = [];
      renderStages();
      // the editor's configuration (it becomes the one in force), or the preset until the editor has one
      const config = editor.config();
      send(config ? { type: 'lock', config } : { type: 'lock', preset: select.value, options: presetOptions() });
    };
    $('[data-unlock]', panel).onclick = () => send({ type: 'unlock' });
    lockbox.plot ??= createPlot(uPlot, $('[data-plot]', panel), {
      xUnit: 's',
      series: [{ label: 'error', width: 1.5 }, { label: 'PID output', scale: 'y2' }],
      scales: { y: { unit: 'V' }, y2: { unit: 'V', size: 76, range: (u, min, max) => (max > min ? [min - 0.08 * (max - min), max + 0.08 * (max - min)] : [min - 0.1, max + 0.1]) } },
      height: plotHeight(),
    });
    showLockStatus(info.status);
  }
  function renderStages() {
    $('[data-lock-stages]').replaceChildren(
      ...lockbox.stages.map((s) => Object.assign(document.createElement('li'), { className: 'reached', textContent: s })),
    );
  }
  function onLockEvent(e) {
    if (e.kind === 'calibration') lockbox.stages.push('calibrated ' + e.input + ' (' + si(e.timeS, 's', 3) + ')');
    else if (e.kind === 'stage') lockbox.stages.push('stage ' + e.stage + ' (' + si(e.timeS, 's', 3) + ')');
    else lockbox.stages.push((e.relock ? 'relocked' : 'locked') + ' (' + si(e.timeS, 's', 3) + ')');
    renderStages();
  }
  function showLockStatus(s) {
    lockbox.status = s;
    const el = $('[data-lock-state]');
    const word = s.locked ? 'locked' : s.state === 'relocking' ? 'relocking' : s.state === 'unlocked' ? 'unlocked' : s.state;
    el.textContent = word + (s.stage && !s.locked && s.state !== 'unlocked' ? ' · ' + s.stage : '') + (s.relocks ? ' · ' + s.relocks + ' relocks' : '');
    el.className = 'state ' + word;
    el.title = s.reason ?? '';
  }
  function onLockFrame(f) {
    lockbox.received++;
    lockbox.acks++;
    if (!lockbox.plot) return;
    const t = Float64Array.from(f.series[0], (dt) => f.x0 + dt);
    lockbox.plot.setData(t, [f.series[1], f.series[2]]);
    lockbox.dirty = true;
  }

  const dirty = { scope: false, specan: false, na: false };
  const acks = { scope: 0, specan: 0 };
  const history = { scope: [], specan: [] };
  const drawTimes = { scope: [], specan: [] };

  function onFrame(buffer) {
    if (waterfall.onFrame(buffer)) return;
    const f = decodeFrame(buffer);
    if (f.kind === FRAME_KIND.scope) {
      const s = studio.scope;
      Object.assign(s, { received: s.received + 1, seq: f.seq, nPoints: f.nPoints, samples: f.samples, envelope: (f.flags & FRAME_FLAG_ENVELOPE) !== 0, x0: f.x0, dx: f.dx, ch1: f.series[0], ch2: f.series[1] });
      s.acquisitionRate = rate(history.scope, f.seq, f.timestamp);
      plot.scope.setData(xs(f), [f.series[0], f.series[1]]);
      acks.scope++;
      dirty.scope = true;
    } else if (f.kind === FRAME_KIND.spectrum) {
      const s = studio.specan;
      const d = spectrumData(f, s.unit);
      ensureSpecanPlot(s.unit).setData(d.hz, [d.ch1, d.ch2]);
      Object.assign(s, { received: s.received + 1, seq: f.seq, frequencies: d.hz, ch1: d.ch1, ch2: d.ch2 });
      s.spectrumRate = rate(history.specan, f.seq, f.timestamp);
      acks.specan++;
      dirty.specan = true;
    } else if (f.kind === FRAME_KIND.naPoints || f.kind === FRAME_KIND.naSweep) {
      const na = studio.na;
      const [fs, re, im] = f.series;
      const first = f.kind === FRAME_KIND.naSweep ? 0 : f.done - f.nPoints;
      if (first === 0) {
        na.frequencies = [];
        na.magnitudeDb = [];
        na.phaseDeg = [];
        na.complete = false;
      }
      for (let i = 0; i < f.nPoints; i++) {
        na.frequencies[first + i] = fs[i];
        na.magnitudeDb[first + i] = 10 * Math.log10(re[i] * re[i] + im[i] * im[i]);
        na.phaseDeg[first + i] = (Math.atan2(im[i], re[i]) * 180) / Math.PI;
      }
      na.done = f.done;
      na.total = f.total;
      if (f.kind === FRAME_KIND.naSweep) {
        na.complete = true;
        na.sweeps = f.seq;
      }
      const progress = $('#na [data-progress]');
      progress.max = f.total;
      progress.value = f.done;
      $('#na [data-progress-text]').textContent = f.done + ' / ' + f.total + ' points' + (na.complete ? ' · sweep ' + na.sweeps + ' done' : '');
      ensureNaPlot(na.logscale).setData(na.frequencies.slice(0, f.done), [na.magnitudeDb.slice(0, f.done), na.phaseDeg.slice(0, f.done)]);
      showResonance();
      dirty.na = true;
    } else if (f.kind >= FRAME_KIND.shownTrace && f.kind <= FRAME_KIND.shownSeries) {
      onShownFrame(f);
    } else if (f.kind === FRAME_KIND.lockSignals) {
      onLockFrame(f);
    }
    schedule();
  }

  /** x values (SI units) of a uniformly spaced frame. */
  function xs(f) {
    const x = new Float64Array(f.nPoints);
    for (let i = 0; i < x.length; i++) x[i] = f.x0 + i * f.dx;
    return x;
  }

  /** A spectrum frame's values; log axes cannot show 0 or below, no axis shows ±Infinity (null: a gap). */
  function spectrumData(f, unit) {
    const log = !unit.startsWith('dB');
    const ys = [[], []];
    for (let i = 0; i < f.nPoints; i++) {
      for (let c = 0; c < 2; c++) {
        const v = f.series[c][i];
        ys[c].push(Number.isFinite(v) && (!log || v > 0) ? v : null);
      }
    }
    return { hz: xs(f), ch1: ys[0], ch2: ys[1] };
  }

  // ---- shown Observables (studio.show) ----
  function onShown(m) {
    let s = studio.shown[m.id];
    if (m.end?.reason === 'removed') {
      waterfall.detachShown(m.id);
      s?.plot?.uplot?.destroy();
      s?.panel.remove();
      delete studio.shown[m.id];
      return;
    }
    if (!s) {
      const panel = $('#shown-panel').content.firstElementChild.cloneNode(true);
      panel.dataset.shownId = String(m.id);
      $('[data-name]', panel).textContent = m.name;
      $('main').append(panel);
      s = studio.shown[m.id] = { id: m.id, name: m.name, kind: null, unit: '', panel, plot: null, received: 0, drawn: 0, paused: false, dirty: false, acks: 0, ended: null };
      wireTools(panel, 'shown', m.id, () => studio.shown[m.id]?.plot);
    }
    if (m.kind && (m.kind !== s.kind || m.unit !== s.unit)) {
      s.kind = m.kind;
      s.unit = m.unit;
      const el = $('[data-plot]', s.panel);
      s.plot?.uplot?.destroy();
      el.replaceChildren();
      const onCursors = () => showCursors('shown', m.id);
      if (m.kind === 'spectrogram') {
        // a spectrogram (studio.show of specan.spectrogram$): every row, as a waterfall
        s.plot = null;
        waterfall.attachShown(m.id, el, m.unit, $('[data-cursors]', s.panel));
      } else s.plot =
        m.kind === 'trace'
          ? createPlot(uPlot, el, { xUnit: 's', series: [{ label: 'ch1' }, { label: 'ch2' }], scales: { y: { unit: 'V' } }, height: plotHeight(), onCursors })
          : m.kind === 'spectrum'
            ? spectrumPlot(el, m.unit, onCursors)
            : m.kind === 'frequency-response'
              ? responsePlot(el, true, onCursors)
              : createPlot(uPlot, el, { xUnit: 's', series: [{ label: m.name + (m.unit ? ' (' + unitText(m.unit) + ')' : ''), width: 1.5 }], scales: { y: { unit: m.unit } }, height: plotHeight(), onCursors });
      showCursors('shown', m.id);
    }
    s.ended = m.end;
    const st = $('[data-state]', s.panel);
    st.textContent = m.end ? (m.end.reason === 'error' ? 'ended with an error' : 'completed') : 'live';
    st.classList.toggle('running', !m.end);
    s.panel.classList.toggle('ended', Boolean(m.end));
    if (m.end?.error) {
      const box = $('[data-error]', s.panel);
      box.textContent = m.end.error.message;
      box.hidden = false;
    }
    sendView();
  }

  function onShownFrame(f) {
    const s = studio.shown[f.total];
    if (!s) return;
    s.received++;
    s.acks++;
    if (!s.plot) return;
    if (f.kind === FRAME_KIND.shownTrace) s.plot.setData(xs(f), [f.series[0], f.series[1]]);
    else if (f.kind === FRAME_KIND.shownSpectrum) {
      const d = spectrumData(f, s.unit);
      s.plot.setData(d.hz, [d.ch1, d.ch2]);
    } else if (f.kind === FRAME_KIND.shownResponse) {
      const [fs, re, im] = f.series;
      const db = Array.from(fs, (_, i) => 10 * Math.log10(re[i] * re[i] + im[i] * im[i]));
      const deg = Array.from(fs, (_, i) => (Math.atan2(im[i], re[i]) * 180) / Math.PI);
      s.plot.setData(Float64Array.from(fs), [db, deg]);
    } else {
      const t = Float64Array.from(f.series[0], (dt) => f.x0 + dt);
      s.plot.setData(t, [f.series[1]]);
    }
    s.dirty = true;
  }

  /** Results per second over the last second of board time, from (seq, timestamp ms) pairs. */
  function rate(list, seq, timestamp) {
    list.push([seq, timestamp]);
    while (list.length > 2 && timestamp - list[0][1] > RATE_WINDOW_MS) list.shift();
    const [s0, t0] = list[0];
    return timestamp > t0 ? ((seq - s0) * 1000) / (timestamp - t0) : 0;
  }

  // ---- drawing: at most once per animation frame ----
  let framePending = false;
  let lastStats = 0;
  studio.frames = 0;
  function schedule() {
    if (!framePending) {
      framePending = true;
      requestAnimationFrame(draw);
    }
  }
  function draw(now) {
    framePending = false;
    let drewAny = false;
    for (const name of ['scope', 'specan', 'na']) {
      if (!dirty[name]) continue;
      dirty[name] = false;
      if (!plot[name]?.draw()) continue;
      drewAny = true;
      if (name === 'na') continue;
      studio[name].drawn++;
      if (name === 'scope' && studio.times.firstScope === null) studio.times.firstScope = now;
      const times = drawTimes[name];
      times.push(now);
      while (times.length > 1 && now - times[0] > RATE_WINDOW_MS) times.shift();
      studio[name].drawRate = times.length > 1 ? ((times.length - 1) * 1000) / (now - times[0]) : 0;
      if (plot[name].state.cursors.length) showCursors(name);
    }
    for (const s of Object.values(studio.shown)) {
      if (s.dirty) {
        s.dirty = false;
        if (s.plot?.draw()) {
          s.drawn++;
          drewAny = true;
          if (s.plot.state.cursors.length) showCursors('shown', s.id);
        }
      }
      for (; s.acks > 0; s.acks--) send({ type: 'ack', instrument: 'shown', id: s.id });
    }
    if (waterfall.draw()) drewAny = true;
    if (lockbox.dirty) {
      lockbox.dirty = false;
      if (lockbox.plot?.draw()) {
        lockbox.drawn++;
        drewAny = true;
      }
    }
    for (; lockbox.acks > 0; lockbox.acks--) send({ type: 'ack', instrument: 'lockbox' });
    if (fleetDirty) {
      fleetDirty = false;
      drawFleet();
      drewAny = true;
      send({ type: 'ack', instrument: 'fleet' });
    }
    if (drewAny) studio.frames++;
    // acknowledge after drawing: the server sends the next frames only then
    for (const name of ['scope', 'specan']) {
      for (; acks[name] > 0; acks[name]--) send({ type: 'ack', instrument: name });
    }
    if (now - lastStats > 500) {
      lastStats = now;
      const s = studio.scope;
      $('#scope [data-state]').title = s.received === 0 ? '' : s.acquisitionRate.toFixed(1) + ' acquisitions/s · ' + s.drawRate.toFixed(1) + ' frames/s drawn · ' + (s.envelope ? 'min/max envelope, ' + s.nPoints + ' of ' + s.samples + ' points' : s.nPoints + ' points');
      const p = studio.specan;
      $('#specan [data-state]').title = p.received === 0 ? '' : p.spectrumRate.toFixed(1) + ' spectra/s · ' + p.drawRate.toFixed(1) + ' frames/s drawn · unit ' + p.unit;
    }
  }

  function sendView() {
    const shownWidth = Object.values(studio.shown).find((s) => s.plot)?.plot.width;
    send({ type: 'view', widths: { scope: plot.scope.width, specan: plot.specan?.width ?? plot.scope.width, ...(shownWidth ? { shown: shownWidth } : {}) }, scopeWindow: plot.scope.state.zoom });
  }
  let resizePending = false;
  window.addEventListener('resize', () => {
    if (resizePending) return;
    resizePending = true;
    requestAnimationFrame(() => {
      resizePending = false;
      const h = plotHeight();
      for (const p of [plot.scope, plot.specan, plot.na, ...Object.values(studio.shown).map((s) => s.plot)]) p?.resize(h);
      sendView();
    });
  });

  studio.connected = ws.readyState === WebSocket.OPEN;
  ws.addEventListener('open', () => {
    studio.connected = true;
  });
  ws.addEventListener('close', () => {
    studio.connected = false;
    status.textContent = 'disconnected: restart `labrx studio` and open its new address';
  });
  const onMessage = (e) => {
    if (typeof e.data === 'string') onText(JSON.parse(e.data));
    else onFrame(e.data);
  };
  ws.onmessage = null;
  for (const e of socket?.early ?? []) onMessage(e);
  ws.addEventListener('message', onMessage);
  if (ws.readyState >= WebSocket.CLOSING) status.textContent = 'disconnected: restart `labrx studio` and open its new address';
}
