import test from 'ava';
import { createSimBoard } from '@labrx/hw-sim';
import { startPyrplServer } from '@labrx/pyrpl';
import { startScpiServer } from '@labrx/scpi';
import { connect } from 'labrx';
import { buildIqCommand } from 'labrx/testing';
import { runCommandInProcess as run } from '../helpers/runCommandInProcess.js';

// `labrx iq <module>`: an IQ module set from the command line stays set on the board (a served
// simulator here, as a real board keeps its FPGA registers), and what the command prints is what the
// board holds, after the FPGA's quantisation.

test('labrx iq sets iq2 over pyrpl:// and prints what the board holds; another client reads the same; flags not given stay', async (t) => {
  const sim = createSimBoard({ seed: 5 });
  const server = await startPyrplServer({ board: sim, port: 0 });
  t.teardown(async () => {
    await server.close();
    await sim.close();
  });
  const set = await run(buildIqCommand, ['iq2', '--board', server.url, '--input', 'in2', '--frequency-hz', '250e3', '--phase-deg', '45', '--bandwidth-hz', '2000,2000,-10,0', '--gain', '0.5', '--json']);
  t.is(set.code, 0, set.stderr);
  const printed = JSON.parse(set.stdout) as Record<string, unknown>;
  const rp = await connect(server.url);
  t.teardown(() => rp.close());
  t.deepEqual(printed, { ...(await rp.iq2.get()) }, 'the command printed the read-back');
  t.is(printed.input, 'in2');
  // the oscillator's phase increment is a 32-bit register: steps of 125 MHz / 2^32 = 0.029 Hz; the read-back is within one
  t.true(Math.abs((printed.frequencyHz as number) - 250e3) <= 125e6 / 2 ** 32, `frequency ${printed.frequencyHz}`);
  t.is((printed.bandwidthHz as number[]).length, 4, 'iq2 has four filter stages');
  const read = await run(buildIqCommand, ['iq2', '--board', server.url]);
  t.is(read.code, 0, read.stderr);
  t.regex(read.stdout, /^iq2:\n {2}input {10}in2\n/);
  t.regex(read.stdout, /\n {2}frequencyHz {4}2(49999\.9\d*|50000(\.0\d*)?) Hz\n/, 'values with their units');
  const gain = await run(buildIqCommand, ['iq2', '--board', server.url, '--gain', '0.25', '--json']);
  const after = JSON.parse(gain.stdout) as Record<string, unknown>;
  t.is(after.input, 'in2', 'a flag not given leaves its setting as it was');
  t.is(after.gain, 0.25);
});

test('labrx iq on a board that cannot set IQ modules (stock SCPI) exits 1 saying so; a bad module, value or list exits 2 naming the setting', async (t) => {
  const sim = createSimBoard({ seed: 6 });
  const server = await startScpiServer({ board: sim, port: 0 });
  t.teardown(async () => {
    await server.close();
    await sim.close();
  });
  const none = await run(buildIqCommand, ['iq0', '--board', server.url, '--gain', '1']);
  t.is(none.code, 1);
  t.regex(none.stderr, /NotSupportedError: .*iq0.*cannot set IQ modules/);
  const module = await run(buildIqCommand, ['iq3']);
  t.is(module.code, 2);
  t.regex(module.stderr, /setting: module\n/);
  const value = await run(buildIqCommand, ['iq1', '--frequency-hz', '-5']);
  t.is(value.code, 2);
  t.regex(value.stderr, /setting: frequencyHz\n/);
  const list = await run(buildIqCommand, ['iq0', '--bandwidth-hz', '1,2,3']);
  t.is(list.code, 2);
  t.regex(list.stderr, /setting: bandwidthHz\n.*a list of up to 2/s);
});
