import test from 'ava';
import fc from 'fast-check';
import { createSimBoard } from '@labrx/hw-sim';
import { startScpiServer } from '@labrx/scpi';
import { RawClient } from '../scpi/scpiRawClient.js';

// Fuzz of the SCPI server's line parser against a live server (issue #12): random program messages
// (real headers with random suffixes, parameters and separators, and random bytes) from one client
// never crash the server, and another client is answered after every line. Seeded and bounded.

const HEADERS = (
  '*CLS *ESE *ESR? *IDN? *OPC *OPC? *RST *SRE *STB? *TST? *WAI ACQ:AVG ACQ:BUF:SIZE? ACQ:DATA:BYTE:ORDER ACQ:DATA:FORMAT ACQ:DATA:UNITS ACQ:DEC ' +
  'ACQ:DEC:Factor ACQ:RST ACQ:SOUR1:DATA:LATest:N? ACQ:SOUR2:DATA:Old:N? ACQ:SOUR1:DATA:STArt:End? ACQ:SOUR2:DATA:STArt:N? ACQ:SOUR1:DATA:TRig? ' +
  'ACQ:SOUR1:DATA? ACQ:SOUR2:GAIN ACQ:SRATe? ACQ:START ACQ:STOP ACQ:TPOS? ACQ:TRig ACQ:TRig:DLY ACQ:TRig:DLY:NS ACQ:TRig:EXT:DEBouncer:US ACQ:TRig:FILL? ' +
  'ACQ:TRig:HYST ACQ:TRig:LEV ACQ:TRig:STAT? ACQ:WPOS? ANALOG:PIN ANALOG:PIN? ANALOG:RST DIG:PIN DIG:PIN:DIR DIG:PIN:DIR? DIG:PIN? DIG:RST GEN:RST ' +
  'OUTPUT1:STATE OUTPUT:STATE PHAS:ALIGN RP:RET_ON_ERROR RP:REset SOUR1:BURS:INITValue SOUR2:BURS:INT:PER SOUR1:BURS:LASTValue SOUR1:BURS:NCYC ' +
  'SOUR1:BURS:NOR SOUR2:BURS:STAT SOUR1:DCYC SOUR1:FREQ:FIX SOUR2:FUNC SOUR1:INITValue SOUR1:PHAS SOUR1:TRAC:DATA:DATA SOUR1:TRig:INT SOUR2:TRig:SOUR ' +
  'SOUR1:VOLT SOUR2:VOLT:OFFS SOUR:TRig:INT SYSTem:BRD:ID? SYSTem:BRD:Name? SYSTem:DATE SYSTem:ERRor:COUNt? SYSTem:ERRor:NEXT? SYSTem:Help? SYSTem:TIME SYSTem:VERSion?'
).split(' ');

/** What a STEMlab 125-14 4-Input, deep memory and split triggering add (firmware 2.05+). */
const FOUR_INPUT_HEADERS = (
  'ACQ:SOUR3:DATA? ACQ:SOUR4:DATA:STArt:N? ACQ:SOUR3:GAIN ACQ:SOUR4:DATA:LATest:N? ACQ:TRig:CH3 ACQ:TRig:LEV:CH4 ACQ:TRig:DLY:CH3 ' +
  'ACQ:TRig:STAT:CH4? ACQ:TRig:FILL:CH3? ACQ:SPLIT:TRig ACQ:SPLIT:TRig? ACQ:START:CH3 ACQ:STOP:CH4 ACQ:RST:CH3 ACQ:DEC:Factor:CH4 ' +
  'ACQ:AXI:DEC ACQ:AXI:DEC:CH2 ACQ:AXI:DATA:Units ACQ:AXI:SIZE? ACQ:AXI:START? ACQ:AXI:SOUR1:ENable ACQ:AXI:SOUR2:SET:Buffer ' +
  'ACQ:AXI:SOUR1:Trig:Dly ACQ:AXI:SOUR2:Trig:Fill? ACQ:AXI:SOUR1:Trig:Pos? ACQ:AXI:SOUR2:Write:Pos? ACQ:AXI:SOUR1:DATA:STArt:N? ' +
  'GEN:AXI:START? GEN:AXI:SIZE? SOUR1:AXI:RESERVE SOUR2:AXI:RELEASE SOUR1:AXI:ENable SOUR2:AXI:DEC SOUR1:AXI:SET:CALIB SOUR1:AXI:OFFSET0:DATA4'
).split(' ');

const parameter = fc.oneof(
  fc.double().map(String),
  fc.integer().map(String),
  fc.constantFrom('ON', 'OFF', 'NOW', 'CH1_PE', 'SINE', 'ARBITRARY', 'BIN', 'ASCII', 'LEND', '1e999', '-1e-999', 'NaN', '#15hello', '#0', '#9', '"a;b"', '"', '{1,2,3}', '1,2,3', '', '3 kHz', '65536', '2147483648'),
  fc.string({ maxLength: 12 }),
);

const unitOf = (headers: readonly string[]) =>
  fc.oneof(
    fc.tuple(fc.constantFrom(...headers), fc.array(parameter, { maxLength: 3 }), fc.boolean(), fc.boolean()).map(([h, ps, lower, colon]) => `${colon ? ':' : ''}${lower ? h.toLowerCase() : h}${ps.length ? ' ' + ps.join(',') : ''}`),
    fc.string({ maxLength: 30, unit: 'binary-ascii' }),
  );

/** One line: units joined by ';' (sometimes bare LFs), never a CRLF inside. */
const lineOf = (headers: readonly string[]) =>
  fc.array(unitOf(headers), { minLength: 1, maxLength: 6 }).chain((units) => fc.constantFrom(';', ';:', '\n', ' ; ').map((sep) => units.join(sep).replaceAll('\r\n', '')));

for (const fourInputs of [false, true]) {
  test(`random program messages never crash the server${fourInputs ? ' of a 4-input board with deep memory and split triggering' : ''}; another client is answered after each`, async (t) => {
    const warnings: unknown[] = [];
    const board = createSimBoard({ seed: 3 });
    const inputs34 = createSimBoard({ seed: 4, deepMemoryBytes: 0 });
    const server = await startScpiServer({ board, port: 0, onError: (e) => warnings.push(e), ...(fourInputs ? { inputs34 } : {}) });
    const line = lineOf(fourInputs ? [...HEADERS, ...FOUR_INPUT_HEADERS] : HEADERS);
    const fuzzer = await RawClient.open(server.port);
    const other = await RawClient.open(server.port);
    t.teardown(async () => {
      fuzzer.close();
      other.close();
      await server.close();
      await board.close();
      await inputs34.close();
    });
    let cases = 0;
    await fc.assert(
      fc.asyncProperty(line, async (text) => {
        cases++;
        fuzzer.write(`${text}\r\n`);
        fuzzer.buffered; // the fuzzer's replies are read into its buffer and ignored
        t.is(await other.query('*IDN?', 10_000), 'REDPITAYA,INSTR2025,,01-21', JSON.stringify(text));
        t.false(fuzzer.closed, 'the fuzzer is still connected');
      }),
      { seed: fourInputs ? 4343 : 4242, numRuns: fourInputs ? 500 : 800 },
    );
    t.is(server.connections, 2);
    // the fuzzer's session still works after all that
    fuzzer.write('RP:RET_ON_ERROR OFF;*CLS\r\n');
    t.is(await other.query('SYST:ERR:COUN?'), '0', "the other client's error queue is its own");
    t.log(`${cases} lines; ${warnings.length} board-work failures reported`);
    t.deepEqual(warnings, [], 'no board work failed');
  });
}
