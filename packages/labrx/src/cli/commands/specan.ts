import type { Command } from 'commander';
import type { CliCommand } from '../CliCommand.js';
import { RED_PITAYA_125_14, resolveSpecanSettings, SPECAN_SETTINGS } from '@labrx/core';
import { buildAveragedCommand } from './acquireWithProgress.js';
import { describeSpectrum, processIo, type CliIo } from './instrumentFlags.js';

/**
 * `labrx specan`: one spectrum of both inputs (the mean of --averages, in linear power), with a
 * progress bar while averaging; a summary (peaks) on stdout, the spectrum in --out and --plot. One
 * flag per declared setting (`SPECAN_SETTINGS`).
 *
 * @example
 * labrx specan --span 1e6 --window flattop --unit dBm --averages 16 --asg0 frequency=2e5,amplitude=0.5,output=out1
 */
export function buildSpecanCommand(io: CliIo = processIo): Command {
  return buildAveragedCommand(io, SPECAN_SETTINGS, {
    operation: 'specan',
    description: 'measure one spectrum of in1 (ch1) and in2 (ch2)',
    unit: 'spectra',
    resolve: (settings) => resolveSpecanSettings(settings, RED_PITAYA_125_14),
    faces: (rp) => rp.specan,
    describe: describeSpectrum,
  });
}

/** `labrx specan` for the program's command list. */
export const specanCommand: CliCommand = {
  name: 'specan',
  register(program: Command): void {
    program.addCommand(buildSpecanCommand());
  },
};
