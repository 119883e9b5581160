import { Command } from 'commander';
import { last, take, tap, type Observable } from 'rxjs';
import { once, type BoardInfo } from '@labrx/core';
import type { Board } from '@labrx/instruments';
import type { SavableResult } from '../../datafiles/index.js';
import { checkOutputs, openBoard, progressBar, runCommand, settingsFrom, writeOutputs, type BoardFlags, type CliIo, type OutputFlags } from './instrumentFlags.js';
import { applyGenerators, generatorSettings, type GeneratorFlags } from './generatorFlags.js';
import { openSaveRunCatalogue, saveRunTo, type SaveRunFlags } from './saveRunFlags.js';
import { addMeasurementOptions } from './measurementOptions.js';
import { addSettingFlags, type FlagSource } from './settingFlags.js';

/**
 * Awaits the `count`-th result of `stream$` (whose results carry how many acquisitions they
 * average) while a progress bar counts them: the awaited result of `single$`, with progress.
 * `timeoutS` (seconds on the board's clock) stops the work with a `TimeoutError`.
 */
export function acquireWithProgress<T extends { averages: number }>(
  io: CliIo,
  board: Board,
  stream$: Observable<T>,
  count: number,
  what: { operation: string; label: string; unit: string; timeoutS?: number },
): Promise<T> {
  const bar = progressBar(io, what.label, count, what.unit);
  return once(
    stream$.pipe(
      tap((r) => bar.update(r.averages)),
      take(count),
      last(),
    ),
    { operation: what.operation, scheduler: board.driver.scheduler, ...(what.timeoutS !== undefined ? { timeoutMs: 1000 * what.timeoutS } : {}) },
  ).finally(() => bar.stop());
}

/** How `averagedAction` measures with one instrument (scope or specan). */
export interface AveragedCommand<R extends { averages: number }> {
  /** Instrument name, for messages and the operation name. */
  readonly operation: string;
  /** What is counted while averaging ('traces', 'spectra'). */
  readonly unit: string;
  /** The setting names that have a flag (commander's camelCase). */
  readonly flags: readonly string[];
  /** Validates settings against the Red Pitaya's rules before connecting; returns how many are averaged. */
  resolve(settings: Record<string, unknown>): { readonly averages: number };
  /** The instrument's faces on a board. */
  faces(rp: Board): { single$(s: Record<string, unknown>): Observable<R>; stream$(s: Record<string, unknown>): Observable<R> };
  /** One line (or a few) for stdout. */
  describe(result: R): string;
}

/**
 * The action of `labrx scope` and `labrx specan`: validate the flags (a typo costs no connection),
 * open the board, apply --asg0/--asg1, take one averaged result — with a progress bar on a
 * terminal, counting the continuous face's results, whose `averages`-th is the plain mean of the
 * first `averages`, as `single$` gives — print it, write --out/--plot, save it into the run
 * catalogue with --save-run, close the board.
 */
export function averagedAction<R extends { averages: number } & SavableResult>(io: CliIo, spec: AveragedCommand<R>) {
  return (opts: BoardFlags & OutputFlags & GeneratorFlags & SaveRunFlags & Record<string, unknown>) =>
    runCommand(io, async () => {
      checkOutputs(opts);
      const settings = settingsFrom(opts, spec.flags);
      const { averages } = spec.resolve(settings);
      const g = generatorSettings(opts);
      const catalogue = openSaveRunCatalogue(opts);
      try {
        const rp = await openBoard(opts);
        try {
          await applyGenerators(rp, g);
          const what = { operation: spec.operation, label: 'averaging', unit: spec.unit, ...(g.timeoutS !== undefined ? { timeoutS: g.timeoutS } : {}) };
          const faces = spec.faces(rp);
          const result = await acquireWithProgress(io, rp, averages > 1 && io.stderr.isTTY ? faces.stream$(settings) : faces.single$(settings), averages, what);
          io.stdout.write(spec.describe(result) + '\n');
          await writeOutputs(result, opts, io);
          if (catalogue) saveRunTo(catalogue, result, opts, rp, io);
        } finally {
          await rp.close();
        }
      } finally {
        catalogue?.close();
      }
    });
}

/**
 * A command that takes one averaged result with one instrument (`labrx scope`, `labrx specan`): one
 * flag per declared setting of `declaration` (its help from the declaration), the shared measurement
 * options, and `averagedAction` as its action.
 */
export function buildAveragedCommand<R extends { averages: number } & SavableResult>(
  io: CliIo,
  declaration: FlagSource,
  spec: Omit<AveragedCommand<R>, 'flags'> & { readonly description: string; readonly info?: BoardInfo },
): Command {
  const cmd = new Command(spec.operation).description(spec.description);
  // the flags' help and choices from `info`'s rules (default: the Red Pitaya 125-14's)
  const flags = addSettingFlags(cmd, declaration, spec.info);
  addMeasurementOptions(cmd);
  return cmd.action(averagedAction(io, { ...spec, flags }));
}
