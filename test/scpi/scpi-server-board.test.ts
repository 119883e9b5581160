import test from 'ava';
import { lsbVolts } from '@labrx/core';
import { VirtualClock } from '@labrx/core/testing';
import { createSimBoard, type SimBoard } from '@labrx/hw-sim';
import { startScpiServer } from '@labrx/scpi';
import { fitSine } from '../helpers/fit.js';
import { RawClient } from './scpiRawClient.js';

// The server over the signal-level simulator on a virtual clock: commands run as bytes arrive,
// acquisitions advance only when the test moves the clock, so every check is deterministic.

const N = 16384;
const FS = 125e6;

async function setup(t: { teardown(fn: () => unknown): void }, noiseDensity = 1e-7) {
  const clock = new VirtualClock();
  const board = createSimBoard({ seed: 5, scheduler: clock, noiseDensity });
  const server = await startScpiServer({ board, port: 0 });
  const client = await RawClient.open(server.port);
  t.teardown(async () => {
    client.close();
    await server.close();
    await board.close();
  });
  return { clock, board, server, client };
}

const bufferMs = (dec: number) => (N * dec * 1e3) / FS;

/**
 * Polls TRig:STAT? as a client does, advancing the virtual clock a quarter buffer between polls,
 * until TD (at most `maxBuffers` buffers of time). Returns the virtual time it took, ms.
 */
async function waitTriggered(clock: VirtualClock, client: RawClient, dec: number, maxBuffers = 8): Promise<number> {
  const start = clock.now();
  for (let i = 0; i < 4 * maxBuffers; i++) {
    if ((await client.query('ACQ:TRig:STAT?')) === 'TD') return clock.now() - start;
    await clock.advanceBy(bufferMs(dec) / 4);
  }
  throw new Error(`no trigger within ${maxBuffers} buffers`);
}

test('a generated 1 MHz tone is captured on a CH2_PE trigger with the right amplitude, and the crossing at the trigger', async (t) => {
  const { clock, board, client } = await setup(t);
  // relative paths keep the last header's prefix: after FREQ:FIX, VOLT would be SOUR1:FREQ:VOLT
  client.write('SOUR1:FUNC SINE;FREQ:FIX 1e6;:SOUR1:VOLT 0.5;:OUTPUT1:STATE ON\r\n');
  t.is(await client.query('SYST:ERR:COUN?'), '0');
  const asg = board.asgSettings(0);
  t.like(asg, { waveform: 'sine', frequency: 1e6, amplitude: 0.5, offset: 0, output: 'out1' });
  client.write('ACQ:DEC 8;TRig:LEV 0.1;:ACQ:START;:ACQ:TRig CH2_PE\r\n');
  t.is(await client.query('ACQ:TRig:STAT?;FILL?'), 'WAIT;0');
  t.is(board.activeAcquisitions, 1);
  // an acquisition lasts about a buffer (16384 · 8 / 125 MHz = 1.05 ms) on the board's clock, plus the trigger wait
  const took = await waitTriggered(clock, client, 8);
  t.true(took >= bufferMs(8) / 2 && took <= 3 * bufferMs(8), `${took} ms`);
  t.is(await client.query('ACQ:TRig:STAT?;FILL?'), 'TD;1');
  t.is(board.activeAcquisitions, 0);
  client.write('ACQ:DATA:FORMAT BIN\r\n');
  const in2 = await client.readFloatBlock('ACQ:SOUR2:DATA?', N);
  const in1 = await client.readFloatBlock('ACQ:SOUR1:DATA?', N);
  const dt = 8 / FS;
  // AVG ON averages 8 raw samples per point: a boxcar of gain sin(π·f·8/fs) / (8·sin(π·f/fs)) = 0.99342
  // at 1 MHz. Noise 1e-7 V/√Hz averaged to 15.6 MS/s has σ ≈ 2.8e-4 V; over 16384 samples the fitted
  // amplitude errs by σ·√(2/N) ≈ 3e-6 V; quantisation (LSB 1.2e-4 V) averages out likewise: 2e-4 is ample.
  const boxcar = Math.sin((Math.PI * 1e6 * 8) / FS) / (8 * Math.sin((Math.PI * 1e6) / FS));
  for (const x of [in1, in2]) {
    const a = fitSine(x, dt, -8192 * dt, 1e6).amplitude;
    t.true(Math.abs(a - 0.5 * boxcar) < 2e-4, `amplitude ${a}, expected ${0.5 * boxcar}`);
  }
  // the rising crossing of 0.1 V lies between the trigger sample (index 8192) and the one before
  t.true(in2[8191]! < 0.1 && in2[8192]! >= 0.1, `${in2[8191]} ${in2[8192]}`);
  // ASCII carries the same float32 values to %f precision (±5e-7 V)
  client.write('ACQ:DATA:FORMAT ASCII\r\n');
  const ascii = (await client.query('ACQ:SOUR2:DATA?')).slice(1, -1).split(',').map(Number);
  t.is(ascii.length, N);
  const worst = ascii.reduce((m, v, i) => Math.max(m, Math.abs(v - in2[i]!)), 0);
  t.true(worst <= 5e-7 * (1 + 1e-9), `worst ${worst}`);
});

