import { frequencyResponse, resultKindOf, RESULT_KINDS, type FrequencyResponse, type LoadedResult, type ResultKind, type SavableResult, type SavedFrequencyResponse, type Spectrum, type SpectrumUnit, type Trace } from '@labrx/core';
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
  if (kind === null) throw new DataFileError('(result)', 'not a Trace, Spectrum or FrequencyResponse');
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
  }
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
