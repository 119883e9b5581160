import { Option, type Command } from 'commander';
import { RED_PITAYA_125_14, type BoardInfo, type SettingField } from '@labrx/core';
import { settingValue } from './instrumentFlags.js';

/** What `addSettingFlags` needs of an instrument's declared settings (`SCOPE_SETTINGS`, …). */
export interface FlagSource {
  fields(info: BoardInfo): SettingField[];
}

/** A setting's flag name: `triggerDelay` → `trigger-delay`. */
export function flagName(setting: string): string {
  return setting.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
}

/** The placeholder of a flag's value: its unit, or what sort of value it takes. */
function placeholder(field: SettingField): string {
  if (field.unit) return field.unit;
  return field.kind === 'choice' ? 'name' : field.kind === 'samples' ? 'values' : 'n';
}

/**
 * One command-line flag per declared setting, its help from the declaration (doc, what is allowed,
 * default): `--decimation <n>  decimation of the 125 MS/s ADC stream: a power of 2 from 1 to 65536
 * (default 1)`. A boolean setting gets `--<name>` and `--no-<name>`; a list setting takes `a,b,c`.
 * Sample tables (the generator's `data`) have no flag. Returns the setting names that got a flag,
 * for `settingsFrom`. Choices are not enforced by commander: the declared rule rejects a bad one
 * with `SettingsError` (exit code 2), naming what is allowed.
 */
export function addSettingFlags(cmd: Command, source: FlagSource, info: BoardInfo = RED_PITAYA_125_14): string[] {
  const names: string[] = [];
  for (const field of source.fields(info)) {
    if (field.kind === 'samples') continue;
    const flag = flagName(field.name);
    if (field.kind === 'boolean') {
      // both forms, so a command that changes what a module holds can switch it either way; with both
      // defined commander leaves the value undefined unless one is given
      cmd.addOption(new Option(`--${flag}`, `${field.doc}${field.default === true ? ' (default)' : ''}`));
      cmd.addOption(new Option(`--no-${flag}`, `do not ${field.doc}${field.default === false ? ' (default)' : ''}`));
    } else {
      const def = field.default === null ? '' : ` (default ${field.default})`;
      const option = new Option(`--${flag} <${placeholder(field)}>`, `${field.doc}: ${field.allowed}${def}`);
      // a list is given comma-separated; each item as any value (the declared rule names a bad one)
      if (field.kind === 'number-list') option.argParser((text: string) => (text.trim() === '' ? [] : text.split(',').map(settingValue)));
      cmd.addOption(option);
    }
    names.push(field.name);
  }
  return names;
}