test('buffer positions: TPOS, WPOS and the STArt/Old/LATest/TRig reads agree with the whole buffer', async (t) => {
  const { clock, client } = await setup(t);
  client.write('SOUR1:FREQ:FIX 3e5;:SOUR1:VOLT 0.4;:OUTPUT1:STATE ON;:ACQ:DEC 4;TRig:DLY 1000;:ACQ:START;:ACQ:TRig AWG_PE;:ACQ:DATA:FORMAT BIN\r\n');
  await waitTriggered(clock, client, 4);
  const whole = await client.readFloatBlock('ACQ:SOUR2:DATA?', N);
  const tpos = Number(await client.query('ACQ:TPOS?'));
  const wpos = Number(await client.query('ACQ:WPOS?'));
  // DLY 1000 shows 1000 more samples after the trigger: it sits at index 8192 − 1000 of the buffer
  const ti = 8192 - 1000;
  t.is((wpos + 1 + ti) % N, tpos, 'oldest sample is WPOS + 1');
  t.deepEqual(await client.readFloatBlock(`ACQ:SOUR2:DATA:STArt:N? ${tpos},3`, 3), whole.subarray(ti, ti + 3));
  t.deepEqual(await client.readFloatBlock(`ACQ:SOUR2:DATA:STArt:End? ${(tpos + N - 2) % N},${tpos}`, 3), whole.subarray(ti - 2, ti + 1));
  t.deepEqual(await client.readFloatBlock('ACQ:SOUR2:DATA:Old:N? 10', 10), whole.subarray(0, 10));
  t.deepEqual(await client.readFloatBlock('ACQ:SOUR2:DATA:LATest:N? 10', 10), whole.subarray(N - 10));
  t.deepEqual(await client.readFloatBlock('ACQ:SOUR2:DATA:TRig? 5,PRE_POST_TRIG', 11), whole.subarray(ti - 5, ti + 6));
  t.deepEqual(await client.readFloatBlock('ACQ:SOUR2:DATA:TRig? 5,POST_TRIG', 6), whole.subarray(ti, ti + 6));
  // AWG_PE fires at a period start of generator 1: the sine (phase 0) crosses 0 rising there;
  // one sample is 32 ns = 3.5° at 300 kHz, so |in2| ≤ 0.4·sin(3.5°) + noise ≈ 0.025 V
  t.true(Math.abs(whole[ti]!) < 0.03 && whole[ti + 20]! > 0.1, `${whole[ti]} ${whole[ti + 20]}`);
});

