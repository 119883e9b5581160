import test from 'ava';
import { compileHeaderPattern } from '@labrx/scpi/testing';
import { createLineFramer } from '@labrx/scpi/testing';
import { formatF, formatG, formatSampleRate } from '@labrx/scpi/testing';
import { ScpiCommandError } from '@labrx/scpi/testing';
import { ScpiParams, tokenizeParameters } from '@labrx/scpi/testing';
import { composeHeader, splitProgramMessage } from '@labrx/scpi/testing';

test('formatG is C printf %g: six significant digits, exponent form below 1e-4 and from 1e6', (t) => {
  const cases: [number, string][] = [
    [0, '0'],
    [0.5, '0.5'],
    [1000, '1000'],
    [1e6, '1e+06'],
    [125e6, '1.25e+08'],
    [-0.0125, '-0.0125'],
    [1234567, '1.23457e+06'],
    [999999.6, '1e+06'],
    [0.0001, '0.0001'],
    [0.00001234, '1.234e-05'],
    [Math.fround(0.1), '0.1'],
    [Math.fround(12345.678), '12345.7'],
    [62.5e6, '6.25e+07'],
  ];
  for (const [v, s] of cases) t.is(formatG(v), s, String(v));
  t.is(formatG(500, 15), '500');
  t.is(formatG(0.1, 15), '0.1');
  t.is(formatG(1 / 3, 15), '0.333333333333333');
});

test('formatF is C printf %f: half to even on exact ties, -0.000000 for small negatives', (t) => {
  const cases: [number, string][] = [
    [0, '0.000000'],
    [-0, '-0.000000'],
    [0.5, '0.500000'],
    [-1e-9, '-0.000000'],
    [0.0078125, '0.007812'], // 7812.5e-6: tie, to even
    [0.0234375, '0.023438'], // 23437.5e-6: tie, to even (up)
    [-0.0078125, '-0.007812'],
    [0.123456789, '0.123457'],
    [1 / 8192, '0.000122'],
    [-19.99, '-19.990000'],
  ];
  for (const [v, s] of cases) t.is(formatF(v), s, String(v));
  t.is(formatSampleRate(125e6), '125000000 Hz');
  t.is(formatSampleRate(125e6 / 64), '  1953125 Hz');
  t.is(formatSampleRate(125e6 / 65536), '     1907 Hz');
});

test('header patterns: short or long form in any case, numeric suffixes (default 1), optional parts', (t) => {
  const p = compileHeaderPattern('ACQ:SOUR#:DATA:STArt:N?');
  t.deepEqual(p.match('ACQ:SOUR2:DATA:STA:N?'), [2]);
  t.deepEqual(p.match(':acq:sour:data:start:n?'), [1]);
  t.is(p.match('ACQ:SOUR1:DATA:STAR:N?'), null);
  t.is(p.match('ACQ:SOUR1:DATA:STA:N'), null, 'setter is not the query');
  const e = compileHeaderPattern('SYSTem:ERRor[:NEXT]?');
  t.deepEqual(e.match('SYST:ERR?'), []);
  t.deepEqual(e.match('system:error:next?'), []);
  t.is(e.match('SYST:ERR:COUN?'), null);
  t.deepEqual(compileHeaderPattern('OUTPUT#:STATE').match('OUTPUT2:STATE'), [2]);
  t.is(compileHeaderPattern('OUTPUT:STATE').match('OUTPUT2:STATE'), null);
  t.deepEqual(compileHeaderPattern('*IDN?').match('*idn?'), []);
});

test('relative paths compose as upstream scpi-parser: prefix of the previous header, not after * or :', (t) => {
  t.is(composeHeader('ACQ:TRig:LEV', 'DLY'), 'ACQ:TRig:DLY');
  t.is(composeHeader('acq:tr:stat?', 'fill?'), 'acq:tr:fill?');
  t.is(composeHeader('ACQ:DEC', ':SOUR1:VOLT'), ':SOUR1:VOLT');
  t.is(composeHeader('*IDN?', 'DEC?'), 'DEC?');
  t.is(composeHeader('ACQ:DEC', '*OPC?'), '*OPC?');
  t.is(composeHeader('', 'ACQ:DEC'), 'ACQ:DEC');
  t.deepEqual(splitProgramMessage('A;B "x;y";C'), ['A', 'B "x;y"', 'C']);
});

test('parameters: numbers with exponents and unit suffixes, booleans, choices, strings, and their error codes', (t) => {
  const read = (s: string) => new ScpiParams(tokenizeParameters(s));
  t.is(read('125 mV').number('V'), 0.125);
  t.is(read('1.5MHz').number('Hz'), 1.5e6);
  t.is(read('10 kHz').number('Hz'), 1e4);
  t.is(read('-2.5e-3').number('V'), -0.0025);
  t.is(read('ON').bool(), true);
  t.is(read('0').bool(), false);
  t.is(read('ch1_pe').choice(['NOW', 'CH1_PE'] as const), 'CH1_PE');
  t.is(read('"a ""b"", c"').text(), 'a "b", c');
  const code = (f: () => unknown) => t.throws(f, { instanceOf: ScpiCommandError })!.code;
  t.is(code(() => read('').number()), -109);
  t.is(code(() => read('abc').number()), -104);
  t.is(code(() => read('1 Hz').number('V')), -131);
  t.is(code(() => read('1 V').number()), -138);
  t.is(code(() => read('1.5').int()), -104);
  t.is(code(() => read('MAYBE').bool()), -224);
  t.is(code(() => read('FOO').choice(['A'] as const)), -224);
  t.is(code(() => read('1,2').end()), -108);
});

test('the line framer cuts only at CRLF, whatever the chunking, and drops an overlong line once', (t) => {
  const text = Buffer.from('A\r\nB\nC\r\n\r\nD\rE\r\n');
  const expected = ['A', 'B\nC', '', 'D\rE'];
  // every split point of the stream into two chunks, and byte by byte
  for (let cut = 0; cut <= text.length; cut++) {
    const lines: string[] = [];
    const f = createLineFramer({ line: (b) => lines.push(b.toString()), overflow: () => t.fail() });
    f.push(text.subarray(0, cut));
    f.push(text.subarray(cut));
    t.deepEqual(lines, expected, `cut at ${cut}`);
  }
  const lines: string[] = [];
  let overflows = 0;
  const f = createLineFramer({ line: (b) => lines.push(b.toString()), overflow: () => overflows++ }, 10);
  for (const c of '0123456789\r\n01234567890123\r\nok\r\n') f.push(Buffer.from(c));
  t.deepEqual(lines, ['0123456789', 'ok'], 'a line of exactly the limit passes; a longer one is dropped');
  t.is(overflows, 1);
  t.is(f.pendingBytes, 0);
});
