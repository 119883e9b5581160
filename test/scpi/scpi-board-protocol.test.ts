import test from 'ava';
import { firstValueFrom, lastValueFrom } from 'rxjs';
import { ASG_DEFAULTS, ConnectionLostError, SCOPE_DEFAULTS, ScpiError, SettingsError, TimeoutError, type ResolvedScopeSettings } from '@labrx/core';
import { VirtualClock } from '@labrx/core/testing';
import { connectScpiBoard, type ScpiBoard } from '@labrx/scpi';
import { expectedProtocol, type ExpectedProtocolPeer, type ProtocolPair } from '@labrx/scpi/testing';

// Protocol tests in the pymeasure style: the driver must send exactly these bytes and is fed exactly
// these replies; any other byte, or an exchange left over, fails the test.

const IDN = 'REDPITAYA,INSTR2025,,01-21';
/** What connectScpiBoard says to a 2.07 server. */
const CONNECT: ProtocolPair[] = [
  ['*IDN?', IDN],
  ['RP:RET_ON_ERROR ON;:SYST:ERR:COUN?', '0'],
  ['ACQ:DATA:BYTE:ORDER BEND;:SYST:ERR:COUN?', '0'],
  ['SYST:BRD:Name?', 'STEMlab 125-14 v1.1'],
  // deep memory (2.00-18 and later): the region's start and size, 32 MiB
  ['ACQ:AXI:START?;:ACQ:AXI:SIZE?;:SYST:ERR:COUN?', '16777216;33554432;0'],
];
const POLL = 'ACQ:TRig:STAT?;FILL?';
const DATA = 'ACQ:SOUR1:DATA?;:ACQ:SOUR2:DATA?';
const N = 16384;

function setupLine(s: { dec: number; avg: string; lev: string; hyst: string; dly: number; trig: string; gain?: 'LV' | 'HV' }): string {
  return (
    `ACQ:DATA:FORMAT BIN;:ACQ:DATA:UNITS VOLTS;:ACQ:SOUR1:GAIN ${s.gain ?? 'LV'};:ACQ:SOUR2:GAIN ${s.gain ?? 'LV'};:ACQ:DEC ${s.dec};:ACQ:AVG ${s.avg};` +
    `:ACQ:TRig:LEV ${s.lev};:ACQ:TRig:HYST ${s.hyst};:ACQ:TRig:DLY ${s.dly};:ACQ:START;:ACQ:TRig ${s.trig};:SYST:ERR:COUN?`
  );
}

/** Two big-endian float32 blocks joined by ';' (the CRLF is added by the peer). */
function twoBlocks(ch1: (i: number) => number, ch2: (i: number) => number): Buffer {
  const block = (f: (i: number) => number) => {
    const b = Buffer.alloc(4 * N);
    for (let i = 0; i < N; i++) b.writeFloatBE(f(i), 4 * i);
    return Buffer.concat([Buffer.from('#565536'), b]);
  };
  return Buffer.concat([block(ch1), Buffer.from(';'), block(ch2), Buffer.from('\r\n')]);
}

async function open(t: { teardown(fn: () => unknown): void }, pairs: ProtocolPair[], options: { timeoutMs?: number; connectTimeoutMs?: number; scheduler?: VirtualClock } = {}): Promise<{ peer: ExpectedProtocolPeer; board: ScpiBoard }> {
  const peer = await expectedProtocol(pairs);
  const board = await connectScpiBoard({ host: peer.host, port: peer.port, ...options });
  t.teardown(async () => {
    await board.close();
    await peer.close();
  });
  return { peer, board };
}

test('connecting reads *IDN?, enables empty replies on errors and big-endian blocks, and names the board', async (t) => {
  const { peer, board } = await open(t, CONNECT);
  t.is(board.idn, IDN);
  t.is(board.id, peer.url);
  t.like(board.info, { model: 'STEMlab 125-14 v1.1', iqCount: 0, bufferSize: N, sampleRateHz: 125e6, asgCount: 2 });
  peer.assertConsumed();
});

