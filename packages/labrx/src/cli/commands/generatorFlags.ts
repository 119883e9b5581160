import type { Command } from 'commander';
import { ASG_DEFAULTS, ASG_SETTINGS, RED_PITAYA_125_14, resolveAsgSettings, SettingsError } from '@labrx/core';
import type { Board } from '@labrx/instruments';
import { keyValues, settingValue } from './instrumentFlags.js';

/** --asg0, --asg1, --timeout as commander parses them. */
export type GeneratorFlags = { asg0?: string; asg1?: string; timeout?: string };

/** The generator settings a `key=value` list may give, with units, from the declaration: 'waveform, frequency Hz, …'. */
export function generatorKeysHelp(): string {
  return ASG_SETTINGS.fields(RED_PITAYA_125_14)
    .filter((f) => f.kind !== 'samples')
    .map((f) => (f.unit ? `${f.name} ${f.unit}` : f.name))
    .join(', ');
}

/** Adds --asg0/--asg1 (generator settings applied before measuring) and --timeout. */
export function addGeneratorOptions(cmd: Command): Command {
  return cmd
    .option('--asg0 <settings>', `set generator asg0 first, e.g. frequency=1e5,amplitude=0.5,output=out1 (${generatorKeysHelp()})`)
    .option('--asg1 <settings>', 'set generator asg1 first (as --asg0)')
    .option('--timeout <s>', 'give up after this many seconds (exit 1)');
}

/** Validates --asg0/--asg1 and --timeout without a board (fail fast, exit 2). */
export function generatorSettings(opts: GeneratorFlags): { asg0?: Record<string, unknown>; asg1?: Record<string, unknown>; timeoutS?: number } {
  const out: { asg0?: Record<string, unknown>; asg1?: Record<string, unknown>; timeoutS?: number } = {};
  for (const name of ['asg0', 'asg1'] as const) {
    const text = opts[name];
    if (text === undefined) continue;
    const s = keyValues(text, name);
    resolveAsgSettings(s, RED_PITAYA_125_14, ASG_DEFAULTS, name);
    out[name] = s;
  }
  if (opts.timeout !== undefined) {
    const t = settingValue(opts.timeout);
    if (typeof t !== 'number' || !(t > 0)) throw new SettingsError('cli', 'timeout', t, 'a number of seconds above 0');
    out.timeoutS = t;
  }
  return out;
}

/** Applies validated generator settings on the board. */
export async function applyGenerators(rp: Board, g: { asg0?: Record<string, unknown>; asg1?: Record<string, unknown> }): Promise<void> {
  if (g.asg0) await rp.asg0.set(g.asg0);
  if (g.asg1) await rp.asg1.set(g.asg1);
}
