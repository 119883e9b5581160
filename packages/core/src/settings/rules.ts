import { SettingsError } from '../errors/SettingsError.js';

/** What sort of value a rule accepts: how a form shows it and how a command-line flag parses it. */
export type RuleKind = 'number' | 'integer' | 'power-of-two' | 'choice' | 'boolean' | 'samples' | 'number-list';

/**
 * A rule checks one setting's value. It returns the value to store (possibly normalised) or throws
 * `SettingsError`; `allowed` describes what is accepted, for error messages, `--help` and completion.
 *
 * @typeParam T  the stored (resolved) value
 * @typeParam U  what a user may give (e.g. `ArrayLike<number>` for a `Float64Array` setting)
 */
export interface Rule<T, U = T> {
  /** Human-readable description of the accepted values, e.g. "a number from 0 to 62.5e6 (Hz)". */
  readonly allowed: string;
  /** What sort of value this is (forms, flags). */
  readonly kind: RuleKind;
  /** For choice and power-of-two rules: the accepted values (completion, CLI help, form selects). */
  readonly choices?: readonly T[];
  /** Least accepted value of a numeric rule (absent: unbounded or exclusive, see `allowed`). */
  readonly min?: number;
  /** Largest accepted value of a numeric rule. */
  readonly max?: number;
  /** Validates `value` (from `instrument.setting`) and returns it, or throws `SettingsError`. */
  check(value: unknown, instrument: string, setting: string): T;
  /** Type only, never set: what a user may give for this setting. */
  readonly userType?: U;
}

interface RuleShape<T> {
  readonly kind: RuleKind;
  readonly choices?: readonly T[];
  readonly min?: number;
  readonly max?: number;
}

