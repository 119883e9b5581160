import test from 'ava';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { randomInt } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { testNeeding } from '../helpers/testNeeding.js';
import { runProcess } from '../helpers/runProcess.js';
import { upstreamSources } from '../helpers/upstreamSources.js';

// Red Pitaya's own example scripts (RedPitaya/RedPitaya-Examples, SCPI_examples/Python, GPL-3.0, at
// commit cdd565e) run unmodified to the end against `labrx-sim`, with their own client module
// (lib/redpitaya_scpi.py) and Debian's python3, numpy and matplotlib (Agg backend: plot.show() draws
// nothing). The scripts are not in this repository: they come from $REDPITAYA_EXAMPLES (a checkout of
// RedPitaya-Examples), or are extracted with `git archive` from /work/.mirror/RedPitaya+RedPitaya-Examples/repo
// when that exists; without either the tests skip. The scripts take only the host and connect to
// port 5000, so each test serves one board on port 5000 of its own loopback address 127.x.y.z.
//
// The deep-memory examples trigger on CH1_PE with nothing wired to IN1: as on an open input, the
// noise fires the trigger. The simulator gets 3 µV/√Hz (`--noise 3e-6`) so that the noise crosses
// the ±5 mV hysteresis band, and a 2 MiB DDR region (`--deep-memory 2097152`, the size the
// documentation's examples show) so that the scripts' per-sample Python loops stay short.

const PYTHON = '/usr/bin/python3';
const EXAMPLES_COMMIT = 'cdd565e734624609200c02eba7d6e9919376a5b2';
const EXAMPLES_PATH = 'SCPI_examples/Python';
const sources = upstreamSources({
  envVar: 'REDPITAYA_EXAMPLES',
  mirror: '/work/.mirror/RedPitaya+RedPitaya-Examples/repo',
  commit: EXAMPLES_COMMIT,
  paths: [EXAMPLES_PATH],
  probe: `${EXAMPLES_PATH}/lib/redpitaya_scpi.py`,
});
test.after.always(() => sources?.cleanup());
/** The folder of the example scripts (with their lib/), with a trailing slash. */
const FIXTURES = sources === null ? '' : `${join(sources.dir, EXAMPLES_PATH)}/`;
const LABRX_SIM = fileURLToPath(new URL('../../packages/hw-sim/bin/labrx-sim.mjs', import.meta.url));
const NOISE_DENSITY = 3e-6; // V/√Hz
const FS = 125e6;
const LSB = 2 / 2 ** 14; // V per count, LV

function pythonAvailable(): boolean {
  return spawnSync(PYTHON, ['-c', 'import numpy, matplotlib'], { stdio: 'ignore' }).status === 0;
}

/** Starts `labrx-sim` on port 5000 of a fresh loopback address; resolves with the address once it listens. */
async function startLabrxSim(t: { teardown(fn: () => unknown): void }, extra: readonly string[]): Promise<string> {
  const host = `127.${randomInt(100, 250)}.${randomInt(1, 250)}.${randomInt(1, 250)}`;
  const child: ChildProcess = spawn(process.execPath, [LABRX_SIM, '--host', host, '--port', '5000', ...extra], { stdio: ['ignore', 'pipe', 'pipe'] });
  t.teardown(() => {
    if (child.exitCode === null) child.kill('SIGTERM');
  });
  await new Promise<void>((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`labrx-sim did not start within 60 s: ${out}`)), 60_000);
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes('listening on')) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`labrx-sim exited with ${code}: ${out}`));
    });
  });
  return host;
}

/** Runs an example script unmodified (its folder as cwd, its lib on the path, no display). */
function runExample(script: string, host: string) {
  return runProcess(PYTHON, [script, host], {
    cwd: FIXTURES,
    env: { ...process.env, PYTHONPATH: `${FIXTURES}lib`, MPLBACKEND: 'Agg' },
    timeoutMs: 120_000,
  });
}

