import test from 'ava';
import { spawn } from 'node:child_process';
import { startScpiServer } from '@labrx/scpi';
import { fakeBoard } from './scpiFakeBoard.js';
import { RawClient } from './scpiRawClient.js';

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
  while (received < 4 * TRACE_BYTES) await new Promise((resolve) => setTimeout(resolve, 1));

  // ten queries of the other client are answered while the flood is still far from done: each is
  // served within a turn or two of the hostile client's (about one trace), not after all of it
  for (let i = 0; i < 10; i++) {
    t.is(await other.query('*IDN?', 60_000), 'REDPITAYA,INSTR2025,,01-21');
  }
  const fraction = received / (queries * TRACE_BYTES);
  t.true(fraction < 0.5, `the other client waited until ${(100 * fraction).toFixed(1)} % of the flood was sent`);
});
