import test from 'ava';
import {
  COMMAND,
  DSP_SIGNALS,
  addressOf,
  decodeField,
  decodeHeader,
  encodeField,
  encodeHeader,
  fieldOf,
  filterCutoffsHz,
  readRequest,
  registerDecl,
  samplerAddress,
  writeRequest,
} from '@labrx/pyrpl';

// Every expected number below is worked out by hand from PyRPL's sources (attributes.py
// FloatRegister.from_python: round(x·norm), ±1 for a non-zero x that rounds to 0, saturate, two's
// complement), with the norms and bit widths of the hardware modules cited in registerMap.ts.

test('scope threshold: 14-bit signed, 2^13 per volt (scope.py:298)', (t) => {
  const f = fieldOf('scope', 'threshold');
  t.is(encodeField(f, 0.5), 4096); // 0.5·8192
  t.is(encodeField(f, -0.5), 16384 - 4096); // two's complement in 14 bits: 12288
  t.is(encodeField(f, 2), 8191); // saturates at 2^13 − 1
  t.is(encodeField(f, -2), 8192); // −2^13 → 0x2000
  t.is(encodeField(f, 1e-6), 1); // non-zero never rounds to 0
  t.is(decodeField(f, 12288), -0.5);
  t.is(decodeField(f, 0xffffc000 | 4096), 0.5); // bits above the field are ignored
});

test('asg0 amplitude (bits 0-13, unsigned) and offset (bits 16-29, signed) share one word (asg.py:210-228)', (t) => {
  const amp = fieldOf('asg0', 'amplitude');
  const off = fieldOf('asg0', 'offset');
  const word = encodeField(off, -0.25, encodeField(amp, 0.5));
  // amplitude 0.5·8192 = 4096 = 0x1000; offset −0.25·8192 = −2048 → 16384 − 2048 = 14336 = 0x3800 at bit 16
  t.is(word, 0x38001000);
  t.is(decodeField(amp, word), 0.5);
  t.is(decodeField(off, word), -0.25);
  t.is(encodeField(amp, -0.5), 4096); // unsigned: PyRPL takes |x|
  t.is(addressOf('asg1', 'amplitude'), 0x40200024);
  t.is(addressOf('asg1', 'data'), 0x40220000);
});

test('generator frequency: step = f·2^30/125 MHz (asg.py:233, FrequencyRegister bits=30)', (t) => {
  const f = fieldOf('asg0', 'frequency');
  // 1 MHz: 2^30/125 = 8589934.592 → 8589935
  t.is(encodeField(f, 1e6), 8589935);
  t.true(Math.abs((decodeField(f, 8589935) as number) - 1e6) < 0.06); // resolution 125 MHz/2^30 = 0.116 Hz
});

test('IQ frequency (32-bit step) and amplitude (18-bit, 2^17 per volt) (iq.py:337-350)', (t) => {
  t.is(encodeField(fieldOf('iq2', 'frequency'), 1e6), 34359738); // 2^32·1e6/125e6 = 34359738.368
  t.is(encodeField(fieldOf('iq2', 'amplitude'), 0.1), 13107); // 0.1·131072 = 13107.2
  t.is(encodeField(fieldOf('iq2', 'amplitude'), -0.1), 2 ** 18 - 13107); // 249037
  t.is(addressOf('iq2', 'frequency'), 0x40370108);
  t.is(addressOf('iq2', 'na_averages'), 0x40370130);
});

test('PID gains: p 2^12 per unit, i in Hz with norm 2^32·2π·8 ns (pid.py:262-274)', (t) => {
  t.is(encodeField(fieldOf('pid0', 'p'), 1), 4096);
  t.is(encodeField(fieldOf('pid0', 'p'), -0.5), 2 ** 24 - 2048);
  // i = 1 kHz: 1000·2^32·2π·8e-9 = 1000·215.8886 = 215888.6 → 215889; back: 215889/215.8886 = 1000.002 Hz
  t.is(encodeField(fieldOf('pid0', 'i'), 1000), 215889);
  t.true(Math.abs((decodeField(fieldOf('pid0', 'i'), 215889) as number) - 1000.002) < 0.001);
  t.is(encodeField(fieldOf('pid1', 'setpoint'), 0.1), 819); // 0.1·8192 = 819.2
  t.is(addressOf('pid2', 'output_direct'), 0x40320004);
});

test('routing: module inputs and output_direct are select fields over DSP_SIGNALS (dsp.py:8-26, 128-136)', (t) => {
  t.is(encodeField(fieldOf('pid0', 'input'), 'in1'), 10);
  t.is(encodeField(fieldOf('iq1', 'input'), 'iq2_2'), 14);
  t.is(decodeField(fieldOf('iir', 'input'), 15), 'off');
  t.is(encodeField(fieldOf('trig', 'output_direct'), 'both'), 3);
  t.is(addressOf('dsp.asg0', 'input'), 0x40380000); // the scope's input1
  t.is(samplerAddress('in2'), 0x403b0010);
  t.is(DSP_SIGNALS.iq2, 7);
});

test('read-only constants PyRPL divides by (pid 4/5/10, iq 1/5/50 and 2|4/5/10, iir 1/3/1000)', (t) => {
  t.is(registerDecl('pid1', 'FILTERSTAGES').constant, 4);
  t.is(registerDecl('pid1', 'FILTERMINBW').constant, 10);
  t.is(registerDecl('iq0', 'FILTERMINBW').constant, 50);
  t.is(registerDecl('iq0', 'QUADRATUREFILTERSTAGES').constant, 2);
  t.is(registerDecl('iq2', 'QUADRATUREFILTERSTAGES').constant, 4);
  t.is(registerDecl('iir', 'FILTERMINBW').constant, 1000);
  t.is(registerDecl('iir', 'IIRSHIFT').constant, 29);
  t.is(registerDecl('iq1', 'LUTSZ').address, 0x40360200);
});

test('input filter word: shift 10 high-pass on an IQ module is a 4858 Hz high-pass (attributes.py:821-852)', (t) => {
  // MAXSHIFT = clog2(125e6/50) = 22; shift 10 → alpha = 2^-12; bw = −ln(1 − 2^-12)·125e6/2π = 4857.6 Hz;
  // bit 7 on, bit 6 high-pass: 0x80 | 0x40 | 10 = 0xCA
  const [c] = filterCutoffsHz(0xca, 1, 5, 50);
  t.true(Math.abs(c! + 4857.6) < 0.5, `${c}`);
  t.deepEqual(filterCutoffsHz(0, 1, 5, 50), [0]);
});

test('protocol header: command, 0, u16 LE count, u32 LE address (monitor_server.c:45-49)', (t) => {
  t.deepEqual([...readRequest(0x40110000, 16384)], [0x72, 0, 0x00, 0x40, 0x00, 0x00, 0x11, 0x40]);
  t.deepEqual([...encodeHeader('close', 0, 0)], [0x63, 0, 0, 0, 0, 0, 0, 0]);
  const w = writeRequest(0x40200008, [2 ** 30 - 1]);
  t.deepEqual([...w], [0x77, 0, 1, 0, 0x08, 0, 0x20, 0x40, 0xff, 0xff, 0xff, 0x3f]);
  t.deepEqual(decodeHeader(w), { command: COMMAND.write, reserved: 0, count: 1, address: 0x40200008 });
  t.is(readRequest(0, 65535).readUInt16LE(2), 65535);
  t.throws(() => readRequest(0, 65536), { instanceOf: RangeError });
  t.throws(() => encodeHeader('read', 1, 2 ** 32), { instanceOf: RangeError });
});
