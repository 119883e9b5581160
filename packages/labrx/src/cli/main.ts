import { Command } from 'commander';
import type { CliCommand } from './CliCommand.js';
import { COMMANDS } from './commands/index.js';

/** Builds the `labrx` program with every subcommand of `commands` (default: all of `COMMANDS`). */
export function buildProgram(commands: readonly CliCommand[] = COMMANDS): Command {
  const program = new Command('labrx').description('lab instruments (Red Pitaya class) as RxJS pipelines, on the embedded simulator or a board');
  for (const c of commands) c.register(program);
  return program;
}

/** Runs the `labrx` command line (`argv` as in `process.argv`: node, script, arguments…). */
export async function runCli(argv: readonly string[] = process.argv): Promise<void> {
  await buildProgram().parseAsync([...argv]);
}