/** The numbers of a printed Python list or numpy array after `label`. */
function printedNumbers(stdout: string, label: string): number[] {
  const at = stdout.indexOf(label);
  if (at < 0) return [];
  const text = stdout.slice(at + label.length);
  const body = text.slice(text.indexOf('[') + 1, text.indexOf(']'));
  return body.split(/[\s,]+/).filter((s) => s !== '').map(Number);
}

function std(x: readonly number[]): number {
  const m = x.reduce((a, b) => a + b, 0) / x.length;
  return Math.sqrt(x.reduce((a, b) => a + (b - m) ** 2, 0) / (x.length - 1));
}

const NEEDS = `${PYTHON} with numpy and matplotlib (apt-get install python3-numpy python3-matplotlib)`;

/** Declares a test that runs an example script: skipped (naming the variable) without the scripts, else as `testNeeding`. */
function exampleTest(title: string, body: Parameters<typeof testNeeding>[3]): void {
  if (sources === null) {
    console.warn(`skipped "${title}": needs Red Pitaya's example scripts — git clone https://github.com/RedPitaya/RedPitaya-Examples and set REDPITAYA_EXAMPLES to the clone`);
    test.skip(`${title} (needs REDPITAYA_EXAMPLES)`, () => undefined);
  } else testNeeding(pythonAvailable(), NEEDS, title, body);
}

exampleTest('acquire_trigger_posedge_axi.py (deep memory, two channels, VOLTS, ASCII) runs to the end; its samples are the input noise', async (t) => {
  const host = await startLabrxSim(t, ['--deep-memory', '2097152', '--noise', String(NOISE_DENSITY)]);
  const { code, stdout, stderr } = await runExample('acquire_trigger_posedge_axi.py', host);
  t.is(code, 0, `python exited with ${code}\nstdout: ${stdout.slice(0, 2000)}\nstderr: ${stderr}`);
  // the script sends `ACQ:AXI:DATA:UNITS VOLT` (not a choice of the firmware): −224, units stay VOLTS
  t.regex(stdout, /ACQ:AXI:DATA:UNITS\?:\s+VOLTS/);
  t.regex(stdout, /-224,"Illegal parameter value"/);
  t.regex(stdout, /Start address\s+16777216\s+size of aviable memory\s+2097152/);
  t.regex(stdout, /Number of samples to capture per channel 52428\b/);
  t.regex(stdout, /All data captured/);
  // dec 4 with the boxcar: σ = ρ·√(fs/2/4) = 11.9 mV. 100 samples give σ to ±7 % (1/√(2·99)); 30 % is > 4 standard errors.
  const expected = NOISE_DENSITY * Math.sqrt(FS / 2 / 4);
  for (const label of ['Buffer 1 last 100 samples', 'Buffer 2 last 100 samples']) {
    const x = printedNumbers(stdout, label);
    t.is(x.length, 100, label);
    t.true(Math.abs(std(x) / expected - 1) < 0.3, `${label}: σ ${std(x)} V, expected ${expected} V`);
  }
});

exampleTest('acquire_trigger_posedge_axi_bigbuffer.py (the whole region to channel 1, RAW, BIN, read in 50000-sample blocks) runs to the end', async (t) => {
  const host = await startLabrxSim(t, ['--deep-memory', '2097152', '--noise', String(NOISE_DENSITY)]);
  const { code, stdout, stderr } = await runExample('acquire_trigger_posedge_axi_bigbuffer.py', host);
  t.is(code, 0, `python exited with ${code}\nstdout: ${stdout.slice(0, 2000)}\nstderr: ${stderr}`);
  t.regex(stdout, /ACQ:AXI:DATA:UNITS\?:\s+RAW/);
  t.regex(stdout, /Number of samples to capture per channel 1048576\b/);
  t.regex(stdout, /All data captured/);
  // dec 1: σ = ρ·√(fs/2) = 23.7 mV = 194 counts; 30 % as above
  const expected = (NOISE_DENSITY * Math.sqrt(FS / 2)) / LSB;
  const x = printedNumbers(stdout, 'Buffer last 100 samples');
  t.is(x.length, 100);
  t.true(x.every(Number.isInteger));
  t.true(Math.abs(std(x) / expected - 1) < 0.3, `σ ${std(x)} counts, expected ${expected}`);
});

