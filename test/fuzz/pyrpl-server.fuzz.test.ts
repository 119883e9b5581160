import test from 'ava';
import fc from 'fast-check';
import { RawClient } from '../pyrpl/pyrplRawClient.js';
import { servePyrplSim } from '../pyrpl/pyrplSim.js';

// Fuzz of the simulated monitor_server's request parser (issue #12: every wire parser): random
// requests — real and unknown command bytes, counts from 0 past 65535, addresses inside and outside
// the FPGA's range, payloads shorter or longer than announced, random bytes — each from a client of
// its own that then vanishes. The server never crashes, keeps at most its stated bytes per client,
// and a second client's register read is answered right after every case. Seeded and bounded.

/** 'r', 0, count (u16 LE), address (u32 LE): the protocol's header. */
function header(cmd: number, count: number, address: number): Buffer {
  const b = Buffer.alloc(8);
  b.writeUInt8(cmd & 0xff, 0);
  b.writeUInt16LE(count & 0xffff, 2);
  b.writeUInt32LE(address >>> 0, 4);
  return b;
}

const request = fc.oneof(
  fc
    .tuple(
      fc.constantFrom(0x72, 0x77, 0x63, 0x00, 0x52, 0xff), // 'r', 'w', 'c', and bytes no command has
      fc.oneof(fc.integer({ min: 0, max: 4 }), fc.integer({ min: 0, max: 0xffff }), fc.constant(16384)),
      fc.oneof(fc.integer({ min: 0x40000000, max: 0x40800000 }).map((a) => a & ~3), fc.constantFrom(0x40350200, 0x40110000, 0x40200010), fc.nat()),
      fc.uint8Array({ maxLength: 64 }),
    )
    .map(([cmd, count, address, payload]) => Buffer.concat([header(cmd, count, address), payload])),
  fc.uint8Array({ minLength: 1, maxLength: 40 }).map((b) => Buffer.from(b)),
);

test('random requests never crash the register server; another client is answered after each', async (t) => {
  const warnings: unknown[] = [];
  const served = await servePyrplSim({ seed: 5 }, { onError: (e) => warnings.push(e) });
  const other = await RawClient.open(served.server.port);
  t.teardown(async () => {
    other.destroy();
    await served.close();
  });
  let cases = 0;
  await fc.assert(
    fc.asyncProperty(request, async (bytes) => {
      cases++;
      const fuzzer = await RawClient.open(served.server.port);
      fuzzer.write(bytes);
      await new Promise((r) => setImmediate(r));
      fuzzer.destroy();
      // iq0's first read-only constant (PyRPL divides by these): 11, whatever the fuzzer did
      other.write(header(0x72, 1, 0x40350200));
      const reply = await other.bytes(12, 10_000);
      t.true(reply.subarray(0, 8).equals(header(0x72, 1, 0x40350200)), `header echoed after ${bytes.toString('hex')}`);
      t.is(reply.readUInt32LE(8), 11);
      t.true(served.server.bufferedBytes <= 2 << 20, `bytes held for clients: ${served.server.bufferedBytes}`);
    }),
    { seed: 2222, numRuns: 300 },
  );
  t.false(other.closed);
  t.log(`${cases} requests; ${served.server.dropped} faulty clients dropped; ${warnings.length} simulator notes`);
});
