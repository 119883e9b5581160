import { readFile, writeFile } from 'node:fs/promises';
import { dataFormatOf, npySidecarPath, type DataFormat } from './dataFormat.js';
import { DataFileError } from './DataFileError.js';
import { decodeResult, encodeResult } from './encodeResult.js';
import type { LoadedResult, SavableResult } from './resultTable.js';

/**
 * Saves a result to `path` in the format its extension names (.csv, .json, .npy), or `format`.
 * Resolves with the files written: `[path]`, or `[path, path + '.json']` for .npy (the sidecar
 * holds settings, units and column names).
 *
 * @example
 * const h = await rp.na.single({ start: 5e5, stop: 2e6, points: 201 });
 * await saveResult('na.npy', h); // numpy.load('na.npy') → 201 × 5: f [Hz], re, im, |H|, phase [deg]
 */
export async function saveResult(path: string, result: SavableResult, options: { format?: DataFormat } = {}): Promise<string[]> {
  const format = options.format ?? dataFormatOf(path);
  const encoded = encodeResult(result, format);
  await writeFile(path, encoded.main);
  if (encoded.sidecar === undefined) return [path];
  const sidecar = npySidecarPath(path);
  await writeFile(sidecar, encoded.sidecar);
  return [path, sidecar];
}

/**
 * Loads a result saved by `saveResult` (or `labrx … --out`), giving back an equal result: the same
 * numbers, bit for bit, the same settings and scalars, tagged with its kind.
 *
 * @example
 * const { kind, result } = await loadResult('scope.csv'); // kind 'trace'
 */
export async function loadResult(path: string, options: { format?: DataFormat } = {}): Promise<LoadedResult> {
  const format = options.format ?? dataFormatOf(path);
  let main: Uint8Array;
  try {
    main = await readFile(path);
  } catch (error) {
    throw new DataFileError(path, 'cannot be read', { cause: error });
  }
  let sidecar: string | undefined;
  if (format === 'npy') {
    try {
      sidecar = await readFile(npySidecarPath(path), 'utf8');
    } catch (error) {
      throw new DataFileError(path, `its metadata sidecar ${npySidecarPath(path)} cannot be read`, { cause: error });
    }
  }
  return decodeResult(format, main, sidecar, path);
}
