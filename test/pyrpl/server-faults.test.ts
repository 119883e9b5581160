import test from 'ava';
import { decodeWords, encodeHeader, readRequest, writeRequest } from '@labrx/pyrpl';
import { RawClient } from './pyrplRawClient.js';
import { servePyrplSim } from './pyrplSim.js';

// the faults below make the server warn: the warnings are expected, not printed
const rig = (stallTimeoutMs?: number) => servePyrplSim({ seed: 1 }, { onError: () => undefined, ...(stallTimeoutMs ? { stallTimeoutMs } : {}) });

async function readWords(c: RawClient, address: number, count: number): Promise<Uint32Array> {
  const h = readRequest(address, count);
  c.write(h);
  const reply = await c.bytes(8 + 4 * count);
  if (!reply.subarray(0, 8).equals(h)) throw new Error(`header ${reply.subarray(0, 8).toString('hex')}`);
  return decodeWords(reply.subarray(8));
}

test('read answers header + words; write answers the header once its words are in; constants PyRPL divides by read right', async (t) => {
  const { server, close } = await rig();
  t.teardown(close);
  const c = await RawClient.open(server.port);
  t.teardown(() => c.destroy());
  // iq0 0x200…0x218 and its filter constants; pid0 and iir filter constants; iq2's quadrature stages
  t.deepEqual([...(await readWords(c, 0x40350200, 7))], [11, 17, 32, 18, 14, 24, 8]);
  t.deepEqual([...(await readWords(c, 0x40350220, 3))], [1, 5, 50]);
  t.deepEqual([...(await readWords(c, 0x40350230, 3))], [2, 5, 10]);
  t.deepEqual([...(await readWords(c, 0x40370230, 3))], [4, 5, 10]);
  t.deepEqual([...(await readWords(c, 0x40300220, 3))], [4, 5, 10]);
  t.deepEqual([...(await readWords(c, 0x40340220, 3))], [1, 3, 1000]);
  t.deepEqual([...(await readWords(c, 0x4030000c, 1))], [0xff]); // global sync: all modules on
  // a write is acknowledged by its header only, after the words; the value reads back
  const w = writeRequest(0x40320104, [819]);
  c.write(w.subarray(0, 10)); // header and half a word
  await new Promise((r) => setTimeout(r, 30));
  t.is(c.received.length, 0, 'no answer before the words are complete');
  c.write(w.subarray(10));
  t.deepEqual(await c.bytes(8), w.subarray(0, 8));
  t.deepEqual([...(await readWords(c, 0x40320104, 1))], [819]);
  // read-only constants ignore writes
  c.write(writeRequest(0x40350228, [0]));
  await c.bytes(8);
  t.deepEqual([...(await readWords(c, 0x40350228, 1))], [50]);
});

test('unmapped FPGA addresses read 0 (the bus answers them); a count of 0 gets no answer and the stream stays in step', async (t) => {
  const { server, close } = await rig();
  t.teardown(close);
  const c = await RawClient.open(server.port);
  t.teardown(() => c.destroy());
  t.deepEqual([...(await readWords(c, 0x40600000, 4))], [0, 0, 0, 0]);
  c.write(encodeHeader('read', 0, 0x40100000));
  c.write(encodeHeader('write', 0, 0x40100000));
  t.deepEqual([...(await readWords(c, 0x40350200, 1))], [11]);
  t.is(c.received.length, 0);
});

test("an unknown command byte, or an address outside the FPGA, drops only that client; 'c' closes only its own", async (t) => {
  const { server, close } = await rig();
  t.teardown(close);
  const good = await RawClient.open(server.port);
  t.teardown(() => good.destroy());
  const bad = await RawClient.open(server.port);
  bad.write([0x78, 0, 1, 0, 0, 0, 0x10, 0x40]); // 'x'
  await bad.closedBy();
  const outside = await RawClient.open(server.port);
  outside.write(readRequest(0x50000000, 1));
  await outside.closedBy();
  // the last word of a read must lie in the FPGA's space too
  const across = await RawClient.open(server.port);
  across.write(readRequest(0x407ffffc, 2));
  await across.closedBy();
  const closer = await RawClient.open(server.port);
  closer.write(encodeHeader('close', 0, 0));
  await closer.closedBy();
  t.is(server.dropped, 3);
  t.deepEqual([...(await readWords(good, 0x40350200, 1))], [11]);
});

test('a client that sends half a header and stalls is dropped after stallTimeoutMs; others are served meanwhile', async (t) => {
  const { server, close } = await rig(150);
  t.teardown(close);
  const stalled = await RawClient.open(server.port);
  stalled.write([0x72, 0, 1]);
  const other = await RawClient.open(server.port);
  t.teardown(() => other.destroy());
  t.deepEqual([...(await readWords(other, 0x40350200, 1))], [11]);
  const started = performance.now();
  await stalled.closedBy(2000);
  t.true(performance.now() - started < 1000);
  t.is(server.dropped, 1);
});

test('a client that vanishes mid-read (64 KiB reply unsent) leaves the server serving others; connections return to 0', async (t) => {
  const { server, close } = await rig();
  t.teardown(close);
  for (let i = 0; i < 5; i++) {
    const c = await RawClient.open(server.port);
    c.write(readRequest(0x40110000, 16384));
    c.write(readRequest(0x40120000, 16384));
    c.destroy();
  }
  const good = await RawClient.open(server.port);
  t.is((await readWords(good, 0x40110000, 16384)).length, 16384);
  good.destroy();
  const deadline = performance.now() + 2000;
  while (server.connections > 0 && performance.now() < deadline) await new Promise((r) => setTimeout(r, 10));
  t.is(server.connections, 0);
});

test("a client that never reads its replies is paused: output per client stays bounded and others are served", async (t) => {
  const { server, close } = await rig();
  t.teardown(close);
  const hog = await RawClient.open(server.port);
  hog.socket.pause();
  // 200 reads of 16384 words: 13 MB of replies if all were produced
  for (let i = 0; i < 200; i++) hog.write(readRequest(0x40110000, 16384));
  const other = await RawClient.open(server.port);
  t.teardown(() => other.destroy());
  t.deepEqual([...(await readWords(other, 0x40350200, 1))], [11]);
  await new Promise((r) => setTimeout(r, 200));
  // 200 × 64 KiB = 13 MB would be queued without back-pressure; paused: at most 1 MiB plus one reply
  t.true(server.bufferedBytes <= (1 << 20) + 8 + 4 * 16384, `${server.bufferedBytes} bytes queued`);
  t.true(server.bufferedBytes > 0, 'the hog has replies waiting');
  hog.destroy();
});
