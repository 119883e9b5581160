// The PID/IQ panel of the studio page: one row of controls per hardware module the board has
// (pid0–pid2, iq0–iq2), built from the declared fields the server sends in hello.modules, as the
// instrument panels are. Changing a field sends that field only (a module keeps what is not given);
// the server writes the module and answers with the read-back ('applied'), which the row then shows.

/**
 * Fills `panel` (the #modules section) with a row per module and shows it, or hides it when the board
 * has none (a plain SCPI board). `fieldControl` builds a control from a field descriptor,
 * `controlValue` reads one, `send` sends a message to the server.
 */
export function setupModules(panel, modules, { fieldControl, controlValue, send }) {
  const rows = panel.querySelector('[data-modules]');
  panel.hidden = modules.length === 0;
  rows.replaceChildren(
    ...modules.map((m) => {
      const row = document.createElement('div');
      row.className = 'controls generator module';
      row.dataset.instrument = m.name;
      const name = document.createElement('strong');
      name.textContent = m.name;
      const fields = document.createElement('span');
      fields.className = 'fields';
      fields.dataset.fields = '';
      fields.replaceChildren(...m.fields.filter((f) => f.form).map(fieldControl));
      const error = document.createElement('div');
      error.className = 'error';
      error.dataset.error = '';
      error.hidden = true;
      row.append(name, fields, error);
      row.addEventListener('change', (e) => {
        const setting = e.target.dataset?.setting;
        if (!setting) return;
        const value = controlValue(e.target);
        if (value === undefined) return;
        send({ type: 'settings', instrument: m.name, settings: { [setting]: value } });
      });
      return row;
    }),
  );
}
