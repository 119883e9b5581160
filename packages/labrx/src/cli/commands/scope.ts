import { Command } from 'commander';
import type { CliCommand } from '../CliCommand.js';
import { ASG_DEFAULTS, RED_PITAYA_125_14, resolveAsgSettings, resolveScopeSettings, SettingsError, TRIGGER_SOURCES } from '@labrx/core';
import type { Board } from '@labrx/instruments';
import { acquireWithProgress } from './acquireWithProgress.js';
import {
  addBoardOptions,
  addOutputOptions,
  checkOutputs,
  describeTrace,
  keyValues,
  openBoard,
  processIo,
  runCommand,
  settingsFrom,
  settingValue,
  writeOutputs,
  type BoardFlags,
  type CliIo,
  type OutputFlags,
} from './instrumentFlags.js';

/** Scope settings that have a flag, by their setting name (commander's camelCase of the flag). */
const SCOPE_FLAGS = ['decimation', 'duration', 'trigger', 'threshold', 'hysteresis', 'triggerDelay', 'boxcar', 'averages'] as const;

/** --asg0, --asg1, --timeout as commander parses them. */
export type GeneratorFlags = { asg0?: string; asg1?: string; timeout?: string };

/** Adds --asg0/--asg1 (generator settings applied before measuring) and --timeout. */
export function addGeneratorOptions(cmd: Command): Command {
  return cmd
    .option('--asg0 <settings>', 'set generator asg0 first, e.g. frequency=1e5,amplitude=0.5,output=out1 (waveform, frequency Hz, amplitude V, offset V, phase deg, output)')
    .option('--asg1 <settings>', 'set generator asg1 first (as --asg0)')
    .option('--timeout <s>', 'give up after this many seconds (exit 1)');
}

/** Validates --asg0/--asg1 and --timeout without a board (fail fast, exit 2). */
export function generatorSettings(opts: GeneratorFlags): { asg0?: Record<string, unknown>; asg1?: Record<string, unknown>; timeoutS?: number } {
  const out: { asg0?: Record<string, unknown>; asg1?: Record<string, unknown>; timeoutS?: number } = {};
  for (const name of ['asg0', 'asg1'] as const) {
    const text = opts[name];
    if (text === undefined) continue;
    const s = keyValues(text, name);
    resolveAsgSettings(s, RED_PITAYA_125_14, ASG_DEFAULTS, name);
    out[name] = s;
  }
  if (opts.timeout !== undefined) {
    const t = settingValue(opts.timeout);
    if (typeof t !== 'number' || !(t > 0)) throw new SettingsError('cli', 'timeout', t, 'a number of seconds above 0');
    out.timeoutS = t;
  }
  return out;
}

/** Applies validated generator settings on the board. */
export async function applyGenerators(rp: Board, g: { asg0?: Record<string, unknown>; asg1?: Record<string, unknown> }): Promise<void> {
  if (g.asg0) await rp.asg0.set(g.asg0);
  if (g.asg1) await rp.asg1.set(g.asg1);
}

/**
 * `labrx scope`: one trace (the mean of --averages acquisitions) of both inputs; a summary on
 * stdout, the trace in --out (.csv/.json/.npy) and --plot (.svg).
 *
 * @example
 * labrx scope --decimation 64 --asg0 frequency=1e5,amplitude=0.5,output=out1 --out trace.csv --plot trace.svg
 */
export function buildScopeCommand(io: CliIo = processIo): Command {
  const cmd = new Command('scope')
    .description('acquire one scope trace: 16384 samples of in1 (ch1) and in2 (ch2) in volts')
    .option('--decimation <n>', 'decimation of the 125 MS/s stream: a power of 2 from 1 to 65536 (default 1)')
    .option('--duration <s>', 'trace length in seconds instead of --decimation')
    .option('--trigger <source>', `trigger: ${TRIGGER_SOURCES.join(', ')} (default immediate)`)
    .option('--threshold <V>', 'trigger threshold in volts')
    .option('--hysteresis <V>', 'trigger hysteresis in volts')
    .option('--trigger-delay <s>', 'trigger delay in seconds (0: trigger mid-buffer)')
    .option('--no-boxcar', 'keep every decimation-th sample instead of averaging each step')
    .option('--averages <n>', 'acquisitions averaged into the result (default 1)');
  addGeneratorOptions(cmd);
  addBoardOptions(cmd);
  addOutputOptions(cmd);
  return cmd.action((opts: BoardFlags & OutputFlags & GeneratorFlags & Record<string, unknown>) =>
    runCommand(io, async () => {
      checkOutputs(opts);
      const settings = settingsFrom(opts, SCOPE_FLAGS);
      // validate against the Red Pitaya's rules before connecting: a typo costs no connection
      const s = resolveScopeSettings(settings, RED_PITAYA_125_14);
      const g = generatorSettings(opts);
      const rp = await openBoard(opts);
      try {
        await applyGenerators(rp, g);
        // with a bar to draw, count the acquisitions of the continuous face: its averages-th result is
        // the plain mean of the first `averages`, as single$ gives
        const what = { operation: 'scope', label: 'averaging', unit: 'traces', ...(g.timeoutS !== undefined ? { timeoutS: g.timeoutS } : {}) };
        const trace = await acquireWithProgress(io, rp, s.averages > 1 && io.stderr.isTTY ? rp.scope.stream$(settings) : rp.scope.single$(settings), s.averages, what);
        io.stdout.write(describeTrace(trace) + '\n');
        await writeOutputs(trace, opts, io);
      } finally {
        await rp.close();
      }
    }),
  );
}

/** `labrx scope` for the program's command list. */
export const scopeCommand: CliCommand = {
  name: 'scope',
  register(program: Command): void {
    program.addCommand(buildScopeCommand());
  },
};
