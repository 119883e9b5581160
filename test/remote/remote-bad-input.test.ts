import test from 'ava';
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
