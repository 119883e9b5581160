import { SettingsError } from '../errors/SettingsError.js';

/**
 * A rule checks one setting's value. It returns the value to store (possibly normalised) or throws
 * `SettingsError`; `allowed` describes what is accepted, for error messages, `--help` and completion.
 */
export interface Rule<T> {
  /** Human-readable description of the accepted values, e.g. "a number from 0 to 62.5e6 (Hz)". */
  readonly allowed: string;
  /** For choice rules: the accepted values (used by completion and CLI help). */
  readonly choices?: readonly T[];
  /** Validates `value` (from `instrument.setting`) and returns it, or throws `SettingsError`. */
  check(value: unknown, instrument: string, setting: string): T;
}

function rule<T>(allowed: string, ok: (v: unknown) => v is T, choices?: readonly T[]): Rule<T> {
  return {
    allowed,
    ...(choices ? { choices } : {}),
    check(value, instrument, setting) {
      if (!ok(value)) throw new SettingsError(instrument, setting, value, allowed);
      return value;
    },
  };
}

const isFiniteNumber = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

/** A finite number in [min, max]; `unit` is only for the message. */
export function numberIn(min: number, max: number, unit = ''): Rule<number> {
  const u = unit ? ` (${unit})` : '';
  return rule(`a number from ${min} to ${max}${u}`, (v): v is number => isFiniteNumber(v) && v >= min && v <= max);
}

/** A finite number strictly greater than `min`. */
export function numberAbove(min: number, unit = ''): Rule<number> {
  const u = unit ? ` (${unit})` : '';
  return rule(`a number above ${min}${u}`, (v): v is number => isFiniteNumber(v) && v > min);
}

/** An integer in [min, max]. */
export function integerIn(min: number, max: number): Rule<number> {
  return rule(`an integer from ${min} to ${max}`, (v): v is number => Number.isInteger(v) && (v as number) >= min && (v as number) <= max);
}

/** A power of two in [min, max]. */
export function powerOfTwo(min: number, max: number): Rule<number> {
  return rule(
    `a power of 2 from ${min} to ${max}`,
    (v): v is number => Number.isInteger(v) && (v as number) >= min && (v as number) <= max && ((v as number) & ((v as number) - 1)) === 0,
  );
}

/** One of a fixed list of strings. */
export function oneOf<const T extends string>(choices: readonly T[]): Rule<T> {
  return rule(`one of ${choices.map((c) => `'${c}'`).join(', ')}`, (v): v is T => typeof v === 'string' && (choices as readonly string[]).includes(v), choices);
}

/** A boolean. */
export function bool(): Rule<boolean> {
  return rule('true or false', (v): v is boolean => typeof v === 'boolean');
}

/** An array-like of finite numbers in [min, max] with a length in [minLength, maxLength]; stored as a Float64Array copy. */
export function sampleTable(minLength: number, maxLength: number, min: number, max: number): Rule<Float64Array> {
  const allowed = `${minLength} to ${maxLength} numbers from ${min} to ${max}`;
  return {
    allowed,
    check(value, instrument, setting) {
      const arr = value as ArrayLike<unknown> | null;
      if (arr === null || typeof arr !== 'object' || typeof arr.length !== 'number' || arr.length < minLength || arr.length > maxLength) {
        throw new SettingsError(instrument, setting, value, allowed);
      }
      const out = new Float64Array(arr.length);
      for (let i = 0; i < arr.length; i++) {
        const x = arr[i];
        if (!isFiniteNumber(x) || x < min || x > max) throw new SettingsError(instrument, `${setting}[${i}]`, x, `numbers from ${min} to ${max}`);
        out[i] = x;
      }
      return out;
    },
  };
}

/** A table of rules, one per setting name. */
export type RuleTable<S> = { readonly [K in keyof S]-?: Rule<NonNullable<S[K]>> };

/**
 * Validates a partial settings object against a rule table: unknown names and bad values throw
 * `SettingsError`; nothing is returned unless every given setting passed (all or nothing).
 */
export function checkSettings<S extends object>(instrument: string, table: RuleTable<S>, settings: Partial<S> | undefined): Partial<S> {
  const out: Record<string, unknown> = {};
  if (settings === undefined || settings === null) return out as Partial<S>;
  if (typeof settings !== 'object') throw new SettingsError(instrument, '(settings)', settings, 'a plain object of settings');
  for (const [name, value] of Object.entries(settings)) {
    if (value === undefined) continue;
    const r = (table as Record<string, Rule<unknown>>)[name];
    if (!r) throw new SettingsError(instrument, name, value, `a known setting: ${Object.keys(table).join(', ')}`);
    out[name] = r.check(value, instrument, name);
  }
  return out as Partial<S>;
}
