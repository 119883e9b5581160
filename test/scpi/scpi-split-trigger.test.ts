import test from 'ava';
import { lsbVolts } from '@labrx/core';
import { VirtualClock } from '@labrx/core/testing';
import { createSimBoard } from '@labrx/hw-sim';
import { startScpiServer } from '@labrx/scpi';
import { RawClient } from './scpiRawClient.js';
import { waitTriggered } from './waitTriggered.js';

// Split triggering (ACQ:SPLIT:TRig ON) on the simulated 2-input board over the signal-level simulator
// on a virtual clock: each input armed with its own decimation, trigger source and level.

const N = 16384;
const FS = 125e6;

async function setup(t: { teardown(fn: () => unknown): void }) {
  const clock = new VirtualClock();
  const board = createSimBoard({ seed: 7, scheduler: clock, noiseDensity: 1e-7 });
  const server = await startScpiServer({ board, port: 0 });
  const client = await RawClient.open(server.port);
  t.teardown(async () => {
    client.close();
    await server.close();
    await board.close();
  });
  return { clock, board, client };
}

/** Mean spacing in samples of the rising zero crossings of `x`, each interpolated linearly. */
function meanPeriodSamples(x: Float64Array): { period: number; crossings: number } {
  const at: number[] = [];
  for (let i = 1; i < x.length; i++) {
    if (x[i - 1]! < 0 && x[i]! >= 0) at.push(i - 1 + -x[i - 1]! / (x[i]! - x[i - 1]!));
  }
  return { period: (at[at.length - 1]! - at[0]!) / (at.length - 1), crossings: at.length };
}


test('split mode: CH1 and CH2 armed with different decimations and triggers acquire independently, each with its own time base and trigger crossing', async (t) => {
  const { clock, board, client } = await setup(t);
  client.write('SOUR1:FUNC SINE;FREQ:FIX 1e5;:SOUR1:VOLT 0.5;:OUTPUT1:STATE ON\r\n');
  t.is(await client.query('ACQ:SPLIT:TRig?'), 'OFF');
  client.write('ACQ:SPLIT:TRig ON\r\n');
  t.is(await client.query('ACQ:SPLIT:TRig?'), 'ON');
  client.write('ACQ:DEC:CH1 8;:ACQ:DEC:CH2 64;:ACQ:TRig:LEV:CH1 0.1;:ACQ:TRig:LEV:CH2 -0.2\r\n');
  client.write('ACQ:START:CH1;:ACQ:START:CH2;:ACQ:TRig:CH1 CH1_PE;:ACQ:TRig:CH2 CH2_NE\r\n');
  t.is(await client.query('SYST:ERR:COUN?'), '0');
  t.deepEqual([await client.query('ACQ:DEC:CH1?'), await client.query('ACQ:DEC:CH2?')], ['8', '64']);
  t.deepEqual([await client.query('ACQ:TRig:LEV:CH1?'), await client.query('ACQ:TRig:LEV:CH2?')], ['0.1', '-0.2']);
  t.is(await client.query('ACQ:SRATe:CH2?'), `${(FS / 64).toFixed(0).padStart(9)} Hz`);
  t.is(board.activeAcquisitions, 2);
  // CH1's buffer lasts 16384 · 8 / 125 MHz = 1.05 ms, CH2's eight times as long: CH1 is done first
  await waitTriggered(clock, client, 1, 8);
  t.is(await client.query('ACQ:TRig:STAT:CH2?'), 'WAIT');
  t.is(await client.query('ACQ:TRig:FILL:CH2?'), '0');
  await waitTriggered(clock, client, 2, 64);
  t.deepEqual([await client.query('ACQ:TRig:FILL:CH1?'), await client.query('ACQ:TRig:FILL:CH2?')], ['1', '1']);
  t.is(board.activeAcquisitions, 0);
  client.write('ACQ:DATA:FORMAT BIN\r\n');
  const in1 = await client.readFloatBlock('ACQ:SOUR1:DATA?', N);
  const in2 = await client.readFloatBlock('ACQ:SOUR2:DATA?', N);
  // A 100 kHz tone lasts FS / (dec · f) samples: 156.25 at decimation 8, 19.53 at 64. Interpolated
  // crossings err by σ/slope ≈ 2.8e-4 V / (2π · 0.5 V / 156 samples) ≈ 0.014 samples at decimation 8
  // (less at 64, where the slope per sample is 8× steeper), spread over ~100 (~800) periods: the mean
  // spacing is exact to ~1e-4 relative; 1e-3 is ample and still tells one decimation from any other.
  for (const [x, dec] of [
    [in1, 8],
    [in2, 64],
  ] as const) {
    const { period, crossings } = meanPeriodSamples(x);
    const expected = FS / (dec * 1e5);
    t.true(crossings > 50, `dec ${dec}: ${crossings} crossings`);
    t.true(Math.abs(period / expected - 1) < 1e-3, `dec ${dec}: period ${period} samples, expected ${expected}`);
  }
  // With DLY 0 the trigger sample sits at index 8192: CH1 rises through 0.1 V there, CH2 falls through −0.2 V.
  t.true(in1[8191]! < 0.1 && in1[8192]! >= 0.1, `CH1 ${in1[8191]} ${in1[8192]}`);
  t.true(in2[8191]! > -0.2 && in2[8192]! <= -0.2, `CH2 ${in2[8191]} ${in2[8192]}`);
  // each input keeps its own trigger position in the circular buffer
  const tpos = [Number(await client.query('ACQ:TPOS:CH1?')), Number(await client.query('ACQ:TPOS:CH2?'))];
  for (const p of tpos) t.true(Number.isInteger(p) && p >= 0 && p < N, String(p));
  // ACQ:DATA:UNITS and ACQ:SOUR<n>:GAIN are per connection / per input, the same in split mode:
  // RAW reads the same trigger sample (buffer position TPOS, trace index 8192) as int16 counts of
  // the LV range (rounding: within one count)
  client.write('ACQ:DATA:FORMAT ASCII;:ACQ:DATA:UNITS RAW\r\n');
  const lsb = lsbVolts(board.info, 'lv');
  for (const [ch, x] of [
    [1, in1],
    [2, in2],
  ] as const) {
    const counts = Number((await client.query(`ACQ:SOUR${ch}:DATA:STArt:N? ${tpos[ch - 1]},1`)).replace(/[{}]/g, ''));
    t.true(Math.abs(counts - x[8192]! / lsb) <= 1, `CH${ch}: ${counts} counts, ${x[8192]} V`);
  }
  client.write('ACQ:SOUR2:GAIN HV\r\n');
  t.is(await client.query('ACQ:SOUR2:GAIN?'), 'HV');
  t.is(await client.query('SYST:ERR:COUN?'), '0');
});

