/**
 * Soak: a board server under steady load plus hostile clients, for a stated time, reporting memory,
 * handles and latency over time. Flat is the goal (issue #12).
 *
 * One simulated board (real time) served two ways at once: over SCPI (`startScpiServer`, as
 * `labrx-sim` does) and by the studio (`startStudio`). Clients, all in this process:
 * - 19 SCPI clients streaming data: each reads both channels of the captured trace as big-endian
 *   float32 blocks (`ACQ:SOUR1:DATA?;:ACQ:SOUR2:DATA?`, 131 kB) as fast as replies come;
 * - 1 studio page streaming the scope in Run (decimation 64), acknowledging each frame it draws;
 * - misbehaving: an SCPI client that sends lines of 200 chained data queries and never reads, and
 *   a studio page that acknowledges frames as fast as it can but never reads (issue #12 cases 4, 5);
 *   both are reconnected whenever the server drops them.
 * A probe SCPI client measures `*IDN?` round trips every 20 ms: the delay other clients cause it.
 *
 * Every INTERVAL_S it records heap used, RSS, active handles (sockets, timers), the probe's and the
 * streamers' latency percentiles; at the end, the heap's slope (least squares over the intervals after
 * the first minute's warm-up, MiB per minute).
 *
 * Run alone: npx tsx bench/soak.bench.ts --minutes 3   (or `pnpm bench soak --minutes 3`; default 2;
 * an hour elsewhere: --minutes 60). Writes bench/results/soak.md.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { createConnection } from 'node:net';
import { createSimBoard } from '@labrx/hw-sim';
import { connectScpiBoard, startScpiServer, type ScpiBoard } from '@labrx/scpi';
import { connect, startStudio } from 'labrx';
import { WebSocket } from '../test/helpers/pageSocket.js';

const args = process.argv.slice(2);
const minutesArg = args.indexOf('--minutes');
const MINUTES = minutesArg >= 0 ? Number(args[minutesArg + 1]) : 2;
if (!(MINUTES > 0)) throw new Error(`--minutes must be a positive number, got ${args[minutesArg + 1]}`);
const INTERVAL_S = MINUTES >= 10 ? 60 : 10;
const STREAMERS = 19;
const WARMUP_S = Math.min(60, (MINUTES * 60) / 3);

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

const sim = createSimBoard({ seed: 2026 });
const server = await startScpiServer({ board: sim, port: 0 });
const studioBoard = await connect({ driver: sim });
const studio = await startStudio({ board: studioBoard });
const wsUrl = `ws://127.0.0.1:${studio.port}/ws?token=${studio.token}`;
let running = true;

// a trace in the buffer for the SCPI readers: asg0 drives out1, one acquisition triggered at once
const setup = await connectScpiBoard({ host: '127.0.0.1', port: server.port });
await setup.query('SOUR1:FUNC SINE;:SOUR1:FREQ:FIX 100000;:SOUR1:VOLT 0.5;:OUTPUT1:STATE ON;:ACQ:DEC 64;:ACQ:START;:ACQ:TRig NOW;:SYST:ERR:COUN?');

// the probe
let probeMs: number[] = [];
const probe = await connectScpiBoard({ host: '127.0.0.1', port: server.port, timeoutMs: 30_000 });
const probing = (async () => {
  while (running) {
    const t0 = performance.now();
    await probe.query('*IDN?');
    probeMs.push(performance.now() - t0);
    await sleep(20);
  }
})();

// the streamers
let streamMs: number[] = [];
let streamedBytes = 0;
const streamers: ScpiBoard[] = [];
for (let i = 0; i < STREAMERS; i++) {
  const c = await connectScpiBoard({ host: '127.0.0.1', port: server.port, timeoutMs: 30_000 });
  await c.query('ACQ:DATA:FORMAT BIN;:ACQ:DATA:UNITS VOLTS;:SYST:ERR:COUN?');
  streamers.push(c);
}
const streaming = streamers.map(async (c) => {
  const { firstValueFrom } = await import('rxjs');
  while (running) {
    const t0 = performance.now();
    const reply = await firstValueFrom(c.query$('ACQ:SOUR1:DATA?;:ACQ:SOUR2:DATA?'));
    streamMs.push(performance.now() - t0);
    for (const u of reply) streamedBytes += u.length;
  }
});

// the studio page that behaves
let framesDrawn = 0;
const page = new WebSocket(wsUrl);
page.on('error', () => undefined);
page.on('message', (_d, isBinary) => {
  if (!isBinary) return;
  framesDrawn++;
  page.send(JSON.stringify({ type: 'ack', instrument: 'scope' }));
});
await new Promise<void>((resolve) => page.on('open', resolve));
page.send(JSON.stringify({ type: 'run', instrument: 'scope', mode: 'run', settings: { decimation: 64 } }));

// the misbehaving ones, reconnected when dropped
let hostileReconnects = 0;
function hostileScpi(): void {
  const s = createConnection({ host: '127.0.0.1', port: server.port });
  s.on('error', () => undefined);
  s.on('connect', () => {
    s.pause(); // never reads
    const flood = () => {
      if (!running || s.destroyed) return;
      // one line of 200 chained data queries; more only when the kernel takes it
      if (s.write('ACQ:SOUR1:DATA?' + ';:ACQ:SOUR1:DATA?'.repeat(199) + '\r\n')) setTimeout(flood, 50);
      else s.once('drain', flood);
    };
    flood();
  });
  s.on('close', () => {
    if (running) {
      hostileReconnects++;
      setTimeout(hostileScpi, 100);
    }
  });
  hostiles.push(() => s.destroy());
}
function hostilePage(): void {
  const ws = new WebSocket(wsUrl);
  ws.on('error', () => undefined);
  let timer: ReturnType<typeof setInterval> | undefined;
  ws.on('open', () => {
    ws._socket.pause(); // reads nothing, acknowledges everything
    ws.send(JSON.stringify({ type: 'view', widths: { scope: 8192 } }));
    timer = setInterval(() => ws.send(JSON.stringify({ type: 'ack', instrument: 'scope' })), 2);
  });
  ws.on('close', () => {
    clearInterval(timer);
    if (running) {
      hostileReconnects++;
      setTimeout(hostilePage, 100);
    }
  });
  hostiles.push(() => ws.terminate());
}
const hostiles: (() => void)[] = [];
hostileScpi();
hostilePage();

interface Sample {
  s: number;
  heapMiB: number;
  rssMiB: number;
  handles: number;
  probeP50: number;
  probeP99: number;
  probeMax: number;
  streamP50: number;
  streamP99: number;
  mibPerS: number;
  frames: number;
  maxClientKiB: number;
}
const samples: Sample[] = [];
const started = performance.now();
let lastBytes = 0;
let lastFrames = 0;
let maxClientBytes = 0;
const watchClientBytes = setInterval(() => (maxClientBytes = Math.max(maxClientBytes, server.maxClientBytes)), 100);
console.log(`soak: ${MINUTES} min, ${STREAMERS} SCPI streamers + 1 studio page + 2 misbehaving clients; a row every ${INTERVAL_S} s`);
while (performance.now() - started < MINUTES * 60_000) {
  await sleep(INTERVAL_S * 1000);
  const p = [...probeMs].sort((a, b) => a - b);
  const st = [...streamMs].sort((a, b) => a - b);
  probeMs = [];
  streamMs = [];
  const mem = process.memoryUsage();
  const row: Sample = {
    s: Math.round((performance.now() - started) / 1000),
    heapMiB: mem.heapUsed / 2 ** 20,
    rssMiB: mem.rss / 2 ** 20,
    handles: process.getActiveResourcesInfo().length,
    probeP50: percentile(p, 50),
    probeP99: percentile(p, 99),
    probeMax: p.at(-1) ?? NaN,
    streamP50: percentile(st, 50),
    streamP99: percentile(st, 99),
    mibPerS: (streamedBytes - lastBytes) / 2 ** 20 / INTERVAL_S,
    frames: framesDrawn - lastFrames,
    maxClientKiB: maxClientBytes / 1024,
  };
  lastBytes = streamedBytes;
  lastFrames = framesDrawn;
  maxClientBytes = 0;
  samples.push(row);
  console.log(
    `${String(row.s).padStart(5)} s  heap ${row.heapMiB.toFixed(1)} MiB  rss ${row.rssMiB.toFixed(0)} MiB  handles ${row.handles}  ` +
      `probe p50/p99/max ${row.probeP50.toFixed(1)}/${row.probeP99.toFixed(1)}/${row.probeMax.toFixed(1)} ms  ` +
      `stream p50/p99 ${row.streamP50.toFixed(1)}/${row.streamP99.toFixed(1)} ms  ${row.mibPerS.toFixed(1)} MiB/s  studio ${row.frames} frames  ` +
      `most held for one SCPI client ${row.maxClientKiB.toFixed(0)} KiB`,
  );
}

running = false;
clearInterval(watchClientBytes);
for (const h of hostiles) h();
page.close();
await probing;
await Promise.allSettled(streaming);
for (const c of [...streamers, probe, setup]) await c.close();
await studio.close();
await studioBoard.close();
await server.close();
await sim.close();

// heap slope after the warm-up: least squares of heap (MiB) on time (min)
const after = samples.filter((r) => r.s >= WARMUP_S);
const fit = after.length >= 2 ? after : samples;
const mx = fit.reduce((a, r) => a + r.s / 60, 0) / fit.length;
const my = fit.reduce((a, r) => a + r.heapMiB, 0) / fit.length;
const slope = fit.reduce((a, r) => a + (r.s / 60 - mx) * (r.heapMiB - my), 0) / fit.reduce((a, r) => a + (r.s / 60 - mx) ** 2, 0);
const worstProbe = Math.max(...samples.map((r) => r.probeMax));
const worstClient = Math.max(...samples.map((r) => r.maxClientKiB));
console.log(`heap slope after ${WARMUP_S} s: ${slope.toFixed(3)} MiB/min; worst probe round trip ${worstProbe.toFixed(1)} ms; hostile reconnects ${hostileReconnects}; studio pages dropped ${studio.droppedPages}`);

mkdirSync('bench/results', { recursive: true });
writeFileSync(
  'bench/results/soak.md',
  `## Soak (bench/soak.bench.ts)

\`pnpm bench soak --minutes ${MINUTES}\`: one simulated board served over SCPI and by the studio for ${MINUTES} min;
${STREAMERS} SCPI clients streaming both channels as float32 blocks, one studio page streaming the scope (Run,
acknowledging), one SCPI client flooding lines of 200 chained data queries without reading, one studio page
acknowledging without reading (both reconnected when dropped: ${hostileReconnects} times). A probe client's
\`*IDN?\` round trip is the delay the others cause. Everything runs in one Node process on a shared machine
(2 cores, other work running), so latencies include the clients' own CPU.

| t (s) | heap (MiB) | RSS (MiB) | handles | probe p50 / p99 / max (ms) | stream p50 / p99 (ms) | streamed (MiB/s) | studio frames | most held for one SCPI client (KiB) |
|---:|---:|---:|---:|---|---|---:|---:|---:|
${samples.map((r) => `| ${r.s} | ${r.heapMiB.toFixed(1)} | ${r.rssMiB.toFixed(0)} | ${r.handles} | ${r.probeP50.toFixed(1)} / ${r.probeP99.toFixed(1)} / ${r.probeMax.toFixed(1)} | ${r.streamP50.toFixed(1)} / ${r.streamP99.toFixed(1)} | ${r.mibPerS.toFixed(1)} | ${r.frames} | ${r.maxClientKiB.toFixed(0)} |`).join('\n')}

Heap slope after the first ${WARMUP_S} s (least squares): **${slope.toFixed(3)} MiB/min**. Worst probe round trip:
**${worstProbe.toFixed(1)} ms**. Most bytes the SCPI server held for one client: **${worstClient.toFixed(0)} KiB** (bound 2048 KiB).
Studio pages dropped for exceeding 8 MiB unsent: ${studio.droppedPages}.
`,
);
console.log('wrote bench/results/soak.md');
process.exit(0);
