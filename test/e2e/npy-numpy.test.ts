import { testNeeding } from '../helpers/testNeeding.js';
import { runProcess } from '../helpers/runProcess.js';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadResult, saveResult, type SavedFrequencyResponse, type Spectrogram } from 'labrx';

const BIN = fileURLToPath(new URL('../../packages/labrx/bin/labrx.mjs', import.meta.url));
const PYTHON = '/usr/bin/python3';

const numpy = existsSync(PYTHON) && spawnSync(PYTHON, ['-c', 'import numpy'], { stdio: 'ignore' }).status === 0;

const run = runProcess;

// numpy reads the array and prints it back as JSON: Python's float repr is the shortest decimal
// that round-trips, so equal JSON numbers mean equal doubles, bit for bit.
const READ = `
import json, sys, numpy
a = numpy.load(sys.argv[1])
print(json.dumps({"dtype": str(a.dtype), "shape": list(a.shape), "fortran": bool(numpy.isfortran(a)), "rows": a.tolist()}))
`;

testNeeding(numpy, `${PYTHON} with numpy (apt-get install -y python3-numpy)`, 'labrx na --start 5e5 --stop 2e6 --points 201 --out na.npy: numpy reads the same numbers', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'labrx-npy-'));
  try {
    const na = await run(process.execPath, [BIN, 'na', '--start', '5e5', '--stop', '2e6', '--points', '201', '--out', 'na.npy'], { cwd: dir });
    t.is(na.code, 0, na.stderr);
    t.regex(na.stderr, /wrote na\.npy, na\.npy\.json/);
    const py = await run(PYTHON, ['-c', READ, 'na.npy'], { cwd: dir });
    t.is(py.code, 0, py.stderr);
    const fromNumpy = JSON.parse(py.stdout) as { dtype: string; shape: number[]; fortran: boolean; rows: number[][] };
    t.is(fromNumpy.dtype, 'float64');
    // 201 frequencies × (f, re, im, |H|, phase)
    t.deepEqual(fromNumpy.shape, [201, 5]);
    t.false(fromNumpy.fortran);
    const h = (await loadResult(join(dir, 'na.npy'))).result as SavedFrequencyResponse;
    const m = h.magnitude();
    const p = h.phaseDeg();
    const ours = Array.from(h.frequencies, (f, i) => [f, h.re[i]!, h.im[i]!, m[i]!, p[i]!]);
    t.deepEqual(fromNumpy.rows, ours);
    // and the numbers are the sweep asked for: 5e5 … 2e6, log spaced
    t.is(fromNumpy.rows[0]![0], 5e5);
    t.is(fromNumpy.rows[200]![0], 2e6);
    t.true(Math.abs(fromNumpy.rows[100]![0]! - 1e6) < 1e-6);
  } finally {
    await rm(dir, { recursive: true });
  }
});

// A spectrogram (the studio waterfall's export) as numpy users get it: the .npy is rows × (1 + bins),
// column 0 the row times, the sidecar names the bins (ch1@<f in Hz>), and the CSV (its # lines
// left out, the header row naming the columns) reads with numpy.loadtxt the same.
const READ_SPECTROGRAM = `
import json, sys, numpy
a = numpy.load('wf.npy')
names = [c["name"] for c in json.load(open('wf.npy.json'))["columns"]]
f = [float(n.split("@")[1]) for n in names[1:]]
lines = [l for l in open('wf.csv') if not l.startswith('#')]
c = numpy.loadtxt(lines[1:], delimiter=',', ndmin=2)
print(json.dumps({"shape": list(a.shape), "t": a[:, 0].tolist(), "rows": a[:, 1:].tolist(), "f": f, "csvNames": lines[0].strip().split(","), "csvFirstRow": c[0].tolist()}))
`;

testNeeding(numpy, `${PYTHON} with numpy (apt-get install -y python3-numpy)`, 'a spectrogram saved as .npy and .csv: numpy reads rows × (1 + bins), the bins named by their frequency', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'labrx-npy-'));
  try {
    const bins = 5;
    const rows = 3;
    const s: Spectrogram = {
      frequencies: Float64Array.from({ length: bins }, (_, k) => k * 1907.3486328125),
      times: Float64Array.from({ length: rows }, (_, r) => 0.001 + r * 0.000262144),
      ch1: Float64Array.from({ length: rows * bins }, (_, i) => -100 + 7.25 * i),
      ch2: new Float64Array(0),
      unit: 'dBm',
      rbw: 2861,
      window: 'hann',
      averages: 1,
      settings: null,
    };
    await saveResult(join(dir, 'wf.npy'), s);
    await saveResult(join(dir, 'wf.csv'), s);
    const py = await run(PYTHON, ['-c', READ_SPECTROGRAM], { cwd: dir });
    t.is(py.code, 0, py.stderr);
    const got = JSON.parse(py.stdout) as { shape: number[]; t: number[]; rows: number[][]; f: number[]; csvNames: string[]; csvFirstRow: number[] };
    t.deepEqual(got.shape, [rows, 1 + bins]);
    t.deepEqual(got.t, Array.from(s.times));
    t.deepEqual(got.rows, Array.from({ length: rows }, (_, r) => Array.from(s.ch1.subarray(r * bins, (r + 1) * bins))));
    t.deepEqual(got.f, Array.from(s.frequencies));
    t.deepEqual(got.csvNames, ['t', ...Array.from(s.frequencies, (f) => `ch1@${f}`)]);
    t.deepEqual(got.csvFirstRow, [s.times[0], ...s.ch1.subarray(0, bins)]);
  } finally {
    await rm(dir, { recursive: true });
  }
});
