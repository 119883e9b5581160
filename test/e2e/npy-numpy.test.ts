import { testNeeding } from '../helpers/testNeeding.js';
import { runProcess } from '../helpers/runProcess.js';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadResult, type SavedFrequencyResponse } from 'labrx';

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
