import { Command } from 'commander';
import type { CliCommand } from '../CliCommand.js';
import { RED_PITAYA_125_14, resolveSpecanSettings, SPECAN_SETTINGS } from '@labrx/core';
import { averagedAction } from './acquireWithProgress.js';
import { addGeneratorOptions } from './generatorFlags.js';
import { addBoardOptions, addOutputOptions, describeSpectrum, processIo, type CliIo } from './instrumentFlags.js';
import { addSaveRunOptions } from './saveRunFlags.js';
import { addSettingFlags } from './settingFlags.js';

/**
 * `labrx specan`: one spectrum of both inputs (the mean of --averages, in linear power), with a
 * progress bar while averaging; a summary (peaks) on stdout, the spectrum in --out and --plot. One
 * flag per declared setting (`SPECAN_SETTINGS`).
 *
 * @example
 * labrx specan --span 1e6 --window flattop --unit dBm --averages 16 --asg0 frequency=2e5,amplitude=0.5,output=out1
 */
export function buildSpecanCommand(io: CliIo = processIo): Command {
  const cmd = new Command('specan').description('measure one spectrum of in1 (ch1) and in2 (ch2)');
  const flags = addSettingFlags(cmd, SPECAN_SETTINGS);
  addGeneratorOptions(cmd);
  addBoardOptions(cmd);
  addOutputOptions(cmd);
  addSaveRunOptions(cmd);
  return cmd.action(
    averagedAction(io, {
      operation: 'specan',
      unit: 'spectra',
      flags,
      resolve: (settings) => resolveSpecanSettings(settings, RED_PITAYA_125_14),
      faces: (rp) => rp.specan,
      describe: describeSpectrum,
    }),
  );
}

/** `labrx specan` for the program's command list. */
export const specanCommand: CliCommand = {
  name: 'specan',
  register(program: Command): void {
    program.addCommand(buildSpecanCommand());
  },
};
