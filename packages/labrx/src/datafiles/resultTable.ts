import { frequencyResponse, resultKindOf, RESULT_KINDS, spectrogramProblem, type FrequencyResponse, type LoadedResult, type ResultKind, type SavableResult, type SavedFrequencyResponse, type Spectrogram, type Spectrum, type SpectrumUnit, type Trace } from '@labrx/core';
import { DataFileError } from './DataFileError.js';

export { RESULT_KINDS, type ResultKind, type SavedFrequencyResponse, type SavableResult, type LoadedResult } from '@labrx/core';

/** One column of a saved result: a quantity, its unit ('1' for dimensionless) and its values. */
export interface ResultColumn {
  /** Column name as written in files ('t', 'ch1', 'f', 're', …). */
  readonly name: string;
  /** SI unit or spectrum unit; '1' when dimensionless. */
  readonly unit: string;
  readonly values: Float64Array;
}

/**
 * The format-independent form of a result that every file format serialises: scalar metadata
 * (settings and the scalar fields of the result) and equal-length columns.
 *
 * Columns by kind (what .npy users get, in this order):
 * - trace: `t` [s] (t0 + i·dt, relative to the trigger), `ch1` [V], `ch2` [V]
 * - spectrum: `f` [Hz], `ch1` [unit], `ch2` [unit] (a channel that was not analysed is left out)
 * - frequency-response: `f` [Hz], `re` [1], `im` [1], `magnitude` [1], `phase` [deg]
 *   (`magnitude` and `phase` are derived from re/im for convenience; loading uses re and im)
 * - spectrogram: one row per spectrum — `t` [s] (the row's start since the stream started), then
 *   one column per bin and channel named `ch1@<f>` [unit] (f: the bin's frequency in Hz, the
 *   shortest decimal that reads back as the same double), all of ch1's bins, then ch2's (a channel
 *   that was not analysed is left out). In NumPy: `a[:, 1:1 + bins]` is ch1's rows × bins.
 */
export interface ResultTable {
  readonly kind: ResultKind;
  /** JSON-able scalar metadata: dt, t0, timestamp, unit, rbw, window, averages, settings … */
  readonly meta: Readonly<Record<string, unknown>>;
  readonly columns: readonly ResultColumn[];
}

/** Tells which kind of result `r` is, by its fields; throws `DataFileError` for anything else. */
export function resultKind(r: unknown): ResultKind {
  const kind = resultKindOf(r);
  if (kind === null) throw new DataFileError('(result)', 'not a Trace, Spectrum, FrequencyResponse or Spectrogram');
  return kind;
}

/** Splits a result into metadata and columns (see `ResultTable` for the columns of each kind). */
export function resultToTable(r: SavableResult): ResultTable {
  const kind = resultKind(r);
  if (kind === 'trace') {
    const tr = r as Trace;
    const t = new Float64Array(tr.ch1.length);
    for (let i = 0; i < t.length; i++) t[i] = tr.t0 + i * tr.dt;
    return {
      kind,
      meta: { dt: tr.dt, t0: tr.t0, averages: tr.averages, timestamp: tr.timestamp, settings: tr.settings },
      columns: [{ name: 't', unit: 's', values: t }, ...channelColumns(tr.ch1, tr.ch2, 'V', t.length)],
    };
  }
  if (kind === 'spectrum') {
    const s = r as Spectrum;
    return {
      kind,
      meta: { unit: s.unit, rbw: s.rbw, window: s.window, averages: s.averages, settings: s.settings },
      columns: [{ name: 'f', unit: 'Hz', values: s.frequencies }, ...channelColumns(s.ch1, s.ch2, s.unit, s.frequencies.length)],
    };
  }
  if (kind === 'spectrogram') return spectrogramToTable(r as Spectrogram);
  const h = r as SavedFrequencyResponse;
  return {
    kind,
    meta: { ...(h.averages !== undefined ? { averages: h.averages } : {}), settings: h.settings },
    columns: [
      { name: 'f', unit: 'Hz', values: h.frequencies },
      { name: 're', unit: '1', values: h.re },
      { name: 'im', unit: '1', values: h.im },
      { name: 'magnitude', unit: '1', values: h.magnitude() },
      { name: 'phase', unit: 'deg', values: h.phaseDeg() },
    ],
  };
}

