import type { Command } from 'commander';

/**
 * One `labrx` subcommand, in its own file under `cli/commands/` and listed in
 * `cli/commands/index.ts`: `register` adds it (name, options, action) to the program.
 */
export interface CliCommand {
  /** The subcommand's name, e.g. 'repl'. */
  readonly name: string;
  /** Adds the subcommand to `program`. */
  register(program: Command): void;
}
