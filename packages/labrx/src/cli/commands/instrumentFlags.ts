import { Command, Option } from 'commander';
import { SingleBar } from 'cli-progress';
import { formatSettingValue, SettingsError, type Spectrogram, type Spectrum, type Trace } from '@labrx/core';
import { ProfileError, type Board } from '@labrx/instruments';
import { DUT_ALLOWED, parseDutOrPlantSpec, type SimBoardOptions } from '@labrx/hw-sim';
import { connect } from '../../connect.js';
import { loadProfile } from '../../profiles/index.js';
import { dataFormatOf, saveResult, savePlotSvg, type SavableResult } from '../../datafiles/index.js';

/**
 * What the instrument subcommands (scope, specan, na, studio) share: board flags, output flags,
 * number parsing that lets the settings rules name bad values, progress bars, exit codes.
 */

/**
 * Where a command writes — results and summaries to `stdout`, messages and progress to `stderr` —
 * and how it reports its exit code (tests run commands in-process with their own).
 */
export interface CliIo {
  readonly stdout: NodeJS.WritableStream;
  readonly stderr: NodeJS.WritableStream & { isTTY?: boolean };
  /** Receives the exit code when it is not 0. */
  readonly fail: (code: number) => void;
}

/** The process's own streams; a failure sets `process.exitCode` (no abrupt exit: files and sockets finish first). */
export const processIo: CliIo = {
  stdout: process.stdout,
  stderr: process.stderr,
  fail: (code) => {
    process.exitCode = code;
  },
};

/** Exit codes a script can rely on. */
export const EXIT = {
  ok: 0,
  /** Anything else that went wrong (connection, file, …). */
  failure: 1,
  /** A `SettingsError`: the message names the setting, the value and what is allowed. */
  settings: 2,
} as const;

/** Board flags as commander parses them. */
export interface BoardFlags {
  readonly board?: string;
  readonly seed?: string;
  readonly dut?: string;
  readonly noiseDensity?: string;
  /** A YAML profile restored on the board before anything runs. */
  readonly profile?: string;
}

/** Output flags as commander parses them. */
export interface OutputFlags {
  readonly out?: string;
  readonly plot?: string;
}

/** A DUT description the flag `--dut` accepts. */
export const DUT_HELP = DUT_ALLOWED;

/** Adds --board, --seed, --dut, --noise-density. */
export function addBoardOptions(cmd: Command, defaults: { dut?: string } = {}): Command {
  return cmd
    .option('--board <url>', "board to use: 'sim://' (the embedded simulator), 'scpi://host:port' (labrx-sim or a Red Pitaya) or 'pyrpl://host:2222' (a board running PyRPL's FPGA image and monitor_server)", 'sim://')
    .option('--seed <n>', 'simulator: PRNG seed (an integer)')
    .addOption(new Option('--dut <spec>', `simulator: device between out1 and in1: ${DUT_HELP}`).default(defaults.dut))
    .option('--noise-density <V/√Hz>', 'simulator: white noise on each input (V/√Hz)')
    .option('--profile <file.yaml>', 'restore this profile (saved by saveProfile) on the board first; flags given here still win');
}

/** Adds --out and --plot. */
export function addOutputOptions(cmd: Command): Command {
  return cmd
    .option('--out <file>', 'save the result: .csv (settings and units in # lines), .json (full metadata) or .npy (numpy; its metadata beside it in <file>.json, e.g. na.npy.json)')
    .option('--plot <file.svg>', 'draw the result as an SVG plot');
}

/**
 * A flag's text as a setting value: a number when it reads as one ('5e5', '0.1'), else the text
 * itself, so that the settings rules reject it with its own words (`na.points = "abc"`).
 */
export function settingValue(text: string): number | string {
  const t = text.trim();
  if (t === '') return text;
  const x = Number(t);
  return Number.isNaN(x) ? text : x;
}

