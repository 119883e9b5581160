import test from 'ava';
import { spawn } from 'node:child_process';
import { Writable } from 'node:stream';
import { connectSync } from 'labrx';
import { buildStudioCommand, type CliIo } from 'labrx/testing';
import { startServedSim, testNats, type ServedSim } from './remoteFixture.js';
import { natsServerAvailable } from '../helpers/natsServer.js';

// The blocking face and the studio on a remote board: both open it with connect('nats://…').

let served: ServedSim;
test.before(async () => {
  if (natsServerAvailable) served = await startServedSim({ seed: 4, noiseDensity: 0 });
});
test.after.always(async () => served?.close());

testNats('connectSync on a nats:// board (served by labrx serve in its own process): blocking set and single', async (t) => {
  // the blocking face blocks this thread, so the board server must run elsewhere
  const child = spawn(process.execPath, ['packages/labrx/bin/labrx.mjs', 'serve', '--nats', served.nats.url, '--name', 'lab3', '--board', 'sim', '--seed', '4'], { stdio: ['ignore', 'pipe', 'ignore'] });
  try {
    await new Promise<void>((resolve, reject) => {
      let out = '';
      child.stdout!.on('data', (c: Buffer) => ((out += c.toString()), out.includes('labrx serve:') && resolve()));
      child.once('exit', (code) => reject(new Error(`labrx serve exited (${code})`)));
    });
    const rps = connectSync(`${served.nats.url}/lab3/board0`);
    try {
      const applied = rps.asg0.set({ waveform: 'sine', frequency: 2e6, amplitude: 0.25, output: 'out1' });
      t.is(applied.frequency, 2e6);
      const tr = rps.scope.single({ decimation: 1 });
      t.is(tr.ch1.length, 16384);
      // the served simulator's default noise (1e-7 V/√Hz over 62.5 MHz: 0.8 mV rms) on a 0.25 V sine: the peak within 5 mV
      const peak = tr.ch1.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
      t.true(Math.abs(peak - 0.25) <= 5e-3, `peak ${peak}`);
    } finally {
      rps.close();
    }
  } finally {
    child.kill('SIGTERM');
  }
});

testNats('labrx studio --check --board nats://… serves a scope frame from the remote board', async (t) => {
  let stdout = '';
  let code = 0;
  const sink = (f: (s: string) => void) => new Writable({ write: (c: Buffer, _e, done) => (f(c.toString()), done()) });
  const io: CliIo = { stdout: sink((s) => (stdout += s)), stderr: sink(() => undefined), fail: (c) => (code = c) };
  await buildStudioCommand(io).parseAsync(['node', 'studio', '--check', '--board', served.url]);
  t.is(code, 0, stdout);
  t.regex(stdout, /studio check: ok/);
});
