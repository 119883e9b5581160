import test from 'ava';
import { SettingsError } from '@labrx/core';
import { parseScpiUrl } from '@labrx/scpi';
import { ScpiResponseParser, type ScpiResponse } from '@labrx/scpi';

function parseAll(chunks: Buffer[]): ScpiResponse[] {
  const out: ScpiResponse[] = [];
  const p = new ScpiResponseParser((m) => out.push(m));
  for (const c of chunks) p.push(c);
  return out;
}

test('replies split into messages at CRLF and units at `;`; blocks are read by length, whatever their bytes', (t) => {
  // a payload full of the framing bytes: CR, LF, ';', '#', '"'
  const payload = Buffer.from([0x0d, 0x0a, 0x3b, 0x23, 0x22, 0x0a, 0x00, 0x0d]);
  const stream = Buffer.concat([
    Buffer.from('TD;1\r\n'),
    Buffer.from('#18'),
    payload,
    Buffer.from(';#18'),
    payload,
    Buffer.from('\r\n'),
    Buffer.from('-113,"Undefined header;ACQ:FOO?"\r\n'),
    Buffer.from('\r\n'), // RET_ON_ERROR's empty reply
    Buffer.from('#10;1\r\n'), // '#' then '1' then '0': a block of zero bytes
  ]);
  const expected: ScpiResponse[] = [['TD', '1'], [payload, payload], ['-113,"Undefined header;ACQ:FOO?"'], [''], [Buffer.alloc(0), '1']];
  t.deepEqual(parseAll([stream]), expected);
  // the same bytes cut at every position, and byte by byte
  for (let cut = 0; cut <= stream.length; cut++) t.deepEqual(parseAll([stream.subarray(0, cut), stream.subarray(cut)]), expected, `cut ${cut}`);
  t.deepEqual(parseAll([...stream].map((b) => Buffer.from([b]))), expected);
});

test('a block not followed by CRLF (firmware before 2.00-18) ends its message', (t) => {
  t.deepEqual(parseAll([Buffer.from('#12ab1\r\n')]), [[Buffer.from('ab')], ['1']]);
});

test('scpi:// URLs: host and port (5000 by default, as on a Red Pitaya), IPv6 in brackets', (t) => {
  t.deepEqual(parseScpiUrl('scpi://rp-f0a1b2.local'), { host: 'rp-f0a1b2.local', port: 5000 });
  t.deepEqual(parseScpiUrl('scpi://127.0.0.1:5001/'), { host: '127.0.0.1', port: 5001 });
  t.deepEqual(parseScpiUrl('scpi://[::1]:6000'), { host: '::1', port: 6000 });
  for (const bad of ['tcp://x:1', 'scpi://', 'scpi://x:0', 'scpi://x:99999', 'scpi://x:5000/path']) t.throws(() => parseScpiUrl(bad), { instanceOf: SettingsError }, bad);
});