/** Picks the given flags out of commander's options as settings, values parsed by `settingValue`. */
export function settingsFrom(opts: Record<string, unknown>, names: readonly string[]): Record<string, unknown> {
  const out: Record<string, unknown> = Object.create(null) as Record<string, unknown>;
  for (const name of names) {
    const v = Object.hasOwn(opts, name) ? opts[name] : undefined;
    if (v === undefined) continue;
    out[name] = typeof v === 'string' ? settingValue(v) : v;
  }
  return out;
}

/** Parses `key=value,key=value` (generator flags); values through `settingValue`. */
export function keyValues(text: string, flag: string): Record<string, unknown> {
  // null prototype: a key such as `__proto__` or `constructor` stays a (rejected) setting name
  const out: Record<string, unknown> = Object.create(null) as Record<string, unknown>;
  for (const part of text.split(',')) {
    if (part.trim() === '') continue;
    const eq = part.indexOf('=');
    if (eq <= 0) throw new SettingsError('cli', flag, text, 'key=value pairs separated by commas, e.g. frequency=1e5,amplitude=0.5,output=out1');
    out[part.slice(0, eq).trim()] = settingValue(part.slice(eq + 1));
  }
  return out;
}

/**
 * Opens the board the flags name: the embedded simulator (with seed, DUT, noise), an SCPI server or a
 * PyRPL monitor_server; restores `--profile` on it (a bad profile closes the board and throws `ProfileError`).
 */
export async function openBoard(flags: BoardFlags): Promise<Board> {
  const profile = flags.profile === undefined ? undefined : await loadProfile(flags.profile);
  const rp = await openBareBoard(flags);
  if (profile === undefined) return rp;
  try {
    await rp.restore(profile);
  } catch (e) {
    await rp.close();
    throw e;
  }
  return rp;
}

async function openBareBoard(flags: BoardFlags): Promise<Board> {
  const target = flags.board ?? 'sim://';
  if (!target.startsWith('sim://')) {
    const simOnly = (['seed', 'dut', 'noiseDensity'] as const).find((k) => flags[k] !== undefined);
    if (simOnly !== undefined) throw new SettingsError('cli', simOnly === 'noiseDensity' ? 'noise-density' : simOnly, flags[simOnly], `only with the embedded simulator (--board sim://), not ${target}`);
    return connect(target);
  }
  const sim: SimBoardOptions = {};
  if (flags.seed !== undefined) sim.seed = settingValue(flags.seed) as number;
  if (flags.noiseDensity !== undefined) sim.noiseDensity = settingValue(flags.noiseDensity) as number;
  if (flags.dut !== undefined) sim.dut = parseDutOrPlantSpec(flags.dut);
  return connect(target, { sim });
}

/** Checks --out and --plot before anything is measured, so that a typo costs no acquisition. */
export function checkOutputs(flags: OutputFlags): void {
  if (flags.out !== undefined) dataFormatOf(flags.out);
  if (flags.plot !== undefined && !flags.plot.toLowerCase().endsWith('.svg')) throw new SettingsError('cli', 'plot', flags.plot, 'a file name ending in .svg');
}

/** Writes --out and --plot; says what was written on stderr. */
export async function writeOutputs(result: SavableResult, flags: OutputFlags, io: CliIo): Promise<void> {
  if (flags.out !== undefined) io.stderr.write(`wrote ${(await saveResult(flags.out, result)).join(', ')}\n`);
  if (flags.plot !== undefined) {
    await savePlotSvg(flags.plot, result);
    io.stderr.write(`wrote ${flags.plot}\n`);
  }
}

/** A progress bar on stderr, or nothing when stderr is not a terminal (pipes, CI logs). */
export interface Progress {
  update(done: number): void;
  stop(): void;
}

/** Starts a progress bar of `total` steps labelled `label` (on a TTY only). */
export function progressBar(io: CliIo, label: string, total: number, unit: string): Progress {
  if (!io.stderr.isTTY) return { update: () => undefined, stop: () => undefined };
  const bar = new SingleBar({ stream: io.stderr, format: `${label} [{bar}] {value}/{total} ${unit} · {eta_formatted}`, hideCursor: true, clearOnComplete: true, barsize: 30 });
  bar.start(total, 0);
  return { update: (done) => bar.update(done), stop: () => bar.stop() };
}

