import test from 'ava';
import { runCommandInProcess } from '../helpers/runCommandInProcess.js';
import { runProcess, type ProcessResult } from '../helpers/runProcess.js';
import { testNeeding } from '../helpers/testNeeding.js';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadResult, type Spectrum, type Trace, type SavedFrequencyResponse } from 'labrx';
import { fitSine } from '../helpers/fit.js';
import type { CliIo } from 'labrx/testing';
import { buildScopeCommand } from 'labrx/testing';
import { buildSpecanCommand } from 'labrx/testing';
import { buildNaCommand } from 'labrx/testing';
import { buildStudioCommand } from 'labrx/testing';
import { buildSimCommand } from 'labrx/testing';
import { buildProgram } from 'labrx/testing';

/** A subcommand as commander builds it (commander is labrx's dependency, not the tests'). */
type Command = ReturnType<typeof buildScopeCommand>;

const BIN = fileURLToPath(new URL('../../packages/labrx/bin/labrx.mjs', import.meta.url));

/** Runs `labrx …` as a script would: its own process, no terminal; resolves with exit code and output. */
function labrx(args: string[], cwd?: string): Promise<ProcessResult> {
  return runProcess(process.execPath, [BIN, ...args], { cwd });
}

const run = runCommandInProcess;

const tmp = () => mkdtemp(join(tmpdir(), 'labrx-cli-'));

test('labrx specan --window triangle exits 2 naming the setting, the value and the allowed windows', async (t) => {
  const r = await labrx(['specan', '--window', 'triangle']);
  t.is(r.code, 2);
  t.is(r.stdout, '');
  t.regex(r.stderr, /^error: specan\.window = "triangle" is not allowed/);
  t.regex(r.stderr, /setting: window\n/);
  t.regex(r.stderr, /value: +"triangle"\n/);
  t.regex(r.stderr, /allowed: one of 'boxcar', 'hann', 'hamming', 'blackman', 'blackman-harris', 'flattop'/);
});

test('bad numbers, DUTs and generator settings exit 2 with the setting named', async (t) => {
  const points = await run(buildNaCommand, ['--points', 'abc']);
  const dut = await run(buildNaCommand, ['--dut', 'resonator:f0=-1,q=20']);
  const asg = await run(buildScopeCommand, ['--asg0', 'frequency=1e9']);
  t.is(points.code, 2);
  t.regex(points.stderr, /na\.points = "abc" is not allowed: an integer from 1 to 1000000/);
  t.is(dut.code, 2);
  t.regex(dut.stderr, /resonator\.f0 = -1 is not allowed/);
  t.is(asg.code, 2);
  t.regex(asg.stderr, /asg0\.frequency = 1000000000 is not allowed: a number from 0 to 62500000/);
});

test('other failures exit 1: a board that is not there, an unknown output extension', async (t) => {
  // a port that was just free: nothing listens there
  const port = await new Promise<number>((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const p = (s.address() as { port: number }).port;
      s.close(() => resolve(p));
    });
  });
  const board = await labrx(['scope', '--board', `scpi://127.0.0.1:${port}`]);
  const ext = await run(buildScopeCommand, ['--out', 'trace.txt']);
  t.is(ext.code, 1);
  t.regex(ext.stderr, /trace\.txt: unknown extension '\.txt': one of \.csv, \.json, \.npy/);
  t.is(board.code, 1);
  t.regex(board.stderr, new RegExp(`^error: ConnectionLostError: connection to scpi://127\\.0\\.0\\.1:${port} lost`));
});

test('--help works everywhere', async (t) => {
  const root = await labrx(['--help']);
  t.is(root.code, 0);
  t.regex(root.stdout, /scope \[options\][\s\S]*specan \[options\][\s\S]*na \[options\][\s\S]*studio \[options\]/);
  const help = (build: (io: CliIo) => Command) => build({ stdout: process.stdout, stderr: process.stderr, fail: () => undefined }).helpInformation();
  // flags and their help come from the declarations (SCOPE_SETTINGS, …): doc, what is allowed, default
  t.regex(help(buildScopeCommand), /--decimation <n>[\s\S]*--trigger <name> +trigger source: one of 'immediate', 'ch1-rising'/);
  t.regex(help(buildScopeCommand), /--gain <name> +input gain: 'lv' ±1 V or 'hv' ±20 V full scale\s+\(jumpers\): one of 'lv', 'hv' \(default lv\)/);
  t.regex(help(buildSpecanCommand), /--window <name> +FFT window: one of 'boxcar', 'hann'/);
  t.regex(help(buildNaCommand), /--start <Hz>[\s\S]*--stop <Hz>[\s\S]*--points <n>[\s\S]*--rbw <Hz>[\s\S]*--amplitude <V>/);
  t.regex(help(buildStudioCommand), /--port <n>[\s\S]*--check/);
  t.deepEqual(buildProgram().commands.map((c) => c.name()).filter((n) => ['scope', 'specan', 'na', 'studio'].includes(n)), ['scope', 'specan', 'na', 'studio']);
});

