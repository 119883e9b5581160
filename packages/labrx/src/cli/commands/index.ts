/**
 * The `labrx` subcommands, one file each: to add one, write `commands/<name>.ts` exporting a
 * `CliCommand` and list it here.
 */
import type { CliCommand } from '../CliCommand.js';
import { replCommand } from './repl.js';
import { scopeCommand } from './scope.js';
import { specanCommand } from './specan.js';
import { naCommand } from './na.js';
import { studioCommand } from './studio.js';
import { simCommand } from './sim.js';
import { runsCommand } from './runs.js';
import { serveCommand } from './serve.js';
import { pidCommand } from './pid.js';
import { iqCommand } from './iq.js';

/** Every subcommand, in the order `labrx --help` lists them. */
export const COMMANDS: readonly CliCommand[] = [scopeCommand, specanCommand, naCommand, pidCommand, iqCommand, simCommand, studioCommand, replCommand, runsCommand, serveCommand];
