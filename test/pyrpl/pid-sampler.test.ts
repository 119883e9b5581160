import test from 'ava';
import { firstValueFrom } from 'rxjs';
import { SettingsError } from '@labrx/core';
import { readRequest, decodeWords, type PyrplBoard } from '@labrx/pyrpl';
import { connect } from 'labrx';
import { RawClient } from './pyrplRawClient.js';
import { connectPyrplSim } from './pyrplSim.js';

// a PID with a gain closes the loop through the wire; in real time on a busy machine a loop step of
// 256 cycles (488 kHz) keeps the simulator well ahead of the clock (docs/decisions/0018)
// Serial: each rig's simulator runs its closed loop in real time in this process.
const rig = () => connectPyrplSim({ seed: 21, noiseDensity: 1e-7, loopDecimation: 256 });

async function rawRead(port: number, address: number, count: number): Promise<number[]> {
  const c = await RawClient.open(port);
  c.write(readRequest(address, count));
  const words = decodeWords((await c.bytes(8 + 4 * count)).subarray(8));
  c.destroy();
  return [...words];
}

test.serial('rp.pid0.set writes PyRPL register values and reads back the quantised settings (pid.py:262-274)', async (t) => {
  const { rp, server, close } = await rig();
  t.teardown(close);
  t.truthy(rp.pid0 && rp.pid1 && rp.pid2);
  const s = await rp.pid0!.set({ input: 'in1', outputDirect: 'out1', setpoint: 0.1, p: 0.5, i: 1000, minVoltage: -0.5, maxVoltage: 0.8 });
  // setpoint 0.1·8192 = 819.2 → 819 → 0.0999756 V; p 0.5·4096 = 2048 exactly; i 1000·215.8886 = 215888.6 → 215889 → 1000.002 Hz
  t.is(s.input, 'in1');
  t.is(s.outputDirect, 'out1');
  t.is(s.setpoint, 819 / 8192);
  t.is(s.p, 0.5);
  t.true(Math.abs(s.i - 1000.002) < 0.001, `i ${s.i}`);
  t.is(s.minVoltage, -0.5);
  t.is(s.maxVoltage, Math.round(0.8 * 8192) / 8192);
  // the words on the FPGA, read by a bare client: input 10 (in1), output_direct 1, setpoint, p, i
  t.deepEqual(await rawRead(server.port, 0x40300000, 2), [10, 1]);
  t.deepEqual(await rawRead(server.port, 0x40300104, 3), [819, 2048, 215889]);
  t.deepEqual(await rp.pid0!.get(), s);
  // PyRPL's lockbox puts pid2 on out1; a negative p is two's complement in 24 bits
  const s2 = await rp.pid2!.set({ outputDirect: 'out1', p: -1 });
  t.is(s2.p, -1);
  t.deepEqual(await rawRead(server.port, 0x40320108, 1), [2 ** 24 - 4096]);
});

test.serial('bad PID settings throw SettingsError naming module, setting and range, and write nothing', async (t) => {
  const { rp, close } = await rig();
  t.teardown(close);
  const before = await rp.pid1!.set({ p: 0.25 });
  const e1 = await t.throwsAsync(rp.pid1!.set({ p: 0.5, input: 'in3' }), { instanceOf: SettingsError });
  t.regex(e1!.message, /pid1\.input = "in3".*'in1', 'in2'/);
  const e2 = await t.throwsAsync(rp.pid1!.set({ i: 1e6 }), { instanceOf: SettingsError });
  t.regex(e2!.message, /pid1\.i = 1000000 is not allowed: a number from -38856\.\d+ to 38856\.\d+ \(Hz\)/);
  await t.throwsAsync(rp.pid1!.set({ minVoltage: 0.5, maxVoltage: 0.1 }), { instanceOf: SettingsError });
  t.deepEqual(await rp.pid1!.get(), before);
});

test.serial('the embedded simulator has the same three PID modules, at their power-on settings (red_pitaya_pid_block.v reset)', async (t) => {
  const rp = await connect({ sim: { seed: 1 } });
  t.teardown(() => rp.close());
  t.like(await rp.pid0!.get(), { input: 'pid0', outputDirect: 'off', setpoint: 0, p: 0, i: 0, ival: 0, minVoltage: -1, maxVoltage: 8191 / 8192, paused: false });
  const served = await rig();
  t.teardown(served.close);
  t.deepEqual(await served.rp.pid0!.get(), await rp.pid0!.get());
});

test.serial("the sampler reads in2's momentary value: a 0.3 V offset on out1 reads 0.3 V within the noise", async (t) => {
  const { rp, close } = await rig();
  t.teardown(close);
  await rp.asg0.set({ waveform: 'dc', offset: 0.3, output: 'out1' });
  const board = rp.driver as PyrplBoard;
  const values: number[] = [];
  for (let k = 0; k < 20; k++) values.push(await firstValueFrom(board.sampler.sample('in2')));
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  // one sample: noise 1e-7·√62.5 MHz = 0.79 mV rms plus 1 LSB (0.12 mV); the mean of 20 within 1 mV;
  // PyRPL scales by 2^13 − 1, so 0.3 V reads 0.3 within 1 LSB
  t.true(Math.abs(mean - 0.3) < 1e-3, `mean ${mean}`);
  t.true(values.some((v) => v !== values[0]), 'fresh samples, not one cached value');
  await t.throwsAsync(firstValueFrom(board.sampler.sample('in3')), { instanceOf: SettingsError });
});
