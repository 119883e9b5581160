import { Command } from 'commander';
import { SettingsError } from '@labrx/core';
import { defaultCataloguePath, type Catalogue, type CatalogueBoard } from '@labrx/catalogue';
import { openRunCatalogue } from '../../catalogue/openRunCatalogue.js';
import type { SavableResult } from '../../datafiles/index.js';
import type { CliIo } from './instrumentFlags.js';

/** `--save-run [label]`, `--tag`, `--db` as commander parses them. */
export interface SaveRunFlags {
  /** `true` for `--save-run` alone, the label for `--save-run LABEL`, absent when not given. */
  readonly saveRun?: string | true;
  /** Tags for the saved run (repeatable flag). */
  readonly tag?: readonly string[];
  /** The catalogue file (default: the user's, `defaultCataloguePath()`). */
  readonly db?: string;
}

/** Adds `--save-run [label]`, `--tag <tag>` (repeatable) and `--db <file>` to an acquisition command. */
export function addSaveRunOptions(cmd: Command): Command {
  return cmd
    .option('--save-run [label]', 'save the result into the run catalogue, with this label if given (see `labrx runs ls`)')
    .option('--tag <tag>', 'with --save-run: tag the saved run (repeat for several)', (value: string, previous: string[] = []) => [...previous, value])
    .option('--db <file>', `with --save-run: the catalogue file (default ${defaultCataloguePath()})`);
}

/**
 * Checks the flags and opens the catalogue before anything is measured (a wrong `--db` costs no
 * acquisition); undefined when `--save-run` is not given.
 *
 * @throws SettingsError for `--tag`/`--db` without `--save-run`, or an empty label
 * @throws CatalogueError when the file cannot be opened or is not a catalogue
 */
export function openSaveRunCatalogue(flags: SaveRunFlags): Catalogue | undefined {
  if (flags.saveRun === undefined) {
    if (flags.tag !== undefined && flags.tag.length > 0) throw new SettingsError('cli', 'tag', flags.tag.join(','), 'only with --save-run');
    if (flags.db !== undefined) throw new SettingsError('cli', 'db', flags.db, 'only with --save-run');
    return undefined;
  }
  if (typeof flags.saveRun === 'string' && flags.saveRun.trim() === '') throw new SettingsError('cli', 'save-run', flags.saveRun, 'a label that is not empty, or --save-run alone for none');
  const empty = flags.tag?.find((t) => t.trim() === '');
  if (empty !== undefined) throw new SettingsError('cli', 'tag', empty, 'a tag that is not empty');
  return openRunCatalogue(flags.db);
}

/**
 * Saves a result with its label, tags and the board's snapshot (take it before closing the board);
 * says on stderr which run it became: `saved run 12 (label) in FILE`.
 */
export function saveRunTo(catalogue: Catalogue, result: SavableResult, flags: SaveRunFlags, board: CatalogueBoard, io: CliIo): number {
  const label = typeof flags.saveRun === 'string' ? flags.saveRun : undefined;
  const id = catalogue.save(result, { board, ...(label !== undefined ? { label } : {}), ...(flags.tag !== undefined ? { tags: [...flags.tag] } : {}) });
  io.stderr.write(`saved run ${id}${label !== undefined ? ` (${label})` : ''} in ${catalogue.path}\n`);
  return id;
}
