/**
 * JSON that keeps NaN and ±Infinity (as `{"$float": "…"}`) and writes typed arrays as arrays, so
 * that a result's scalars and settings come back from the catalogue as they went in. The same
 * convention as labrx's data files (JSON and CSV), so a run exported from the catalogue reads the same.
 */

/** `JSON.stringify` that keeps NaN and ±Infinity. */
export function stringifyFloats(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => {
    if (typeof v === 'number' && !Number.isFinite(v)) return { $float: String(v) };
    if (ArrayBuffer.isView(v) && !(v instanceof DataView)) return Array.from(v as unknown as ArrayLike<number>);
    return v;
  });
}

/** `JSON.parse` that turns `{"$float": "…"}` back into the number. */
export function parseFloats(text: string): unknown {
  return JSON.parse(text, (_key, v: unknown) => {
    if (v !== null && typeof v === 'object' && !Array.isArray(v)) {
      const f = (v as { $float?: unknown }).$float;
      if (Object.keys(v).length === 1 && (f === 'NaN' || f === 'Infinity' || f === '-Infinity')) return Number(f);
    }
    return v;
  });
}