/**
 * Runs a command's body with the exit codes scripts rely on: 0 when it worked; 2 for a
 * `SettingsError`, printed as the setting, the value and what is allowed; 1 for anything else
 * (given to `io.fail`).
 */
export async function runCommand(io: CliIo, body: () => Promise<void>): Promise<void> {
  try {
    await body();
  } catch (error) {
    io.fail(reportError(io, error));
  }
}

/** Prints an error for people and returns its exit code. */
export function reportError(io: CliIo, error: unknown): number {
  if (error instanceof SettingsError) {
    io.stderr.write(`error: ${error.message}\n  setting: ${error.setting}\n  value:   ${formatSettingValue(error.value)}\n  allowed: ${error.allowed}\n`);
    return EXIT.settings;
  }
  if (error instanceof ProfileError) {
    io.stderr.write(`error: ${error.message}\n`);
    return EXIT.settings;
  }
  const e = error as { name?: string; message?: string };
  io.stderr.write(`error: ${e?.name && e.name !== 'Error' ? `${e.name}: ` : ''}${e?.message ?? String(error)}\n`);
  return EXIT.failure;
}

/** Short human summaries of results, for stdout. */
export function describeTrace(tr: Trace): string {
  const line = (name: string, x: Float64Array) => {
    let lo = Infinity;
    let hi = -Infinity;
    let sum = 0;
    let sq = 0;
    for (const v of x) {
      lo = Math.min(lo, v);
      hi = Math.max(hi, v);
      sum += v;
      sq += v * v;
    }
    const mean = sum / x.length;
    return `${name}: mean ${fmt(mean)} V, rms ${fmt(Math.sqrt(Math.max(0, sq / x.length - mean * mean)))} V (ac), min ${fmt(lo)} V, max ${fmt(hi)} V`;
  };
  return [
    `trace: ${tr.ch1.length} samples per channel, dt ${fmt(tr.dt)} s (decimation ${tr.settings?.decimation}), t0 ${fmt(tr.t0)} s, ${tr.averages} average${tr.averages === 1 ? '' : 's'}`,
    line('ch1', tr.ch1),
    line('ch2', tr.ch2),
  ].join('\n');
}

/** Peak of each analysed channel (DC bin excluded). */
export function describeSpectrum(s: Spectrum): string {
  const f = s.frequencies;
  const lines = [`spectrum: ${f.length} bins, ${fmt(f[0] ?? 0)} … ${fmt(f[f.length - 1] ?? 0)} Hz, rbw ${fmt(s.rbw)} Hz, ${s.window} window, unit ${s.unit}, ${s.averages} average${s.averages === 1 ? '' : 's'}`];
  for (const [name, ch] of [['ch1', s.ch1], ['ch2', s.ch2]] as const) {
    if (ch.length === 0) continue;
    let k = Math.min(1, ch.length - 1);
    for (let i = k; i < ch.length; i++) if (ch[i]! > ch[k]!) k = i;
    lines.push(`${name} peak: ${fmt(ch[k]!)} ${s.unit} at ${fmt(f[k]!)} Hz`);
  }
  return lines.join('\n');
}

/** A spectrogram's extent: rows, bins, the band and the rows' times. */
export function describeSpectrogram(s: Spectrogram): string {
  const f = s.frequencies;
  const t = s.times;
  const channels = [s.ch1.length ? 'ch1' : '', s.ch2.length ? 'ch2' : ''].filter(Boolean).join(', ');
  return `spectrogram: ${t.length} rows of ${f.length} bins (${channels}), ${fmt(f[0] ?? 0)} … ${fmt(f[f.length - 1] ?? 0)} Hz, rows from ${fmt(t[0] ?? 0)} to ${fmt(t[t.length - 1] ?? 0)} s, rbw ${fmt(s.rbw)} Hz, ${s.window} window, unit ${s.unit}, ${s.averages} average${s.averages === 1 ? '' : 's'} per row`;
}

/** A number with 6 significant digits, no trailing zeros. */
export function fmt(x: number): string {
  return Number.isFinite(x) ? String(+x.toPrecision(6)) : String(x);
}
