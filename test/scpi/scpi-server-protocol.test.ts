import test from 'ava';
import { startScpiServer, type ScpiServer } from '@labrx/scpi';
import { fakeBoard, type FakeBoard } from './scpiFakeBoard.js';
import { RawClient } from './scpiRawClient.js';

// Byte-exact protocol tests of the SCPI server against a fake board whose every acquisition returns
// the same known samples. Expected bytes follow the reference (the Red Pitaya SCPI reference, firmware 2.07).

const N = 16384;
// Oldest-first samples; the first ones probe %f: exact ties (odd multiples of 1/128 round half to even
// in C), tiny negatives (C prints -0.000000) and ordinary rounding.
const HEAD = [0, 0.5, -0.25, 0.0078125, -0.0078125, 1e-9, -1e-9, 0.123456789];
const ch1 = new Float64Array(N);
ch1.set(HEAD);
const ch2 = new Float64Array(N).fill(-0.5);

async function withServer(t: { teardown(fn: () => unknown): void }, board: FakeBoard = fakeBoard(ch1, ch2)): Promise<{ server: ScpiServer; board: FakeBoard; client: RawClient }> {
  const server = await startScpiServer({ board, port: 0 });
  const client = await RawClient.open(server.port);
  t.teardown(async () => {
    client.close();
    await server.close();
  });
  return { server, board, client };
}

test('*IDN? answers the 2.07 identity, in any case, with a CRLF', async (t) => {
  const { client } = await withServer(t);
  client.write('*IDN?\r\n*idn?\r\n');
  t.deepEqual(await client.readBytes(28 * 2), Buffer.from('REDPITAYA,INSTR2025,,01-21\r\nREDPITAYA,INSTR2025,,01-21\r\n'));
});

test('short and long forms match in any case; a form in between is an undefined header', async (t) => {
  const { client } = await withServer(t);
  t.is(await client.query('SYSTem:ERRor:COUNt?'), '0');
  t.is(await client.query('syst:err:coun?'), '0');
  t.is(await client.query(':SYST:ERR:COUN?'), '0');
  client.write('SYSTE:ERR:COUN?\r\n');
  t.is(await client.query('*OPC?'), '1'); // nothing came for the bad header: the next reply is *OPC?'s
  t.deepEqual(await client.errors(), ['-113,"Undefined header;SYSTE:ERR:COUN?"']);
});

test('`;` chains with relative paths; query results share one line', async (t) => {
  const { client } = await withServer(t);
  t.is(await client.query('acq:tr:stat?;fill?'), 'TD;0'); // before any capture: source DISABLED, not filled
  client.write('ACQ:START;TRig NOW\r\n'); // relative: ACQ:TRig NOW
  t.is(await client.query('acq:tr:stat?;fill?'), 'TD;1'); // the reference's example
  t.is(await client.query('ACQ:TRig:LEV 0.1;DLY 100;:ACQ:TRig:LEV?;DLY?;HYST?'), '0.1;100;0.005');
  t.is(await client.query('ACQ:DEC 4;DEC?;*IDN?;*OPC?'), '4;REDPITAYA,INSTR2025,,01-21;1');
  t.is(await client.query('ACQ:TRig:LEV 125 mV;LEV?'), '0.125');
  t.deepEqual(await client.errors(), []);
});

test('input is cut only at CRLF: a bare LF waits, then the messages before it run in order', async (t) => {
  const { client } = await withServer(t);
  client.write('*OPC?\n*IDN?\n');
  await new Promise((r) => setTimeout(r, 60));
  t.is(client.buffered.length, 0, 'nothing runs before the CRLF');
  client.write('ACQ:DEC?\r\n');
  t.is(await client.readLine(), '1');
  t.is(await client.readLine(), 'REDPITAYA,INSTR2025,,01-21');
  t.is(await client.readLine(), '1');
  // A CRLF split across writes, and a command sent one byte at a time.
  client.write('*OPC?\r');
  client.write('\n');
  t.is(await client.readLine(), '1');
  for (const c of 'ACQ:BUF:SIZE?\r\n') client.write(c);
  t.is(await client.readLine(), '16384');
});