exampleTest('generate_dma_burst.py (deep-memory generation: 2^19 samples written in 16384-value portions) runs to the end and leaves output 1 playing from DDR', async (t) => {
  const host = await startLabrxSim(t, ['--deep-memory', '2097152']);
  const { code, stdout, stderr } = await runExample('generate_dma_burst.py', host);
  t.is(code, 0, `python exited with ${code}\nstdout: ${stdout.slice(0, 2000)}\nstderr: ${stderr}`);
  // the state it left, read by a client of our own (the script itself checks nothing)
  const check = await runProcess(
    PYTHON,
    ['-c', "import sys, redpitaya_scpi as s; r = s.scpi(sys.argv[1]); print(';'.join(r.txrx_txt(q) for q in ['SOUR1:AXI:ENable?', 'SOUR1:AXI:DEC?', 'OUTPUT1:STATE?', 'SOUR1:BURS:STAT?', 'GEN:AXI:SIZE?']))", host],
    { cwd: FIXTURES, env: { ...process.env, PYTHONPATH: `${FIXTURES}lib` }, timeoutMs: 30_000 },
  );
  t.is(check.code, 0, check.stderr);
  t.is(check.stdout.trim(), 'ON;1;ON;BURST;2097152');
});

exampleTest('acquire_trigger_posedge_split.py (split triggering on the four inputs of a STEMlab 125-14 4-Input, `--inputs 4`) runs to the end and leaves each input\'s capture of its own noise', async (t) => {
  const host = await startLabrxSim(t, ['--inputs', '4', '--noise', String(NOISE_DENSITY)]);
  const { code, stdout, stderr } = await runExample('acquire_trigger_posedge_split.py', host);
  t.is(code, 0, `python exited with ${code}\nstdout: ${stdout.slice(0, 2000)}\nstderr: ${stderr}`);
  // the captures it left, read by a client of our own (the script only plots them): dec 64 with the
  // boxcar, σ = ρ·√(fs/2/64) = 2.96 mV; 1000 samples give σ to ±2.2 %, 15 % is > 6 standard errors
  const check = await runProcess(
    PYTHON,
    [
      '-c',
      "import sys, redpitaya_scpi as s; r = s.scpi(sys.argv[1]); print(';'.join(r.txrx_txt(q) for q in ['ACQ:SPLIT:TRig?'] + ['ACQ:TRig:STAT:CH%d?' % n for n in range(1, 5)]))\nfor n in range(1, 5): print(r.txrx_txt('ACQ:SOUR%d:DATA:TRig? 1000,POST_TRIG' % n))",
      host,
    ],
    { cwd: FIXTURES, env: { ...process.env, PYTHONPATH: `${FIXTURES}lib` }, timeoutMs: 30_000 },
  );
  t.is(check.code, 0, check.stderr);
  const [states, ...blocks] = check.stdout.trim().split('\n');
  t.is(states, 'ON;TD;TD;TD;TD');
  const expected = NOISE_DENSITY * Math.sqrt(FS / 2 / 64);
  t.is(blocks.length, 4);
  blocks.forEach((b, i) => {
    const x = b.replace(/[{}]/g, '').split(',').map(Number).slice(1);
    t.is(x.length, 1000, `CH${i + 1}`);
    t.true(Math.abs(std(x) / expected - 1) < 0.15, `CH${i + 1}: σ ${std(x)} V, expected ${expected} V`);
  });
});