test('RAW data are the ADC counts of the volts at the input gain in force; HV (±20 V) quantises 20× coarser', async (t) => {
  const { clock, client } = await setup(t);
  client.write('SOUR1:FUNC DC;VOLT 0;VOLT:OFFS 0.3;:OUTPUT1:STATE ON;:ACQ:START;:ACQ:TRig NOW;:ACQ:DATA:FORMAT BIN\r\n');
  await waitTriggered(clock, client, 1);
  const volts = await client.readFloatBlock('ACQ:SOUR2:DATA:Old:N? 100', 100);
  t.true(Math.abs(volts[50]! - 0.3) < 0.01);
  client.write('ACQ:DATA:UNITS RAW;:ACQ:SOUR2:DATA:Old:N? 100\r\n');
  const raw = await client.readBytes(5 + 200 + 2);
  const info = createSimBoard().info;
  const lsb = lsbVolts(info);
  for (let i = 0; i < 100; i++) t.is(raw.readInt16BE(5 + 2 * i), Math.round(volts[i]! / lsb));
  // the HV jumpers: the same 0.3 V, now on a 40 V / 2^14 = 2.44 mV grid (the simulated ADC's gain)
  client.write('ACQ:DATA:UNITS VOLTS;:ACQ:SOUR1:GAIN HV;:ACQ:SOUR2:GAIN HV;:ACQ:START;:ACQ:TRig NOW\r\n');
  await waitTriggered(clock, client, 1);
  const hv = await client.readFloatBlock('ACQ:SOUR2:DATA:Old:N? 100', 100);
  const lsbHv = lsbVolts(info, 'hv');
  t.true(Math.abs(lsbHv - 40 / 2 ** 14) < 1e-15);
  for (let i = 0; i < 100; i++) {
    const code = hv[i]! / lsbHv;
    t.true(Math.abs(code - Math.round(code)) < 1e-3, `sample ${i} = ${hv[i]} V is a whole number of HV steps`);
    t.true(Math.abs(hv[i]! - 0.3) <= lsbHv, `sample ${i} = ${hv[i]} V within one HV step of 0.3 V`);
  }
  client.write('ACQ:DATA:UNITS RAW;:ACQ:SOUR2:DATA:Old:N? 100\r\n');
  const rawHv = await client.readBytes(5 + 200 + 2);
  for (let i = 0; i < 100; i++) t.is(rawHv.readInt16BE(5 + 2 * i), Math.round(hv[i]! / lsbHv));
  // trigger levels follow the calibration: 5 V fits HV on ch1, not LV
  client.write('ACQ:DATA:UNITS VOLTS;:ACQ:TRig:LEV 5\r\n');
  t.deepEqual(await client.errors(), []);
  client.write('ACQ:SOUR1:GAIN LV;:ACQ:TRig:LEV 5\r\n');
  t.deepEqual(await client.errors(), ['9506,"*:ACQ:TRig:LEV Failed to set CH1 trigger level: Value out of range."']);
});

test('TRig DISABLED and ACQ:STOP stop the board acquisition; a setting changed while armed restarts it', async (t) => {
  const { clock, board, client } = await setup(t);
  client.write('ACQ:START;TRig CH1_PE;:ACQ:TRig:LEV 0.5\r\n'); // nothing drives in1: never fires
  await client.query('*OPC?');
  t.is(board.activeAcquisitions, 1);
  const started = board.acquisitionsStarted;
  client.write('ACQ:DEC 16\r\n');
  await client.query('*OPC?');
  t.is(board.acquisitionsStarted, started + 1, 'restarted with the new decimation');
  t.is(board.activeAcquisitions, 1);
  await clock.advanceBy(50);
  t.is(await client.query('ACQ:TRig:STAT?'), 'WAIT');
  client.write('ACQ:TRig DISABLED\r\n');
  t.is(await client.query('ACQ:TRig:STAT?'), 'TD'); // as the FPGA: source back at DISABLED
  t.is(board.activeAcquisitions, 0);
  client.write('ACQ:START;TRig CH1_PE\r\n');
  await client.query('*OPC?');
  t.is(board.activeAcquisitions, 1);
  client.write('ACQ:STOP\r\n');
  await client.query('*OPC?');
  t.is(board.activeAcquisitions, 0);
  t.is(await client.query('ACQ:TRig:STAT?'), 'WAIT');
  client.write('ACQ:RST\r\n');
  t.is(await client.query('ACQ:TRig:STAT?;FILL?;:ACQ:DEC?;AVG?;TRig:LEV?;HYST?;DLY?'), 'TD;0;1;ON;0;0.005;0');
  t.is(clock.nextFrame(), undefined, 'nothing left scheduled');
});

