import { csvToTable, tableToCsv } from './csvFormat.js';
import type { DataFormat } from './dataFormat.js';
import { DataFileError } from './DataFileError.js';
import { jsonToTable, parseJsonDocument, tableToJson, tableToJsonDocument } from './jsonFormat.js';
import { columnsToMatrix, decodeNpy, encodeNpy, matrixToColumns } from './npyFormat.js';
import { stringifyWithFloats } from './jsonFloats.js';
import { resultToTable, tableToResult, checkTable, type LoadedResult, type SavableResult } from './resultTable.js';

/** A result encoded for one format: the file's bytes or text, and for .npy the metadata sidecar. */
export interface EncodedResult {
  /** The main file's contents. */
  readonly main: Uint8Array | string;
  /** JSON metadata to write beside a .npy file (`npySidecarPath`); absent for CSV and JSON. */
  readonly sidecar?: string;
}

/**
 * Encodes a result (Trace, Spectrum, FrequencyResponse or Spectrogram) in a format, in memory.
 * - csv: `# key: value` header lines (settings, units, scalars) and one column per quantity;
 * - json: the full metadata and every column;
 * - npy: a 2-D '<f8' array, one column per quantity (see `ResultTable` for the columns), with the
 *   metadata (and the column names and units) in a JSON sidecar.
 */
export function encodeResult(result: SavableResult, format: DataFormat): EncodedResult {
  const table = resultToTable(result);
  switch (format) {
    case 'csv':
      return { main: tableToCsv(table) };
    case 'json':
      return { main: tableToJson(table) };
    case 'npy': {
      const m = columnsToMatrix(table.columns.map((c) => c.values));
      return { main: encodeNpy(m.data, m.shape), sidecar: stringifyWithFloats(tableToJsonDocument(table, false), 1) + '\n' };
    }
  }
}

/** Decodes what `encodeResult` wrote back into the result; `path` is only for messages. */
export function decodeResult(format: DataFormat, main: Uint8Array | string, sidecar?: string, path = '(buffer)'): LoadedResult {
  const text = () => (typeof main === 'string' ? main : new TextDecoder().decode(main));
  switch (format) {
    case 'csv':
      return tableToResult(csvToTable(text(), path), path);
    case 'json':
      return tableToResult(jsonToTable(text(), path), path);
    case 'npy': {
      if (sidecar === undefined) throw new DataFileError(path, 'the metadata sidecar (<file>.npy.json) is missing: without it the columns are not known (use decodeNpy for the bare array)');
      if (typeof main === 'string') throw new DataFileError(path, 'a .npy file is binary: pass its bytes');
      const doc = parseJsonDocument(sidecar, path);
      // the sidecar's column count is checked before the columns are allocated (issue #12: a
      // 128-byte file declaring (0, 20000000) must not cost 20 M arrays)
      const columns = matrixToColumns(decodeNpy(main, path), path, doc.columns.length);
      const table = checkTable({ kind: doc.kind, meta: doc.meta ?? {}, columns: doc.columns.map((c, j) => ({ name: c.name, unit: c.unit, values: columns[j]! })) }, path);
      return tableToResult(table, path);
    }
  }
}
