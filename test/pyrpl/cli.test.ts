import test from 'ava';
import { fileURLToPath } from 'node:url';
import { createSimBoard, lowpass } from '@labrx/hw-sim';
import { startPyrplSim } from '@labrx/pyrpl';
import { runProcess, type ProcessResult } from '../helpers/runProcess.js';

const BIN = fileURLToPath(new URL('../../packages/labrx/bin/labrx.mjs', import.meta.url));

function labrx(args: string[]): Promise<ProcessResult> {
  return runProcess(process.execPath, [BIN, ...args]);
}

test('startPyrplSim serves boards on consecutive ports; `labrx na --board pyrpl://…` sweeps through one', async (t) => {
  const boards = [createSimBoard({ seed: 1 }), createSimBoard({ seed: 2, dut: lowpass({ cutoff: 1e4, order: 1 }) })];
  const sim = await startPyrplSim({ host: '127.0.0.1', port: 0, boards });
  t.teardown(async () => {
    await sim.close();
    for (const b of boards) await b.close();
  });
  t.is(sim.servers.length, 2);
  t.not(sim.servers[0]!.port, sim.servers[1]!.port);
  const r = await labrx(['na', '--board', sim.servers[1]!.url, '--start', '1e4', '--stop', '1e4', '--points', '1', '--rbw', '1000']);
  t.is(r.code, 0, r.stderr);
  // a first-order low-pass at its cutoff: |H| = 1/√2, ∠H = −45° (rbw 1 kHz: noise 3 µV against 0.1 V)
  const m = /max \|H\| = ([\d.]+) .* phase (-?[\d.]+) deg/.exec(r.stdout);
  t.truthy(m, r.stdout);
  t.true(Math.abs(Number(m![1]) / Math.SQRT1_2 - 1) < 0.01, r.stdout);
  t.true(Math.abs(Number(m![2]) + 45) < 1, r.stdout);
});

test('`labrx studio --board pyrpl://…` opens the studio on a PyRPL board (the non-interactive check: page, token, a scope frame)', async (t) => {
  const boards = [createSimBoard({ seed: 3 })];
  const sim = await startPyrplSim({ host: '127.0.0.1', port: 0, boards });
  t.teardown(async () => {
    await sim.close();
    for (const b of boards) await b.close();
  });
  const r = await labrx(['studio', '--check', '--board', sim.servers[0]!.url]);
  t.is(r.code, 0, r.stderr);
  t.regex(r.stdout, /labrx studio on pyrpl:\/\/127\.0\.0\.1:\d+/);
  t.regex(r.stdout, /studio check: ok .*a scope frame/);
});
