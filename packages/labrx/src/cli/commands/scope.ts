import { Command } from 'commander';
import type { CliCommand } from '../CliCommand.js';
import { RED_PITAYA_125_14, resolveScopeSettings, SCOPE_SETTINGS } from '@labrx/core';
import { averagedAction } from './acquireWithProgress.js';
import { addGeneratorOptions } from './generatorFlags.js';
import { addBoardOptions, addOutputOptions, describeTrace, processIo, type CliIo } from './instrumentFlags.js';
import { addSaveRunOptions } from './saveRunFlags.js';
import { addSettingFlags } from './settingFlags.js';

/**
 * `labrx scope`: one trace (the mean of --averages acquisitions) of both inputs; a summary on
 * stdout, the trace in --out (.csv/.json/.npy) and --plot (.svg). One flag per declared scope
 * setting (`SCOPE_SETTINGS`), its help from the declaration.
 *
 * @example
 * labrx scope --decimation 64 --gain hv --asg0 frequency=1e5,amplitude=0.5,output=out1 --out trace.csv --plot trace.svg
 */
export function buildScopeCommand(io: CliIo = processIo): Command {
  const cmd = new Command('scope').description('acquire one scope trace: 16384 samples of in1 (ch1) and in2 (ch2) in volts');
  const flags = addSettingFlags(cmd, SCOPE_SETTINGS);
  addGeneratorOptions(cmd);
  addBoardOptions(cmd);
  addOutputOptions(cmd);
  addSaveRunOptions(cmd);
  return cmd.action(
    averagedAction(io, {
      operation: 'scope',
      unit: 'traces',
      flags,
      resolve: (settings) => resolveScopeSettings(settings, RED_PITAYA_125_14),
      faces: (rp) => rp.scope,
      describe: describeTrace,
    }),
  );
}

/** `labrx scope` for the program's command list. */
export const scopeCommand: CliCommand = {
  name: 'scope',
  register(program: Command): void {
    program.addCommand(buildScopeCommand());
  },
};
