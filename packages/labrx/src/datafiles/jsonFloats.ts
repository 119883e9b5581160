/**
 * JSON has no NaN or ±Infinity, but results do (a spectrum in dBm of an all-zero bin is −Infinity),
 * and `JSON.stringify` writes −0 as 0 (a quantised trace sample of −0 V is −0). These helpers write
 * such a number as `{"$float": "-Infinity"}` (or "NaN", "Infinity", "-0") and read it back, so that
 * a saved result loads back equal, bit for bit: other finite doubles survive JSON as they are,
 * because `JSON.stringify` writes the shortest decimal that parses back to the same double.
 */

/** `JSON.stringify` that keeps NaN, ±Infinity and −0 (as `{"$float": "…"}`) and writes typed arrays as arrays. */
export function stringifyWithFloats(value: unknown, space?: number): string {
  return JSON.stringify(value, replaceFloats, space);
}

/** `JSON.parse` that turns `{"$float": "…"}` back into the number. */
export function parseWithFloats(text: string): unknown {
  return JSON.parse(text, reviveFloats);
}

function replaceFloats(this: unknown, _key: string, value: unknown): unknown {
  if (typeof value === 'number' && !Number.isFinite(value)) return { $float: String(value) };
  if (Object.is(value, -0)) return { $float: '-0' };
  if (ArrayBuffer.isView(value) && !(value instanceof DataView)) return Array.from(value as unknown as ArrayLike<number>);
  return value;
}

function reviveFloats(_key: string, value: unknown): unknown {
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    const keys = Object.keys(value);
    const f = (value as { $float?: unknown }).$float;
    if (keys.length === 1 && (f === 'NaN' || f === 'Infinity' || f === '-Infinity' || f === '-0')) return Number(f);
  }
  return value;
}
