import type { Command } from 'commander';
import type { CliCommand } from '../CliCommand.js';
import { RED_PITAYA_125_14, resolveScopeSettings, SCOPE_SETTINGS } from '@labrx/core';
import { buildAveragedCommand } from './acquireWithProgress.js';
import { describeTrace, processIo, type CliIo } from './instrumentFlags.js';

/**
 * `labrx scope`: one trace (the mean of --averages acquisitions) of both inputs; a summary on
 * stdout, the trace in --out (.csv/.json/.npy) and --plot (.svg). One flag per declared scope
 * setting (`SCOPE_SETTINGS`), its help from the declaration.
 *
 * @example
 * labrx scope --decimation 64 --gain hv --asg0 frequency=1e5,amplitude=0.5,output=out1 --out trace.csv --plot trace.svg
 */
export function buildScopeCommand(io: CliIo = processIo): Command {
  return buildAveragedCommand(io, SCOPE_SETTINGS, {
    operation: 'scope',
    description: 'acquire one scope trace: 16384 samples of in1 (ch1) and in2 (ch2) in volts',
    unit: 'traces',
    resolve: (settings) => resolveScopeSettings(settings, RED_PITAYA_125_14),
    faces: (rp) => rp.scope,
    describe: describeTrace,
  });
}

/** `labrx scope` for the program's command list. */
export const scopeCommand: CliCommand = {
  name: 'scope',
  register(program: Command): void {
    program.addCommand(buildScopeCommand());
  },
};
