import type { Command } from 'commander';
import { IQ_MODULE_SETTINGS, type ResolvedIqModuleSettings } from '@labrx/core';
import type { CliCommand } from '../CliCommand.js';
import { processIo, type CliIo } from './instrumentFlags.js';
import { buildModuleCommand } from './moduleCommand.js';

/** The IQ modules a board may have. */
const MODULES = ['iq0', 'iq1', 'iq2'] as const;

/**
 * `labrx iq <module>`: sets an IQ module as a continuous demodulator/oscillator (PyRPL's FPGA over
 * pyrpl://, or the simulator) from the flags given and prints what it holds (`buildModuleCommand`).
 * One flag per declared setting (`IQ_MODULE_SETTINGS`); `--bandwidth-hz` takes a comma-separated list.
 *
 * @example
 * labrx iq iq0 --board pyrpl://rp-f0a1b2:2222 --input in1 --frequency-hz 25e6 --bandwidth-hz 1e5,1e5 --gain 1
 * labrx iq iq2 --board pyrpl://rp-f0a1b2:2222 --json
 */
export function buildIqCommand(io: CliIo = processIo): Command {
  return buildModuleCommand<ResolvedIqModuleSettings>(io, {
    name: 'iq',
    description: 'set an IQ module (iq0 … iq2) from the flags given and print what it holds',
    modules: MODULES,
    settings: IQ_MODULE_SETTINGS,
    module: (rp, name) => {
      const iq = rp[name as (typeof MODULES)[number]];
      return iq.configurable ? { set: (s) => iq.set(s), get: () => iq.get() } : undefined;
    },
    unsupported: 'this board cannot set IQ modules: PyRPL’s FPGA has three (pyrpl://host:2222), as has the embedded simulator; a stock Red Pitaya over SCPI has none',
  });
}

/** `labrx iq` for the program's command list. */
export const iqCommand: CliCommand = {
  name: 'iq',
  register(program: Command): void {
    program.addCommand(buildIqCommand());
  },
};
