import { Command } from 'commander';
import type { CliCommand } from '../CliCommand.js';
import { defer, filter, map, range, concatMap, last, scan, tap } from 'rxjs';
import { frequencyResponse, NA_INPUTS, NA_REFERENCES, once, RED_PITAYA_125_14, resolveNaSettings } from '@labrx/core';
import type { NaResponse, NaSweepEvent } from '@labrx/instruments';
import { addBoardOptions, addOutputOptions, checkOutputs, fmt, openBoard, processIo, progressBar, runCommand, settingsFrom, writeOutputs, type BoardFlags, type CliIo, type OutputFlags } from './instrumentFlags.js';
import { addGeneratorOptions, applyGenerators, generatorSettings, type GeneratorFlags } from './generatorFlags.js';

const NA_FLAGS = ['start', 'stop', 'points', 'rbw', 'amplitude', 'averagePerPoint', 'settle', 'input', 'reference', 'averages'] as const;

/**
 * `labrx na`: one frequency response, swept point by point with a progress bar; a summary (the
 * largest |H|) on stdout, the response in --out (.npy: f, re, im, |H|, phase) and --plot.
 *
 * @example
 * labrx na --start 5e5 --stop 2e6 --points 201 --dut resonator:f0=1e6,q=20 --out na.npy --plot na.svg
 */
export function buildNaCommand(io: CliIo = processIo): Command {
  const cmd = new Command('na')
    .description('sweep the network analyzer: H(f) = in1 / reference at each frequency')
    .option('--start <Hz>', 'first frequency in Hz (default 1e3)')
    .option('--stop <Hz>', 'last frequency in Hz (default 1e6)')
    .option('--points <n>', 'number of frequencies (default 101)')
    .option('--linear', 'linear frequency spacing (default: logarithmic)')
    .option('--rbw <Hz>', 'resolution bandwidth in Hz: integration of averagePerPoint / rbw per point (default 1000)')
    .option('--amplitude <V>', 'excitation amplitude on out1 in volts (default 0.1)')
    .option('--average-per-point <n>', 'integration per point in units of 1 / rbw (default 1)')
    .option('--settle <n>', 'settling before each point in units of 1 / rbw (default 0.5)')
    .option('--input <in>', `measured input: ${NA_INPUTS.join(', ')} (default in1)`)
    .option('--reference <ref>', `divide by: ${NA_REFERENCES.join(', ')} (default in2)`)
    .option('--averages <n>', 'sweeps averaged (complex mean; default 1)');
  addGeneratorOptions(cmd);
  addBoardOptions(cmd);
  addOutputOptions(cmd);
  return cmd.action((opts: BoardFlags & OutputFlags & GeneratorFlags & Record<string, unknown>) =>
    runCommand(io, async () => {
      checkOutputs(opts);
      const settings = { ...settingsFrom(opts, NA_FLAGS), ...(opts.linear === true ? { logscale: false } : {}) };
      const s = resolveNaSettings(settings, RED_PITAYA_125_14);
      const g = generatorSettings(opts);
      const rp = await openBoard(opts);
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
      } finally {
        bar.stop();
        await rp.close();
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