test('an unknown or failed query sends nothing; SYST:ERR? reads the codes, API queue first', async (t) => {
  const { client } = await withServer(t);
  client.write('ACQ:FOO?\r\n');
  client.write('ACQ:SOUR3:DATA?\r\n'); // known query, bad channel: an API error
  t.is(await client.query('*OPC?'), '1');
  t.is(await client.query('SYST:ERR:COUN?'), '2');
  t.is(await client.query('*STB?'), '4');
  t.is(await client.query('SYST:ERR?'), '9506,"*ACQ:SOUR3:DATA? Invalid channel number"');
  t.is(await client.query('SYST:ERR:NEXT?'), '-113,"Undefined header;ACQ:FOO?"');
  t.is(await client.query('SYST:ERR?'), '0,"No error"');
  t.is(await client.query('*STB?'), '0');
});

test('parameter errors have the upstream parser codes; setters fail silently and change nothing', async (t) => {
  const { client } = await withServer(t);
  client.write('ACQ:DEC\r\n'); // missing
  client.write('ACQ:AVG OFF,ON\r\n'); // one too many: the command runs, then −108 (upstream order)
  client.write('ACQ:DEC abc\r\n'); // not a number
  client.write('ACQ:AVG MAYBE\r\n'); // not a boolean
  client.write('ACQ:TRig:LEV 1 Hz\r\n'); // wrong unit
  client.write('ACQ:DATA:FORMAT FOO\r\n'); // the firmware compares itself: execution error
  client.write('SOUR1:FREQ:FIX 1e9\r\n'); // above 62.5 MHz: API error
  t.deepEqual(await client.errors(), [
    '9506,"*SOUR1:FREQ:FIX Failed to set frequency: Value out of range."',
    '-109,"Missing parameter"',
    '-108,"Parameter not allowed"',
    '-104,"Data type error"',
    '-224,"Illegal parameter value"',
    '-131,"Invalid suffix"',
    '-200,"Execution error"',
  ]);
  t.is(await client.query('SOUR1:FREQ:FIX?;:ACQ:AVG?;:ACQ:DATA:FORMAT?;:ACQ:DEC?'), '1000;OFF;ASCII;1');
});

test('the parser queue holds 16 errors; the 16th becomes -350 Queue overflow; *CLS empties both queues', async (t) => {
  const { client } = await withServer(t);
  for (let i = 0; i < 20; i++) client.write(`BAD${i}\r\n`);
  t.is(await client.query('SYST:ERR:COUN?'), '16');
  const errors = await client.errors();
  t.is(errors.length, 16);
  t.is(errors[0], '-113,"Undefined header;BAD0"');
  t.is(errors[14], '-113,"Undefined header;BAD14"');
  t.is(errors[15], '-350,"Queue overflow"');
  client.write('BAD\r\nSOUR1:VOLT 5\r\n*CLS\r\n');
  t.is(await client.query('SYST:ERR:COUN?;*ESR?'), '0;0');
});

test('RP:RET_ON_ERROR ON makes a failed query reply with an empty field (per connection)', async (t) => {
  const { server, client } = await withServer(t);
  const other = await RawClient.open(server.port);
  t.teardown(() => other.close());
  client.write('RP:RET_ON_ERROR ON\r\n');
  t.is(await client.query('ACQ:SOUR3:DATA?'), '');
  t.is(await client.query('*IDN?;ACQ:SOUR3:DATA?;*OPC?'), 'REDPITAYA,INSTR2025,,01-21;;1');
  // the other connection still gets nothing for a failed query
  other.write('ACQ:SOUR3:DATA?\r\n');
  t.is(await other.query('*OPC?'), '1');
  client.write('RP:RET_ON_ERROR OFF\r\n');
  client.write('ACQ:SOUR3:DATA?\r\n');
  t.is(await client.query('*OPC?'), '1');
});

