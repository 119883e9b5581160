import { Command } from 'commander';
import { NotSupportedError, SettingsError } from '@labrx/core';
import { SIM_BOARD_INFO } from '@labrx/hw-sim';
import type { Board } from '@labrx/instruments';
import { addBoardOptions, openBoard, reportError, settingsFrom, type BoardFlags, type CliIo } from './instrumentFlags.js';
import { addSettingFlags, type FlagSource } from './settingFlags.js';

/** A hardware module's two calls the command makes: set what is given, or read. */
interface SettableModule<R> {
  set(settings: Record<string, unknown>): Promise<R>;
  get(): Promise<R>;
}

/** What `buildModuleCommand` needs to know of one kind of hardware module (PID, IQ module). */
export interface ModuleCommandSpec<R extends object> {
  /** The command's name ('pid', 'iq'), also the instrument name of a bad module argument. */
  readonly name: string;
  /** One line for `--help`. */
  readonly description: string;
  /** The module names a board may have ('pid0', …). */
  readonly modules: readonly string[];
  /** The modules' declared settings: one flag each, help and units from the declaration. */
  readonly settings: FlagSource;
  /** Module `name` on `rp`, or undefined where the board cannot set such modules. */
  module(rp: Board, name: string): SettableModule<R> | undefined;
  /** Why a board without the modules cannot: the `NotSupportedError`'s requirement. */
  readonly unsupported: string;
}

/**
 * `labrx <name> <module>` for a kind of hardware module (`labrx pid pid0 …`, `labrx iq iq1 …`): sets
 * the module from the flags given, then prints what it holds (values after the hardware's
 * quantisation), one setting a line with its unit, or as JSON with --json. Without setting flags it
 * only reads. Flags, help and ranges come from the declaration for PyRPL's FPGA (the board in use
 * checks its own); a bad module or value exits 2 naming the setting, a board without such modules
 * exits 1 with `NotSupportedError`. On a real board the module keeps running after the command ends;
 * the embedded simulator ends with it.
 */
export function buildModuleCommand<R extends object>(io: CliIo, spec: ModuleCommandSpec<R>): Command {
  const cmd = new Command(spec.name)
    .description(spec.description)
    .argument('<module>', `the module: ${spec.modules.join(', ')}`)
    .option('--json', 'print the settings as JSON');
  const flags = addSettingFlags(cmd, spec.settings, SIM_BOARD_INFO);
  addBoardOptions(cmd);
  return cmd.action(async (module: string, opts: Record<string, unknown> & BoardFlags & { json?: boolean }) => {
    try {
      if (!spec.modules.includes(module)) throw new SettingsError(spec.name, 'module', module, `one of ${spec.modules.join(', ')}`);
      const settings = settingsFrom(opts, flags);
      const rp = await openBoard(opts);
      try {
        const target = spec.module(rp, module);
        if (!target) throw new NotSupportedError(rp.id, module, spec.unsupported);
        const held = Object.keys(settings).length > 0 ? await target.set(settings) : await target.get();
        io.stdout.write(opts.json ? `${JSON.stringify(held)}\n` : describeModule(module, held, spec.settings));
      } finally {
        await rp.close();
      }
    } catch (error) {
      io.fail(reportError(io, error));
    }
  });
}

/** One line per setting: name, value and unit, as the declaration names them. */
function describeModule(module: string, held: object, settings: FlagSource): string {
  const units = new Map(settings.fields(SIM_BOARD_INFO).map((f) => [f.name, f.unit ?? '']));
  const rows = Object.entries(held).map(([name, value]: [string, unknown]) => {
    const text = Array.isArray(value) ? `[${value.join(', ')}]` : String(value);
    const unit = units.get(name) ?? '';
    return `  ${name.padEnd(14)} ${text}${unit ? ` ${unit}` : ''}`;
  });
  return `${module}:\n${rows.join('\n')}\n`;
}
