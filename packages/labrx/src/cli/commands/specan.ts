import { Command } from 'commander';
import type { CliCommand } from '../CliCommand.js';
import { RED_PITAYA_125_14, resolveSpecanSettings, SPECAN_INPUTS, SPECTRUM_UNITS, WINDOW_NAMES } from '@labrx/core';
import { averagedAction } from './acquireWithProgress.js';
import { addGeneratorOptions } from './generatorFlags.js';
import { addBoardOptions, addOutputOptions, describeSpectrum, processIo, type CliIo } from './instrumentFlags.js';

const SPECAN_FLAGS = ['span', 'decimation', 'window', 'unit', 'averages', 'input', 'backend', 'zeroPad'] as const;

/**
 * `labrx specan`: one spectrum of both inputs (the mean of --averages, in linear power), with a
 * progress bar while averaging; a summary (peaks) on stdout, the spectrum in --out and --plot.
 *
 * @example
 * labrx specan --span 1e6 --window flattop --unit dBm --averages 16 --asg0 frequency=2e5,amplitude=0.5,output=out1
 */
export function buildSpecanCommand(io: CliIo = processIo): Command {
  const cmd = new Command('specan')
    .description('measure one spectrum of in1 (ch1) and in2 (ch2)')
    .option('--span <Hz>', 'analysed band 0 … span in Hz (62.5 MHz / decimation); instead of --decimation')
    .option('--decimation <n>', 'scope decimation: a power of 2 from 1 to 65536 (default 1)')
    .option('--window <name>', `FFT window: ${WINDOW_NAMES.join(', ')} (default hann)`)
    .option('--unit <unit>', `unit: ${SPECTRUM_UNITS.join(', ')} (default Vpk^2)`)
    .option('--averages <n>', 'spectra averaged in linear power (default 1)')
    .option('--input <which>', `inputs analysed: ${SPECAN_INPUTS.join(', ')} (default both)`)
    .option('--backend <fft>', "FFT implementation: 'fftjs' (Float64) or 'pffft' (WebAssembly SIMD)")
    .option('--zero-pad <n>', 'zero-padding factor of the FFT: 1, 2, 4, 8 or 16 (PyRPL uses 16; default 1)');
  addGeneratorOptions(cmd);
  addBoardOptions(cmd);
  addOutputOptions(cmd);
  return cmd.action(
    averagedAction(io, {
      operation: 'specan',
      unit: 'spectra',
      flags: SPECAN_FLAGS,
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