test('on firmware without RET_ON_ERROR or BYTE:ORDER the -113 errors are cleared and the board still connects', async (t) => {
  const { peer, board } = await open(t, [
    ['*IDN?', 'REDPITAYA,INSTR2023,0,05-03'],
    ['RP:RET_ON_ERROR ON;:SYST:ERR:COUN?', '1'],
    ['*CLS', null],
    ['ACQ:DATA:BYTE:ORDER BEND;:SYST:ERR:COUN?', '1'],
    ['*CLS', null],
    // no deep memory before 2.00-18: two unknown queries answer nothing, the count says so
    ['ACQ:AXI:START?;:ACQ:AXI:SIZE?;:SYST:ERR:COUN?', '2'],
    ['*CLS', null],
  ]);
  t.is(board.info.model, 'STEMlab 125-14');
  t.is(board.info.deepMemorySamples, undefined);
  t.is(board.deepMemory, undefined);
  // connect resolved without asking SYST:BRD:Name? (which would go unanswered on such firmware)
  await peer.waitFor(7);
  peer.assertConsumed();
});

test('setAsg sends one line per generator, VOLT 0 before the offset, and checks the error count', async (t) => {
  const { peer, board } = await open(t, [
    ...CONNECT,
    [
      'SOUR1:TRig:SOUR INT;:SOUR1:BURS:STAT CONTINUOUS;:SOUR1:FUNC SINE;:SOUR1:FREQ:FIX 1000000;:SOUR1:VOLT 0;:SOUR1:VOLT:OFFS 0.1;' +
        ':SOUR1:VOLT 0.5;:SOUR1:PHAS 90;:OUTPUT1:STATE ON;:SOUR1:TRig:INT;:SYST:ERR:COUN?',
      '0',
    ],
    [
      'SOUR2:TRig:SOUR INT;:SOUR2:BURS:STAT CONTINUOUS;:SOUR2:FUNC ARBITRARY;:SOUR2:TRAC:DATA:DATA 0.5,-1,0.25;:SOUR2:FREQ:FIX 1000;' +
        ':SOUR2:VOLT 0;:SOUR2:VOLT:OFFS 0;:SOUR2:VOLT 0.2;:SOUR2:PHAS 0;:OUTPUT2:STATE OFF;:SYST:ERR:COUN?',
      '0',
    ],
    // 'dc' is the offset alone: the DAC adds VOLT to it, so VOLT stays 0
    ['SOUR1:TRig:SOUR INT;:SOUR1:BURS:STAT CONTINUOUS;:SOUR1:FUNC DC;:SOUR1:FREQ:FIX 1000;:SOUR1:VOLT 0;:SOUR1:VOLT:OFFS -0.3;:SOUR1:VOLT 0;:SOUR1:PHAS 0;:OUTPUT1:STATE ON;:SOUR1:TRig:INT;:SYST:ERR:COUN?', '1'],
    ['SYST:ERR?', '9506,"*:SOUR1:VOLT:OFFS Failed to set offset: Value out of range."'],
  ]);
  const sine = { ...ASG_DEFAULTS, frequency: 1e6, amplitude: 0.5, offset: 0.1, phase: 90, output: 'out1' as const };
  t.is(await firstValueFrom(board.setAsg(0, sine)), sine);
  await firstValueFrom(board.setAsg(1, { ...ASG_DEFAULTS, waveform: 'arbitrary', amplitude: 0.2, data: new Float64Array([0.5, -1, 0.25]) }));
  const err = await t.throwsAsync(firstValueFrom(board.setAsg(0, { ...ASG_DEFAULTS, waveform: 'dc', offset: -0.3, output: 'out1' })), { instanceOf: ScpiError });
  t.is(err.scpiCode, 9506);
  t.is(err.text, '*:SOUR1:VOLT:OFFS Failed to set offset: Value out of range.');
  // settings the Red Pitaya cannot play are refused before any byte is sent
  await t.throwsAsync(firstValueFrom(board.setAsg(0, { ...ASG_DEFAULTS, waveform: 'noise' })), { instanceOf: SettingsError, message: /waveform/ });
  await t.throwsAsync(firstValueFrom(board.setAsg(0, { ...ASG_DEFAULTS, output: 'out2' })), { instanceOf: SettingsError, message: /output/ });
  peer.assertConsumed();
});

test('acquire sets up in one line, polls STAT?;FILL? until TD;1, then reads both channels as big-endian float32', async (t) => {
  const settings: Omit<ResolvedScopeSettings, 'averages'> = { ...SCOPE_DEFAULTS, decimation: 8, trigger: 'ch1-rising', threshold: 0.1, triggerDelay: 640e-9 };
  const { peer, board } = await open(t, [
    ...CONNECT,
    [setupLine({ dec: 8, avg: 'ON', lev: '0.1', hyst: '0.005', dly: 10, trig: 'CH1_PE' }), '0'], // 640 ns = 10 samples of 64 ns
    [POLL, 'WAIT;0'],
    [POLL, 'TD;0'],
    [POLL, 'TD;1'],
    [DATA, twoBlocks((i) => i / 65536, (i) => -i / 65536)],
    ['*OPC?', '1'], // nothing else in between: a finished acquisition sends no ACQ:STOP
  ]);
  const trace = await firstValueFrom(board.acquire(settings));
  t.is(await board.query('*OPC?'), '1');
  t.is(trace.dt, 64e-9);
  t.is(trace.t0, (10 - 8192) * 64e-9);
  t.is(trace.ch1.length, N);
  t.is(trace.ch1[1000], 1000 / 65536);
  t.is(trace.ch2[N - 1], -(N - 1) / 65536);
  t.false(board.scopeRunning);
  peer.assertConsumed();
});