function rule<T>(allowed: string, ok: (v: unknown) => v is T, shape: RuleShape<T>): Rule<T> {
  return {
    allowed,
    ...shape,
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
  return rule(`a number from ${min} to ${max}${u}`, (v): v is number => isFiniteNumber(v) && v >= min && v <= max, { kind: 'number', min, max });
}

/** A finite number strictly greater than `min` and at most `max` (default: any finite number). */
export function numberAbove(min: number, unit = '', max = Number.MAX_VALUE): Rule<number> {
  const u = unit ? ` (${unit})` : '';
  const upTo = max < Number.MAX_VALUE ? ` and at most ${max}` : '';
  return rule(`a number above ${min}${upTo}${u}`, (v): v is number => isFiniteNumber(v) && v > min && v <= max, { kind: 'number', ...(upTo ? { max } : {}) });
}

/** An integer in [min, max]. */
export function integerIn(min: number, max: number): Rule<number> {
  return rule(`an integer from ${min} to ${max}`, (v): v is number => Number.isInteger(v) && (v as number) >= min && (v as number) <= max, { kind: 'integer', min, max });
}

/**
 * The length of a scope trace in samples per channel: from one buffer (`bufferSize`) up to the
 * board's deep-memory limit; on a board without deep memory only `bufferSize`, and the message
 * says so, naming the limit.
 */
export function traceSamples(bufferSize: number, deepMemorySamples: number | undefined): Rule<number> {
  const max = Math.max(bufferSize, deepMemorySamples ?? 0);
  const allowed =
    max > bufferSize
      ? `an integer from ${bufferSize} (one buffer) to ${max} (this board's deep memory)`
      : `${bufferSize} (one buffer: this board has no deep memory, so a trace is at most ${bufferSize} samples)`;
  return rule(allowed, (v): v is number => Number.isInteger(v) && (v as number) >= bufferSize && (v as number) <= max, { kind: 'integer', min: bufferSize, max });
}

/** A power of two in [min, max]. */
export function powerOfTwo(min: number, max: number): Rule<number> {
  const choices: number[] = [];
  for (let p = 1; p <= max; p *= 2) if (p >= min) choices.push(p);
  return rule(
    `a power of 2 from ${min} to ${max}`,
    (v): v is number => Number.isInteger(v) && (v as number) >= min && (v as number) <= max && ((v as number) & ((v as number) - 1)) === 0,
    { kind: 'power-of-two', min, max, choices },
  );
}

/** One of a fixed list of strings. */
export function oneOf<const T extends string>(choices: readonly T[]): Rule<T> {
  return rule(`one of ${choices.map((c) => `'${c}'`).join(', ')}`, (v): v is T => typeof v === 'string' && (choices as readonly string[]).includes(v), { kind: 'choice', choices });
}

/** A boolean. */
export function bool(): Rule<boolean> {
  return rule('true or false', (v): v is boolean => typeof v === 'boolean', { kind: 'boolean' });
}

/**
 * An array-like of finite numbers in [min, max] with a length in [minLength, maxLength], stored as
 * a Float64Array copy; `null` clears it.
 */
export function sampleTable(minLength: number, maxLength: number, min: number, max: number): Rule<Float64Array | null, ArrayLike<number> | null> {
  const allowed = `${minLength} to ${maxLength} numbers from ${min} to ${max}, or null`;
  return {
    allowed,
    kind: 'samples',
    check(value, instrument, setting) {
      if (value === null) return null;
      const arr = value as ArrayLike<unknown>;
      if (typeof arr !== 'object' || typeof arr.length !== 'number' || arr.length < minLength || arr.length > maxLength) {
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

/**
 * A short list of finite numbers (at most `maxLength`), stored as a frozen copy: a filter's stage
 * cutoffs. `what` names the members for messages: 'cutoffs in Hz (…)' gives "a list of up to 4
 * cutoffs in Hz (…)".
 */
export function numberList(maxLength: number, what: string): Rule<readonly number[]> {
  const allowed = `a list of up to ${maxLength} ${what}`;
  return {
    allowed,
    kind: 'number-list',
    check(value, instrument, setting) {
      if (!(Array.isArray(value) && value.length <= maxLength && value.every(isFiniteNumber))) throw new SettingsError(instrument, setting, value, allowed);
      return Object.freeze([...(value)]);
    },
  };
}

/**
 * A setting this board does not have (a PID gain on a board without PIDs): every value is refused
 * with `SettingsError` saying `why`; `kind` is what the setting would be elsewhere.
 */
export function unavailable<T>(why: string, kind: RuleKind): Rule<T> {
  return rule(`nothing: ${why}`, (_v): _v is T => false, { kind });
}

/** A table of rules, one per setting name (a null-prototype object: only own names are settings). */
export type RuleTable<S> = { readonly [K in keyof S]-?: Rule<NonNullable<S[K]>> };

/** Rules by setting name, for faces that only read `allowed` and `choices` (completion, help). */
export type AnyRuleTable = Readonly<Record<string, Rule<unknown, unknown>>>;

/**
 * The value of own property `name` of `table`, or undefined: never an inherited one, so that
 * `constructor`, `__proto__` or `toString` are unknown names rather than `Object.prototype`'s members.
 */
export function ownEntry<V>(table: Readonly<Record<string, V>>, name: string): V | undefined {
  return Object.hasOwn(table, name) ? table[name] : undefined;
}

/**
 * Throws `SettingsError(instrument, key, …)` for the first own key of `given` that is not one of
 * `known` (e.g. a misspelt option), naming the known keys. Undefined values are ignored.
 */
export function checkKnownKeys(instrument: string, given: object, known: readonly string[]): void {
  for (const [name, value] of Object.entries(given)) {
    if (value === undefined) continue;
    if (!known.includes(name)) throw new SettingsError(instrument, name, value, `a known setting: ${known.join(', ')}`);
  }
}

/**
 * Validates a partial settings object against a rule table: unknown names and bad values throw
 * `SettingsError`; nothing is returned unless every given setting passed (all or nothing). Only
 * own names count (an inherited `constructor` is an unknown name).
 */
export function checkSettings<S extends object>(instrument: string, table: RuleTable<S>, settings: Partial<S> | undefined): Partial<S> {
  const out: Record<string, unknown> = Object.create(null) as Record<string, unknown>;
  if (settings === undefined || settings === null) return out as Partial<S>;
  if (typeof settings !== 'object' || Array.isArray(settings)) throw new SettingsError(instrument, '(settings)', settings, 'a plain object of settings');
  const rules = table as unknown as AnyRuleTable;
  for (const [name, value] of Object.entries(settings)) {
    if (value === undefined) continue;
    const r = ownEntry(rules, name);
    if (!r) throw new SettingsError(instrument, name, value, `a known setting: ${Object.keys(rules).join(', ')}`);
    out[name] = r.check(value, instrument, name);
  }
  return out as Partial<S>;
}
