import { Command } from 'commander';
import { SettingsError, type Spectrum, type Trace } from '@labrx/core';
import { defaultCataloguePath, type Catalogue, type RunSummary } from '@labrx/catalogue';
import type { CliCommand } from '../CliCommand.js';
import { openRunCatalogue } from '../../catalogue/openRunCatalogue.js';
import { rerunRun } from '../../catalogue/rerunRun.js';
import { saveResult } from '../../datafiles/index.js';
import { describeSpectrogram, describeSpectrum, describeTrace, fmt, processIo, runCommand, type CliIo } from './instrumentFlags.js';

/**
 * `labrx runs ls|show|export|rm` and `labrx rerun`: the run catalogue from the command line
 * (docs/decisions/0013-run-catalogue.md). Every one takes `--db FILE` (default
 * `$XDG_DATA_HOME/labrx/runs.sqlite`).
 *
 * @example
 * labrx runs ls --tag overnight --since 2026-12-01
 * labrx runs show 12
 * labrx runs export 12 ringdown.npy
 * labrx runs rm 12 13
 * labrx rerun 12
 */

const DB_HELP = `catalogue file (default ${defaultCataloguePath()})`;

function runId(text: string): number {
  const id = Number(text);
  if (!Number.isSafeInteger(id) || id < 1) throw new SettingsError('runs', 'id', text, 'a run id (a positive integer, as `labrx runs ls` lists)');
  return id;
}

function sinceMs(text: string): number {
  const ms = /^\d+$/.test(text) ? Number(text) : Date.parse(text);
  if (!Number.isFinite(ms)) throw new SettingsError('runs', 'since', text, 'an ISO date or time (2026-12-01, 2026-12-01T08:00Z) or ms since the epoch');
  return ms;
}

/** Opens the catalogue, runs `body`, closes it whatever happens. */
async function withCatalogue(db: string | undefined, body: (c: Catalogue) => Promise<void> | void): Promise<void> {
  const catalogue = openRunCatalogue(db);
  try {
    await body(catalogue);
  } finally {
    catalogue.close();
  }
}

function summaryLine(r: RunSummary): string {
  const when = new Date(r.createdMs).toISOString().replace('T', ' ').replace(/\.\d+Z$/, 'Z');
  return [String(r.id).padStart(6), when, r.instrument.padEnd(6), String(r.points).padStart(7), (r.boardId ?? '-').padEnd(22), r.label ?? '', r.tags.length ? `[${r.tags.join(', ')}]` : ''].join('  ').trimEnd();
}

