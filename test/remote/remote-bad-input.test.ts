import test from 'ava';
import fc from 'fast-check';
import { connectNats, decodeFrame, type NatsConnection } from '@labrx/remote';
import { connect } from 'labrx';
import { startServedSim, testNats, type ServedSim } from './remoteFixture.js';
import { natsServerAvailable } from '../helpers/natsServer.js';

// Bad input from the network gets an error reply naming what is wrong, and the server keeps serving.

let served: ServedSim;
let raw: NatsConnection;
test.before(async () => {
  if (!natsServerAvailable) return;
  served = await startServedSim({ seed: 1 }, { maxRequestBytes: 4096 });
  raw = await connectNats(served.nats.url);
});
test.after.always(async () => {
  await raw?.close();
  await served?.close();
});

const enc = new TextEncoder();
const client = { id: 'c1', user: 'u', host: 'h', pid: 1 };

async function ask(subject: string, body: Uint8Array | string): Promise<{ code: string; message: string; fields?: Record<string, unknown> }> {
  const reply = await raw.request(subject, typeof body === 'string' ? enc.encode(body) : body, { timeout: 2000 });
  const frame = decodeFrame(reply.data);
  if (frame.kind !== 'error') throw new Error(`expected an error reply, got ${frame.kind}`);
  return frame.error as { code: string; message: string; fields?: Record<string, unknown> };
}

testNats('malformed JSON, non-objects and missing client identities get BadRequestError replies', async (t) => {
  const e1 = await ask('labrx.lab1.board0.asg', '{"index": 0,');
  t.is(e1.code, 'BadRequestError');
  t.regex(e1.message, /malformed JSON/);
  const e2 = await ask('labrx.lab1.board0.asg', '[1,2,3]');
  t.regex(e2.message, /JSON object/);
  const e3 = await ask('labrx.lab1.board0.asg', JSON.stringify({ index: 0, settings: {} }));
  t.regex(e3.message, /client/);
  const e4 = await ask('labrx.lab1.board0.asg', new Uint8Array([0xff, 0xfe, 0x00, 0x7b]));
  t.is(e4.code, 'BadRequestError');
});

testNats('unknown boards and ops get BadRequestError replies listing what exists', async (t) => {
  const e1 = await ask('labrx.lab1.board7.info', '{}');
  t.regex(e1.message, /no board 'board7' here: board0/);
  const e2 = await ask('labrx.lab1.board0.selfdestruct', JSON.stringify({ client }));
  t.regex(e2.message, /unknown op 'selfdestruct'/);
  const e3 = await ask('labrx.lab1.board0', '{}');
  t.is(e3.code, 'BadRequestError');
});

testNats('oversized payloads get BadRequestError naming the limit', async (t) => {
  const e = await ask('labrx.lab1.board0.asg', JSON.stringify({ client, index: 0, settings: {}, pad: 'x'.repeat(5000) }));
  t.regex(e.message, /over the limit of 4096/);
});

testNats('bad settings from the network get SettingsError replies naming the setting; generator left as it was', async (t) => {
  const before = served.board.asg0.settings;
  const e = await ask('labrx.lab1.board0.asg', JSON.stringify({ client, index: 0, settings: { frequency: -5 } }));
  t.is(e.code, 'SettingsError');
  t.is(e.fields?.['setting'], 'frequency');
  t.is(served.board.asg0.settings, before);
  const e2 = await ask('labrx.lab1.board0.scope.next', JSON.stringify({ client, sid: 'x', settings: { decimation: 3 } }));
  t.is(e2.code, 'SettingsError');
  t.is(e2.fields?.['setting'], 'decimation');
  const e3 = await ask('labrx.lab1.board0.iq', JSON.stringify({ client, index: 5, request: {} }));
  t.regex(e3.message, /index must be 0, 1 or 2/);
});

testNats('after all that (and messages without a reply subject) the server still serves a client', async (t) => {
  raw.publish('labrx.lab1.board0.asg', enc.encode('garbage'));
  raw.publish('labrx.lab1.nope.scope.next', enc.encode('{}'));
  await raw.flush();
  const rp = await connect(served.url);
  try {
    const tr = await rp.scope.single({ decimation: 16 });
    t.is(tr.ch1.length, 16384);
    t.true(served.server.stats.errors >= 9, `${served.server.stats.errors} error replies counted`);
  } finally {
    await rp.close();
  }
});

// Fuzz (issue #12: every wire parser): random requests to real and made-up subjects — random JSON
// values, objects shaped like the real ones with random fields, random bytes, oversized bodies — each
// get a reply (an error frame, or a result), never silence or a crash. Seeded and bounded.
const OPS = ['info', 'hb', 'scope.next', 'scope.stop', 'asg', 'iq', 'lease', 'release'];
const subject = fc.oneof(
  fc.constantFrom(...OPS).map((op) => `labrx.lab1.board0.${op}`),
  fc.tuple(fc.constantFrom('board0', 'board9', '*'), fc.string({ minLength: 1, maxLength: 8 }).filter((s) => /^[\w.-]+$/.test(s) && !s.startsWith('.') && !s.endsWith('.') && !s.includes('..'))).map(([b, op]) => `labrx.lab1.${b}.${op}`),
);
const fuzzClient = fc.record({ id: fc.string({ maxLength: 8 }), user: fc.string({ maxLength: 8 }), host: fc.string({ maxLength: 8 }), pid: fc.integer() });
const body = fc.oneof(
  fc.jsonValue({ maxDepth: 3 }).map((v) => enc.encode(JSON.stringify(v))),
  fc
    .record({ client: fuzzClient, index: fc.oneof(fc.integer({ min: -2, max: 3 }), fc.string()), settings: fc.dictionary(fc.constantFrom('frequency', 'amplitude', 'waveform', 'decimation', 'constructor', '__proto__', 'x'), fc.jsonValue({ maxDepth: 1 })), resources: fc.array(fc.constantFrom('asg0', 'iq2', 'scope', 'nope'), { maxLength: 3 }), id: fc.string({ maxLength: 6 }), wait: fc.boolean() }, { requiredKeys: [] })
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
