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

/**
 * A setting's value as messages show it: strings quoted, typed arrays as `Float64Array(16384)`,
 * anything else as (at most 80 characters of) JSON.
 */
export function formatSettingValue(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (ArrayBuffer.isView(value)) return `${value.constructor.name}(${(value as unknown as ArrayLike<number>).length})`;
  try {
    const s = JSON.stringify(value);
    return s === undefined ? String(value) : s.length > 80 ? s.slice(0, 77) + '...' : s;
  } catch {
    return String(value);
  }
}
