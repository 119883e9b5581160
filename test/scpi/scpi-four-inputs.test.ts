import test from 'ava';
import { VirtualClock } from '@labrx/core/testing';
import { createSimBoard } from '@labrx/hw-sim';
import { startScpiServer } from '@labrx/scpi';
import { RawClient } from './scpiRawClient.js';
import { waitTriggered } from './waitTriggered.js';

// A simulated STEMlab 125-14 4-Input (startScpiServer's `inputs34`, `labrx-sim --inputs 4`): inputs 3
// and 4 are a second front end on the same virtual clock, nothing wired to them, acquiring in
// split-trigger mode. Physics: an open input shows the front end's white noise, σ = ρ·√(fs/2/dec) with
// the decimation boxcar (docs/architecture.md, "Noise").

const FS = 125e6;
const RHO = 3e-6; // V/√Hz on every input

async function setup(t: { teardown(fn: () => unknown): void }, fourInputs = true) {
  const clock = new VirtualClock();
  const board = createSimBoard({ seed: 7, scheduler: clock, noiseDensity: RHO });
  const inputs34 = createSimBoard({ seed: 8, scheduler: clock, noiseDensity: RHO, deepMemoryBytes: 0 });
  const server = await startScpiServer({ board, port: 0, ...(fourInputs ? { inputs34 } : {}) });
  const client = await RawClient.open(server.port);
  t.teardown(async () => {
    client.close();
    await server.close();
    await board.close();
    await inputs34.close();
  });
  return { clock, client };
}


function stats(x: readonly number[]): { mean: number; std: number } {
  const mean = x.reduce((a, b) => a + b, 0) / x.length;
  return { mean, std: Math.sqrt(x.reduce((a, b) => a + (b - mean) ** 2, 0) / (x.length - 1)) };
}

function ascii(reply: string): number[] {
  return reply.replace(/[{}]/g, '').split(',').map(Number);
}

test('4 inputs, split mode: CH3 and CH4 trigger on their own falling edges and read their own noise, σ = ρ·√(fs/2/dec)', async (t) => {
  const { clock, client } = await setup(t);
  const dec = 64;
  client.write('ACQ:SPLIT:TRig ON\r\n');
  for (const ch of [1, 2, 3, 4]) client.write(`ACQ:RST:CH${ch};:ACQ:DEC:CH${ch} ${dec};:ACQ:START:CH${ch}\r\n`);
  client.write('ACQ:DATA:FORMAT ASCII;:ACQ:DATA:UNITS VOLTS\r\n');
  client.write('ACQ:TRig:CH1 CH1_PE;:ACQ:TRig:CH2 CH2_PE;:ACQ:TRig:CH3 CH3_NE;:ACQ:TRig:CH4 CH4_NE\r\n');
  for (const ch of [1, 2, 3, 4]) await waitTriggered(clock, client, ch, dec);
  for (const ch of [1, 2, 3, 4]) t.is(await client.query(`ACQ:TRig:FILL:CH${ch}?`), '1', `CH${ch} filled`);
  // 6000 samples after the trigger: σ known to ±1 % (1/√(2·6000)); 10 % is 10 standard errors plus the
  // boxcar's slight correlation between neighbouring decimated samples (none: disjoint blocks).
  const expected = RHO * Math.sqrt(FS / 2 / dec);
  const traces: number[][] = [];
  for (const ch of [1, 2, 3, 4]) {
    const x = ascii(await client.query(`ACQ:SOUR${ch}:DATA:TRig? 6000,POST_TRIG`));
    t.is(x.length, 6001, `CH${ch}: trigger sample and 6000 after it`);
    const { std, mean } = stats(x.slice(1));
    t.true(Math.abs(std / expected - 1) < 0.1, `CH${ch}: σ ${std} V, expected ${expected} V`);
    t.true(Math.abs(mean) < (5 * expected) / Math.sqrt(6000), `CH${ch}: mean ${mean} V`);
    traces.push(x);
  }
  // a falling-edge trigger on CH3/CH4: at the trigger the signal is at or below the level (0 V),
  // having come from above the hysteresis band
  for (const ch of [3, 4]) t.true(traces[ch - 1]![0]! <= 0.005, `CH${ch} trigger sample ${traces[ch - 1]![0]}`);
  // independent front ends: inputs 1 and 3 are not the same noise
  const a = traces[0]!.slice(1);
  const b = traces[2]!.slice(1);
  const sa = stats(a);
  const sb = stats(b);
  let cov = 0;
  for (let i = 0; i < a.length; i++) cov += (a[i]! - sa.mean) * (b[i]! - sb.mean);
  const rho = cov / (a.length - 1) / (sa.std * sb.std);
  t.true(Math.abs(rho) < 5 / Math.sqrt(a.length), `correlation of CH1 and CH3 noise ${rho}`);
  t.deepEqual(await client.errors(), []);
});

test('4 inputs: CH3 and CH4 acquire in split mode only; their triggers are refused for inputs 1 and 2 (and the reverse), naming what is allowed; nothing changes', async (t) => {
  const { client } = await setup(t);
  t.is(await client.query('ACQ:SOUR3:GAIN?'), 'LV');
  client.write('ACQ:SOUR3:GAIN HV\r\n');
  t.is(await client.query('ACQ:SOUR3:GAIN?'), 'HV');
  t.is(await client.query('ACQ:SOUR1:GAIN?'), 'LV', 'one jumper per input');
  client.write('ACQ:SOUR3:DATA?\r\n');
  const errors = await client.errors();
  t.true(errors.some((e) => e.includes('split-trigger mode only')), errors.join(' | '));
  client.write('ACQ:SPLIT:TRig ON;:ACQ:TRig:CH1 CH3_PE\r\n');
  client.write('ACQ:TRig:CH3 CH1_PE\r\n');
  const refused = await client.errors();
  t.is(refused.length, 2, refused.join(' | '));
  t.regex(refused[0]!, /CH3_PE for inputs 1 and 2/);
  t.regex(refused[1]!, /CH1_PE for inputs 3 and 4.*CH3_PE/);
  t.is(await client.query('ACQ:TRig:STAT:CH1?'), 'TD', 'CH1 source still DISABLED');
  t.is(await client.query('ACQ:TRig:STAT:CH3?'), 'TD', 'CH3 source still DISABLED');
});

test('2 inputs: CH3 is an invalid channel number (9506) and CH3_PE is refused', async (t) => {
  const { client } = await setup(t, false);
  client.write('ACQ:SPLIT:TRig ON;:ACQ:TRig:CH3 CH3_PE\r\n');
  client.write('ACQ:TRig:CH1 CH3_PE\r\n');
  client.write('ACQ:SOUR3:DATA?\r\n');
  const errors = await client.errors();
  t.is(errors.length, 3, errors.join(' | '));
  t.regex(errors[0]!, /Invalid channel number/);
  t.regex(errors[1]!, /CH3_PE/);
  t.regex(errors[2]!, /Invalid channel number/);
});
