import { InvalidArgumentError, type Command } from 'commander';
import { startRepl } from '../../repl/startRepl.js';
import type { SyncSimOptions } from '../../sync/engineOptions.js';
import type { DutSpec, PlantSpec } from '@labrx/hw-sim';
import type { CliCommand } from '../CliCommand.js';
import { parseDutOrPlantSpec, toDutOrPlantSpec } from '@labrx/hw-sim';

/** Parses `--dut resonator:f0=1e6,q=20,gain=0.5` or `--dut fabry-perot:finesse=3000,fsr=1.5e9` (as every labrx command does) into plain data for the engine. */
export function parseDut(text: string): DutSpec | PlantSpec {
  try {
    return toDutOrPlantSpec(parseDutOrPlantSpec(text));
  } catch (error) {
    throw new InvalidArgumentError(error instanceof Error ? error.message : String(error));
  }
}

function number(text: string): number {
  const x = Number(text);
  if (!Number.isFinite(x)) throw new InvalidArgumentError(`'${text}' is not a number`);
  return x;
}

/** `labrx repl`: a Node REPL with `rp` (async) and `rps` (blocking) boards. */
export const replCommand: CliCommand = {
  name: 'repl',
  register(program: Command): void {
    program
      .command('repl')
      .description('a Node REPL with rp (async: await rp.scope.single()) and rps (blocking: rps.scope.single()); Tab completes instruments and settings')
      .option('-b, --board <url>', "board to open: 'sim://' (default, the embedded simulator) or 'scpi://host:port'")
      .option('--seed <n>', 'simulator PRNG seed', number)
      .option('--noise-density <V/√Hz>', 'simulator input noise density', number)
      .option('--dut <spec>', "device under test, e.g. 'resonator:f0=1e6,q=20,gain=0.5', 'lowpass:cutoff=2e4,order=2'", parseDut)
      .option('-p, --procedures <module>', "a module of procedures: rps.call('name', …), await procs.name(rp, …)")
      .option('--virtual-time', "run rps's board in virtual time (each call completes instantly in board time)")
      .action(async (opts: { board?: string; seed?: number; noiseDensity?: number; dut?: DutSpec | PlantSpec; procedures?: string; virtualTime?: boolean }) => {
        const sim: SyncSimOptions = {
          ...(opts.seed !== undefined ? { seed: opts.seed } : {}),
          ...(opts.noiseDensity !== undefined ? { noiseDensity: opts.noiseDensity } : {}),
          ...(opts.dut ? { dut: opts.dut } : {}),
          ...(opts.virtualTime ? { virtualTime: true } : {}),
        };
        const board = opts.board && !opts.board.startsWith('sim://') ? opts.board : undefined;
        const session = await startRepl({ sim, ...(board ? { board } : {}), ...(opts.procedures ? { procedures: opts.procedures } : {}) });
        await session.closed;
      });
  },
};
