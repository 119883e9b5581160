import test from 'ava';
import { spawn } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { SettingsError } from '@labrx/core';
import { isPlant, parseDutSpec, parseLabrxSimArgs, runLabrxSim } from '@labrx/hw-sim';
import { connect } from 'labrx';
import { RawClient } from '../scpi/scpiRawClient.js';
import { pollUntil, sleepMs } from '../helpers/until.js';

test('labrx-sim arguments: defaults, values, and SettingsError for anything else', (t) => {
  const d = parseLabrxSimArgs([])!;
  t.like(d, { host: '127.0.0.1', protocol: 'scpi', port: 5000, boards: 1, seed: 1 });
  t.like(parseLabrxSimArgs(['--protocol', 'pyrpl'])!, { protocol: 'pyrpl', port: 2222 }); // monitor_server's port
  t.is(d.noiseDensity, undefined);
  const o = parseLabrxSimArgs(['--port', '0', '--boards', '4', '--seed', '7', '--dut', 'resonator:f0=1e6,q=20', '--noise', '1e-7'])!;
  t.like(o, { port: 0, boards: 4, seed: 7, noiseDensity: 1e-7 });
  // H(f0) = gain (default 1) for a resonator; f0·(1 + 1/(2Q)) off it, |H| ≈ 1/√2 (x = Q·(f/f0 − f0/f) = 0.9877)
  const dut = o.dut;
  if (!('response' in dut)) return t.fail('a linear DUT');
  const h0 = dut.response(1e6);
  t.true(h0.re === 1 && Math.abs(h0.im) === 0);
  const f = 1e6 * (1 + 1 / 40);
  const x = 20 * (f / 1e6 - 1e6 / f);
  const h1 = dut.response(f);
  t.true(Math.abs(Math.hypot(h1.re, h1.im) - 1 / Math.hypot(1, x)) < 1e-12);
  t.is(parseLabrxSimArgs(['-h']), null);
  const plant = parseLabrxSimArgs(['--dut', 'fabry-perot:finesse=3000,fsr=1.5e9,detuning=2e6'])!.dut;
  t.true(isPlant(plant) && plant.spec.kind === 'fabry-perot');
  t.is(d.inputs, undefined);
  t.is(parseLabrxSimArgs(['--inputs', '4'])!.inputs, 4);
  t.throws(() => parseLabrxSimArgs(['--inputs', '3']), { instanceOf: SettingsError, message: /inputs.*2 or 4/ });
  t.throws(() => parseLabrxSimArgs(['--inputs', '4', '--protocol', 'pyrpl']), { instanceOf: SettingsError, message: /PyRPL/ });
  for (const bad of [['--protocol', 'vxi11'], ['--port', '70000'], ['--boards', '0'], ['--boards', '2.5'], ['--noise', '-1'], ['--frobnicate'], ['--port'], ['extra'], ['--port', '65535', '--boards', '2']]) {
    t.throws(() => parseLabrxSimArgs(bad), { instanceOf: SettingsError }, bad.join(' '));
  }
});

test('--dut specs build the DUT models (chains with +) and reject unknown kinds or parameters', (t) => {
  const lp = parseDutSpec('lowpass:cutoff=1e5,order=1');
  const h = lp.response(1e5); // first order at its cutoff: 1/(1 + j) → 0.5 − 0.5j
  t.true(Math.abs(h.re - 0.5) < 1e-12 && Math.abs(h.im + 0.5) < 1e-12);
  const d = parseDutSpec('delay:seconds=1e-6+wire').response(250e3); // a quarter period: −j
  t.true(Math.abs(d.re) < 1e-12 && Math.abs(d.im + 1) < 1e-12);
  for (const bad of ['capacitor:c=1', 'resonator:f0=1e6', 'resonator:f0=1e6,q=20,x=1', 'lowpass:cutoff=abc', 'wire+', '']) {
    t.throws(() => parseDutSpec(bad), { instanceOf: SettingsError }, bad);
  }
});

