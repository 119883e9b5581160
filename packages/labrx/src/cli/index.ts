/** The `labrx` command line. */
export { buildProgram, runCli } from './main.js';
export { COMMANDS } from './commands/index.js';
export type { CliCommand } from './CliCommand.js';
export { parseDut } from './commands/repl.js';
