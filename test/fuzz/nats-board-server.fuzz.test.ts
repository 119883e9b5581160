import fc from 'fast-check';
import { connectNats, decodeFrame, type NatsConnection } from '@labrx/remote';
import { connect } from 'labrx';
import test from 'ava';
import { startServedSim, testNats, type ServedSim } from '../remote/remoteFixture.js';
import { natsServerAvailable } from '../helpers/natsServer.js';

// Fuzz of the NATS board server's messages (issue #12: every wire parser): random requests to real
// and made-up subjects — bodies that are random JSON values, objects shaped like the real ones with
// random fields, and random bytes — each get a reply (an error frame, or a result), never silence or
// a crash; afterwards a client still acquires. Seeded and bounded.

let served: ServedSim;
let raw: NatsConnection;
test.before(async () => {
  if (!natsServerAvailable) return;
  served = await startServedSim({ seed: 2 }, { maxRequestBytes: 4096 });
  raw = await connectNats(served.nats.url);
});
test.after.always(async () => {
  await raw?.close();
  await served?.close();
});

const enc = new TextEncoder();
const OPS = ['info', 'hb', 'scope.next', 'scope.stop', 'asg', 'iq', 'lease', 'release'];
const subject = fc.oneof(
  fc.constantFrom(...OPS).map((op) => `labrx.lab1.board0.${op}`),
  fc.tuple(fc.constantFrom('board0', 'board9', '*'), fc.string({ minLength: 1, maxLength: 8 }).filter((s) => /^[\w.-]+$/.test(s) && !s.startsWith('.') && !s.endsWith('.') && !s.includes('..'))).map(([b, op]) => `labrx.lab1.${b}.${op}`),
);
const client = fc.record({ id: fc.string({ maxLength: 8 }), user: fc.string({ maxLength: 8 }), host: fc.string({ maxLength: 8 }), pid: fc.integer() });
const body = fc.oneof(
  fc.jsonValue({ maxDepth: 3 }).map((v) => enc.encode(JSON.stringify(v))),
  fc
    .record({ client, index: fc.oneof(fc.integer({ min: -2, max: 3 }), fc.string()), settings: fc.dictionary(fc.constantFrom('frequency', 'amplitude', 'waveform', 'decimation', 'constructor', '__proto__', 'x'), fc.jsonValue({ maxDepth: 1 })), resources: fc.array(fc.constantFrom('asg0', 'iq2', 'scope', 'nope'), { maxLength: 3 }), id: fc.string({ maxLength: 6 }), wait: fc.boolean() }, { requiredKeys: [] })
    .map((o) => enc.encode(JSON.stringify(o))),
  fc.uint8Array({ maxLength: 64 }),
  fc.constant(new Uint8Array(5000)), // over maxRequestBytes
);

testNats('random requests to the board server always get a reply, and a client still acquires afterwards', async (t) => {
  let cases = 0;
  let errors = 0;
  await fc.assert(
    fc.asyncProperty(subject, body, async (s, b) => {
      cases++;
      // heartbeats and lease releases are fire-and-forget in the protocol: published, not asked
      if (s.endsWith('.hb') || s.endsWith('.release')) {
        raw.publish(s, b);
        return;
      }
      const reply = await raw.request(s, b, { timeout: 5000 }).catch((e: unknown) => e as Error);
      if (reply instanceof Error) {
        // no responder: a subject nobody serves (another board name, a made-up op with a wildcard)
        t.regex(reply.message, /no responders|503/i, `${s}: ${reply.message}`);
        return;
      }
      const frame = decodeFrame(reply.data);
      if (frame.kind === 'error') errors++;
    }),
    { seed: 31337, numRuns: 400 },
  );
  await raw.flush();
  const rp = await connect(served.url);
  try {
    t.is((await rp.scope.single({ decimation: 16 })).ch1.length, 16384);
  } finally {
    await rp.close();
  }
  t.log(`${cases} requests, ${errors} error replies`);
});
