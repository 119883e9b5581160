/**
 * Boards over NATS (docs/decisions/0011-remote-boards.md):
 *
 * 1. `scope.single` latency and traces/s through NATS (nats-server on loopback, the board server in
 *    this process) against the same simulated board in-process — the baseline of the same run.
 * 2. One board served by `labrx serve` in its own process, streamed to 1, 10 and 50 subscribers
 *    (each its own client and NATS connection, in this process): the board server's CPU (from
 *    /proc/<pid>/stat) and bytes (nats-server's /connz in_bytes of its connection) per acquired
 *    trace, against the 1-subscriber row.
 * 3. A fleet of 600 simulated boards in three `labrx serve` processes, one acquisition each through
 *    `fleet.scope.single`: wall time against one acquisition's duration and one board through NATS.
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
import { connect, connectMany } from 'labrx';
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

// ---- 3. a fleet of 600 boards in three `labrx serve` processes, one acquisition each
const FLEET_SERVERS = 3;
const FLEET_PER_SERVER = 200;
const DEC_FLEET = 8192; // 16384 · 8192 / 125 MHz = 1.074 s per acquisition
const ONE_ACQ_S = (16384 * DEC_FLEET) / 125e6;
const fleetProcs: ChildProcess[] = [];
await Promise.all(
  Array.from({ length: FLEET_SERVERS }, (_, s) => {
    const args = ['packages/labrx/bin/labrx.mjs', 'serve', '--nats', natsUrl, '--name', `fleet${s}`, '--seed', String(1000 * s)];
    for (let i = 0; i < FLEET_PER_SERVER; i++) args.push('--board', 'sim');
    const proc = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'ignore'] });
    fleetProcs.push(proc);
    return new Promise<void>((resolve, reject) => {
      let out = '';
      proc.stdout!.on('data', (c: Buffer) => ((out += c.toString()), out.includes('labrx serve:') && resolve()));
      proc.once('exit', (code) => reject(new Error(`labrx serve fleet${s} exited ${code}`)));
    });
  }),
);
const fleetUrls = Array.from({ length: FLEET_SERVERS * FLEET_PER_SERVER }, (_, k) => `${natsUrl}/fleet${k % FLEET_SERVERS}/board${Math.floor(k / FLEET_SERVERS)}`);
const tc0 = performance.now();
const fleet = await connectMany(fleetUrls);
const connectS = (performance.now() - tc0) / 1000;
// one board alone through NATS, same settings, same run: the baseline next to the ideal ONE_ACQ_S
const one = fleet.boards[0]!;
await one.scope.single({ decimation: 64 }); // warm up the path
let t0 = performance.now();
await one.scope.single({ decimation: DEC_FLEET });
const oneS = (performance.now() - t0) / 1000;
t0 = performance.now();
const fleetTraces = await fleet.scope.single({ decimation: DEC_FLEET });
const fleetS = (performance.now() - t0) / 1000;
const fleetOk = fleetTraces.filter((r) => r.value.ch1.length === 16384).length;
await fleet.close();
for (const p of fleetProcs) p.kill('SIGTERM');
await Promise.all(fleetProcs.map((p) => new Promise((r) => p.once('exit', r))));
console.log(`fleet: ${fleetOk}/${fleetUrls.length} boards in ${FLEET_SERVERS} servers: ${fleetS.toFixed(2)} s for one acquisition each (one acquisition ${ONE_ACQ_S.toFixed(3)} s; one board through NATS ${oneS.toFixed(2)} s); connecting took ${connectS.toFixed(1)} s`);
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

**A fleet of ${fleetUrls.length} boards in ${FLEET_SERVERS} \`labrx serve\` processes** (${FLEET_PER_SERVER} simulated boards each), one \`fleet.scope.single\` at decimation ${DEC_FLEET} (one acquisition: ${ONE_ACQ_S.toFixed(3)} s):

| what | wall time | ratio to one acquisition |
|---|---|---|
| one board through NATS (baseline, same run) | ${oneS.toFixed(2)} s | ${(oneS / ONE_ACQ_S).toFixed(2)} |
| all ${fleetUrls.length} boards at once (${fleetOk} traces back) | ${fleetS.toFixed(2)} s | ${(fleetS / ONE_ACQ_S).toFixed(2)} |

Connecting to the ${fleetUrls.length} boards (an info request each) took ${connectS.toFixed(1)} s. The three servers and this
client share the machine's ${cpus().length} cores: each server simulates its ${FLEET_PER_SERVER} boards' traces (about 1 ms of CPU per
16384-sample trace) and sends 262 KiB per trace through nats-server, so what the fleet adds beyond one acquisition
is that CPU and those ${((fleetUrls.length * 262) / 1024).toFixed(0)} MiB on loopback, not ${fleetUrls.length} acquisitions one after the other.
`,
);
console.log('wrote bench/results/remote.md');
process.exit(0);
