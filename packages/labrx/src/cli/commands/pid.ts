import type { Command } from 'commander';
import { PID_SETTINGS, type ResolvedPidSettings } from '@labrx/core';
import type { CliCommand } from '../CliCommand.js';
import { processIo, type CliIo } from './instrumentFlags.js';
import { buildModuleCommand } from './moduleCommand.js';

/** The PID modules a board may have. */
const MODULES = ['pid0', 'pid1', 'pid2'] as const;

/**
 * `labrx pid <module>`: sets a PID module (PyRPL's FPGA over pyrpl://, or the simulator) from the
 * flags given and prints what it holds (`buildModuleCommand`). One flag per declared setting
 * (`PID_SETTINGS`); `--input-filter-hz` takes a comma-separated list.
 *
 * @example
 * labrx pid pid0 --board pyrpl://rp-f0a1b2:2222 --input in1 --output-direct out1 --setpoint 0.1 --p 0.5 --i 1000
 * labrx pid pid0 --board pyrpl://rp-f0a1b2:2222 --json
 */
export function buildPidCommand(io: CliIo = processIo): Command {
  return buildModuleCommand<ResolvedPidSettings>(io, {
    name: 'pid',
    description: 'set a PID module (pid0 … pid2) from the flags given and print what it holds',
    modules: MODULES,
    settings: PID_SETTINGS,
    module: (rp, name) => {
      const pid = rp[name as (typeof MODULES)[number]];
      return pid && { set: (s) => pid.set(s), get: () => pid.get() };
    },
    unsupported: 'this board has no PID modules: PyRPL’s FPGA has three (pyrpl://host:2222), as has the embedded simulator; a stock Red Pitaya over SCPI has none',
  });
}

/** `labrx pid` for the program's command list. */
export const pidCommand: CliCommand = {
  name: 'pid',
  register(program: Command): void {
    program.addCommand(buildPidCommand());
  },
};
