import { LabrxError } from './LabrxError.js';

/**
 * A setting was rejected before anything touched the hardware. Names the setting, the value that
 * was given and what is allowed; the instrument is left exactly as it was.
 *
 * @example
 * new SettingsError('scope', 'decimation', 3, 'a power of 2 from 1 to 65536')
 * // message: "scope.decimation = 3 is not allowed: a power of 2 from 1 to 65536"
 */
export class SettingsError extends LabrxError {
  constructor(
    /** Which instrument or module the setting belongs to ('scope', 'asg0', 'specan', …). */
    readonly instrument: string,
    /** The setting's name as the user wrote it. */
    readonly setting: string,
    /** The rejected value. */
    readonly value: unknown,
    /** Human-readable description of what is allowed. */
    readonly allowed: string,
  ) {
    super(`${instrument}.${setting} = ${formatSettingValue(value)} is not allowed: ${allowed}`);
  }
}

/** The longest text `formatSettingValue` returns (characters). */
const MAX_CHARS = 80;
/** Nesting shown before `…` (deeper values are not visited at all). */
const MAX_DEPTH = 4;
/** Members listed per array or object before `…`. */
const MAX_MEMBERS = 8;

/**
 * A setting's value as messages show it: strings quoted, typed arrays as `Float64Array(16384)`,
 * anything else as JSON-like text of at most 80 characters. Bounded and cycle-safe: it visits at
 * most 4 levels and 8 members per level, so a cyclic or 20,000-deep value costs a few dozen steps,
 * and getters or proxies that throw show as `?`.
 */
export function formatSettingValue(value: unknown): string {
  let text: string;
  try {
    text = formatPart(value, 0, new Set());
  } catch {
    text = '?';
  }
  return text.length > MAX_CHARS ? text.slice(0, MAX_CHARS - 3) + '...' : text;
}

function formatPart(value: unknown, depth: number, seen: Set<object>): string {
  switch (typeof value) {
    case 'string':
      return JSON.stringify(value.length > MAX_CHARS ? value.slice(0, MAX_CHARS) : value);
    case 'number':
      return Number.isFinite(value) ? JSON.stringify(value) : String(value);
    case 'boolean':
    case 'undefined':
      return String(value);
    case 'bigint':
      return `${value}n`;
    case 'symbol':
      return value.toString();
    case 'function':
      return `[Function${value.name ? ` ${value.name.slice(0, 40)}` : ''}]`;
  }
  if (value === null) return 'null';
  const obj = value as object;
  if (ArrayBuffer.isView(obj)) return `${obj.constructor?.name ?? 'TypedArray'}(${(obj as unknown as ArrayLike<number>).length ?? (obj as DataView).byteLength})`;
  if (seen.has(obj)) return '[Circular]';
  if (depth >= MAX_DEPTH) return Array.isArray(obj) ? '[…]' : '{…}';
  seen.add(obj);
  try {
    if (Array.isArray(obj)) {
      const n = obj.length;
      const items: string[] = [];
      for (let i = 0; i < Math.min(n, MAX_MEMBERS); i++) items.push(formatPart(obj[i], depth + 1, seen));
      if (n > MAX_MEMBERS) items.push('…');
      return `[${items.join(',')}]`;
    }
    const items: string[] = [];
    let count = 0;
    for (const key in obj) {
      if (!Object.hasOwn(obj, key)) continue;
      if (++count > MAX_MEMBERS) {
        items.push('…');
        break;
      }
      items.push(`${JSON.stringify(key.slice(0, MAX_CHARS))}:${formatPart((obj as Record<string, unknown>)[key], depth + 1, seen)}`);
    }
    return `{${items.join(',')}}`;
  } finally {
    seen.delete(obj);
  }
}