test('ASCII data: `{…}` of %f volts (half-to-even ties, -0.000000) or of int16 counts for RAW', async (t) => {
  const { client } = await withServer(t);
  client.write('ACQ:START;TRig NOW\r\n');
  t.is(await client.query('ACQ:SOUR1:DATA:Old:N? 8'), '{0.000000,0.500000,-0.250000,0.007812,-0.007812,0.000000,-0.000000,0.123457}');
  t.is(await client.query('ACQ:SOUR2:DATA:LATest:N? 3'), '{-0.500000,-0.500000,-0.500000}');
  client.write('ACQ:DATA:UNITS RAW\r\n');
  // counts = volts / (2 V / 2^14): 0.5 V = 4096, −0.25 V = −2048, ±1/128 V = ±64
  t.is(await client.query('ACQ:SOUR1:DATA:Old:N? 5'), '{0,4096,-2048,64,-64}');
  const whole = await client.query('ACQ:SOUR2:DATA?');
  t.is(whole.length, 2 + N * 5 + (N - 1)); // "{" "}" + 16384 × "-4096" + commas
});

test('BIN data: an IEEE block of float32 big-endian by default, little-endian on request, then CRLF', async (t) => {
  const { client } = await withServer(t);
  client.write('ACQ:START;TRig NOW;:ACQ:DATA:FORMAT BIN\r\n');
  client.write('ACQ:SOUR1:DATA:Old:N? 3\r\n');
  const be = Buffer.alloc(12);
  [0, 0.5, -0.25].forEach((v, i) => be.writeFloatBE(v, 4 * i));
  t.deepEqual(await client.readBytes(4 + 12 + 2), Buffer.concat([Buffer.from('#212'), be, Buffer.from('\r\n')]));
  client.write('ACQ:DATA:BYTE:ORDER LEND;:ACQ:SOUR1:DATA:Old:N? 3;:ACQ:DATA:BYTE:ORDER?\r\n');
  const le = Buffer.alloc(12);
  [0, 0.5, -0.25].forEach((v, i) => le.writeFloatLE(v, 4 * i));
  t.deepEqual(await client.readBytes(4 + 12 + 1 + 4 + 2), Buffer.concat([Buffer.from('#212'), le, Buffer.from(';LEND\r\n')]));
  client.write('ACQ:DATA:BYTE:ORDER BEND;:ACQ:DATA:UNITS RAW;:ACQ:SOUR1:DATA:Old:N? 3\r\n');
  t.deepEqual(await client.readBytes(3 + 6 + 2), Buffer.from([0x23, 0x31, 0x36, 0x00, 0x00, 0x10, 0x00, 0xf8, 0x00, 0x0d, 0x0a]));
  client.write('ACQ:DATA:UNITS VOLTS;:ACQ:SOUR1:DATA?;:ACQ:SOUR2:DATA?\r\n');
  const both = await client.readBytes(2 * (7 + 65536) + 1 + 2);
  t.is(both.subarray(0, 7).toString(), '#565536');
  t.is(both.subarray(7 + 65536, 7 + 65536 + 8).toString(), ';#565536');
  t.is(both.readFloatBE(7 + 65536 + 8), -0.5);
  t.is(both.subarray(-2).toString(), '\r\n');
  t.is(await client.query('ACQ:DATA:FORMAT?'), 'BIN');
  // ACQ:RST returns this connection to ASCII and keeps the byte order
  t.is(await client.query('ACQ:DATA:BYTE:ORDER LEND;:ACQ:RST;:ACQ:DATA:FORMAT?;BYTE:ORDER?'), 'ASCII;LEND');
});

test('a 1 MB line is dropped with -363 and nothing of it runs; other clients are not disturbed', async (t) => {
  const { server, client } = await withServer(t);
  const other = await RawClient.open(server.port);
  t.teardown(() => other.close());
  // 1 MiB of a command-like text, so that running any fragment of it would show as -113 or a reply
  const junk = Buffer.from('*IDN?;'.repeat(Math.ceil((1 << 20) / 6)).slice(0, 1 << 20));
  for (let i = 0; i < junk.length; i += 65536) {
    client.write(junk.subarray(i, i + 65536));
    if (i === 8 * 65536) t.is(await other.query('*IDN?'), 'REDPITAYA,INSTR2025,,01-21');
  }
  client.write('\r\n*OPC?\r\n');
  t.is(await client.readLine(), '1');
  t.deepEqual(await client.errors(), ['-363,"Input buffer overrun"']);
  t.is(await other.query('SYST:ERR:COUN?'), '0');
});

