// The studio page: controls → JSON messages; binary frames → plots, drawn at most once per
// animation frame. Everything the plots show is also on `window.labrx`, for tests and the console.

const OWNER = { scope: 'scope', specan: 'specan', na: 'na' };
const RATE_WINDOW_MS = 1000;

/** Starts the page; `token` is the per-start token from the page's URL. */
export async function main(token) {
  const q = '?token=' + encodeURIComponent(token);
  // module imports carry the token too, so they are dynamic (a static import cannot add a query)
  const [{ default: uPlot }, { decodeFrame, FRAME_KIND, FRAME_FLAG_ENVELOPE }, plots] = await Promise.all([
    import('/assets/uPlot.esm.js' + q),
    import('/assets/frames.js' + q),
    import('/assets/plots.js' + q),
  ]);

  const $ = (sel, root = document) => root.querySelector(sel);
  const status = $('#status');
  const studio = {
    ready: false,
    connected: false,
    board: null,
    settings: {},
    states: {},
    errors: [],
    scope: { received: 0, drawn: 0, seq: 0, acquisitionRate: 0, drawRate: 0, nPoints: 0, samples: 0, envelope: false, x0: 0, dx: 0, ch1: null, ch2: null },
    specan: { received: 0, drawn: 0, seq: 0, spectrumRate: 0, drawRate: 0, unit: '', frequencies: null, ch1: null, ch2: null },
    na: { done: 0, total: 0, sweeps: 0, complete: false, logscale: true, frequencies: [], magnitudeDb: [], phaseDeg: [] },
  };
  window.labrx = studio;

  const plot = {
    scope: plots.scopePlot(uPlot, $('#scope [data-plot]')),
    specan: plots.spectrumPlot(uPlot, $('#specan [data-plot]')),
    na: plots.responsePlot(uPlot, $('#na [data-plot]')),
  };
  // the uPlot instances, whose `data` is exactly what is drawn (for tests)
  studio.plots = plot;

  const ws = new WebSocket('ws://' + location.host + '/ws' + q);
  ws.binaryType = 'arraybuffer';
  const send = (m) => ws.readyState === WebSocket.OPEN && ws.send(JSON.stringify(m));

  // ---- controls ----
  const panels = [...document.querySelectorAll('[data-instrument]')];
  const panelOf = (name) => document.querySelector('[data-instrument="' + name + '"]');

  function gather(panel) {
    const out = {};
    for (const c of panel.querySelectorAll('[data-setting]')) {
      const name = c.dataset.setting;
      if (c.dataset.type === 'boolean') out[name] = c.checked;
      else if (c.dataset.type === 'number') {
        const text = c.value.trim();
        if (text === '') continue;
        const x = Number(text);
        // a non-number goes to the server as typed, so that its SettingsError shows what was typed
        out[name] = Number.isFinite(x) ? x : text;
      } else out[name] = c.value;
    }
    return out;
  }

  function fill(panel, settings) {
    for (const c of panel.querySelectorAll('[data-setting]')) {
      const v = settings?.[c.dataset.setting];
      if (v === undefined || v === null) continue;
      if (c.dataset.type === 'boolean') c.checked = Boolean(v);
      else c.value = String(v);
    }
  }

  function showError(instrument, error) {
    const panel = instrument === 'studio' ? null : panelOf(instrument);
    studio.errors.push({ instrument, ...error });
    const box = panel ? $('[data-error]', panel) : status;
    const lines = [error.message];
    if (error.setting !== undefined) lines.push('setting: ' + error.setting + ' · value: ' + error.value + ' · allowed: ' + error.allowed);
    box.textContent = lines.join('\n');
    box.hidden = false;
    if (panel && error.setting) panel.querySelector('[data-setting="' + error.setting + '"]')?.classList.add('invalid');
  }

  function clearError(instrument) {
    const panel = panelOf(instrument);
    if (!panel) return;
    const box = $('[data-error]', panel);
    box.hidden = true;
    box.textContent = '';
    for (const c of panel.querySelectorAll('.invalid')) c.classList.remove('invalid');
  }

  for (const panel of panels) {
    const instrument = panel.dataset.instrument;
    const generator = instrument.startsWith('asg');
    panel.addEventListener('change', (e) => {
      if (!e.target.dataset?.setting) return;
      send({ type: 'settings', instrument, settings: gather(panel) });
    });
    for (const b of panel.querySelectorAll('[data-run]')) {
      b.addEventListener('click', () => {
        const mode = b.dataset.run;
        send(mode === 'stop' ? { type: 'run', instrument, mode } : { type: 'run', instrument, mode, settings: gather(panel) });
      });
    }
    if (generator) $('[data-apply]', panel).addEventListener('click', () => send({ type: 'settings', instrument, settings: gather(panel) }));
  }

  /**
   * Builds each panel's controls from the field descriptors the server sends (declared once with
   * each setting, docs/decisions/0009): a select for choices and powers of two, a checkbox for a
   * boolean, a text box for a number; the label says the name and unit, the tooltip the doc and
   * what is allowed.
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
    } else {
      control = document.createElement('input');
      control.type = 'text';
      control.dataset.type = 'number';
      control.inputMode = f.kind === 'integer' ? 'numeric' : 'decimal';
      control.size = f.kind === 'integer' ? 5 : 8;
    }
    control.dataset.setting = f.name;
    const text = f.name + (f.unit ? ' (' + f.unit + ')' : '');
    if (f.kind === 'boolean') label.append(control, ' ' + text);
    else label.append(text + ' ', control);
    return label;
  }

  // ---- messages ----
  function onText(m) {
    switch (m.type) {
      case 'hello': {
        studio.board = m.board;
        studio.settings = m.settings;
        $('#board').textContent = m.board.model + ' · ' + m.board.id + ' · ' + m.board.sampleRateHz / 1e6 + ' MS/s';
        setupFields(m.fields);
        for (const name of Object.keys(m.settings)) fill(panelOf(name), m.settings[name]);
        studio.specan.unit = m.settings.specan.unit;
        studio.na.logscale = m.settings.na.logscale;
        sendView();
        studio.ready = true;
        status.textContent = 'connected';
        return;
      }
      case 'applied':
        studio.settings[m.instrument] = m.settings;
        if (m.instrument === 'specan') studio.specan.unit = m.settings.unit;
        if (m.instrument === 'na') studio.na.logscale = m.settings.logscale;
        clearError(m.instrument);
        return;
      case 'state': {
        studio.states[m.instrument] = m;
        const el = $('[data-state]', panelOf(m.instrument));
        const waiting = m.mode !== 'idle' && m.holder !== null && m.holder !== OWNER[m.instrument];
        el.textContent = waiting ? 'waiting: ' + m.holder + ' holds the hardware' : m.mode === 'run' ? 'running' : m.mode === 'single' ? 'single…' : 'stopped';
        el.classList.toggle('running', m.mode !== 'idle' && !waiting);
        return;
      }
      case 'error':
        showError(m.instrument, m.error);
        return;
    }
  }

  const dirty = { scope: false, specan: false, na: false };
  const acks = { scope: 0, specan: 0 };
  const history = { scope: [], specan: [] };
  const drawTimes = { scope: [], specan: [] };

  function onFrame(buffer) {
    const f = decodeFrame(buffer);
    if (f.kind === FRAME_KIND.scope) {
      const s = studio.scope;
      Object.assign(s, { received: s.received + 1, seq: f.seq, nPoints: f.nPoints, samples: f.samples, envelope: (f.flags & FRAME_FLAG_ENVELOPE) !== 0, x0: f.x0, dx: f.dx, ch1: f.series[0], ch2: f.series[1] });
      s.acquisitionRate = rate(history.scope, f.seq, f.timestamp);
      plot.scope.update(f);
      acks.scope++;
      dirty.scope = true;
    } else if (f.kind === FRAME_KIND.spectrum) {
      const s = studio.specan;
      plot.specan.update(f, s.unit);
      const d = plot.specan.data;
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
      $('#na [data-progress-text]').textContent = f.done + ' / ' + f.total + (na.complete ? ' · sweep ' + na.sweeps + ' done' : '');
      plot.na.update(na.frequencies.slice(0, f.done), na.magnitudeDb.slice(0, f.done), na.phaseDeg.slice(0, f.done), na.logscale);
      dirty.na = true;
    }
    schedule();
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
  function schedule() {
    if (!framePending) {
      framePending = true;
      requestAnimationFrame(draw);
    }
  }
  function draw(now) {
    framePending = false;
    for (const name of ['scope', 'specan', 'na']) {
      if (!dirty[name]) continue;
      dirty[name] = false;
      if (!plot[name].draw()) continue;
      if (name !== 'na') {
        studio[name].drawn++;
        const times = drawTimes[name];
        times.push(now);
        while (times.length > 1 && now - times[0] > RATE_WINDOW_MS) times.shift();
        studio[name].drawRate = times.length > 1 ? ((times.length - 1) * 1000) / (now - times[0]) : 0;
      }
    }
    // acknowledge after drawing: the server sends the next frames only then
    for (const name of ['scope', 'specan']) {
      for (; acks[name] > 0; acks[name]--) send({ type: 'ack', instrument: name });
    }
    if (now - lastStats > 500) {
      lastStats = now;
      const s = studio.scope;
      $('#scope [data-stats]').textContent =
        s.received === 0 ? '' : s.acquisitionRate.toFixed(1) + ' acquisitions/s · ' + s.drawRate.toFixed(1) + ' frames/s drawn · ' + (s.envelope ? 'min/max envelope, ' + s.nPoints + ' of ' + s.samples + ' points' : s.nPoints + ' points');
      const p = studio.specan;
      $('#specan [data-stats]').textContent = p.received === 0 ? '' : p.spectrumRate.toFixed(1) + ' spectra/s · ' + p.drawRate.toFixed(1) + ' frames/s drawn · unit ' + p.unit;
    }
  }

  function sendView() {
    send({ type: 'view', widths: { scope: plot.scope.width, specan: plot.specan.width } });
  }
  let resizePending = false;
  window.addEventListener('resize', () => {
    if (resizePending) return;
    resizePending = true;
    requestAnimationFrame(() => {
      resizePending = false;
      for (const p of Object.values(plot)) p.resize();
      sendView();
    });
  });

  ws.addEventListener('open', () => {
    studio.connected = true;
  });
  ws.addEventListener('close', () => {
    studio.connected = false;
    status.textContent = 'disconnected: restart `labrx studio` and open its new address';
  });
  ws.addEventListener('message', (e) => {
    if (typeof e.data === 'string') onText(JSON.parse(e.data));
    else onFrame(e.data);
  });
}
