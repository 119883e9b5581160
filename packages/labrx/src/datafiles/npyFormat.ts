import { DataFileError } from './DataFileError.js';

/** An array as stored in a .npy file: row-major (C order) float64 values and their shape. */
export interface NpyArray {
  /** Dimensions, e.g. [201, 5] for 201 rows of 5 columns. */
  readonly shape: readonly number[];
  /** The values in row-major order (length = product of `shape`). */
  readonly data: Float64Array;
}

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // "\x93NUMPY"

/**
 * Encodes a float64 array in the NumPy .npy format, version 1.0: the magic string, the version,
 * a little-endian u16 header length, a Python-literal header dict padded with spaces to a multiple
 * of 64 bytes (as numpy writes it, so that the data are aligned), then the values as little-endian
 * IEEE doubles ('<f8') in C order. `numpy.load(path)` reads it.
 *
 * @param shape dimensions; their product must equal `data.length`
 */
export function encodeNpy(data: Float64Array, shape: readonly number[]): Uint8Array {
  const count = shape.reduce((a, b) => a * b, 1);
  if (count !== data.length || shape.some((d) => !Number.isSafeInteger(d) || d < 0)) throw new DataFileError('(npy)', `shape (${shape.join(', ')}) does not hold ${data.length} values`);
  // Python writes a 1-tuple as "(n,)"
  const shapeText = shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
  let header = `{'descr': '<f8', 'fortran_order': False, 'shape': ${shapeText}, }`;
  const preamble = MAGIC.length + 2 + 2;
  const total = Math.ceil((preamble + header.length + 1) / 64) * 64;
  header = header.padEnd(total - preamble - 1, ' ') + '\n';
  if (header.length > 0xffff) throw new DataFileError('(npy)', 'header too long for .npy version 1.0');
  const out = new Uint8Array(total + 8 * data.length);
  out.set(MAGIC, 0);
  out[6] = 1; // major version
  out[7] = 0; // minor version
  const view = new DataView(out.buffer, out.byteOffset, out.byteLength);
  view.setUint16(8, header.length, true);
  for (let i = 0; i < header.length; i++) out[preamble + i] = header.charCodeAt(i);
  for (let i = 0; i < data.length; i++) view.setFloat64(total + 8 * i, data[i]!, true);
  return out;
}

/**
 * Decodes a .npy file (versions 1.0, 2.0 and 3.0) holding little-endian float64 ('<f8') or
 * float32 ('<f4') values, in C or Fortran order; the result is always row-major float64.
 * Throws `DataFileError` for other dtypes or a damaged file.
 */
export function decodeNpy(bytes: Uint8Array, path = '(buffer)'): NpyArray {
  if (bytes.length < 10 || MAGIC.some((b, i) => bytes[i] !== b)) throw new DataFileError(path, 'not a .npy file (bad magic string)');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const major = bytes[6]!;
  if (major < 1 || major > 3) throw new DataFileError(path, `.npy version ${major}.${bytes[7]} is not supported (1.0, 2.0, 3.0 are)`);
  const headerLength = major === 1 ? view.getUint16(8, true) : view.getUint32(8, true);
  const headerStart = major === 1 ? 10 : 12;
  const header = new TextDecoder(major === 3 ? 'utf-8' : 'latin1').decode(bytes.subarray(headerStart, headerStart + headerLength));
  const descr = /'descr'\s*:\s*'([^']*)'/.exec(header)?.[1];
  const fortran = /'fortran_order'\s*:\s*(True|False)/.exec(header)?.[1];
  const shapeText = /'shape'\s*:\s*\(([^)]*)\)/.exec(header)?.[1];
  if (descr === undefined || fortran === undefined || shapeText === undefined) throw new DataFileError(path, `unreadable .npy header ${JSON.stringify(header.trim())}`);
  const itemSize = descr === '<f8' ? 8 : descr === '<f4' ? 4 : 0;
  if (itemSize === 0) throw new DataFileError(path, `dtype ${descr} is not supported ('<f8' or '<f4')`);
  const shape = shapeText
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0)
    .map(Number);
  if (shape.some((d) => !Number.isSafeInteger(d) || d < 0)) throw new DataFileError(path, `bad shape (${shapeText})`);
  const count = shape.reduce((a, b) => a * b, 1);
  const offset = headerStart + headerLength;
  if (bytes.length < offset + count * itemSize) throw new DataFileError(path, `truncated: ${count} values of ${itemSize} bytes need ${offset + count * itemSize} bytes, the file has ${bytes.length}`);
  const raw = new Float64Array(count);
  for (let i = 0; i < count; i++) raw[i] = itemSize === 8 ? view.getFloat64(offset + 8 * i, true) : view.getFloat32(offset + 4 * i, true);
  return { shape, data: fortran === 'True' && shape.length > 1 ? fortranToC(raw, shape) : raw };
}

/** Reorders column-major values to row-major. */
function fortranToC(raw: Float64Array, shape: readonly number[]): Float64Array {
  const out = new Float64Array(raw.length);
  const n = shape.length;
  const index = new Array<number>(n).fill(0);
  // strides of the Fortran layout
  const fStride = new Array<number>(n);
  fStride[0] = 1;
  for (let k = 1; k < n; k++) fStride[k] = fStride[k - 1]! * shape[k - 1]!;
  for (let i = 0; i < out.length; i++) {
    let src = 0;
    for (let k = 0; k < n; k++) src += index[k]! * fStride[k]!;
    out[i] = raw[src]!;
    for (let k = n - 1; k >= 0; k--) {
      if (++index[k]! < shape[k]!) break;
      index[k] = 0;
    }
  }
  return out;
}

/** Lays equal-length columns side by side: a (rows × columns) row-major array. */
export function columnsToMatrix(columns: readonly Float64Array[]): NpyArray {
  const rows = columns[0]?.length ?? 0;
  const cols = columns.length;
  const data = new Float64Array(rows * cols);
  for (let j = 0; j < cols; j++) {
    const c = columns[j]!;
    for (let i = 0; i < rows; i++) data[i * cols + j] = c[i]!;
  }
  return { shape: [rows, cols], data };
}

/** Columns accepted for an array of 0 rows, whose column count no data back. */
const MAX_EMPTY_COLUMNS = 4096;

/**
 * Splits a 2-D row-major array into its columns.
 *
 * @param expectedColumns when given, an array with another number of columns is refused before any
 *   column is allocated: a file declaring shape (0, 20000000) holds no data but would otherwise cost
 *   20 M arrays.
 */
export function matrixToColumns(array: NpyArray, path = '(buffer)', expectedColumns?: number): Float64Array[] {
  if (array.shape.length !== 2) throw new DataFileError(path, `expected a 2-D array (rows × quantities), got shape (${array.shape.join(', ')})`);
  const [rows, cols] = array.shape as [number, number];
  if (expectedColumns !== undefined && cols !== expectedColumns) throw new DataFileError(path, `the array has ${cols} columns, the sidecar names ${expectedColumns}`);
  // columns of an empty array are not backed by data: bound them (a result has a handful)
  if (rows === 0 && cols > MAX_EMPTY_COLUMNS) throw new DataFileError(path, `an empty array declaring ${cols} columns (at most ${MAX_EMPTY_COLUMNS} without data)`);
  return Array.from({ length: cols }, (_, j) => {
    const c = new Float64Array(rows);
    for (let i = 0; i < rows; i++) c[i] = array.data[i * cols + j]!;
    return c;
  });
}
