import { Command } from 'commander';
import { runLabrxSim } from '@labrx/hw-sim';
import type { CliCommand } from '../CliCommand.js';
import { processIo, reportError, type CliIo } from './instrumentFlags.js';

/**
 * `labrx sim`: the simulated boards over SCPI, exactly as the `labrx-sim` command (its own
 * options, `labrx sim --help` prints them); its exit code passes through.
 *
 * @example
 * labrx sim --port 5000 --boards 4 --dut resonator:f0=1e6,q=20
 */
export function buildSimCommand(io: CliIo = processIo): Command {
  return (
    new Command('sim')
      .description('serve simulated Red Pitaya boards over SCPI (as labrx-sim; labrx sim --help lists its options)')
      // every argument, --help included, belongs to labrx-sim's own parser
      .helpOption(false)
      .allowUnknownOption()
      .allowExcessArguments()
      .argument('[options...]', 'labrx-sim options: --port, --boards, --seed, --dut, --noise, --host')
      .action(async (_args: string[], _opts: unknown, cmd: Command) => {
        try {
          const code = await runLabrxSim(cmd.args, { out: io.stdout, err: io.stderr, signals: process });
          if (code !== 0) io.fail(code);
        } catch (error) {
          io.fail(reportError(io, error));
        }
      })
  );
}

/** `labrx sim` for the program's command list. */
export const simCommand: CliCommand = {
  name: 'sim',
  register(program: Command): void {
    program.addCommand(buildSimCommand());
  },
};
