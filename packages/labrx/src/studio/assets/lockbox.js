// The lockbox configuration editor of the studio page: the lockbox-wide settings, each named input
// and output, and the ordered stages, as forms built from the declared fields the server sends in
// hello.lockbox.fields (LOCKBOX_SETTINGS, LOCKBOX_INPUT_SETTINGS, LOCKBOX_OUTPUT_SETTINGS,
// LOCKBOX_STAGE_SETTINGS, and what a stage does with each output), as the instrument panels are.
// The editor holds one configuration as plain data (a LockboxConfig): the one in force (sent by the
// server when the page opens and whenever a page or a script changes it) or a preset's (Load
// preset), edited here; the page sends it with Apply ('lockConfig') or Lock. Every value is checked
// on the server; an error names the input, output or stage (its data-part here) and the setting.

const PARTS = { inputs: 'input', outputs: 'output' };
/** Settings that name an input or an output: their boxes offer the names the editor has. */
const REFERS = { input: 'inputs', lockedInput: 'inputs', locateWith: 'inputs', sweepOutput: 'outputs' };

/** The declared defaults of `fields` (what a new input, output or stage starts with). */
function defaults(fields) {
  return Object.fromEntries(fields.filter((f) => f.resolved && f.default !== null).map((f) => [f.name, f.default]));
}

const copy = (x) => JSON.parse(JSON.stringify(x));

/**
 * Builds the editor in `root` (the lockbox panel's [data-lock-editor]) from `fields`
 * (hello.lockbox.fields). `fieldControl` builds a control from a field descriptor, `controlValue`
 * reads one, `fill` writes settings into the controls under an element. Returns the editor:
 * `set(config, source)` shows a configuration, `config()` the one shown (null: none yet),
 * `source` what it is ('in force', 'preset NAME', 'edited').
 */