test('split mode errors: bad channel numbers, common arm/trigger commands in split mode; per-channel forms pass to the common settings when split is off', async (t) => {
  const { client } = await setup(t);
  // split off: a :CH<n> form addresses the common acquisition, as the firmware passes it on
  client.write('ACQ:DEC:CH2 16\r\n');
  t.is(await client.query('ACQ:DEC?'), '16');
  t.is(await client.query('ACQ:DEC:CH1?'), '16');
  client.write('ACQ:SPLIT:TRig MAYBE\r\n');
  t.is(await client.query('SYST:ERR?'), '-224,"Illegal parameter value"');
  t.is(await client.query('ACQ:SPLIT:TRig?'), 'OFF');

  client.write('ACQ:SPLIT:TRig ON\r\n');
  // each input starts from its own defaults in split mode
  t.is(await client.query('ACQ:DEC:CH1?'), '1');
  for (const cmd of ['ACQ:START:CH3', 'ACQ:DEC:CH0 8', 'ACQ:TRig:CH3 NOW', 'ACQ:TRig:STAT:CH3?']) {
    client.write(`${cmd}\r\n`);
    const e = await client.query('SYST:ERR?');
    t.regex(e, /^9506,".*Invalid channel number"$/, `${cmd}: ${e}`);
  }
  client.write('ACQ:DEC:CH1 3\r\n');
  t.regex(await client.query('SYST:ERR?'), /^9506,".*Value out of range\."$/);
  t.is(await client.query('ACQ:DEC:CH1?'), '1');
  // the common arm and trigger are not supported in split mode (API error 24, RP_NOTS) and change nothing
  for (const cmd of ['ACQ:START', 'ACQ:TRig NOW', 'ACQ:STOP']) {
    client.write(`${cmd}\r\n`);
    t.regex(await client.query('SYST:ERR?'), /^9524,".*not supported in split-trigger mode/, cmd);
  }
  // a failed query sends no reply (RP:RET_ON_ERROR off), only the error
  client.write('ACQ:TRig:STAT?\r\n');
  t.regex(await client.query('SYST:ERR?'), /^9524,".*ACQ:TRig:STAT\? /);
  t.is(await client.query('ACQ:TRig:STAT:CH1?'), 'TD');
  t.is(await client.query('SYST:ERR:COUN?'), '0');
});