test('labrx scope measures the generator: a 0.5 V, 100 kHz sine on ch2 in --out', async (t) => {
  const dir = await tmp();
  const r = await run(buildScopeCommand, ['--decimation', '8', '--asg0', 'frequency=1e5,amplitude=0.5,output=out1', '--out', join(dir, 'trace.csv')]);
  t.is(r.code, 0, r.stderr);
  t.regex(r.stdout, /^trace: 16384 samples per channel, dt 6\.4e-8 s \(decimation 8\)/);
  t.regex(r.stderr, /wrote .*trace\.csv/);
  const { kind, result } = await loadResult(join(dir, 'trace.csv'));
  t.is(kind, 'trace');
  const trace = result as Trace;
  t.is(trace.dt, 8 / 125e6);
  // in2 is out1, wired: A = 0.5 V. The boxcar of 8 samples passes 100 kHz with gain
  // sin(8x)/(8 sin x), x = π·1e5/125e6: 1 − 1.1e-5; noise (1e-7 V/√Hz over 7.8 MHz, 0.28 mV rms)
  // moves a fit over 16384 samples by σ·√(2/N) = 3 µV; quantisation (0.12 mV steps) by less.
  const fit = fitSine(trace.ch2, trace.dt, trace.t0, 1e5);
  t.true(Math.abs(fit.amplitude - 0.5) < 2e-4, String(fit.amplitude));
  await rm(dir, { recursive: true });
});

test('labrx specan: the flattop spectrum of a 0.5 V sine peaks at its frequency with 3.98 dBm', async (t) => {
  const dir = await tmp();
  const r = await run(buildSpecanCommand, ['--decimation', '64', '--window', 'flattop', '--unit', 'dBm', '--averages', '2', '--asg0', 'frequency=1e5,amplitude=0.5,output=out1', '--out', join(dir, 'spectrum.json')]);
  t.is(r.code, 0, r.stderr);
  t.regex(r.stdout, /^spectrum: 8193 bins, 0 … 976562 Hz/);
  const s = (await loadResult(join(dir, 'spectrum.json'))).result as Spectrum;
  t.is(s.averages, 2);
  let k = 1;
  for (let i = 1; i < s.ch2.length; i++) if (s.ch2[i]! > s.ch2[k]!) k = i;
  const bin = s.frequencies[1]! - s.frequencies[0]!;
  // the flattop's peak is within half a bin of the tone, where it reads the power within 0.01 dB:
  // (0.5 V)²/2 / 50 Ω = 2.5 mW = 3.979 dBm; noise in the flattop's rbw is 100 dB below
  t.true(Math.abs(s.frequencies[k]! - 1e5) <= bin / 2, `${s.frequencies[k]} Hz`);
  t.true(Math.abs(s.ch2[k]! - 10 * Math.log10(2.5)) < 0.05, `${s.ch2[k]} dBm`);
  await rm(dir, { recursive: true });
});

test('labrx na over a resonator: the summary, --out and --plot agree on the peak', async (t) => {
  const dir = await tmp();
  const r = await run(buildNaCommand, ['--start', '5e5', '--stop', '2e6', '--points', '21', '--dut', 'resonator:f0=1e6,q=20,gain=0.5', '--out', join(dir, 'na.csv'), '--plot', join(dir, 'na.svg')]);
  t.is(r.code, 0, r.stderr);
  // 21 log points from 5e5 to 2e6 hold f0 = 5e5·4^(10/20); |H(f0)| = gain = 0.5, −6.02 dB
  // (noise 1e-4 relative: see test/labrx/datafiles.test.ts)
  const m = /max \|H\| = ([\d.]+) \((-?[\d.]+) dB\) at 1000000 Hz/.exec(r.stdout);
  t.truthy(m, r.stdout);
  t.true(Math.abs(Number(m![1]) - 0.5) < 0.002 && Math.abs(Number(m![2]) + 6.0206) < 0.04, r.stdout);
  t.notRegex(r.stderr, /sweep \[/, 'no progress bar when stderr is not a terminal');
  const h = (await loadResult(join(dir, 'na.csv'))).result as SavedFrequencyResponse;
  t.is(h.frequencies.length, 21);
  t.true(Math.abs(h.magnitude()[10]! - 0.5) < 0.002);
  const svg = await readFile(join(dir, 'na.svg'), 'utf8');
  t.true(svg.startsWith('<svg') && svg.includes('>|H| (dB)<'));
  await rm(dir, { recursive: true });
});

testNeeding(existsSync('/usr/bin/script'), '/usr/bin/script (util-linux), to give the command a terminal', 'on a terminal the sweep shows a progress bar on stderr', async (t) => {
  // script(1) runs the command on a pseudo-terminal, as a person would
  const r = spawnSync('/usr/bin/script', ['-qec', `${process.execPath} ${BIN} na --start 1e5 --stop 1e6 --points 30 --averages 2`, '/dev/null'], { encoding: 'utf8' });
  t.is(r.status, 0, r.stderr);
  t.regex(r.stdout, /sweep \[[=-]+\] \d+\/60 points/);
  t.regex(r.stdout, /sweep \[=+\] 60\/60 points/);
});

test('labrx studio --check starts the studio, checks it from outside and exits 0', async (t) => {
  const r = await run(buildStudioCommand, ['--check']);
  t.is(r.code, 0, r.stderr);
  t.regex(r.stdout, /^labrx studio on sim:1: http:\/\/127\.0\.0\.1:\d+\/\?token=[\w-]{32}\n/);
  t.regex(r.stdout, /studio check: ok \(page, token refusal, WebSocket, a scope frame of 2000 points from 16384 samples\)/);
});

test('labrx sim is labrx-sim: its own --help, its own exit code 2 for bad arguments', async (t) => {
  const help = await run(buildSimCommand, ['--help']);
  t.is(help.code, 0);
  t.regex(help.stdout, /^Usage: labrx-sim \[options\][\s\S]*--boards <n>/);
  const bad = await run(buildSimCommand, ['--boards', 'x']);
  t.is(bad.code, 2);
  t.regex(bad.stderr, /labrx-sim\.boards = "x" is not allowed: an integer from 1 to 256/);
});
