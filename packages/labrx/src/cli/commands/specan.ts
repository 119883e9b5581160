import type { Command } from 'commander';
import type { CliCommand } from '../CliCommand.js';
import { resolveSpecanSettings, SPECAN_SETTINGS } from '@labrx/core';
import { SIM_BOARD_INFO } from '@labrx/hw-sim';
import { buildAveragedCommand } from './acquireWithProgress.js';
import { describeSpectrum, processIo, type CliIo } from './instrumentFlags.js';

/**
 * `labrx specan`: one spectrum of both inputs (the mean of --averages, in linear power), with a
 * progress bar while averaging; a summary (peaks) on stdout, the spectrum in --out and --plot. One
 * flag per declared setting (`SPECAN_SETTINGS`).
 *
 * @example
 * labrx specan --span 1e6 --window flattop --unit dBm --averages 16 --asg0 frequency=2e5,amplitude=0.5,output=out1
 * labrx specan --mode iq --center 5e6 --decimation 256 --window flattop   # iq2 demodulates in1: 5 MHz ± 244 kHz
 */
export function buildSpecanCommand(io: CliIo = processIo): Command {
  return buildAveragedCommand(io, SPECAN_SETTINGS, {
    operation: 'specan',
    description: 'measure one spectrum of in1 (ch1) and in2 (ch2), or with --mode iq of one input around --center (ch1)',
    unit: 'spectra',
    // the simulator's info: a board with IQ modules, so --mode iq is offered and checked here; a board
    // without them (plain SCPI) refuses it when it runs, with the same SettingsError (exit 2)
    info: SIM_BOARD_INFO,
    resolve: (settings) => resolveSpecanSettings(settings, SIM_BOARD_INFO),
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
