import { ASG_SETTINGS, IQ_MODULE_SETTINGS, IQ_SETTINGS, NA_SETTINGS, ownEntry, PID_SETTINGS, RED_PITAYA_125_14, SCOPE_SETTINGS, SPECAN_SETTINGS, type BoardInfo, type SettingField } from '@labrx/core';

/** The declared settings behind each instrument, by instrument name (from @labrx/core). */
export const SETTING_KINDS: Readonly<Record<string, { fields(info: BoardInfo): SettingField[] }>> = Object.freeze(
  Object.assign(Object.create(null) as Record<string, { fields(info: BoardInfo): SettingField[] }>, {
    scope: SCOPE_SETTINGS,
    specan: SPECAN_SETTINGS,
    na: NA_SETTINGS,
    asg0: ASG_SETTINGS,
    asg1: ASG_SETTINGS,
    iq0: IQ_SETTINGS,
    iq1: IQ_SETTINGS,
    iq2: IQ_SETTINGS,
    pid0: PID_SETTINGS,
    pid1: PID_SETTINGS,
    pid2: PID_SETTINGS,
  }),
);

/** Methods whose settings are another declaration than their instrument's: an IQ module's `set` takes its standing configuration. */
const METHOD_KINDS: Readonly<Record<string, { fields(info: BoardInfo): SettingField[] }>> = Object.freeze(
  Object.assign(Object.create(null) as Record<string, { fields(info: BoardInfo): SettingField[] }>, {
    'iq0.set': IQ_MODULE_SETTINGS,
    'iq1.set': IQ_MODULE_SETTINGS,
    'iq2.set': IQ_MODULE_SETTINGS,
    'iq0.set$': IQ_MODULE_SETTINGS,
    'iq1.set$': IQ_MODULE_SETTINGS,
    'iq2.set$': IQ_MODULE_SETTINGS,
  }),
);

// `rp.scope.single({ decimation: 8, tri` — an instrument call whose settings object is still open.
const OPEN_SETTINGS = /\b[A-Za-z_$][\w$]*\.(scope|specan|na|asg0|asg1|iq0|iq1|iq2|pid0|pid1|pid2)\??\.([A-Za-z_$][\w$]*)\(\s*\{([^{}]*)$/;
const KEY_PREFIX = /(?:^|,)\s*([A-Za-z_$][\w$]*)?$/;
const VALUE_PREFIX = /([A-Za-z_$][\w$]*)\s*:\s*(['"])([^'"]*)$/;

/**
 * Completes setting names, and the choices of choice settings, inside an instrument call's settings
 * object: `rps.scope.single({ deci` → `decimation`, `rps.asg0.set({ waveform: 'sq` → `'square'`,
 * `rp.pid0?.set({ outputDirect: 'o` → `'off'`, `'out1'`, … (PID_SETTINGS; iqN.set: IQ_MODULE_SETTINGS).
 * The names and choices come from the instruments' declared settings, so they cannot drift from
 * what validation accepts. Returns `undefined` when the line is not inside such an object (the
 * REPL's own completer then completes instruments and methods).
 *
 * @returns [completions, the substring they replace] in the shape Node's REPL expects
 */
export function completeSetting(line: string, info: BoardInfo = RED_PITAYA_125_14): [string[], string] | undefined {
  const open = OPEN_SETTINGS.exec(line);
  if (!open) return undefined;
  const kind = ownEntry(METHOD_KINDS, `${open[1]!}.${open[2]!}`) ?? ownEntry(SETTING_KINDS, open[1]!);
  if (!kind) return undefined;
  const fields = kind.fields(info);
  const inside = open[3]!;
  const value = VALUE_PREFIX.exec(inside);
  if (value) {
    // only own, declared names: `constructor: '` completes nothing
    const field = fields.find((f) => f.name === value[1]);
    if (!field || field.kind !== 'choice' || !field.choices) return [[], ''];
    const quote = value[2]!;
    const typed = value[3]!;
    return [field.choices.map(String).filter((c) => c.startsWith(typed)).map((c) => `${quote}${c}${quote}`), `${quote}${typed}`];
  }
  const key = KEY_PREFIX.exec(inside);
  if (!key) return [[], ''];
  const typed = key[1] ?? '';
  return [fields.map((f) => f.name).filter((name) => name.startsWith(typed)), typed];
}
