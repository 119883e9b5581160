import { Command } from 'commander';
import { NotSupportedError, PID_SETTINGS, SettingsError, type ResolvedPidSettings } from '@labrx/core';
import { SIM_BOARD_INFO } from '@labrx/hw-sim';
import type { CliCommand } from '../CliCommand.js';
import { addBoardOptions, openBoard, processIo, reportError, settingsFrom, type BoardFlags, type CliIo } from './instrumentFlags.js';
import { addSettingFlags } from './settingFlags.js';

/** The PID modules a board may have. */
const MODULES = ['pid0', 'pid1', 'pid2'] as const;

/**
 * `labrx pid <module>`: sets a PID module (PyRPL's FPGA over pyrpl://, or the simulator) from the
 * flags given, then prints what the module holds (values after the hardware's quantisation), one
 * setting a line, or as JSON with --json. Without setting flags it only reads. One flag per declared
 * setting (`PID_SETTINGS`), its help and ranges from the declaration for PyRPL's FPGA (the board in
 * use checks its own). `--input-filter-hz` takes a comma-separated list (`addSettingFlags`). On a real board the PID
 * keeps running after the command ends; the embedded simulator ends with it.
 *
 * @example
 * labrx pid pid0 --board pyrpl://rp-f0a1b2:2222 --input in1 --output-direct out1 --setpoint 0.1 --p 0.5 --i 1000
 * labrx pid pid0 --board pyrpl://rp-f0a1b2:2222 --json
 */
export function buildPidCommand(io: CliIo = processIo): Command {
  const cmd = new Command('pid')
    .description('set a PID module (pid0 … pid2) from the flags given and print what it holds')
    .argument('<module>', `the PID module: ${MODULES.join(', ')}`)
    .option('--json', 'print the settings as JSON');
  const flags = addSettingFlags(cmd, PID_SETTINGS, SIM_BOARD_INFO);
  addBoardOptions(cmd);
  return cmd.action(async (module: string, opts: Record<string, unknown> & BoardFlags & { json?: boolean }) => {
    try {
      if (!(MODULES as readonly string[]).includes(module)) throw new SettingsError('pid', 'module', module, `one of ${MODULES.join(', ')}`);
      const settings = settingsFrom(opts, flags);
      const rp = await openBoard(opts);
      try {
        const pid = rp[module as (typeof MODULES)[number]];
        if (!pid) throw new NotSupportedError(rp.id, module, 'this board has no PID modules: PyRPL’s FPGA has three (pyrpl://host:2222), as has the embedded simulator; a stock Red Pitaya over SCPI has none');
        const held = Object.keys(settings).length > 0 ? await pid.set(settings) : await pid.get();
        io.stdout.write(opts.json ? `${JSON.stringify(held)}\n` : describePid(module, held));
      } finally {
        await rp.close();
      }
    } catch (error) {
      io.fail(reportError(io, error));
    }
  });
}

/** One line per setting: name, value and unit, as the declaration names them. */
function describePid(module: string, held: ResolvedPidSettings): string {
  const units = new Map(PID_SETTINGS.fields(SIM_BOARD_INFO).map((f) => [f.name, f.unit ?? '']));
  const rows = Object.entries(held).map(([name, value]) => {
    const text = Array.isArray(value) ? `[${value.join(', ')}]` : String(value);
    const unit = units.get(name) ?? '';
    return `  ${name.padEnd(14)} ${text}${unit ? ` ${unit}` : ''}`;
  });
  return `${module}:\n${rows.join('\n')}\n`;
}

/** `labrx pid` for the program's command list. */
export const pidCommand: CliCommand = {
  name: 'pid',
  register(program: Command): void {
    program.addCommand(buildPidCommand());
  },
};
