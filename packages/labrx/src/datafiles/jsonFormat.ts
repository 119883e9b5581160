import { DataFileError } from './DataFileError.js';
import { parseWithFloats, stringifyWithFloats } from './jsonFloats.js';
import { checkTable, type ResultTable } from './resultTable.js';

/** The `format` field of labrx JSON files. */
const JSON_FORMAT = 'labrx';
/** The `version` written; readers accept this one. */
const JSON_VERSION = 1;

/** The shape of a labrx JSON file (also the .npy sidecar, without `data`). */
export interface ResultJsonDocument {
  readonly format: 'labrx';
  readonly version: 1;
  readonly kind: ResultTable['kind'];
  /** Settings and the scalar fields of the result. */
  readonly meta: Record<string, unknown>;
  /** Column names and units, in order (the .npy array's columns). */
  readonly columns: readonly { readonly name: string; readonly unit: string }[];
  /** Column values by name (absent in the .npy sidecar). NaN and ±Infinity are `{"$float": "…"}`. */
  readonly data?: Record<string, number[]>;
}

/** The document of a table; `withData: false` leaves the values out (the .npy sidecar). */
export function tableToJsonDocument(table: ResultTable, withData = true): ResultJsonDocument {
  return {
    format: JSON_FORMAT,
    version: JSON_VERSION,
    kind: table.kind,
    meta: { ...table.meta },
    columns: table.columns.map((c) => ({ name: c.name, unit: c.unit })),
    ...(withData ? { data: Object.fromEntries(table.columns.map((c) => [c.name, Array.from(c.values)])) } : {}),
  };
}

/** Writes a table as JSON with its full metadata (see `ResultJsonDocument`). */
export function tableToJson(table: ResultTable): string {
  return stringifyWithFloats(tableToJsonDocument(table), 1) + '\n';
}

/** Parses a labrx JSON document (a full file or a sidecar) and checks its header. */
export function parseJsonDocument(text: string, path = '(buffer)'): ResultJsonDocument {
  let doc: ResultJsonDocument;
  try {
    doc = parseWithFloats(text) as ResultJsonDocument;
  } catch (error) {
    throw new DataFileError(path, 'not JSON', { cause: error });
  }
  if (!isObject(doc) || doc.format !== JSON_FORMAT || doc.version !== JSON_VERSION) throw new DataFileError(path, `not a labrx JSON file (format "${JSON_FORMAT}", version ${JSON_VERSION})`);
  // every field is checked before it is used: a file is data from anywhere
  if (!Array.isArray(doc.columns)) throw new DataFileError(path, "no 'columns' list");
  doc.columns.forEach((c: unknown, j) => {
    if (!isObject(c) || typeof c.name !== 'string' || typeof c.unit !== 'string') throw new DataFileError(path, `column ${j} is not { "name": string, "unit": string }: ${JSON.stringify(c)?.slice(0, 80)}`);
  });
  if (doc.meta !== undefined && !isObject(doc.meta)) throw new DataFileError(path, "'meta' is not an object");
  if (doc.data !== undefined && !isObject(doc.data)) throw new DataFileError(path, "'data' is not an object of columns");
  return doc;
}

/** Reads JSON written by `tableToJson` back into a table. */
export function jsonToTable(text: string, path = '(buffer)'): ResultTable {
  const doc = parseJsonDocument(text, path);
  const data = doc.data ?? {};
  const columns = doc.columns.map((c) => {
    const values = Object.hasOwn(data, c.name) ? data[c.name] : undefined;
    if (!Array.isArray(values)) throw new DataFileError(path, `no data for column '${c.name}'`);
    if (values.some((v) => typeof v !== 'number')) throw new DataFileError(path, `column '${c.name}' holds something other than numbers`);
    return { name: c.name, unit: c.unit, values: Float64Array.from(values) };
  });
  return checkTable({ kind: doc.kind, meta: doc.meta ?? {}, columns }, path);
}

/** A JSON object (not null, not an array). */
function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
