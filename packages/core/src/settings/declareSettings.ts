import type { BoardInfo } from './boardInfo.js';
import { checkSettings, ownEntry, type AnyRuleTable, type Rule, type RuleKind, type RuleTable } from './rules.js';

/**
 * How a driver writes a setting's value on its wire, e.g. the scope's `gain` over SCPI:
 * `{ scpi: (g) => g.toUpperCase() }` for `ACQ:SOUR<n>:GAIN LV|HV`. Keyed by driver ('scpi', …); a
 * driver without an entry sends the value as it is.
 */
export type WireMappings<T> = Readonly<Record<string, (value: T) => string | number | boolean>>;

/** What every declared setting has, whether it is kept in the resolved settings or not. */
interface SettingCommon<T, U> {
  /** The rule, built from the board's own limits (max decimation, sample rate, buffer, ranges). */
  readonly rule: (info: BoardInfo) => Rule<T, U>;
  /** SI unit of the value ('Hz', 'V', 's', 'deg'), or absent for counts, names and flags. */
  readonly unit?: string;
  /** One line for `--help`, forms and completion, e.g. 'Decimation of the 125 MS/s ADC stream'. */
  readonly doc: string;
  /** True when the setting shapes an acquisition: it is part of the sharing key (`key`). */
  readonly acquisition?: boolean;
  /** False to leave the setting out of forms (the studio page); it keeps its flag and completion. */
  readonly form?: boolean;
  /** Wire mappings for drivers that need one (see `WireMappings`). */
  readonly wire?: WireMappings<T>;
}

/** A setting kept in the resolved settings, with its default. */
export interface SettingDeclaration<T, U = T> extends SettingCommon<T, U> {
  /** The value when nobody set it. */
  readonly default: NoInfer<T>;
}

/**
 * A setting a user may give that is not kept as such: the instrument's `refine` turns it into
 * others (the scope's `duration` picks a `decimation`).
 */
export interface InputSettingDeclaration<T, U = T> extends SettingCommon<T, U> {
  readonly inputOnly: true;
}

/** Any row of a settings table. */
export type AnySettingDeclaration = SettingDeclaration<any, any> | InputSettingDeclaration<any, any>;

/** A settings table: one row per setting name, in the order help and forms show them. */
export type SettingsTable = Readonly<Record<string, AnySettingDeclaration>>;

/** Declares a setting kept in the resolved settings (types inferred from `rule` and `default`). */
export function setting<T, U = T>(declaration: SettingDeclaration<T, U>): SettingDeclaration<T, U> {
  return declaration;
}

/** Declares an input-only setting (see `InputSettingDeclaration`). */
export function inputSetting<T, U = T>(declaration: Omit<InputSettingDeclaration<T, U>, 'inputOnly'>): InputSettingDeclaration<T, U> {
  return { ...declaration, inputOnly: true };
}

type ValueOf<D> = D extends SettingCommon<infer T, infer _U> ? T : never;
type UserValueOf<D> = D extends SettingCommon<infer _T, infer U> ? U : never;

/** The settings a user gives, inferred from a table: every setting optional. */
export type UserSettingsOf<D extends SettingsTable> = { [K in keyof D]?: UserValueOf<D[K]> };

/** The resolved settings, inferred from a table: every kept setting present and read-only. */
export type ResolvedSettingsOf<D extends SettingsTable> = { readonly [K in keyof D as D[K] extends { readonly inputOnly: true } ? never : K]: ValueOf<D[K]> };

/** Where `refine` runs: the board and the instrument's name for messages. */
export interface RefineContext {
  readonly info: BoardInfo;
  readonly instrument: string;
}

/**
 * The cross-setting step after the table: gets the merged settings (base, then what was given, each
 * value already valid on its own) and the given settings, returns the final ones or throws
 * `SettingsError`. Must not change anything outside.
 */