test("the scope's gain travels as ACQ:SOUR<n>:GAIN on both inputs: 'hv' is HV", async (t) => {
  const clock = new VirtualClock();
  const { peer, board } = await open(
    t,
    [...CONNECT, [setupLine({ dec: 65536, avg: 'ON', lev: '5', hyst: '0.005', dly: 0, trig: 'CH1_PE', gain: 'HV' }), '0'], ['ACQ:STOP', null]],
    { scheduler: clock },
  );
  const sub = board.acquire({ ...SCOPE_DEFAULTS, decimation: 65536, gain: 'hv', trigger: 'ch1-rising', threshold: 5 }).subscribe();
  await peer.waitFor(CONNECT.length + 1);
  while (board.pendingCommands > 0) await new Promise((r) => setImmediate(r));
  sub.unsubscribe();
  await peer.waitFor(CONNECT.length + 2);
  peer.assertConsumed();
  t.pass();
});

test('unsubscribing while waiting for the trigger sends ACQ:STOP', async (t) => {
  const clock = new VirtualClock();
  const { peer, board } = await open(
    t,
    [...CONNECT, [setupLine({ dec: 65536, avg: 'OFF', lev: '0', hyst: '0.005', dly: 0, trig: 'EXT_NE' }), '0'], ['ACQ:STOP', null]],
    { scheduler: clock },
  );
  const sub = board.acquire({ ...SCOPE_DEFAULTS, decimation: 65536, boxcar: false, trigger: 'ext-falling' }).subscribe();
  t.true(board.scopeRunning);
  await peer.waitFor(CONNECT.length + 1);
  // the first poll waits one buffer (8.6 s) on the virtual clock, which does not move: unsubscribe first
  while (board.pendingCommands > 0) await new Promise((r) => setImmediate(r));
  sub.unsubscribe();
  t.false(board.scopeRunning);
  await peer.waitFor(CONNECT.length + 2);
  peer.assertConsumed();
});

test('an error count after the setup fails acquire with the ScpiError and stops the scope', async (t) => {
  const { peer, board } = await open(t, [
    ...CONNECT,
    [setupLine({ dec: 1, avg: 'ON', lev: '0', hyst: '0.005', dly: 0, trig: 'NOW' }), '2'],
    ['SYST:ERR?;:SYST:ERR?', '9506,"*:ACQ:DEC Failed to set decimation: Value out of range.";-113,"Undefined header;ACQ:X"'],
    ['ACQ:STOP', null],
  ]);
  const err = await t.throwsAsync(firstValueFrom(board.acquire(SCOPE_DEFAULTS)), { instanceOf: ScpiError });
  t.is(err.scpiCode, 9506);
  await peer.waitFor(CONNECT.length + 3);
  peer.assertConsumed();
});

test("'asg1' has no SCPI trigger source: SettingsError, nothing sent", async (t) => {
  const { peer, board } = await open(t, CONNECT);
  await t.throwsAsync(lastValueFrom(board.acquire({ ...SCOPE_DEFAULTS, trigger: 'asg1' })), { instanceOf: SettingsError });
  peer.assertConsumed();
});

/** The resynchronisation the transport sends after giving a query up (the first one: a = 1, b = 11). */
const SYNC: ProtocolPair = ['*ESE 1;*ESE?;*ESE 11;*ESE?;*ESE 0', '1;11'];