/** Rebuilds the result from its table; throws `DataFileError` naming what is missing. */
export function tableToResult(table: ResultTable, path = '(buffer)'): LoadedResult {
  const col = (name: string, optional = false): Float64Array => {
    const c = table.columns.find((x) => x.name === name);
    if (c) return c.values;
    if (optional) return new Float64Array(0);
    throw new DataFileError(path, `a ${table.kind} needs a column '${name}' (found: ${table.columns.map((x) => x.name).join(', ') || 'none'})`);
  };
  const num = (key: string): number => {
    const v = table.meta[key];
    if (typeof v !== 'number') throw new DataFileError(path, `a ${table.kind} needs a number '${key}' in its metadata (found ${JSON.stringify(v)})`);
    return v;
  };
  const str = (key: string): string => {
    const v = table.meta[key];
    if (typeof v !== 'string') throw new DataFileError(path, `a ${table.kind} needs a string '${key}' in its metadata (found ${JSON.stringify(v)})`);
    return v;
  };
  const settings = table.meta.settings ?? null;
  switch (table.kind) {
    case 'trace': {
      const ch1 = col('ch1', true);
      const result: Trace = { dt: num('dt'), t0: num('t0'), ch1, ch2: col('ch2', true), averages: num('averages'), settings: settings as Trace['settings'], timestamp: num('timestamp') };
      return { kind: 'trace', result };
    }
    case 'spectrum': {
      const result: Spectrum = {
        frequencies: col('f'),
        ch1: col('ch1', true),
        ch2: col('ch2', true),
        unit: str('unit') as SpectrumUnit,
        rbw: num('rbw'),
        window: str('window'),
        averages: num('averages'),
        settings,
      };
      return { kind: 'spectrum', result };
    }
    case 'frequency-response': {
      const h = frequencyResponse(col('f'), col('re'), col('im'), settings);
      const averages = table.meta.averages;
      return { kind: 'frequency-response', result: typeof averages === 'number' ? { ...h, averages } : h };
    }
    case 'spectrogram': {
      const { frequencies, ch1, ch2 } = tableToRows(table, path);
      const result: Spectrogram = { frequencies, times: col('t'), ch1, ch2, unit: str('unit') as SpectrumUnit, rbw: num('rbw'), window: str('window'), averages: num('averages'), settings };
      return { kind: 'spectrogram', result };
    }
  }
}

/** The name of a spectrogram's bin column: `ch1@1953.125` (f in Hz, read back exactly). */
export function spectrogramColumnName(channel: 'ch1' | 'ch2', frequencyHz: number): string {
  return `${channel}@${Object.is(frequencyHz, -0) ? '-0' : String(frequencyHz)}`;
}

/** A decimal as `String(x)` writes it (what `spectrogramColumnName` writes). */
const DECIMAL = /^-?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

/** A spectrogram as a table: `t`, then a column per bin of ch1, then of ch2 (see `ResultTable`). */
function spectrogramToTable(s: Spectrogram): ResultTable {
  const problem = spectrogramProblem(s);
  if (problem !== null) throw new DataFileError('(result)', problem);
  const rows = s.times.length;
  const bins = s.frequencies.length;
  const columns: ResultColumn[] = [{ name: 't', unit: 's', values: s.times }];
  for (const [name, ch] of [['ch1', s.ch1], ['ch2', s.ch2]] as const) {
    if (ch.length === 0) continue;
    for (let k = 0; k < bins; k++) {
      const values = new Float64Array(rows);
      for (let r = 0; r < rows; r++) values[r] = ch[r * bins + k]!;
      columns.push({ name: spectrogramColumnName(name, s.frequencies[k]!), unit: s.unit, values });
    }
  }
  return { kind: 'spectrogram', meta: { unit: s.unit, rbw: s.rbw, window: s.window, averages: s.averages, settings: s.settings }, columns };
}