test('runLabrxSim serves each board on its own port with seed + i, and stops on SIGTERM', async (t) => {
  const out: string[] = [];
  const signals = new EventEmitter();
  const done = runLabrxSim(['--port', '0', '--boards', '2', '--seed', '3', '--noise', '1e-3'], {
    out: { write: (s: string) => out.push(s) },
    err: { write: (s: string) => t.fail(s) },
    signals: signals as never,
  });
  while (out.length < 2) await new Promise((r) => setTimeout(r, 5));
  const ports = out.map((line) => {
    const m = /^listening on scpi:\/\/127\.0\.0\.1:(\d+)\n$/.exec(line);
    t.truthy(m, line);
    return Number(m![1]);
  });
  t.not(ports[0], ports[1]);
  const clients = await Promise.all(ports.map((p) => RawClient.open(p)));
  const traces: string[] = [];
  for (const c of clients) {
    t.is(await c.query('*IDN?'), 'REDPITAYA,INSTR2025,,01-21');
    c.write('ACQ:START;TRig NOW\r\n');
    while ((await c.query('ACQ:TRig:STAT?')) !== 'TD') await new Promise((r) => setTimeout(r, 2));
    traces.push(await c.query('ACQ:SOUR1:DATA:Old:N? 20'));
  }
  // 1e-3 V/√Hz of noise (7.9 mV rms) differs between the boards' seeds
  t.not(traces[0], traces[1]);
  signals.emit('SIGTERM');
  t.is(await done, 0);
  for (const c of clients) {
    await pollUntil(() => c.closed, () => sleepMs(2), 'a client closed by the server on SIGTERM');
  }
  await t.throwsAsync(RawClient.open(ports[0]!));
});

test('`labrx-sim` (the bin) prints its addresses, serves, and exits 0 on SIGINT', async (t) => {
  const child = spawn(process.execPath, ['packages/hw-sim/bin/labrx-sim.mjs', '--port', '0', '--boards', '2'], { stdio: ['ignore', 'pipe', 'pipe'] });
  t.teardown(() => child.kill('SIGKILL'));
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const started = performance.now();
  while ((stdout.match(/\n/g) ?? []).length < 2) {
    if (performance.now() - started > 30_000) t.fail(`no address after 30 s; stderr: ${stderr}`);
    await new Promise((r) => setTimeout(r, 20));
  }
  const urls = stdout.trim().split('\n');
  t.true(urls.every((u) => /^listening on scpi:\/\/127\.0\.0\.1:\d+$/.test(u)), stdout);
  const port = Number(urls[1]!.split(':').at(-1));
  const c = await RawClient.open(port);
  t.is(await c.query('SYST:BRD:Name?'), 'STEMlab 125-14 v1.1');
  child.kill('SIGINT');
  t.is(await exited, 0, stderr);
  c.close();
});

test('runLabrxSim --protocol pyrpl serves the simulator as a PyRPL board that connect(pyrpl://) drives', async (t) => {
  const out: string[] = [];
  const signals = new EventEmitter();
  const done = runLabrxSim(['--protocol', 'pyrpl', '--port', '0', '--noise', '0'], {
    out: { write: (s: string) => out.push(s) },
    err: { write: (s: string) => t.fail(s) },
    signals: signals as never,
  });
  while (out.length < 1) await new Promise((r) => setTimeout(r, 5));
  const m = /^listening on (pyrpl:\/\/127\.0\.0\.1:\d+)\n$/.exec(out[0]!);
  t.truthy(m, out[0]);
  const rp = await connect(m![1]!);
  try {
    await rp.asg0.set({ waveform: 'dc', offset: 0.25, output: 'out1' });
    const tr = await rp.scope.single({ decimation: 64 });
    // a DC level through the default wire reads 0.25 V within one 14-bit step (2 V / 2^14 = 0.12 mV)
    t.true(Math.abs(tr.ch1[100]! - 0.25) < 2 / 2 ** 14 + 1e-9, `${tr.ch1[100]}`);
  } finally {
    await rp.close();
  }
  signals.emit('SIGTERM');
  t.is(await done, 0);
});
