/**
 * Number and data-block formatting byte-for-byte as the Red Pitaya server (C printf) writes it.
 */

function trimZeros(s: string): string {
  return s.includes('.') ? s.replace(/\.?0+$/, '') : s;
}

/**
 * C `printf("%.<precision>g")`: `0.5`, `1000`, `1e+06`, `-0.0125`. Settings the Red Pitaya keeps as
 * C `float` should be passed through `Math.fround` first, as the server formats the float.
 */
export function formatG(value: number, precision = 6): string {
  if (Number.isNaN(value)) return 'nan';
  if (!Number.isFinite(value)) return value > 0 ? 'inf' : '-inf';
  if (value === 0) return Object.is(value, -0) ? '-0' : '0';
  const p = Math.max(1, precision);
  const exp = value.toExponential(p - 1); // rounded to p significant digits: tells the exponent X
  const x = Number(exp.slice(exp.indexOf('e') + 1));
  if (x < -4 || x >= p) {
    const [mant, e] = exp.split('e') as [string, string];
    const sign = e.startsWith('-') ? '-' : '+';
    const digits = e.replace(/^[+-]/, '').padStart(2, '0');
    return `${trimZeros(mant)}e${sign}${digits}`;
  }
  return trimZeros(value.toFixed(p - 1 - x));
}

/**
 * C `printf("%f")` (six decimals), including round-half-even on exact ties and `-0.000000` for
 * negative values that round to zero. Exact ties at six decimals are odd multiples of 1/128, which
 * `toFixed` would round away from zero.
 */
export function formatF(value: number): string {
  if (!Number.isFinite(value)) return Number.isNaN(value) ? 'nan' : value > 0 ? 'inf' : '-inf';
  const k = value * 128; // exact: scaling by a power of two
  if (Number.isInteger(k) && k % 2 !== 0) {
    const m = Math.abs(value) * 1e6; // exact for these values (odd · 7812.5)
    let n = Math.floor(m);
    if (n % 2 !== 0) n += 1; // half to even
    const s = (n / 1e6).toFixed(6);
    return value < 0 ? `-${s}` : s;
  }
  const s = value.toFixed(6);
  // toFixed drops the sign of −0 but keeps it for tiny negatives; C keeps both.
  return Object.is(value, -0) ? `-${s}` : s;
}

/** C `printf("%9.0f Hz")` as `ACQ:SRATe?` answers: `125000000 Hz`, `  1953125 Hz`. */
export function formatSampleRate(hz: number): string {
  return `${Math.round(hz).toString().padStart(9, ' ')} Hz`;
}

/** Sample encoding of a data block. */
export type BlockFormat = 'ASCII' | 'BIN';
/** Byte order of binary blocks. */
export type ByteOrder = 'BEND' | 'LEND';

/** ASCII `{v1,v2,…}` of volts with `%f` (values are rounded to float32 first, as the server's buffer is float). */
export function asciiFloatBlock(values: ArrayLike<number>): string {
  const parts = new Array<string>(values.length);
  for (let i = 0; i < values.length; i++) parts[i] = formatF(Math.fround(values[i]!));
  return `{${parts.join(',')}}`;
}

/** ASCII `{n1,n2,…}` of integers. */
export function asciiIntBlock(values: ArrayLike<number>): string {
  const parts = new Array<string>(values.length);
  for (let i = 0; i < values.length; i++) parts[i] = String(values[i]!);
  return `{${parts.join(',')}}`;
}

/** IEEE 488.2 definite-length block header for `length` payload bytes: `#565536`. */
export function blockHeader(length: number): string {
  const n = String(length);
  return `#${n.length}${n}`;
}

const NATIVE_LITTLE = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

function withHeader(payload: Buffer): Buffer {
  return Buffer.concat([Buffer.from(blockHeader(payload.length), 'latin1'), payload]);
}

/**
 * IEEE block of float32 samples (header + payload) in the given byte order. A Float32Array is used
 * in place (its bytes are swapped for big-endian), so callers pass one they own.
 */
export function binaryFloatBlock(values: ArrayLike<number>, order: ByteOrder): Buffer {
  const f = values instanceof Float32Array ? values : Float32Array.from(values);
  const payload = Buffer.from(f.buffer, f.byteOffset, f.byteLength);
  if ((order === 'BEND') === NATIVE_LITTLE) payload.swap32();
  return withHeader(payload);
}

/** IEEE block of int16 samples (header + payload); an Int16Array is used in place, like binaryFloatBlock. */
export function binaryInt16Block(values: ArrayLike<number>, order: ByteOrder): Buffer {
  const v = values instanceof Int16Array ? values : Int16Array.from(values);
  const payload = Buffer.from(v.buffer, v.byteOffset, v.byteLength);
  if ((order === 'BEND') === NATIVE_LITTLE) payload.swap16();
  return withHeader(payload);
}