/** A spectrogram table's bin columns back into frequencies and row-major channels; `DataFileError` names what is wrong. */
function tableToRows(table: ResultTable, path: string): { frequencies: Float64Array; ch1: Float64Array; ch2: Float64Array } {
  const [t, ...bins] = table.columns;
  if (t?.name !== 't') throw new DataFileError(path, `a spectrogram's first column is 't' (the row times in s), found ${JSON.stringify(t?.name ?? 'none')}`);
  const byChannel: Record<'ch1' | 'ch2', { f: number[]; values: Float64Array[] }> = { ch1: { f: [], values: [] }, ch2: { f: [], values: [] } };
  let last: 'ch1' | 'ch2' = 'ch1';
  for (const c of bins) {
    const m = /^(ch[12])@(.*)$/.exec(c.name);
    const f = m && DECIMAL.test(m[2]!) ? Number(m[2]) : NaN;
    if (!m || !Number.isFinite(f)) throw new DataFileError(path, `column ${JSON.stringify(c.name)} is not a spectrogram bin: 'ch1@<f in Hz>' or 'ch2@<f in Hz>'`);
    const ch = m[1] as 'ch1' | 'ch2';
    if (ch === 'ch1' && last === 'ch2') throw new DataFileError(path, `column ${JSON.stringify(c.name)}: ch1's bins come before ch2's`);
    last = ch;
    byChannel[ch].f.push(f);
    byChannel[ch].values.push(c.values);
  }
  const { ch1, ch2 } = byChannel;
  if (ch1.f.length === 0 && ch2.f.length === 0) throw new DataFileError(path, "a spectrogram needs bin columns ('ch1@<f in Hz>', …); found none");
  if (ch1.f.length && ch2.f.length && (ch1.f.length !== ch2.f.length || ch1.f.some((f, k) => !Object.is(f, ch2.f[k])))) {
    throw new DataFileError(path, `ch1 and ch2 must have the same bins (${ch1.f.length} and ${ch2.f.length} columns, or different frequencies)`);
  }
  const frequencies = Float64Array.from(ch1.f.length ? ch1.f : ch2.f);
  const rows = t.values.length;
  const n = frequencies.length;
  const matrix = (cols: Float64Array[]): Float64Array => {
    if (cols.length === 0) return new Float64Array(0);
    const out = new Float64Array(rows * n);
    cols.forEach((col, k) => {
      for (let r = 0; r < rows; r++) out[r * n + k] = col[r]!;
    });
    return out;
  };
  const result = { frequencies, times: t.values, ch1: matrix(ch1.values), ch2: matrix(ch2.values) };
  const problem = spectrogramProblem(result);
  if (problem !== null) throw new DataFileError(path, problem);
  return result;
}

/** Channel columns, leaving out a channel that was not recorded (empty); both must match `n`. */
function channelColumns(ch1: Float64Array, ch2: Float64Array, unit: string, n: number): ResultColumn[] {
  const out: ResultColumn[] = [];
  for (const [name, values] of [['ch1', ch1], ['ch2', ch2]] as const) {
    if (values.length === 0) continue;
    if (values.length !== n) throw new DataFileError('(result)', `${name} has ${values.length} values, the axis has ${n}`);
    out.push({ name, unit, values });
  }
  return out;
}

/** Checks that a table read from a file is well formed (known kind, equal column lengths). */
export function checkTable(table: ResultTable, path: string): ResultTable {
  if (!(RESULT_KINDS as readonly string[]).includes(table.kind)) throw new DataFileError(path, `unknown result kind ${JSON.stringify(table.kind)}: one of ${RESULT_KINDS.join(', ')}`);
  const n = table.columns[0]?.values.length ?? 0;
  for (const c of table.columns) {
    if (c.values.length !== n) throw new DataFileError(path, `column '${c.name}' has ${c.values.length} values, '${table.columns[0]!.name}' has ${n}`);
  }
  return table;
}
