import test from 'ava';
import { Writable } from 'node:stream';
import { createSimBoard } from '@labrx/hw-sim';
import { Board } from '@labrx/instruments';
import { connectNats, serveBoards } from '@labrx/remote';
import { ConnectionLostError, connect } from 'labrx';
import { buildServeCommand, type CliIo } from 'labrx/testing';
import { startNatsServer } from '../helpers/natsServer.js';
import { testNats } from './remoteFixture.js';

// NATS authentication: a token-protected NATS server serves boards to clients with the token only;
// `labrx serve` refuses a NATS server off loopback without credentials.

async function runServe(args: string[]): Promise<{ code: number; stderr: string }> {
  const out = { code: 0, stderr: '' };
  const sink = (f: (s: string) => void) => new Writable({ write: (c: Buffer, _e, done) => (f(c.toString()), done()) });
  const io: CliIo = { stdout: sink(() => undefined), stderr: sink((s) => (out.stderr += s)), fail: (code) => (out.code = code) };
  await buildServeCommand(io).parseAsync(['node', 'serve', ...args]);
  return out;
}

test('labrx serve refuses a NATS server off loopback without credentials, naming what to give (exit 2)', async (t) => {
  const saved = { ...process.env };
  for (const k of Object.keys(process.env)) if (k.startsWith('LABRX_NATS_')) delete process.env[k];
  try {
    const r = await runServe(['--nats', 'nats://10.9.8.7:4222', '--name', 'lab1']);
    t.is(r.code, 2);
    t.regex(r.stderr, /serve\.nats = "nats:\/\/10\.9\.8\.7:4222" is not allowed: a loopback NATS server, or credentials/);
    const r2 = await runServe(['--nats', 'nats://127.0.0.1:4222']);
    t.is(r2.code, 2);
    t.regex(r2.stderr, /serve\.name/);
  } finally {
    process.env = saved;
  }
});

testNats('with a token-protected NATS server, clients with the token (URL or LABRX_NATS_TOKEN) get the board, others cannot connect', async (t) => {
  const nats = await startNatsServer(['--auth', 's3cret']);
  const nc = await connectNats(nats.url, { token: 's3cret' });
  const board = new Board(createSimBoard({ seed: 2 }));
  const server = await serveBoards({ nats: nc, name: 'lab1', boards: [board] });
  try {
    const withToken = await connect(`nats://s3cret@127.0.0.1:${nats.port}/lab1/board0`);
    t.is((await withToken.scope.single({ decimation: 8 })).ch1.length, 16384);
    await withToken.close();
    process.env['LABRX_NATS_TOKEN'] = 's3cret';
    try {
      const fromEnv = await connect(`${nats.url}/lab1/board0`);
      t.is(fromEnv.info.bufferSize, 16384);
      await fromEnv.close();
    } finally {
      delete process.env['LABRX_NATS_TOKEN'];
    }
    await t.throwsAsync(connect(`${nats.url}/lab1/board0`), { instanceOf: ConnectionLostError, message: /Authorization|authorization|AUTHORIZATION/ });
  } finally {
    await server.close();
    await nc.close();
    await board.close();
    await nats.stop();
  }
});

