import test from 'ava';
import { spawnSync } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runProcess } from '../helpers/runProcess.js';
import { testNeeding } from '../helpers/testNeeding.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const NOTEBOOK = join(ROOT, 'examples', 'notebooks', 'tour.ipynb');
const SETUP = join(ROOT, 'scripts', 'notebook-setup.mjs');

const nbconvert = spawnSync('jupyter', ['nbconvert', '--version'], { stdio: 'ignore' }).status === 0;

interface Output {
  output_type: string;
  name?: string;
  text?: string | string[];
  data?: Record<string, string | string[]>;
  ename?: string;
  evalue?: string;
}
interface Cell {
  cell_type: string;
  source: string | string[];
  outputs?: Output[];
}
const joined = (s: string | string[] | undefined): string => (Array.isArray(s) ? s.join('') : (s ?? ''));

/** A number printed after `label` in a cell's output. */
function printed(text: string, label: RegExp): number {
  const m = label.exec(text);
  if (!m) throw new Error(`${label} not in: ${text}`);
  return Number(m[1]);
}

testNeeding(
  nbconvert,
  'Jupyter with nbconvert (apt-get install -y jupyter-notebook jupyter-nbconvert python3-ipykernel)',
  'examples/notebooks/tour.ipynb runs on the labrx kernel under nbconvert with no cell error, and shows its plots as SVG',
  async (t) => {
    const dir = await mkdtemp(join(tmpdir(), 'labrx-notebook-'));
    try {
      // the kernel spec goes into a Jupyter path of its own: the user's kernels are not touched
      const setup = await runProcess(process.execPath, [SETUP, '--jupyter-path', dir]);
      t.is(setup.code, 0, setup.stderr);
      const env = { ...process.env, JUPYTER_PATH: dir, JUPYTER_RUNTIME_DIR: join(dir, 'runtime') };
      const run = await runProcess(
        'jupyter',
        ['nbconvert', '--to', 'notebook', '--execute', '--ExecutePreprocessor.timeout=200', '--ExecutePreprocessor.kernel_name=labrx', NOTEBOOK, '--output-dir', dir, '--output', 'tour.out.ipynb'],
        { env, timeoutMs: 210_000 },
      );
      // nbconvert exits non-zero on any cell error (a failed type check included)
      t.is(run.code, 0, run.stderr.slice(-4000));
      const nb = JSON.parse(await readFile(join(dir, 'tour.out.ipynb'), 'utf8')) as { cells: Cell[] };
      const code = nb.cells.filter((c) => c.cell_type === 'code');
      t.true(code.length >= 8);

      const errors = code.flatMap((c) => (c.outputs ?? []).filter((o) => o.output_type === 'error' || (o.output_type === 'stream' && o.name === 'stderr')));
      t.deepEqual(errors, [], 'no cell printed an error');

      const svgs = code.flatMap((c) => (c.outputs ?? []).flatMap((o) => (o.data?.['image/svg+xml'] === undefined ? [] : [joined(o.data['image/svg+xml'])])));
      const text = code.flatMap((c) => (c.outputs ?? []).filter((o) => o.output_type === 'stream').map((o) => joined(o.text))).join('');
      t.log(text);

      // scope (async face), live scope, spectrum, live spectrum, network analyzer, scope (blocking face)
      t.is(svgs.length, 6);
      for (const svg of svgs) t.regex(svg, /^<svg[^>]*xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
      const [scope, liveScope, spectrum, liveSpectrum, na, blocking] = svgs as [string, string, string, string, string, string];
      // axes with units: 16384 × 8 × 8 ns = 1.05 ms of trace in µs; frequency in Hz with SI-prefixed ticks
      t.true(scope.includes('>time since trigger (µs)<') && scope.includes('>V<'));
      // the live plots were updated in place: their last frame is the stream's last result
      t.true(liveScope.includes('>frame 5 of the stream<'));
      t.true(spectrum.includes('>frequency (Hz)<') && spectrum.includes('>Vrms/sqrt(Hz)<'));
      t.regex(spectrum, />\d(\.\d+)?M</, 'MHz ticks with the SI prefix M');
      t.true(liveSpectrum.includes('>frame 4 of the stream<'));
      t.true(na.includes('>|H| (dB)<') && na.includes('>phase (deg)<'));
      // decimation 1: 16384 × 8 ns = 131 µs
      t.true(blocking.includes('>time since trigger (µs)<'));

      // The physics the notebook prints.
      // A first-order low-pass at its cutoff passes 1/√2. The trace holds 20.97 periods, so the rms of
      // each channel is off by at most ~1/(2π·21) ≈ 0.8 % from a partial period: tolerance 0.02.
      t.true(Math.abs(printed(text, /in1\/in2 rms = ([\d.]+) \(theory/) - Math.SQRT1_2) < 0.02);
      // Spectrum floor scatter: one spectrum's amplitude per bin is Rayleigh distributed, relative
      // sd √(4/π − 1) = 0.523; a mean of 16 powers has relative sd 1/4, its square root ≈ 1/8.
      // Tolerances: ±0.05 and ±0.03 (about 1600 bins, neighbours correlated by the window).
      t.true(Math.abs(printed(text, / 1 average\(s\): .*scatter ([\d.]+) %/) / 100 - Math.sqrt(4 / Math.PI - 1)) < 0.05);
      t.true(Math.abs(printed(text, /16 average\(s\): .*scatter ([\d.]+) %/) / 100 - 0.125) < 0.03);
      // Resonator f0 1.234 MHz, Q 35, from a 141-point sweep (1.5 kHz steps, 24 points across the
      // 35 kHz half-power width): linear interpolation of the phase zero and of the −3 dB points is good to
      // 0.1 % in f0 and 3 % in Q.
      t.true(Math.abs(printed(text, /f0 = ([\d.]+) MHz/) / 1.234 - 1) < 1e-3);
      t.true(Math.abs(printed(text, /Q = ([\d.]+) \(true 35\)/) / 35 - 1) < 0.03);
      // Blocking face: the resonator's gain at f0 (0.5) is in1/in2; 131 whole periods in the trace.
      t.true(Math.abs(printed(text, /in1\/in2 rms = ([\d.]+) \(the resonator/) - 0.5) < 0.02);
      // The tworoutine: the same function, sync and async, and composed.
      t.regex(text, /sync {3}doubleSlowly\(1\) = 2 /);
      t.regex(text, /async {2}doubleSlowly\(2\) = 4 /);
      t.regex(text, /20 × doubleSlowly at once: sum 380 /);
      t.regex(text, /composed: sync 20, async 20/);
      t.regex(text, /all boards closed/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  },
);
