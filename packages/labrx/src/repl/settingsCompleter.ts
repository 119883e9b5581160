import { asgRules, naRules, RED_PITAYA_125_14, scopeRules, specanRules, type BoardInfo, type Rule } from '@labrx/core';

/** The rule table behind each instrument's settings, by instrument name (from @labrx/core). */
export const SETTING_TABLES: Readonly<Record<string, (info: BoardInfo) => Readonly<Record<string, Rule<unknown>>>>> = {
  scope: scopeRules,
  specan: specanRules,
  na: naRules,
  asg0: asgRules,
  asg1: asgRules,
};

// `rp.scope.single({ decimation: 8, tri` — an instrument call whose settings object is still open.
const OPEN_SETTINGS = /\b[A-Za-z_$][\w$]*\.(scope|specan|na|asg0|asg1)\.[A-Za-z_$][\w$]*\(\s*\{([^{}]*)$/;
const KEY_PREFIX = /(?:^|,)\s*([A-Za-z_$][\w$]*)?$/;
const VALUE_PREFIX = /([A-Za-z_$][\w$]*)\s*:\s*(['"])([^'"]*)$/;

/**
 * Completes setting names, and the choices of choice settings, inside an instrument call's settings
 * object: `rps.scope.single({ deci` → `decimation`, `rps.asg0.set({ waveform: 'sq` → `'square'`.
 * The names and choices come from the instruments' rule tables, so they cannot drift from what
 * validation accepts. Returns `undefined` when the line is not inside such an object (the REPL's
 * own completer then completes instruments and methods).
 *
 * @returns [completions, the substring they replace] in the shape Node's REPL expects
 */
export function completeSetting(line: string, info: BoardInfo = RED_PITAYA_125_14): [string[], string] | undefined {
  const open = OPEN_SETTINGS.exec(line);
  if (!open) return undefined;
  const table = SETTING_TABLES[open[1]!]!(info);
  const inside = open[2]!;
  const value = VALUE_PREFIX.exec(inside);
  if (value) {
    const choices = table[value[1]!]?.choices;
    if (!choices) return [[], ''];
    const quote = value[2]!;
    const typed = value[3]!;
    return [choices.map(String).filter((c) => c.startsWith(typed)).map((c) => `${quote}${c}${quote}`), `${quote}${typed}`];
  }
  const key = KEY_PREFIX.exec(inside);
  if (!key) return [[], ''];
  const typed = key[1] ?? '';
  return [Object.keys(table).filter((name) => name.startsWith(typed)), typed];
}