export function setupLockEditor(root, fields, { fieldControl, controlValue, fill }) {
  const ed = { top: {}, inputs: [], outputs: [], sequence: [], has: false, source: 'none' };
  const note = root.querySelector('[data-lock-source]');

  function controls(list) {
    const span = document.createElement('span');
    span.className = 'fields';
    span.replaceChildren(...list.filter((f) => f.form).map(fieldControl));
    return span;
  }
  function button(text, data, title) {
    const b = Object.assign(document.createElement('button'), { type: 'button', textContent: text, title });
    b.dataset[data] = '';
    return b;
  }
  function item(part, kind, index) {
    const row = document.createElement('div');
    row.className = 'controls generator lock-item';
    row.dataset.part = part;
    row.dataset.kind = kind;
    row.dataset.index = String(index);
    return row;
  }

  function named(kind) {
    return ed[kind].map(([name, settings], i) => {
      const row = item('lockbox.' + kind + '.' + name, kind, i);
      const box = Object.assign(document.createElement('input'), { type: 'text', value: name, size: 12, className: 'lock-name', title: PARTS[kind] + ' name (letters, digits, _ and -); renaming updates what refers to it' });
      box.dataset.name = '';
      const f = controls(fields[PARTS[kind]]);
      fill(f, settings);
      row.append(box, button('remove', 'remove', 'remove this ' + PARTS[kind]), f);
      return row;
    });
  }

  function stages() {
    const outputs = ed.outputs.map(([n]) => n);
    return ed.sequence.map((stage, k) => {
      const row = item('lockbox.sequence[' + k + ']', 'sequence', k);
      const n = Object.assign(document.createElement('strong'), { textContent: String(k + 1) + '.' });
      const f = controls(fields.stage);
      fill(f, stage);
      const per = outputs.map((o) => {
        const span = document.createElement('span');
        span.className = 'lock-stage-output';
        span.dataset.part = 'lockbox.sequence[' + k + '].outputs.' + o;
        span.dataset.output = o;
        const c = controls(fields.stageOutput);
        fill(c, { lock: false, ...(stage.outputs?.[o] ?? {}) });
        span.append(Object.assign(document.createElement('em'), { textContent: o + ':' }), c);
        return span;
      });
      row.append(n, button('↑', 'up', 'earlier in the sequence'), button('↓', 'down', 'later in the sequence'), button('remove', 'remove', 'remove this stage'), f, ...per);
      return row;
    });
  }

  function render() {
    const top = root.querySelector('[data-part="lockbox"]');
    const f = controls(fields.lockbox);
    fill(f, ed.top);
    top.replaceChildren(f);
    root.querySelector('[data-lock-inputs]').replaceChildren(...named('inputs'));
    root.querySelector('[data-lock-outputs]').replaceChildren(...named('outputs'));
    root.querySelector('[data-lock-sequence]').replaceChildren(...stages());
    // the names to choose from, for the settings that refer to an input or an output
    for (const kind of ['inputs', 'outputs']) {
      const id = 'lock-names-' + kind;
      const list = document.getElementById(id) ?? root.appendChild(Object.assign(document.createElement('datalist'), { id }));
      list.replaceChildren(...ed[kind].map(([n]) => new Option(n, n)));
    }
    for (const c of root.querySelectorAll('[data-setting]')) if (REFERS[c.dataset.setting] && c.tagName === 'INPUT') c.setAttribute('list', 'lock-names-' + REFERS[c.dataset.setting]);
    showSource();
  }

  function showSource(extra) {
    const count = (n, what) => n + ' ' + what + (n === 1 ? '' : 's');
    const counts = count(ed.inputs.length, 'input') + ' · ' + count(ed.outputs.length, 'output') + ' · ' + count(ed.sequence.length, 'stage');
    note.textContent = (ed.has ? ed.source + ' · ' + counts : 'no configuration yet: load a preset') + (extra ? ' · ' + extra : '');
  }

  function edited() {
    ed.has = true;
    if (ed.source !== 'edited') ed.source = 'edited (not applied)';
    showSource();
  }

  /** Renames an input or output and what refers to it (stages, lockedInput, sweepOutput, locateWith). */
  function rename(kind, i, to) {
    const from = ed[kind][i][0];
    if (to === from) return true;
    if (ed[kind].some(([n]) => n === to)) return false;
    ed[kind][i][0] = to;
    if (kind === 'inputs') {
      for (const s of ed.sequence) if (s.input === from) s.input = to;
      for (const [, s] of ed.inputs) if (s.locateWith === from) s.locateWith = to;
      if (ed.top.lockedInput === from) ed.top.lockedInput = to;
    } else {
      for (const s of ed.sequence) {
        if (s.outputs && from in s.outputs) {
          s.outputs[to] = s.outputs[from];
          delete s.outputs[from];
        }
      }
      if (ed.top.sweepOutput === from) ed.top.sweepOutput = to;
    }
    return true;
  }

  function freeName(kind, base) {
    const names = kind === 'sequence' ? ed.sequence.map((s) => s.name) : ed[kind].map(([n]) => n);
    for (let k = names.length + 1; ; k++) if (!names.includes(base + k)) return base + k;
  }

  /** A new output on a PID and a DAC no other output uses (when there is one). */
  function newOutput() {
    const s = defaults(fields.output);
    for (const key of ['pid', 'dac']) {
      const used = ed.outputs.map(([, o]) => o[key]);
      const free = fields.output.find((f) => f.name === key)?.choices?.find((c) => !used.includes(c));
      if (free !== undefined) s[key] = free;
    }
    return s;
  }

  function newStage() {
    const last = ed.sequence.at(-1);
    if (last) return { ...copy(last), name: freeName('sequence', 'stage') };
    const first = ed.outputs[0]?.[0];
    return { ...defaults(fields.stage), input: ed.inputs[0]?.[0] ?? 'input', ...(first ? { outputs: { [first]: { lock: true } } } : {}) };
  }

  root.addEventListener('change', (e) => {
    const c = e.target;
    const row = c.closest('[data-part]');
    if (!row) return;
    if (c.dataset.name !== undefined) {
      const kind = row.dataset.kind;
      const to = c.value.trim();
      if (!rename(kind, Number(row.dataset.index), to)) {
        c.value = ed[kind][Number(row.dataset.index)][0];
        return showSource('another ' + PARTS[kind] + ' is named ' + to);
      }
      edited();
      return render();
    }
    const setting = c.dataset.setting;
    if (!setting) return;
    let target;
    if (row.dataset.part === 'lockbox') target = ed.top;
    else if (row.dataset.output !== undefined) {
      const stage = ed.sequence[Number(row.closest('[data-kind]').dataset.index)];
      stage.outputs ??= {};
      target = stage.outputs[row.dataset.output] ??= { lock: false };
    } else if (row.dataset.kind === 'sequence') target = ed.sequence[Number(row.dataset.index)];
    else target = ed[row.dataset.kind][Number(row.dataset.index)][1];
    const v = controlValue(c);
    if (v === undefined) delete target[setting];
    else target[setting] = v;
    edited();
  });

  root.addEventListener('click', (e) => {
    const b = e.target.closest('button');
    if (!b || !root.contains(b)) return;
    const d = b.dataset;
    if (d.addInput !== undefined) ed.inputs.push([freeName('inputs', 'input'), defaults(fields.input)]);
    else if (d.addOutput !== undefined) ed.outputs.push([freeName('outputs', 'output'), newOutput()]);
    else if (d.addStage !== undefined) ed.sequence.push(newStage());
    else {
      const row = b.closest('[data-kind]');
      if (!row) return;
      const kind = row.dataset.kind;
      const i = Number(row.dataset.index);
      const list = ed[kind];
      if (d.remove !== undefined) {
        const [gone] = list.splice(i, 1);
        if (kind === 'outputs') {
          for (const s of ed.sequence) if (s.outputs) delete s.outputs[gone[0]];
          if (ed.top.sweepOutput === gone[0]) ed.top.sweepOutput = '';
        } else if (kind === 'inputs') {
          for (const [, s] of ed.inputs) if (s.locateWith === gone[0]) s.locateWith = '';
          if (ed.top.lockedInput === gone[0]) ed.top.lockedInput = '';
        }
      } else if (d.up !== undefined && i > 0) list.splice(i - 1, 0, ...list.splice(i, 1));
      else if (d.down !== undefined && i < list.length - 1) list.splice(i + 1, 0, ...list.splice(i, 1));
      else return;
    }
    edited();
    render();
  });

  return {
    /** Shows `config` (a LockboxConfig, every setting explicit); `source` says what it is. */
    set(config, source) {
      if (!config) return;
      const { inputs, outputs, sequence, ...top } = copy(config);
      Object.assign(ed, { top, inputs: Object.entries(inputs), outputs: Object.entries(outputs), sequence, has: true, source });
      render();
    },
    /** The configuration shown, as the server takes it, or null when there is none yet. */
    config() {
      if (!ed.has) return null;
      const outputs = ed.outputs.map(([n]) => n);
      return {
        ...ed.top,
        inputs: Object.fromEntries(ed.inputs),
        outputs: Object.fromEntries(ed.outputs),
        sequence: ed.sequence.map((s) => ({ ...s, outputs: Object.fromEntries(Object.entries(s.outputs ?? {}).filter(([o]) => outputs.includes(o))) })),
      };
    },
    get source() {
      return ed.source;
    },
  };
}
