import type { Command } from 'commander';
import { addGeneratorOptions } from './generatorFlags.js';
import { addBoardOptions, addOutputOptions } from './instrumentFlags.js';
import { addSaveRunOptions } from './saveRunFlags.js';

/**
 * The options every measuring command shares (`labrx scope`, `specan`, `na`): the generators to set
 * first (--asg0/--asg1), the board (--board, --seed, --dut, …), the outputs (--out, --plot) and the
 * run catalogue (--save-run, --tag, --db).
 */
export function addMeasurementOptions(cmd: Command): Command {
  addGeneratorOptions(cmd);
  addBoardOptions(cmd);
  addOutputOptions(cmd);
  addSaveRunOptions(cmd);
  return cmd;
}
