import test from 'ava';
import { testNeeding } from '../helpers/testNeeding.js';
import { spawn, spawnSync } from 'node:child_process';
import { lastJsonLine, runProcess } from '../helpers/runProcess.js';
import { mkdtempSync, rmSync } from 'node:fs';
import { upstreamSources } from '../helpers/upstreamSources.js';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { fitSine } from '../helpers/fit.js';

// PyRPL's own client code — redpitaya_client.MonitorClient with PyRPL's Scope, Asg0 and Iq hardware
// module classes, unmodified, run by Debian's /usr/bin/python3 — reads a trace and sweeps an NA
// against the simulated monitor_server. PyRPL's sources come from $PYRPL_SRC (a checkout of
// lneuhaus/pyrpl, the directory that holds `pyrpl/`), or are extracted with `git archive` from
// /work/.mirror/lneuhaus+pyrpl/repo when that exists. .ci/run installs python3-numpy python3-scipy
// python3-yaml python3-pandas python3-qtpy python3-pyqt5 python3-pyqtgraph python3-paramiko python3-scp.

const PYTHON = '/usr/bin/python3';
const SCRIPT = fileURLToPath(new URL('./pyrpl_client.py', import.meta.url));
const LABRX_SIM = fileURLToPath(new URL('../../packages/hw-sim/bin/labrx-sim.mjs', import.meta.url));
const modules = 'numpy, scipy, yaml, pandas, qtpy, PyQt5, pyqtgraph, paramiko, scp';
const pythonOk = spawnSync(PYTHON, ['-c', `import ${modules}`], { stdio: 'ignore' }).status === 0;
const sources = pythonOk
  ? upstreamSources({ envVar: 'PYRPL_SRC', mirror: '/work/.mirror/lneuhaus+pyrpl/repo', paths: ['pyrpl'], probe: 'pyrpl/redpitaya_client.py' })
  : null;

const TITLE = "PyRPL's own client (MonitorClient, Scope, Asg0, Iq.na_trace) reads a trace and sweeps a resonator against `labrx-sim --protocol pyrpl`";

// Missing sources skip (also under CI: they are not a Debian package); a missing Python fails under CI.
if (pythonOk && sources === null) {
  console.warn(`skipped "${TITLE}": needs PyRPL's sources — git clone https://github.com/lneuhaus/pyrpl and set PYRPL_SRC to the clone`);
  test.skip(`${TITLE} (needs PYRPL_SRC)`, () => undefined);
} else testNeeding(
  pythonOk,
  `${PYTHON} with ${modules} (apt-get install python3-numpy python3-scipy python3-yaml python3-pandas python3-qtpy python3-pyqt5 python3-pyqtgraph python3-paramiko python3-scp)`,
  TITLE,
  async (t) => {
    const f0 = 1e6, q = 20, gain = 0.5;
    // The board PyRPL talks to is `labrx-sim --protocol pyrpl`, the command a user runs, in its own process.
    const sim = spawn(process.execPath, [LABRX_SIM, '--protocol', 'pyrpl', '--port', '0', '--seed', '12', '--dut', `resonator:f0=${f0},q=${q},gain=${gain}`, '--noise', '1e-7'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let simErr = '';
    sim.stderr.on('data', (d: Buffer) => (simErr += d.toString()));
    const port = await new Promise<number>((resolve, reject) => {
      let out = '';
      sim.stdout.on('data', (d: Buffer) => {
        out += d.toString();
        const m = /listening on pyrpl:\/\/127\.0\.0\.1:(\d+)/.exec(out);
        if (m) resolve(Number(m[1]));
      });
      sim.once('exit', (code) => reject(new Error(`labrx-sim exited with ${code}: ${simErr}`)));
    });
    const userDir = mkdtempSync(join(tmpdir(), 'pyrpl-user-'));
    t.teardown(async () => {
      const exited = new Promise((r) => sim.once('exit', r));
      sim.kill('SIGTERM');
      await exited;
      sources!.cleanup();
      rmSync(userDir, { recursive: true, force: true });
    });
    const env = { ...process.env, QT_QPA_PLATFORM: 'offscreen', PYRPL_USER_DIR: userDir, HOME: userDir };
    const { code, stdout, stderr } = await runProcess(PYTHON, [SCRIPT, sources!.dir, String(port)], { env, timeoutMs: 90_000 });
    t.is(code, 0, `python exited with ${code}\nstderr: ${stderr.slice(-3000)}`);
    const out = lastJsonLine<{
      trace: { dt: number; ch1: number[]; ch2: number[]; asg_frequency: number };
      na: { f: number[]; re: number[]; im: number[]; reads: number; writes: number };
    }>(stdout);
    // The trace: 100 kHz, 0.5 V on in2 (out1 wired straight); in1 through the resonator, far below
    // f0: |H(100 kHz)| = 0.5/√(1 + (20·(0.1 − 10))²) = 2.53e-3. PyRPL's trace starts at the trigger
    // ('immediately'), so its own time base is index·dt. The sine table's peak 8191/8192 and noise
    // (1e-7·√(7.8 MHz) = 0.28 mV per sample, averaged over 16384) keep 0.5 % loose.
    const ch2 = Float64Array.from(out.trace.ch2);
    const fit = fitSine(ch2, out.trace.dt, 0, out.trace.asg_frequency);
    t.true(Math.abs(fit.amplitude / 0.5 - 1) < 0.005, `in2 amplitude ${fit.amplitude}`);
    const fit1 = fitSine(Float64Array.from(out.trace.ch1), out.trace.dt, 0, out.trace.asg_frequency);
    const h100k = gain / Math.hypot(1, q * (0.1 - 10));
    t.true(Math.abs(fit1.amplitude / (0.5 * h100k) - 1) < 0.05, `in1 amplitude ${fit1.amplitude} (expected ${0.5 * h100k})`);
    // The NA: PyRPL's na_trace returns (I + jQ)/N·2^-22/amplitude = H; at rbw 1 kHz the noise is
    // 1e-7·√1 kHz = 3 µV against 0.1 V: 1 % and 1° are the tolerances.
    for (let i = 0; i < out.na.f.length; i++) {
      const f = out.na.f[i]!;
      const x = q * (f / f0 - f0 / f);
      const mag = Math.hypot(out.na.re[i]!, out.na.im[i]!);
      const phaseDeg = (Math.atan2(out.na.im[i]!, out.na.re[i]!) * 180) / Math.PI;
      t.true(Math.abs(mag / (gain / Math.hypot(1, x)) - 1) < 0.01, `|H(${f})| = ${mag}`);
      t.true(Math.abs(phaseDeg + (Math.atan(x) * 180) / Math.PI) < 1, `∠H(${f}) = ${phaseDeg}°`);
    }
    t.is(simErr, '', 'labrx-sim reported nothing on stderr');
    t.log(`PyRPL's client: ${out.na.reads} reads, ${out.na.writes} writes`);
  },
);
