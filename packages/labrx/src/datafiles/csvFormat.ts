import { DataFileError } from './DataFileError.js';
import { parseWithFloats, stringifyWithFloats } from './jsonFloats.js';
import { checkTable, type ResultTable } from './resultTable.js';

/** Version written in `# format:`; readers accept this one. */
const CSV_FORMAT = 'labrx-csv 1';

/**
 * Writes a result table as CSV: comment lines `# key: value` first (the value as JSON: settings,
 * dt, t0, unit, rbw, …, then `units`, one per column), then a header row of column names, then one
 * row per sample. Numbers are written as the shortest decimal that reads back as the same double,
 * so loading gives back exactly the saved numbers. Readable by spreadsheets and by
 * `numpy.loadtxt(path, delimiter=',', comments='#', skiprows=…)` / `pandas.read_csv(path, comment='#')`.
 *
 * @example
 * # labrx trace (t in s, ch1 in V, ch2 in V)
 * # format: "labrx-csv 1"
 * # kind: "trace"
 * # dt: 8e-9
 * …
 * # units: ["s","V","V"]
 * t,ch1,ch2
 * -0.000065536,0.0123,0.0119
 */
export function tableToCsv(table: ResultTable): string {
  const { columns } = table;
  const lines: string[] = [];
  lines.push(`# labrx ${table.kind} (${columns.map((c) => `${c.name} in ${c.unit}`).join(', ')})`);
  lines.push(`# format: ${JSON.stringify(CSV_FORMAT)}`);
  lines.push(`# kind: ${JSON.stringify(table.kind)}`);
  for (const [key, value] of Object.entries(table.meta)) lines.push(`# ${key}: ${stringifyWithFloats(value)}`);
  lines.push(`# units: ${JSON.stringify(columns.map((c) => c.unit))}`);
  lines.push(columns.map((c) => c.name).join(','));
  const n = columns[0]?.values.length ?? 0;
  const row = new Array<string>(columns.length);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < columns.length; j++) {
      const x = columns[j]!.values[i]!;
      row[j] = Object.is(x, -0) ? '-0' : String(x); // String(-0) is '0'; '-0' reads back as −0
    }
    lines.push(row.join(','));
  }
  return lines.join('\n') + '\n';
}

/** Reads CSV written by `tableToCsv` back into a table; throws `DataFileError` on anything else. */
export function csvToTable(text: string, path = '(buffer)'): ResultTable {
  const lines = text.split(/\r?\n/);
  const meta: Record<string, unknown> = {};
  let i = 0;
  for (; i < lines.length && lines[i]!.startsWith('#'); i++) {
    const m = /^#\s*([A-Za-z_][\w.-]*):\s(.*)$/.exec(lines[i]!);
    if (!m) continue; // free text, like the first line
    try {
      meta[m[1]!] = parseWithFloats(m[2]!);
    } catch (error) {
      throw new DataFileError(path, `line ${i + 1}: the value of '${m[1]}' is not JSON`, { cause: error });
    }
  }
  const { format, kind, units, ...rest } = meta;
  if (format !== CSV_FORMAT) throw new DataFileError(path, `not a labrx CSV file (no '# format: "${CSV_FORMAT}"' line)`);
  const names = (lines[i++] ?? '').split(',');
  if (!Array.isArray(units) || units.length !== names.length) throw new DataFileError(path, `'# units:' must list one unit per column (${names.length} columns)`);
  const rows = lines.slice(i).filter((l) => l.length > 0);
  const values = names.map(() => new Float64Array(rows.length));
  rows.forEach((line, r) => {
    const cells = line.split(',');
    if (cells.length !== names.length) throw new DataFileError(path, `line ${i + r + 1}: ${cells.length} cells, expected ${names.length}`);
    for (let j = 0; j < cells.length; j++) {
      const x = csvNumber(cells[j]!);
      if (x === undefined) throw new DataFileError(path, `line ${i + r + 1}: ${JSON.stringify(cells[j])} is not a number (a decimal, NaN, Infinity or -Infinity)`);
      values[j]![r] = x;
    }
  });
  const table: ResultTable = {
    kind: kind as ResultTable['kind'],
    meta: rest,
    columns: names.map((name, j) => ({ name, unit: String(units[j]), values: values[j]! })),
  };
  return checkTable(table, path);
}

/** A decimal number as `String(x)` writes it: sign, digits, optional fraction and exponent. */
const DECIMAL = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

/**
 * Reads one CSV cell as a number: a decimal (surrounding blanks allowed), `NaN`, `Infinity` or
 * `-Infinity`, an empty cell as NaN; `undefined` for anything else. `Number()` alone would also take
 * `0x10`, `0b11`, `0o7` and read `1e999` as Infinity; none of these is something labrx writes.
 */
function csvNumber(cell: string): number | undefined {
  const text = cell.trim();
  if (text === '' || text === 'NaN') return NaN;
  if (text === 'Infinity' || text === '-Infinity') return Number(text);
  if (!DECIMAL.test(text)) return undefined;
  const x = Number(text);
  return Number.isFinite(x) ? x : undefined;
}