test('generator commands map onto the board: DC, DC_NEG, PWM duty cycle, bursts, external triggers', async (t) => {
  const { clock, board, client } = await setup(t, 1e-8);
  client.write('SOUR1:FUNC DC;VOLT 0.3;VOLT:OFFS 0.2;:OUTPUT1:STATE ON\r\n');
  await client.query('*OPC?');
  t.like(board.asgSettings(0), { waveform: 'dc', offset: 0.5, output: 'out1' });
  client.write('SOUR1:FUNC DC_NEG\r\n');
  await client.query('*OPC?');
  t.like(board.asgSettings(0), { waveform: 'dc' });
  t.true(Math.abs(board.asgSettings(0).offset + 0.1) < 1e-12);
  // PWM at 25 % duty: +A for a quarter period, −A otherwise; its mean is A·(2·0.25 − 1) = −0.25 V
  client.write('SOUR1:FUNC PWM;DCYC 0.25;VOLT 0.5;VOLT:OFFS 0;:SOUR1:FREQ:FIX 1e5\r\n');
  await client.query('*OPC?');
  const pwm = board.asgSettings(0);
  t.is(pwm.waveform, 'arbitrary');
  t.is(pwm.data!.filter((v) => v === 1).length, N / 4);
  client.write('ACQ:DEC 64;:ACQ:START;:ACQ:TRig NOW;:ACQ:DATA:FORMAT BIN\r\n');
  await waitTriggered(clock, client, 64);
  // 16384 samples at 1.95 MS/s = 8.39 ms = 838.9 periods: averaging whole periods (838) leaves
  // only noise (1e-8 V/√Hz) and the ±1-sample edges of the interpolated table (≪ 1e-3 V)
  const in2 = await client.readFloatBlock('ACQ:SOUR2:DATA?', N);
  const perPeriod = FS / 64 / 1e5; // 19.53 samples
  const whole = Math.floor(838 * perPeriod);
  const mean = in2.subarray(0, whole).reduce((a, b) => a + b, 0) / whole;
  t.true(Math.abs(mean + 0.25) < 0.003, `mean ${mean}`);
  // BURST: 2 cycles of 100 kHz, with the levels PyRPL's FPGA holds (LASTValue and INITValue 0 V: the sine
  // at phase 0, offset 0) → the board's own bursts
  client.write('SOUR1:FUNC SINE;BURS:STAT BURST;NCYC 2;INT:PER 100;:SOUR1:BURS:STAT?\r\n');
  t.is(await client.readLine(), 'BURST');
  t.like(board.asgSettings(0), { waveform: 'sine', frequency: 1e5, burstCycles: 2, burstCount: 1, burstPeriod: 1e-4, trigger: 'immediately' });
  client.write('SOUR1:BURS:NOR 3\r\n');
  await client.query('*OPC?');
  t.like(board.asgSettings(0), { burstCount: 3 });
  // another last level → one 100 µs table repeated: 20 µs of sine, then the last value (0.1 V / 0.5 V = 0.2 of the amplitude)
  client.write('SOUR1:BURS:LASTValue 0.1\r\n');
  await client.query('*OPC?');
  const burst = board.asgSettings(0);
  t.like(burst, { waveform: 'arbitrary', frequency: 1e4, burstCycles: 0 });
  t.is(burst.data!.length, N);
  t.true(burst.data!.subarray(Math.ceil(N * 0.2) + 1).every((v) => Math.abs(v - 0.2) < 1e-12));
  t.true(Math.abs(burst.data![Math.round(N * 0.025)]! - 1) < 1e-3, 'peak of the first cycle at 2.5 µs');
  // an external trigger source: the generator holds its level (0 V) until an edge (this board has no
  // external trigger signal) or SOUR1:TRig:INT, a software trigger
  client.write('SOUR1:BURS:STAT CONTINUOUS;:SOUR1:TRig:SOUR EXT_PE\r\n');
  await client.query('*OPC?');
  t.like(board.asgSettings(0), { output: 'out1', trigger: 'ext-rising', burstCycles: 0 });
  t.deepEqual(board.inputComponents('in2').tones, []);
  client.write('SOUR1:TRig:INT\r\n');
  await client.query('*OPC?');
  t.like(board.inputComponents('in2').tones, [{ frequency: 1e5, amplitude: 0.5 }]);
  // OUTPUT:STATE switches both; out of range settings change nothing
  client.write('OUTPUT:STATE OFF;:SOUR1:VOLT 0.8;VOLT:OFFS 0.5\r\n');
  t.deepEqual(await client.errors(), ['9506,"*:SOUR1:VOLT:OFFS Failed to set offset: Value out of range."']);
  t.like(board.asgSettings(0), { output: 'off', amplitude: 0.8, offset: 0 });
  t.is(await client.query('OUTPUT1:STATE?;:OUTPUT2:STATE?;:SOUR1:VOLT?;VOLT:OFFS?'), 'OFF;OFF;0.8;0');
  // arbitrary tables read back in the connection's format
  t.is(await client.query('ACQ:DATA:FORMAT ASCII;:SOUR2:TRAC:DATA:DATA 0.5,-0.25,1;:SOUR2:TRAC:DATA:DATA?'), '{0.500000,-0.250000,1.000000}');
  client.write('SOUR2:TRAC:DATA:DATA 1.5\r\nGEN:RST\r\n');
  t.deepEqual(await client.errors(), ['9506,"*SOUR2:TRAC:DATA:DATA Failed to set arbitrary waveform: Value out of range."']);
  t.is(await client.query('SOUR1:FUNC?;VOLT?;DCYC?;FREQ:FIX?;:SOUR1:BURS:NCYC?;NOR?;INT:PER?;:SOUR1:TRig:SOUR?'), 'SINE;0.8;0.5;1000;1;1;1000;INT');
  t.like(board.asgSettings(0), { trigger: 'immediately', burstCycles: 0 });
});

