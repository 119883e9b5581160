import test from 'ava';
import { spawn } from 'node:child_process';
import { MAX_CLIENT_BYTES, startScpiServer } from '@labrx/scpi';
import { fakeBoard } from './scpiFakeBoard.js';
import { RawClient } from './scpiRawClient.js';
import { pollUntil, sleepMs } from '../helpers/until.js';

// Fairness between SCPI clients (issue #12, case 4): one client sending one line of thousands of
// chained data queries must not be served to the end before anyone else is answered.

const N = 16384;
/** Bytes of one ASCII `{…}` trace of N samples of -0.5 V: braces, N × "-0.500000" and N−1 commas. */
const TRACE_BYTES = 2 + N * 9 + N - 1;

test('a line of 2000 chained ACQ:SOUR1:DATA? does not stall another client: it is answered while the flood is still being sent', async (t) => {
  const board = fakeBoard(new Float64Array(N).fill(-0.5), new Float64Array(N).fill(-0.5));
  const server = await startScpiServer({ board, port: 0 });
  const other = await RawClient.open(server.port);
  t.teardown(async () => {
    other.close();
    await server.close();
  });
  t.is(await other.query('*IDN?'), 'REDPITAYA,INSTR2025,,01-21');

  const queries = 2000;
  // The hostile client runs in another process, so that it reads everything as fast as it comes
  // (it is not slow, just greedy): in this process it could not read while the server works.
  // It reports the bytes received so far on every line of its stdout.
  const script = `
    const s = require('node:net').createConnection({ host: '127.0.0.1', port: ${server.port} });
    let n = 0;
    s.on('connect', () => s.write('ACQ:START;TRIG NOW\\r\\n' + Array.from({ length: ${queries} }, () => ':ACQ:SOUR1:DATA?').join(';') + '\\r\\n'));
    s.on('data', (d) => { n += d.length; });
    s.on('error', () => process.exit(0)); // the server closed first (the test's teardown): done
    setInterval(() => process.stdout.write(n + '\\n'), 5);
    process.stdin.on('data', () => process.exit(0));
  `;
  const hostile = spawn(process.execPath, ['-e', script], { stdio: ['pipe', 'pipe', 'inherit'] });
  let received = 0;
  hostile.stdout.setEncoding('latin1').on('data', (d: string) => {
    const lines = d.trim().split('\n');
    received = Number(lines.at(-1));
  });
  t.teardown(() => {
    hostile.stdin.end('quit');
  });
  // wait until the flood has started coming back
  await pollUntil(() => received >= 4 * TRACE_BYTES, () => sleepMs(1), 'the hostile client to receive its first traces');

  // ten queries of the other client are answered while the flood is still far from done: each is
  // served within a turn or two of the hostile client's (about one trace), not after all of it
  let worstMs = 0;
  for (let i = 0; i < 10; i++) {
    const t0 = performance.now();
    t.is(await other.query('*IDN?', 60_000), 'REDPITAYA,INSTR2025,,01-21');
    worstMs = Math.max(worstMs, performance.now() - t0);
  }
  t.log(`worst *IDN? round trip of the other client during the flood: ${worstMs.toFixed(1)} ms`);
  const fraction = received / (queries * TRACE_BYTES);
  t.true(fraction < 0.5, `the other client waited until ${(100 * fraction).toFixed(1)} % of the flood was sent`);
});

test('clients that never read hold at most MAX_CLIENT_BYTES each on the server, and an honest client is answered', async (t) => {
  const board = fakeBoard(new Float64Array(N).fill(-0.5), new Float64Array(N).fill(-0.5));
  const server = await startScpiServer({ board, port: 0 });
  const honest = await RawClient.open(server.port);
  const deaf = await Promise.all(Array.from({ length: 4 }, () => RawClient.open(server.port)));
  t.teardown(async () => {
    honest.close();
    for (const c of deaf) c.close();
    await server.close();
  });
  for (const c of deaf) {
    c.socket.pause(); // reads nothing
    c.write('ACQ:START;TRIG NOW\r\n' + 'ACQ:SOUR1:DATA?\r\n'.repeat(200)); // 200 traces, 33 MB of replies asked for
    c.write(Buffer.alloc(400 * 1024, 0x41)); // and most of a line that never ends
  }
  let most = 0;
  let worstMs = 0;
  // until the kernel's socket buffers are full and the server holds replies (or 15 s on a slow machine)
  for (const started = performance.now(); most < 2 ** 20 && performance.now() - started < 15_000; ) {
    const t0 = performance.now();
    t.is(await honest.query('*IDN?'), 'REDPITAYA,INSTR2025,,01-21');
    worstMs = Math.max(worstMs, performance.now() - t0);
    most = Math.max(most, server.maxClientBytes);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  t.log(`most held for one client: ${(most / 2 ** 20).toFixed(2)} MiB (bound ${MAX_CLIENT_BYTES / 2 ** 20} MiB); honest client's worst round trip ${worstMs.toFixed(1)} ms`);
  t.true(most <= MAX_CLIENT_BYTES, `${most} bytes held for one client`);
  t.is(server.connections, 5);
});