/** Builds `labrx runs` with its four subcommands. */
export function buildRunsCommand(io: CliIo = processIo): Command {
  const runs = new Command('runs').description('the run catalogue: list, show, export and remove saved runs');
  runs
    .command('ls')
    .description('list runs, newest first')
    .option('--db <file>', DB_HELP)
    .option('--instrument <name>', 'only runs of this instrument (scope, specan, na)')
    .option('--tag <tag>', 'only runs with this tag')
    .option('--label <label>', 'only runs with this label')
    .option('--since <time>', 'only runs saved at or after this time (ISO date/time)')
    .option('--limit <n>', 'at most n runs')
    .option('--json', 'one JSON object per line instead of a table')
    .action((opts: { db?: string; instrument?: string; tag?: string; label?: string; since?: string; limit?: string; json?: boolean }) =>
      runCommand(io, () =>
        withCatalogue(opts.db, (c) => {
          let limit: number | undefined;
          if (opts.limit !== undefined) {
            limit = Number(opts.limit);
            if (!Number.isSafeInteger(limit) || limit < 0) throw new SettingsError('runs', 'limit', opts.limit, 'a whole number of runs, 0 or more');
          }
          const found = c.find({
            ...(opts.instrument !== undefined ? { instrument: opts.instrument } : {}),
            ...(opts.tag !== undefined ? { tag: opts.tag } : {}),
            ...(opts.label !== undefined ? { label: opts.label } : {}),
            ...(opts.since !== undefined ? { since: sinceMs(opts.since) } : {}),
            ...(limit !== undefined ? { limit } : {}),
          });
          if (opts.json) for (const r of found) io.stdout.write(`${JSON.stringify(r)}\n`);
          else {
            io.stdout.write(`${'id'.padStart(6)}  ${'saved (UTC)'.padEnd(20)}  ${'instr.'.padEnd(6)}  ${'points'.padStart(7)}  ${'board'.padEnd(22)}  label [tags]\n`);
            for (const r of found) io.stdout.write(`${summaryLine(r)}\n`);
          }
        }),
      ),
    );
  runs
    .command('show')
    .description('one run: what it is, its settings and the board it was measured on')
    .argument('<id>', 'run id')
    .option('--db <file>', DB_HELP)
    .action((idText: string, opts: { db?: string }) =>
      runCommand(io, () =>
        withCatalogue(opts.db, (c) => {
          const run = c.load(runId(idText));
          const { result, snapshot, kind, ...summary } = run;
          io.stdout.write(`${summaryLine(run)}\n`);
          io.stdout.write(`${kind === 'trace' ? describeTrace(result) : kind === 'spectrum' ? describeSpectrum(result) : kind === 'spectrogram' ? describeSpectrogram(result) : `frequency response: ${result.frequencies.length} points, ${fmt(result.frequencies[0] ?? 0)} … ${fmt(result.frequencies[result.frequencies.length - 1] ?? 0)} Hz`}\n`);
          io.stdout.write(`${JSON.stringify({ ...summary, kind, settings: result.settings, snapshot }, null, 1)}\n`);
        }),
      ),
    );
  runs
    .command('export')
    .description('write a run to a data file: .csv, .json or .npy (with its .npy.json sidecar)')
    .argument('<id>', 'run id')
    .argument('<file>', 'output file; its extension picks the format')
    .option('--db <file>', DB_HELP)
    .action((idText: string, file: string, opts: { db?: string }) =>
      runCommand(io, () =>
        withCatalogue(opts.db, async (c) => {
          const written = await saveResult(file, c.load(runId(idText)).result);
          io.stdout.write(`${written.join('\n')}\n`);
        }),
      ),
    );
  runs
    .command('rm')
    .description('remove runs')
    .argument('<ids...>', 'run ids')
    .option('--db <file>', DB_HELP)
    .action((ids: string[], opts: { db?: string }) =>
      runCommand(io, () =>
        withCatalogue(opts.db, (c) => {
          const parsed = ids.map(runId);
          const missing = parsed.filter((id) => !c.batch(() => c.remove(id)));
          if (missing.length > 0) throw new SettingsError('runs', 'id', missing.join(', '), 'ids of runs in the catalogue (the others were removed)');
        }),
      ),
    );
  return runs;
}

/** Builds `labrx rerun <id>`: exit 0 when the rerun is bit-identical, 1 when it differs. */
export function buildRerunCommand(io: CliIo = processIo): Command {
  return new Command('rerun')
    .description('rerun a catalogued simulated acquisition on a fresh simulated board (same seed and settings) and tell whether it is bit-identical')
    .argument('<id>', 'run id')
    .option('--db <file>', DB_HELP)
    .action((idText: string, opts: { db?: string }) =>
      runCommand(io, () =>
        withCatalogue(opts.db, async (c) => {
          const report = await rerunRun(c.load(runId(idText)));
          for (const a of report.arrays) io.stdout.write(`${a.name}: ${a.differing === 0 ? 'identical' : `${a.differing} samples differ, max |Δ| ${fmt(a.maxAbsDiff)}`}\n`);
          for (const caveat of report.caveats) io.stdout.write(`note: ${caveat}\n`);
          io.stdout.write(report.identical ? 'bit-identical\n' : 'NOT identical\n');
          if (!report.identical) io.fail(1);
        }),
      ),
    );
}

/** `labrx runs …` and `labrx rerun` for the program's command list. */
export const runsCommand: CliCommand = {
  name: 'runs',
  register(program: Command): void {
    program.addCommand(buildRunsCommand());
    program.addCommand(buildRerunCommand());
  },
};
