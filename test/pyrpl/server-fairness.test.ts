import test from 'ava';
import { spawn } from 'node:child_process';
import { MAX_PYRPL_CLIENT_BYTES, decodeWords, readRequest, writeRequest } from '@labrx/pyrpl';
import { RawClient } from './pyrplRawClient.js';
import { servePyrplSim } from './pyrplSim.js';
import { pollUntil, sleepMs } from '../helpers/until.js';

// Bounded memory per client and fairness on the PyRPL register server (issue #12): a greedy client
// flooding reads of whole scope buffers does not hold another client up for more than a turn or two;
// clients that never read hold at most MAX_PYRPL_CLIENT_BYTES each.

/** Words of one scope buffer read (a whole channel) and its reply's bytes. */
const WORDS = 16384;
const REPLY_BYTES = 8 + 4 * WORDS;

async function readWord(c: RawClient, address: number): Promise<number> {
  const h = readRequest(address, 1);
  c.write(h);
  const reply = await c.bytes(12, 60_000);
  if (!reply.subarray(0, 8).equals(h)) throw new Error(`header ${reply.subarray(0, 8).toString('hex')}`);
  return decodeWords(reply.subarray(8))[0]!;
}

test('a client flooding 20000 reads of a whole scope buffer does not stall another: it is answered while the flood is still at its start', async (t) => {
  const { server, close } = await servePyrplSim({ seed: 1 }, { onError: () => undefined });
  const other = await RawClient.open(server.port);
  t.teardown(async () => {
    other.destroy();
    await close();
  });
  t.is(await readWord(other, 0x40350200), 11);
  const requests = 20_000; // 1.3 GB of replies asked for
  // the greedy client runs in another process, reading everything as fast as it comes; it reports
  // the bytes received so far on every line of its stdout
  const header = [...readRequest(0x40110000, WORDS)];
  const script = `
    const s = require('node:net').createConnection({ host: '127.0.0.1', port: ${server.port} });
    let n = 0;
    const one = Buffer.from(${JSON.stringify(header)});
    s.on('connect', () => s.write(Buffer.concat(Array.from({ length: ${requests} }, () => one))));
    s.on('data', (d) => { n += d.length; });
    s.on('error', () => process.exit(0)); // the server closed first (the test's teardown): done
    setInterval(() => process.stdout.write(n + '\\n'), 5);
    process.stdin.on('data', () => process.exit(0));
  `;
  const greedy = spawn(process.execPath, ['-e', script], { stdio: ['pipe', 'pipe', 'inherit'] });
  let received = 0;
  greedy.stdout.setEncoding('latin1').on('data', (d: string) => (received = Number(d.trim().split('\n').at(-1))));
  t.teardown(() => void greedy.stdin.end('quit'));
  await pollUntil(() => received >= 4 * REPLY_BYTES, () => sleepMs(1), 'the greedy client to receive its first buffers');

  let worstMs = 0;
  let fraction = 0;
  for (let i = 0; i < 10; i++) {
    const t0 = performance.now();
    t.is(await readWord(other, 0x40350200), 11);
    worstMs = Math.max(worstMs, performance.now() - t0);
    if (i === 0) fraction = received / (requests * REPLY_BYTES);
  }
  t.log(`worst round trip of the other client during the flood: ${worstMs.toFixed(1)} ms; the flood was ${(100 * fraction).toFixed(1)} % sent at the first answer`);
  t.true(fraction < 0.5, `the other client waited until ${(100 * fraction).toFixed(1)} % of the flood was sent`);
});

test('clients that never read (reads of 64 KiB asked, a 65535-word write left incomplete) hold at most MAX_PYRPL_CLIENT_BYTES each; another is answered', async (t) => {
  const { server, close } = await servePyrplSim({ seed: 1 }, { onError: () => undefined });
  const honest = await RawClient.open(server.port);
  const deaf = await Promise.all(Array.from({ length: 4 }, () => RawClient.open(server.port)));
  t.teardown(async () => {
    honest.destroy();
    for (const c of deaf) c.destroy();
    await close();
  });
  for (const c of deaf) {
    c.socket.pause(); // reads nothing
    for (let i = 0; i < 200; i++) c.write(readRequest(0x40110000, WORDS)); // 13 MB of replies asked for
    // and the largest write there is, all but its last word: 256 KiB of input held
    c.write(writeRequest(0x40200000 + 0x10000, new Array<number>(65535).fill(0)).subarray(0, 8 + 4 * 65534));
  }
  let most = 0;
  let worstMs = 0;
  for (const started = performance.now(); most < 2 ** 20 && performance.now() - started < 15_000; ) {
    const t0 = performance.now();
    t.is(await readWord(honest, 0x40350200), 11);
    worstMs = Math.max(worstMs, performance.now() - t0);
    most = Math.max(most, server.maxClientBytes);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  await new Promise((resolve) => setTimeout(resolve, 300));
  most = Math.max(most, server.maxClientBytes);
  t.log(`most held for one client: ${(most / 2 ** 20).toFixed(2)} MiB (bound ${MAX_PYRPL_CLIENT_BYTES / 2 ** 20} MiB); honest client's worst round trip ${worstMs.toFixed(1)} ms`);
  t.true(most > 2 ** 20, 'the deaf clients hold replies');
  t.true(most <= MAX_PYRPL_CLIENT_BYTES, `${most} bytes held for one client`);
  t.is(server.connections, 5);
});