test('a poll that gets no reply fails with TimeoutError after timeoutMs on the board clock', async (t) => {
  const clock = new VirtualClock();
  const { peer, board } = await open(
    t,
    [...CONNECT, [setupLine({ dec: 1, avg: 'ON', lev: '0', hyst: '0.005', dly: 0, trig: 'NOW' }), '0'], [POLL, null], SYNC, ['ACQ:STOP', null]],
    { scheduler: clock, timeoutMs: 3000 },
  );
  const result = firstValueFrom(board.acquire(SCOPE_DEFAULTS));
  result.catch(() => undefined);
  await peer.waitFor(CONNECT.length + 1); // the setup line arrived and was answered
  while (board.pendingCommands > 0) await new Promise((r) => setImmediate(r));
  await clock.advanceBy(1); // the first poll waits one buffer, at least 1 ms, on the board clock
  await peer.waitFor(CONNECT.length + 2); // the poll went out; only its timeout is scheduled now
  const started = clock.now();
  const err = await t.throwsAsync(clock.run(result), { instanceOf: TimeoutError });
  t.is(clock.now() - started, 3000);
  t.regex(err.message, /ACQ:TRig:STAT\?;FILL\? timed out after 3000 ms/);
  // the scope is stopped, after a resynchronisation (the poll's reply might still come)
  await peer.waitFor(CONNECT.length + 4);
  peer.assertConsumed();
  t.is(clock.nextFrame(), undefined, 'no timer left behind');
});

test('after a query is given up, a late reply (or none at all) is never taken for the next command', async (t) => {
  const { peer, board } = await open(
    t,
    [
      ...CONNECT,
      ['SYST:BRD:Name?', null],
      // the late reply arrives just before the marker: it is dropped
      ['*ESE 1;*ESE?;*ESE 11;*ESE?;*ESE 0', Buffer.from('STEMlab 125-14 v1.1\r\n1;11\r\n')],
      ['*IDN?', IDN],
      ['ACQ:FOO?', null], // an unknown query: the server never answers it
      ['*ESE 2;*ESE?;*ESE 18;*ESE?;*ESE 0', '2;18'],
      ['ACQ:DEC?', '64'],
    ],
    { timeoutMs: 150, connectTimeoutMs: 5000 }, // the handshake gets a loaded machine's time
  );
  await t.throwsAsync(board.query('SYST:BRD:Name?'), { instanceOf: TimeoutError });
  t.is(await board.query('*IDN?'), IDN);
  await t.throwsAsync(board.query('ACQ:FOO?'), { instanceOf: TimeoutError });
  t.is(await board.query('ACQ:DEC?'), '64');
  peer.assertConsumed();
});

test('a server that answers nothing, not even the resynchronisation, is declared lost', async (t) => {
  const { peer, board } = await open(t, [...CONNECT, ['*OPC?', null], ['*ESE 1;*ESE?;*ESE 11;*ESE?;*ESE 0', null]], { timeoutMs: 100, connectTimeoutMs: 5000 });
  await t.throwsAsync(board.query('*OPC?'), { instanceOf: TimeoutError });
  await t.throwsAsync(board.query('*IDN?'), { instanceOf: ConnectionLostError, message: /not even to a resynchronisation/ });
  await t.throwsAsync(board.query('*IDN?'), { instanceOf: ConnectionLostError });
  peer.assertConsumed();
});

test('a server that dies mid-transfer fails the acquisition and every later call with ConnectionLostError', async (t) => {
  const { peer, board } = await open(t, [
    ...CONNECT,
    [setupLine({ dec: 1, avg: 'ON', lev: '0', hyst: '0.005', dly: 0, trig: 'NOW' }), '0'],
    [POLL, 'TD;1'],
    [DATA, { bytes: twoBlocks(() => 0, () => 0).subarray(0, 40_000), close: true }],
  ]);
  const started = performance.now();
  await t.throwsAsync(firstValueFrom(board.acquire(SCOPE_DEFAULTS)), { instanceOf: ConnectionLostError, message: /closed by the server/ });
  t.true(performance.now() - started < 5000, 'well within the 5 s command timeout');
  await t.throwsAsync(board.query('*IDN?'), { instanceOf: ConnectionLostError });
  await t.throwsAsync(firstValueFrom(board.setAsg(0, ASG_DEFAULTS)), { instanceOf: ConnectionLostError });
  t.is(board.pendingCommands, 0);
  t.false(board.scopeRunning);
  peer.assertConsumed();
});

test('connecting to a port nobody listens on fails with ConnectionLostError; a silent server with TimeoutError', async (t) => {
  const peer = await expectedProtocol([['*IDN?', null]]);
  const port = peer.port;
  await t.throwsAsync(connectScpiBoard({ host: '127.0.0.1', port: 1, timeoutMs: 1000 }), { instanceOf: ConnectionLostError });
  await t.throwsAsync(connectScpiBoard({ host: '127.0.0.1', port, timeoutMs: 200 }), { instanceOf: TimeoutError });
  peer.assertConsumed();
  await peer.close();
});
