import test from 'ava';
import type { Socket } from 'node:net';
import { ConnectionLostError } from '@labrx/core';
import { connectScpiBoard, MAX_REPLY_BYTES, ScpiResponseParser } from '@labrx/scpi';
import { startFakeScpiPeer } from '../helpers/fakeScpiPeer.js';

// The SCPI driver keeps a bounded reply (issue #12, case 6): a server that never ends its reply, or
// declares a gigantic block, loses the link with ConnectionLostError once 1 MiB is held, long before
// the command's timeout, instead of buffering hundreds of MiB.

/** Writes unterminated text (no CRLF, no ';') as fast as the socket takes it, up to `limit` bytes. */
function flood(socket: Socket, limit: number): { written: () => number } {
  const chunk = Buffer.alloc(64 * 1024, '7');
  let written = 0;
  const more = () => {
    while (written < limit && !socket.destroyed) {
      written += chunk.length;
      if (!socket.write(chunk)) return void socket.once('drain', more);
    }
  };
  more();
  return { written: () => written };
}

test('an unterminated reply fails with ConnectionLostError once it passes 1 MiB, well before the timeout', async (t) => {
  let sent: { written: () => number } | undefined;
  const peer = await startFakeScpiPeer((line, socket) => {
    if (line === 'FLOOD?') sent = flood(socket, 256 * 2 ** 20);
  });
  t.teardown(() => peer.close());
  const timeoutMs = 4000;
  const board = await connectScpiBoard({ host: '127.0.0.1', port: peer.port, timeoutMs });
  const t0 = performance.now();
  const error = await t.throwsAsync(board.query('FLOOD?'), { instanceOf: ConnectionLostError, message: /over the 1048576-byte bound/ });
  const ms = performance.now() - t0;
  t.log(`lost after ${ms.toFixed(0)} ms, ${((sent?.written() ?? 0) / 2 ** 20).toFixed(1)} MiB sent by the server; ${error?.message}`);
  // the timeout would have taken 4 s: the bound acts on bytes, not time
  t.true(ms < timeoutMs / 2, `${ms} ms`);
  await board.close();
});

test('a block header declaring a gigabyte loses the link at once', async (t) => {
  const peer = await startFakeScpiPeer((line, socket) => {
    if (line === 'BLOCK?') socket.write('#9999999999\x00\x01');
  });
  t.teardown(() => peer.close());
  const board = await connectScpiBoard({ host: '127.0.0.1', port: peer.port, timeoutMs: 4000 });
  await t.throwsAsync(board.query('BLOCK?'), { instanceOf: ConnectionLostError, message: /999999999 bytes/ });
  await t.throwsAsync(board.query('*IDN?'), { instanceOf: ConnectionLostError }, 'later commands fail at once too');
  await board.close();
});

test('the parser accepts a legal reply of two ASCII traces and two BIN blocks, and refuses one byte over its bound', (t) => {
  const messages: unknown[][] = [];
  const overflows: number[] = [];
  const p = new ScpiResponseParser((m) => messages.push([...m]), (held) => overflows.push(held));
  const ascii = `{${Array.from({ length: 16384 }, () => '-20.000000').join(',')}}`;
  t.is(ascii.length, 180_225);
  const block = Buffer.concat([Buffer.from('#565536'), Buffer.alloc(65536, 0x0a)]);
  // byte by byte-ish chunks, as a slow network gives them
  const whole = Buffer.concat([Buffer.from(`${ascii};${ascii}\r\n`), block, Buffer.from(';'), block, Buffer.from('\r\n')]);
  for (let i = 0; i < whole.length; i += 1000) p.push(whole.subarray(i, i + 1000));
  t.is(messages.length, 2);
  t.is((messages[0]![0] as string).length, 180_225);
  t.is((messages[1]![1] as Buffer).length, 65536);
  t.deepEqual(overflows, []);

  const small = new ScpiResponseParser((m) => messages.push([...m]), (held) => overflows.push(held), 100);
  small.push(Buffer.alloc(100, 0x31));
  t.deepEqual(overflows, []);
  small.push(Buffer.from('1'));
  t.deepEqual(overflows, [101]);
  small.push(Buffer.from('\r\n'));
  t.is(messages.length, 2, 'nothing after an overflow is read');
  t.is(MAX_REPLY_BYTES, 2 ** 20);
});
