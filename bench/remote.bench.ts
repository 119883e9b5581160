/**
 * Boards over NATS (docs/decisions/0011-remote-boards.md):
 *
 * 1. `scope.single` latency and traces/s through NATS (nats-server on loopback, the board server in
 *    this process) against the same simulated board in-process — the baseline of the same run.
 * 2. One board served by `labrx serve` in its own process, streamed to 1, 10 and 50 subscribers
 *    (each its own client and NATS connection, in this process): the board server's CPU (from
 *    /proc/<pid>/stat) and bytes (nats-server's /connz in_bytes of its connection) per acquired
 *    trace, against the 1-subscriber row.
 *
 * Real time, on purpose (the network and the CPU are what is measured). Needs nats-server
 * (apt-get install nats-server). Run alone: npx tsx bench/remote.bench.ts (writes bench/results/remote.md)
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { createSimBoard } from '@labrx/hw-sim';
import { Board } from '@labrx/instruments';
import { connectNats, serveBoards } from '@labrx/remote';
import { connect } from 'labrx';
import { freePort, NATS_SERVER } from '../test/helpers/natsServer.js';

if (!NATS_SERVER) {
  console.error('bench/remote: nats-server is not installed (apt-get install nats-server)');
  process.exit(1);
}

const port = await freePort();
const monitorPort = await freePort();
const nats = spawn(NATS_SERVER, ['-a', '127.0.0.1', '-p', String(port), '-m', String(monitorPort)], { stdio: 'ignore' });
const natsUrl = `nats://127.0.0.1:${port}`;
await new Promise((r) => setTimeout(r, 500));

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * p))]!;

// ---- 1. single latency, in-process vs NATS (server in this process: both pay the same simulation)
const DEC_SINGLE = 1; // 16384 / 125 MHz = 0.131 ms of acquisition: the transport's overhead shows
const N_SINGLE = 200;
const local = new Board(createSimBoard({ seed: 1 }));
const nc = await connectNats(natsUrl);
const served = new Board(createSimBoard({ seed: 1 }));
const server = await serveBoards({ nats: nc, name: 'bench', boards: [served] });
const remote = await connect(`${natsUrl}/bench/board0`);
const lat = { local: [] as number[], remote: [] as number[] };
for (let i = 0; i < 20; i++) {
  await local.scope.single({ decimation: DEC_SINGLE });
  await remote.scope.single({ decimation: DEC_SINGLE });
}
for (let i = 0; i < N_SINGLE; i++) {
  let t0 = performance.now();
  await local.scope.single({ decimation: DEC_SINGLE });
  lat.local.push(performance.now() - t0);
  t0 = performance.now();
  await remote.scope.single({ decimation: DEC_SINGLE });
  lat.remote.push(performance.now() - t0);
}
// streamed traces/s over 2 s each
async function streamRate(b: Board, ms: number): Promise<number> {
  let n = 0;
  const t0 = performance.now();
  for await (const _ of b.scope.stream({ decimation: DEC_SINGLE }, { bufferSize: 1 })) {
    n++;
    if (performance.now() - t0 > ms) break;
  }
  return n / ((performance.now() - t0) / 1000);
}
const rateLocal = await streamRate(local, 2000);
const rateRemote = await streamRate(remote, 2000);
await remote.close();
await server.close();
await nc.close();
await served.close();
await local.close();
console.log(`single: in-process median ${median(lat.local).toFixed(2)} ms, NATS ${median(lat.remote).toFixed(2)} ms; stream ${rateLocal.toFixed(0)} vs ${rateRemote.toFixed(0)} traces/s`);

// ---- 2. fan-out: labrx serve in its own process
const serveProc: ChildProcess = spawn(process.execPath, ['packages/labrx/bin/labrx.mjs', 'serve', '--nats', natsUrl, '--name', 'fan', '--board', 'sim', '--seed', '2'], { stdio: ['ignore', 'pipe', 'ignore'] });
await new Promise<void>((resolve, reject) => {
  let out = '';
  serveProc.stdout!.on('data', (c: Buffer) => ((out += c.toString()), out.includes('labrx serve:') && resolve()));
  serveProc.once('exit', (code) => reject(new Error(`labrx serve exited ${code}`)));
});
const TICK_S = 1 / 100; // USER_HZ on Linux
const cpuSeconds = (pid: number): number => {
  const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(f[11]) + Number(f[12])) * TICK_S; // utime, stime (fields 14, 15)
};
const serverInBytes = async (): Promise<number> => {
  const r = (await (await fetch(`http://127.0.0.1:${monitorPort}/connz?limit=1024`)).json()) as { connections: { name?: string; in_bytes: number }[] };
  return r.connections.filter((c) => c.name === 'labrx serve fan').reduce((s, c) => s + c.in_bytes, 0);
};
const DEC_FAN = 256; // 16384 · 256 / 125 MHz = 33.6 ms per acquisition: ~30 traces/s to share
const WINDOW_MS = 4000;
interface FanRow { subs: number; traces: number; cpuMsPerTrace: number; bytesPerTrace: number; delivered: number }
const rows: FanRow[] = [];
for (const subs of [1, 10, 50]) {
  const clients = await Promise.all(Array.from({ length: subs }, () => connect(`${natsUrl}/fan/board0`)));
  const seen = new Set<number>();
  let delivered = 0;
  const subsList = clients.map((c) => c.scope.stream$({ decimation: DEC_FAN }).subscribe({ next: (t) => (seen.add(t.timestamp), delivered++), error: (e: unknown) => console.error(e) }));
  await new Promise((r) => setTimeout(r, 1000)); // warm up: every client streaming
  seen.clear();
  delivered = 0;
  const cpu0 = cpuSeconds(serveProc.pid!);
  const bytes0 = await serverInBytes();
  await new Promise((r) => setTimeout(r, WINDOW_MS));
  const cpu1 = cpuSeconds(serveProc.pid!);
  const bytes1 = await serverInBytes();
  const traces = seen.size;
  for (const s of subsList) s.unsubscribe();
  await Promise.all(clients.map((c) => c.close()));
  rows.push({ subs, traces, cpuMsPerTrace: ((cpu1 - cpu0) * 1000) / traces, bytesPerTrace: (bytes1 - bytes0) / traces, delivered });
  console.log(`${subs} subscribers: ${traces} acquisitions shared, ${delivered} deliveries, server ${(((cpu1 - cpu0) * 1000) / traces).toFixed(2)} ms CPU and ${((bytes1 - bytes0) / traces / 1024).toFixed(0)} KiB sent per acquisition`);
  await new Promise((r) => setTimeout(r, 300));
}
serveProc.kill('SIGTERM');
await new Promise((r) => serveProc.once('exit', r));
nats.kill('SIGTERM');

const cpu = readFileSync('/proc/cpuinfo', 'utf8').match(/model name\s*:\s*(.*)/)?.[1] ?? cpus()[0]?.model ?? 'unknown';
const base = rows[0]!;
mkdirSync('bench/results', { recursive: true });
writeFileSync(
  'bench/results/remote.md',
  `## Boards over NATS (bench/remote.bench.ts)

Command: \`npx tsx bench/remote.bench.ts\`. Machine: ${cpus().length} × ${cpu}, Node ${process.version}; nats-server on loopback.
Figures are from one run on a shared 2-core machine; trust the ratios more than the absolute numbers.

**scope.single, decimation ${DEC_SINGLE}** (0.131 ms of acquisition; ${N_SINGLE} calls each, alternating; the board server in this process):

| path | median latency | p90 | streamed traces/s |
|---|---|---|---|
| in-process Board (baseline) | ${median(lat.local).toFixed(2)} ms | ${pct(lat.local, 0.9).toFixed(2)} ms | ${rateLocal.toFixed(0)} |
| through NATS (credit request, 262 KiB trace frame back) | ${median(lat.remote).toFixed(2)} ms (${(median(lat.remote) / median(lat.local)).toFixed(1)}×) | ${pct(lat.remote, 0.9).toFixed(2)} ms | ${rateRemote.toFixed(0)} (${(rateRemote / rateLocal).toFixed(2)}×) |

**One board (\`labrx serve\`, own process) streamed to N subscribers**, decimation ${DEC_FAN} (33.6 ms per acquisition), ${WINDOW_MS / 1000} s window:

| subscribers | acquisitions | deliveries | server CPU per acquisition | server bytes sent per acquisition | ratio to 1 subscriber (CPU, bytes) |
|---|---|---|---|---|---|
${rows.map((r) => `| ${r.subs} | ${r.traces} | ${r.delivered} | ${r.cpuMsPerTrace.toFixed(2)} ms | ${(r.bytesPerTrace / 1024).toFixed(0)} KiB | ${(r.cpuMsPerTrace / base.cpuMsPerTrace).toFixed(2)}, ${(r.bytesPerTrace / base.bytesPerTrace).toFixed(2)} |`).join('\n')}

The acquisitions column is the board's own work: one loop whatever the number of subscribers (sharing).
What grows with subscribers is the sending: each subscriber's credit is answered with its own copy of the
trace frame (per-subscriber flow control, decision 0011), so bytes grow as N × 262 KiB — up to what the
subscribers can take: all N clients here share this process's CPU, and where deliveries fall short of
N × acquisitions the slow ones got the newest trace on each credit and skipped the rest (latest-only, no queue).
The frame is encoded once per acquisition.
`,
);
console.log('wrote bench/results/remote.md');
process.exit(0);