test('DIG and ANALOG pins, SYST:TIME/DATE on the board clock, and the system queries', async (t) => {
  const { clock, client } = await setup(t);
  client.write('DIG:PIN LED3,1;:DIG:PIN DIO0_P,1\r\n');
  t.deepEqual(await client.errors(), ['9509,"*:DIG:PIN Failed to set pin state: Writing to input pin is not valid."']);
  t.is(await client.query('DIG:PIN:DIR OUT,DIO0_P;:DIG:PIN DIO0_P,1;:DIG:PIN? DIO0_P;:DIG:PIN? LED3;:DIG:PIN:DIR? DIO0_P;:DIG:PIN:DIR? DIO1_N'), '1;1;OUT;IN');
  t.is(await client.query('ANALOG:PIN AOUT2,1.2;:ANALOG:PIN? AOUT2;:ANALOG:PIN? AIN1'), '1.2;0');
  client.write('ANALOG:PIN AOUT0,2\r\nDIG:PIN FOO,1\r\n');
  t.deepEqual(await client.errors(), ['9506,"*ANALOG:PIN Failed to set analog pin value: Value out of range."', '-224,"Illegal parameter value"']);
  t.is(await client.query('DIG:RST;:ANALOG:RST;:DIG:PIN? LED3;:DIG:PIN:DIR? DIO0_P;:ANALOG:PIN? AOUT2'), '0;IN;0');
  t.is(await client.query('SYST:TIME 12:30:00;:SYST:TIME?;DATE?'), '12:30:00;1970-01-01');
  await clock.advanceBy(61_000);
  t.is(await client.query('SYST:DATE 2025-01-21;:SYST:DATE?;TIME?'), '2025-01-21;12:31:01');
  t.is(await client.query('SYST:VERS?;BRD:ID?;:SYST:BRD:Name?;*TST?;*OPC?;:ACQ:BUF:SIZE?;:ACQ:SRAT?'), '2.07-48 (labrx-sim);2;STEMlab 125-14 v1.1;0;1;16384;125000000 Hz');
  // ESR bit 16 (execution error): the −224 and the API errors above are all execution-class
  t.is(await client.query('*ESE 16;*ESE?;*SRE 36;*SRE?;*STB?;*ESR?;*ESR?'), '16;36;96;16;0');
  // one pattern per LF-separated line, one CRLF at the end
  const help = (await client.query('SYST:HELP?')).split('\n');
  t.is(help[0], '*CLS');
  t.true(help.includes('ACQ:SOUR#:DATA:STArt:N?') && help.includes('SYSTem:ERRor[:NEXT]?'));
  t.is(help.at(-1), 'SOUR#:TRig:INT');
});