export type Refine<D extends SettingsTable> = (merged: ResolvedSettingsOf<D>, given: Readonly<UserSettingsOf<D>>, context: RefineContext) => ResolvedSettingsOf<D>;

/** A setting as forms, flags and completion see it (JSON-safe; sent to the studio page). */
export interface SettingField {
  readonly name: string;
  readonly doc: string;
  /** SI unit or null. */
  readonly unit: string | null;
  readonly kind: RuleKind;
  /** What is allowed, as error messages say it. */
  readonly allowed: string;
  /** The accepted values of a choice or power-of-two setting, else null. */
  readonly choices: readonly (string | number)[] | null;
  readonly min: number | null;
  readonly max: number | null;
  /** The default (null for input-only settings and for a null default). */
  readonly default: string | number | boolean | null;
  /** Part of the sharing key. */
  readonly acquisition: boolean;
  /** Kept in the resolved settings (false: input-only). */
  readonly resolved: boolean;
  /** Shown in forms. */
  readonly form: boolean;
}

/**
 * One instrument's settings, derived from its table: types, defaults, validation and merge, the
 * sharing key and the field descriptors of forms, flags and completion. See
 * docs/decisions/0009-declared-parameters.md.
 */
export interface SettingsKind<D extends SettingsTable> {
  /** Default instrument name for messages ('scope', 'asg', …). */
  readonly instrument: string;
  /** The declaration. */
  readonly table: D;
  /** Setting names in declaration order. */
  readonly names: readonly (keyof D & string)[];
  /** Names kept in the resolved settings. */
  readonly resolvedNames: readonly (keyof ResolvedSettingsOf<D> & string)[];
  /** Names that shape an acquisition (the sharing key), in declaration order. */
  readonly acquisitionNames: readonly (keyof ResolvedSettingsOf<D> & string)[];
  /** The defaults of every kept setting (frozen). */
  readonly defaults: ResolvedSettingsOf<D>;
  /** The rule of every setting for `info`'s board (null-prototype; cached per board). */
  rules(info: BoardInfo): RuleTable<UserSettingsOf<D>> & AnyRuleTable;
  /**
   * Validates `settings` over `base` and returns the resolved whole (frozen), or throws
   * `SettingsError` naming the instrument, setting, value and what is allowed; changes nothing.
   */
  resolve(settings: UserSettingsOf<D> | undefined, info: BoardInfo, base?: ResolvedSettingsOf<D>, instrument?: string): ResolvedSettingsOf<D>;
  /**
   * For a hardware module that keeps what is not given (a PID, an IQ module): validates `settings`
   * exactly as `resolve` does over `base` (the settings in force; cross-setting rules included) and
   * returns only the settings given, checked and normalised (frozen), or throws `SettingsError`.
   */
  checkChange(settings: UserSettingsOf<D> | undefined, info: BoardInfo, base?: ResolvedSettingsOf<D>, instrument?: string): Partial<ResolvedSettingsOf<D>>;
  /** A stable text for the settings that make acquisitions identical (to share one acquisition). */
  key(resolved: ResolvedSettingsOf<D>): string;
  /** Field descriptors for `info`'s board, in declaration order. */
  fields(info: BoardInfo): SettingField[];
  /** The value a driver puts on its wire for setting `name` (the declared mapping, or the value). */
  wireValue<K extends keyof D & string>(driver: string, name: K, value: ValueOf<D[K]>): unknown;
}

const isInputOnly = (d: AnySettingDeclaration): d is InputSettingDeclaration<unknown> => 'inputOnly' in d && d.inputOnly;

/**
 * Derives everything about an instrument's settings from its table (and an optional `refine`
 * step for constraints between settings).
 *
 * @example
 * const DEMO = defineSettings('demo', {
 *   frequency: setting({ rule: (info) => numberIn(0, info.sampleRateHz / 2, 'Hz'), default: 1000, unit: 'Hz', doc: 'Tone frequency' }),
 * });
 * type DemoSettings = UserSettingsOf<typeof DEMO.table>;   // { frequency?: number }
 * DEMO.resolve({ frequency: 5e3 }, RED_PITAYA_125_14);      // { frequency: 5000 }
 */