test('random binary input never crashes the server; errors stay bounded in the queues', async (t) => {
  const { server, client } = await withServer(t);
  const other = await RawClient.open(server.port);
  t.teardown(() => other.close());
  // xorshift32, seeded: the same bytes every run
  let x = 0x9e3779b9;
  const next = () => ((x ^= x << 13), (x ^= x >>> 17), (x ^= x << 5), x >>> 0);
  const bytes = Buffer.alloc(256 * 1024);
  for (let i = 0; i < bytes.length; i++) bytes[i] = next() & 0xff;
  for (let i = 0; i < bytes.length; i += 4096) {
    client.write(bytes.subarray(i, i + 4096));
    if (i % (64 * 1024) === 0) client.write('\r\n');
  }
  client.write('\r\n');
  // Random bytes may form a query that replies; skip to the marker.
  client.write('*IDN?;*OPC?;*IDN?\r\n');
  let line = '';
  while (line !== 'REDPITAYA,INSTR2025,,01-21;1;REDPITAYA,INSTR2025,,01-21') line = await client.readLine();
  const count = Number(await client.query('SYST:ERR:COUN?'));
  t.true(count >= 1 && count <= 32, `count ${count}`);
  t.is(await other.query('*IDN?'), 'REDPITAYA,INSTR2025,,01-21');
  t.is(server.connections, 2);
});

test('half a command then a closed socket: the server carries on', async (t) => {
  const { server, client } = await withServer(t);
  const half = await RawClient.open(server.port);
  half.write('ACQ:DEC 6');
  half.close();
  const mid = await RawClient.open(server.port);
  mid.write(Buffer.from('#565536\x00\x01'));
  mid.socket.end();
  while (server.connections > 1) await new Promise((r) => setTimeout(r, 5));
  t.is(await client.query('ACQ:DEC?'), '1');
  t.is(await client.query('SYST:ERR:COUN?'), '0');
});

test('500 clients connecting at once are all served', async (t) => {
  const { server } = await withServer(t);
  const started = performance.now();
  const clients = await Promise.all(Array.from({ length: 500 }, () => RawClient.open(server.port)));
  // 30 s per reply: on a loaded 2-core machine the 500 connections' turns can take seconds (served, not lost)
  const replies = await Promise.all(clients.map((c, i) => c.query(`ACQ:DEC ${2 ** (i % 17)};*IDN?`, 30_000)));
  t.true(replies.every((r) => r === 'REDPITAYA,INSTR2025,,01-21'));
  t.is(server.connections, 501);
  for (const c of clients) c.close();
  while (server.connections > 1) await new Promise((r) => setTimeout(r, 5));
  const ms = performance.now() - started;
  t.log(`500 clients: ${ms.toFixed(0)} ms`);
  t.true(ms < 60_000);
});

test('a client that does not read its data never stalls another', async (t) => {
  const { server, client } = await withServer(t);
  const slow = await RawClient.open(server.port);
  t.teardown(() => slow.close());
  slow.socket.pause(); // reads nothing: its replies back up in the kernel and then in the server
  const queries = 60; // 60 × 150 KB of ASCII ≈ 9 MB, far beyond socket buffers
  slow.write('ACQ:START;TRig NOW\r\n');
  for (let i = 0; i < queries; i++) slow.write('ACQ:SOUR2:DATA?\r\n');
  for (let i = 0; i < 20; i++) {
    const t0 = performance.now();
    t.is(await client.query('*IDN?'), 'REDPITAYA,INSTR2025,,01-21');
    t.true(performance.now() - t0 < 1000);
  }
  slow.socket.resume();
  for (let i = 0; i < queries; i++) t.is((await slow.readLine(20_000)).length, 2 + N * 9 + N - 1);
  t.is(server.connections, 2);
});
