import { Command } from 'commander';
import type { CliCommand } from '../CliCommand.js';
import { defer, filter, map, range, concatMap, last, scan, tap } from 'rxjs';
import { frequencyResponse, NA_SETTINGS, once, RED_PITAYA_125_14, resolveNaSettings } from '@labrx/core';
import type { NaResponse, NaSweepEvent } from '@labrx/instruments';
import { checkOutputs, fmt, openBoard, processIo, progressBar, runCommand, settingsFrom, writeOutputs, type BoardFlags, type CliIo, type OutputFlags } from './instrumentFlags.js';
import { applyGenerators, generatorSettings, type GeneratorFlags } from './generatorFlags.js';
import { openSaveRunCatalogue, saveRunTo, type SaveRunFlags } from './saveRunFlags.js';
import { addSettingFlags } from './settingFlags.js';
import { addMeasurementOptions } from './measurementOptions.js';

/**
 * `labrx na`: one frequency response, swept point by point with a progress bar; a summary (the
 * largest |H|) on stdout, the response in --out (.npy: f, re, im, |H|, phase) and --plot, and in
 * the run catalogue with --save-run. One flag per declared setting (`NA_SETTINGS`).
 *
 * @example
 * labrx na --start 5e5 --stop 2e6 --points 201 --dut resonator:f0=1e6,q=20 --out na.npy --plot na.svg
 */
export function buildNaCommand(io: CliIo = processIo): Command {
  const cmd = new Command('na').description('sweep the network analyzer: H(f) = in1 / reference at each frequency');
  const flags = addSettingFlags(cmd, NA_SETTINGS);
  // kept from before the flags were derived: --linear is --no-logscale
  cmd.option('--linear', 'linear frequency spacing (same as --no-logscale)');
  addMeasurementOptions(cmd);
  return cmd.action((opts: BoardFlags & OutputFlags & GeneratorFlags & SaveRunFlags & Record<string, unknown>) =>
    runCommand(io, async () => {
      checkOutputs(opts);
      const settings = { ...settingsFrom(opts, flags), ...(opts.linear === true ? { logscale: false } : {}) };
      const s = resolveNaSettings(settings, RED_PITAYA_125_14);
      const g = generatorSettings(opts);
      const catalogue = openSaveRunCatalogue(opts);
      let rp;
      try {
        rp = await openBoard(opts);
      } catch (error) {
        catalogue?.close();
        throw error;
      }
      const bar = progressBar(io, 'sweep', s.points * s.averages, 'points');
      try {
        await applyGenerators(rp, g);
        // every sweep point by point (for the bar); several sweeps are averaged as na.single does
        // (the complex mean of re and im), one sweep after another
        const points$ = range(0, s.averages).pipe(
          concatMap((sweep) => defer(() => rp.na.sweep$(settings)).pipe(tap((e: NaSweepEvent) => bar.update(sweep * s.points + e.done)))),
          filter((e): e is Extract<NaSweepEvent, { kind: 'done' }> => e.kind === 'done'),
          map((e) => e.result),
          scan((acc: NaResponse | null, r: NaResponse) => (acc === null ? r : sum(acc, r)), null),
          last(),
          map((total) => mean(total!, s.averages)),
        );
        const h = await once(points$, { operation: 'na', scheduler: rp.driver.scheduler, ...(g.timeoutS !== undefined ? { timeoutMs: 1000 * g.timeoutS } : {}) });
        bar.stop();
        io.stdout.write(describeResponse(h) + '\n');
        await writeOutputs(h, opts, io);
        if (catalogue) saveRunTo(catalogue, h, opts, rp, io);
      } finally {
        bar.stop();
        await rp.close();
        catalogue?.close();
      }
    }),
  );
}

function sum(a: NaResponse, b: NaResponse): NaResponse {
  const re = a.re.map((x, i) => x + b.re[i]!);
  const im = a.im.map((x, i) => x + b.im[i]!);
  return { ...frequencyResponse(a.frequencies, re, im, a.settings), averages: a.averages + b.averages };
}

function mean(total: NaResponse, n: number): NaResponse {
  if (n === 1) return total;
  return { ...frequencyResponse(total.frequencies, total.re.map((x) => x / n), total.im.map((x) => x / n), total.settings), averages: n };
}

/** The sweep and where |H| is largest. */
export function describeResponse(h: NaResponse): string {
  const m = h.magnitude();
  const p = h.phaseDeg();
  let k = 0;
  for (let i = 1; i < m.length; i++) if (m[i]! > m[k]!) k = i;
  const f = h.frequencies;
  return [
    `frequency response: ${f.length} points, ${fmt(f[0]!)} … ${fmt(f[f.length - 1]!)} Hz (${h.settings.logscale ? 'log' : 'linear'}), rbw ${fmt(h.settings.rbw)} Hz, ${h.averages} sweep${h.averages === 1 ? '' : 's'}`,
    `max |H| = ${fmt(m[k]!)} (${fmt(20 * Math.log10(m[k]!))} dB) at ${fmt(f[k]!)} Hz, phase ${fmt(p[k]!)} deg`,
  ].join('\n');
}

/** `labrx na` for the program's command list. */
export const naCommand: CliCommand = {
  name: 'na',
  register(program: Command): void {
    program.addCommand(buildNaCommand());
  },
};
