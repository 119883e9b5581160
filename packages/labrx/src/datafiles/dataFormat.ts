import { extname } from 'node:path';
import { DataFileError } from './DataFileError.js';

/** File formats results are saved in. */
export const DATA_FORMATS = ['csv', 'json', 'npy'] as const;
/** A data file format. */
export type DataFormat = (typeof DATA_FORMATS)[number];

/** The format a path's extension names (.csv, .json, .npy); throws `DataFileError` otherwise. */
export function dataFormatOf(path: string): DataFormat {
  const ext = extname(path).slice(1).toLowerCase();
  if ((DATA_FORMATS as readonly string[]).includes(ext)) return ext as DataFormat;
  throw new DataFileError(path, `unknown extension '.${ext}': one of ${DATA_FORMATS.map((f) => `.${f}`).join(', ')}`);
}

/** Where the metadata of a .npy file go: `<file>.npy.json` beside it. */
export function npySidecarPath(npyPath: string): string {
  return `${npyPath}.json`;
}
