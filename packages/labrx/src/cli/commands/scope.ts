import { Command } from 'commander';
import type { CliCommand } from '../CliCommand.js';
import { RED_PITAYA_125_14, resolveScopeSettings, TRIGGER_SOURCES } from '@labrx/core';
import { averagedAction } from './acquireWithProgress.js';
import { addGeneratorOptions } from './generatorFlags.js';
import { addBoardOptions, addOutputOptions, describeTrace, processIo, type CliIo } from './instrumentFlags.js';

/** Scope settings that have a flag, by their setting name (commander's camelCase of the flag). */
const SCOPE_FLAGS = ['decimation', 'duration', 'trigger', 'threshold', 'hysteresis', 'triggerDelay', 'boxcar', 'averages'] as const;

/**
 * `labrx scope`: one trace (the mean of --averages acquisitions) of both inputs; a summary on
 * stdout, the trace in --out (.csv/.json/.npy) and --plot (.svg).
 *
 * @example
 * labrx scope --decimation 64 --asg0 frequency=1e5,amplitude=0.5,output=out1 --out trace.csv --plot trace.svg
 */
export function buildScopeCommand(io: CliIo = processIo): Command {
  const cmd = new Command('scope')
    .description('acquire one scope trace: 16384 samples of in1 (ch1) and in2 (ch2) in volts')
    .option('--decimation <n>', 'decimation of the 125 MS/s stream: a power of 2 from 1 to 65536 (default 1)')
    .option('--duration <s>', 'trace length in seconds instead of --decimation')
    .option('--trigger <source>', `trigger: ${TRIGGER_SOURCES.join(', ')} (default immediate)`)
    .option('--threshold <V>', 'trigger threshold in volts')
    .option('--hysteresis <V>', 'trigger hysteresis in volts')
    .option('--trigger-delay <s>', 'trigger delay in seconds (0: trigger mid-buffer)')
    .option('--no-boxcar', 'keep every decimation-th sample instead of averaging each step')
    .option('--averages <n>', 'acquisitions averaged into the result (default 1)');
  addGeneratorOptions(cmd);
  addBoardOptions(cmd);
  addOutputOptions(cmd);
  return cmd.action(
    averagedAction(io, {
      operation: 'scope',
      unit: 'traces',
      flags: SCOPE_FLAGS,
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
