import test from 'ava';
import { createSimBoard } from '@labrx/hw-sim';
import { startPyrplServer } from '@labrx/pyrpl';
import { startScpiServer } from '@labrx/scpi';
import { connect } from 'labrx';
import { buildPidCommand } from 'labrx/testing';
import { runCommandInProcess as run } from '../helpers/runCommandInProcess.js';

// `labrx pid <module>`: a PID set from the command line stays set on the board (a served simulator
// here, as a real board keeps its FPGA registers), and what the command prints is what the board holds.

test('labrx pid sets pid0 over pyrpl:// and prints what the board holds; another client reads the same; --paused / --no-paused switch it', async (t) => {
  const sim = createSimBoard({ seed: 5 });
  const server = await startPyrplServer({ board: sim, port: 0 });
  t.teardown(async () => {
    await server.close();
    await sim.close();
  });
  const set = await run(buildPidCommand, ['pid0', '--board', server.url, '--input', 'in1', '--output-direct', 'out1', '--setpoint', '0.1', '--p', '0.5', '--i', '1000', '--input-filter-hz', '1000,-10', '--json']);
  t.is(set.code, 0, set.stderr);
  const printed = JSON.parse(set.stdout) as Record<string, unknown>;
  const rp = await connect(server.url);
  t.teardown(() => rp.close());
  t.deepEqual(printed, { ...(await rp.pid0!.get()) }, 'the command printed the read-back');
  t.is(printed.input, 'in1');
  t.is(printed.outputDirect, 'out1');
  t.is(printed.p, 0.5, 'p = 0.5 is exact in the FPGA’s fixed point (2^-12 steps)');
  // setpoint: 14-bit signed, 2^-13 V steps; i: the FPGA's integrator register, within its step of 1000 Hz
  t.true(Math.abs((printed.setpoint as number) - 0.1) <= 2 ** -14, `setpoint ${printed.setpoint}`);
  t.true(Math.abs((printed.i as number) - 1000) < 0.01, `i ${printed.i}`);
  t.is((printed.inputFilterHz as number[]).length, 4, 'every filter stage is listed');
  t.false(printed.paused);

  const paused = await run(buildPidCommand, ['pid0', '--board', server.url, '--paused', '--json']);
  t.true((JSON.parse(paused.stdout) as { paused: boolean }).paused);
  t.is((await rp.pid0!.get()).p, 0.5, 'a flag not given leaves its setting as it was');
  const resumed = await run(buildPidCommand, ['pid0', '--board', server.url, '--no-paused']);
  t.is(resumed.code, 0);
  t.regex(resumed.stdout, /^pid0:\n {2}input {10}in1\n/);
  t.regex(resumed.stdout, /\n {2}paused {9}false\n/);
  t.regex(resumed.stdout, /\n {2}setpoint {7}0\.099\d* V\n/, 'values with their units');
  t.false((await rp.pid0!.get()).paused);
});

test('labrx pid on a board without PIDs (stock SCPI) exits 1 saying so; a bad module, value or filter list exits 2 naming the setting', async (t) => {
  const sim = createSimBoard({ seed: 6 });
  const server = await startScpiServer({ board: sim, port: 0 });
  t.teardown(async () => {
    await server.close();
    await sim.close();
  });
  const none = await run(buildPidCommand, ['pid0', '--board', server.url, '--p', '1']);
  t.is(none.code, 1);
  t.regex(none.stderr, /NotSupportedError: .*pid0.*no PID modules/);
  const module = await run(buildPidCommand, ['pid7']);
  t.is(module.code, 2);
  t.regex(module.stderr, /setting: module\n/);
  const value = await run(buildPidCommand, ['pid1', '--p', '1e9', '--i', '10']);
  t.is(value.code, 2);
  t.regex(value.stderr, /setting: p\n.*\n {2}allowed: a number from -2048 to 2047\.99/s);
  const list = await run(buildPidCommand, ['pid1', '--input-filter-hz', '1000,abc']);
  t.is(list.code, 2);
  t.regex(list.stderr, /setting: inputFilterHz/);
});