export function defineSettings<const D extends SettingsTable>(instrument: string, table: D, refine?: Refine<D>): SettingsKind<D> {
  const names = Object.keys(table) as (keyof D & string)[];
  const rows = names.map((name) => [name, table[name]!] as const);
  const resolvedNames = rows.filter(([, d]) => !isInputOnly(d)).map(([n]) => n);
  const acquisitionNames = rows.filter(([, d]) => !isInputOnly(d) && d.acquisition === true).map(([n]) => n);
  const defaults = Object.freeze(Object.fromEntries(rows.flatMap(([n, d]) => (isInputOnly(d) ? [] : [[n, d.default]])))) as ResolvedSettingsOf<D>;
  const cache = new WeakMap<BoardInfo, AnyRuleTable>();
  const rules = (info: BoardInfo) => {
    let t = cache.get(info);
    if (!t) {
      const built: Record<string, Rule<unknown, unknown>> = Object.create(null) as Record<string, Rule<unknown, unknown>>;
      for (const [n, d] of rows) built[n] = d.rule(info);
      t = Object.freeze(built);
      cache.set(info, t);
    }
    return t as RuleTable<UserSettingsOf<D>> & AnyRuleTable;
  };
  const resolve = (settings: UserSettingsOf<D> | undefined, info: BoardInfo, base: ResolvedSettingsOf<D> = defaults, name = instrument) => {
    const given = checkSettings(name, rules(info), settings) as UserSettingsOf<D>;
    const merged: Record<string, unknown> = {};
    for (const n of resolvedNames) merged[n] = Object.hasOwn(given, n) ? given[n] : (base as Record<string, unknown>)[n];
    const out = refine ? refine(merged as ResolvedSettingsOf<D>, given, { info, instrument: name }) : (merged as ResolvedSettingsOf<D>);
    return Object.freeze(out);
  };
  return Object.freeze({
    instrument,
    table,
    names,
    resolvedNames,
    acquisitionNames,
    defaults,
    rules,
    resolve,
    checkChange(settings: UserSettingsOf<D> | undefined, info: BoardInfo, base: ResolvedSettingsOf<D> = defaults, name = instrument) {
      const resolved = resolve(settings, info, base, name) as Record<string, unknown>;
      const given = settings ?? {};
      const out: Record<string, unknown> = {};
      for (const n of resolvedNames) if (Object.hasOwn(given, n) && (given as Record<string, unknown>)[n] !== undefined) out[n] = resolved[n];
      return Object.freeze(out);
    },
    key(resolved: ResolvedSettingsOf<D>) {
      return JSON.stringify(acquisitionNames.map((n) => (resolved as Record<string, unknown>)[n]));
    },
    fields(info: BoardInfo): SettingField[] {
      const r = rules(info);
      return rows.map(([n, d]) => {
        const rule = r[n];
        const def = isInputOnly(d) ? null : (d.default as unknown);
        return {
          name: n,
          doc: d.doc,
          unit: d.unit ?? null,
          kind: rule.kind,
          allowed: rule.allowed,
          choices: rule.choices ? rule.choices : null,
          min: rule.min ?? null,
          max: rule.max ?? null,
          default: typeof def === 'string' || typeof def === 'number' || typeof def === 'boolean' ? def : null,
          acquisition: !isInputOnly(d) && d.acquisition === true,
          resolved: !isInputOnly(d),
          form: d.form !== false,
        };
      });
    },
    wireValue(driver: string, name: string, value: unknown) {
      const map = ownEntry(table, name)?.wire;
      const f = map ? ownEntry(map, driver) : undefined;
      return f ? f(value) : value;
    },
  }) as unknown as SettingsKind<D>;
}
