/**
 * Fleet cost: wall time and memory for 1, 10, 100 and 1000 embedded simulated boards, and for 1, 10
 * and 100 boards over SCPI on loopback (each its own `startScpiServer` on its own port, in this same
 * process), each board doing one scope acquisition, all at once through `fleet.scope.single`.
 *
 * Real time, on purpose: virtual time makes the waits free and so cannot show what a fleet costs
 * the host. The acquisition is kept short (decimation 64: 16384 × 64 / 125 MHz = 8.39 ms) so that
 * what grows with the number of boards — the host's CPU work per board (computing or transferring
 * 2 × 16384 samples, the RxJS pipeline, the lease) — shows instead of the wait.
 *
 * Baseline, same run: the same boards doing the same acquisition through a bare
 * `Promise.all(boards.map((b) => b.scope.single(s)))` (no asyncMap, no tagging), so the ratio is the
 * fleet layer's own overhead; and the 1-board row, so the growth with N reads off the table.
 *
 * Run alone: npx tsx bench/fleet.bench.ts   (writes bench/results/fleet.md)
 */
import { execSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { connectMany, createSimBoard, type Fleet } from 'labrx';
import { startScpiServer } from '@labrx/scpi';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

const DECIMATION = 64;
const ACQ_MS = ((16384 * DECIMATION) / 125e6) * 1e3;
const settings = { decimation: DECIMATION };
const MB = 1024 * 1024;

interface Row {
  kind: string;
  n: number;
  connectMs: number;
  fleetMs: number;
  bareMs: number;
  heapPerBoardKiB: number;
  peakHeapMiB: number;
  rssMiB: number;
}

/** JS memory in bytes: the V8 heap plus ArrayBuffer backing stores (where the traces' samples live). */
const jsMemory = (): number => {
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
};

/** Full collections with turns of the event loop between, so closed sockets and boards are gone. */
async function collect(rounds = 4): Promise<void> {
  for (let i = 0; i < rounds; i++) {
    gc();
    await new Promise((r) => setImmediate(r));
  }
}

/**
 * Best-of-`reps` wall time (ms) of one acquisition per board, fleet face and bare Promise.all
 * alternating: the best run is the one least disturbed by other work on the machine.
 */
async function timeAcquisitions(fleet: Fleet, reps: number): Promise<{ fleetMs: number; bareMs: number; peakHeapMiB: number }> {
  const fleetRuns: number[] = [];
  const bareRuns: number[] = [];
  let peak = 0;
  for (let r = 0; r < reps; r++) {
    // Collect before each timed run, so neither pays for the garbage the other left.
    await collect(1);
    let t0 = performance.now();
    const a = await fleet.scope.single(settings);
    fleetRuns.push(performance.now() - t0);
    peak = Math.max(peak, jsMemory()); // the results are still held here
    if (a.length !== fleet.size) throw new Error('missing results');
    await collect(1);
    t0 = performance.now();
    const b = await Promise.all(fleet.boards.map((board) => board.scope.single(settings)));
    bareRuns.push(performance.now() - t0);
    if (b.length !== fleet.size) throw new Error('missing results');
  }
  return { fleetMs: Math.min(...fleetRuns), bareMs: Math.min(...bareRuns), peakHeapMiB: peak / MB };
}

async function measure(kind: string, n: number, open: () => Promise<{ fleet: Fleet; stop: () => Promise<void> }>): Promise<Row> {
  await collect();
  const heap0 = jsMemory();
  const t0 = performance.now();
  const { fleet, stop } = await open();
  const connectMs = performance.now() - t0;
  await collect();
  const heapPerBoardKiB = (jsMemory() - heap0) / 1024 / n;
  await fleet.scope.single({ decimation: 1 }); // warm-up: JIT, sockets, leases
  const reps = n >= 1000 ? 2 : 5;
  const { fleetMs, bareMs, peakHeapMiB } = await timeAcquisitions(fleet, reps);
  const rssMiB = process.memoryUsage().rss / MB;
  await fleet.close();
  await stop();
  const row = { kind, n, connectMs, fleetMs, bareMs, heapPerBoardKiB, peakHeapMiB, rssMiB };
  console.log(
    `${kind.padEnd(9)} ${String(n).padStart(5)} boards: connect ${connectMs.toFixed(1)} ms, one acquisition each ${fleetMs.toFixed(1)} ms (bare Promise.all ${bareMs.toFixed(1)} ms, ×${(fleetMs / bareMs).toFixed(2)}), ` +
      `${((fleetMs - ACQ_MS) / n).toFixed(3)} ms/board over the ${ACQ_MS.toFixed(2)} ms wait, ${heapPerBoardKiB.toFixed(1)} KiB/board at rest, peak ${peakHeapMiB.toFixed(0)} MiB`,
  );
  return row;
}

const rows: Row[] = [];
for (const n of [1, 10, 100, 1000]) {
  rows.push(await measure('embedded', n, async () => ({ fleet: await connectMany({ sim: { count: n } }), stop: async () => undefined })));
}

// SCPI: each board its own server (own port, own seed), served from this process.
let scpiNote = '';
const start = startScpiServer;
{
  try {
    for (const n of [1, 10, 100]) {
      rows.push(
        await measure('scpi', n, async () => {
          const servers = await Promise.all(Array.from({ length: n }, (_, i) => start({ board: createSimBoard({ seed: 1000 + i }), host: '127.0.0.1', port: 0 })));
          const fleet = await connectMany(servers.map((s) => s.url));
          return { fleet, stop: async () => void (await Promise.all(servers.map((s) => s.close()))) };
        }),
      );
    }
  } catch (error) {
    scpiNote = `SCPI rows stopped: ${(error as Error).message}`;
    console.log(scpiNote);
  }
}

const base = rows[0]!;
const cpu = readFileSync('/proc/cpuinfo', 'utf8').match(/model name\s*:\s*(.*)/)?.[1] ?? cpus()[0]?.model ?? 'unknown';
const nproc = execSync('nproc').toString().trim();
const table = rows
  .map((r) => {
    const perBoard = (r.fleetMs - ACQ_MS) / r.n;
    return `| ${r.kind} | ${r.n} | ${r.connectMs.toFixed(1)} | ${(r.connectMs / r.n).toFixed(3)} | ${r.fleetMs.toFixed(1)} | ${(r.fleetMs / base.fleetMs).toFixed(2)} | ${perBoard.toFixed(3)} | ${r.bareMs.toFixed(1)} | ${(r.fleetMs / r.bareMs).toFixed(2)} | ${r.heapPerBoardKiB.toFixed(1)} | ${r.peakHeapMiB.toFixed(0)} | ${r.rssMiB.toFixed(0)} |`;
  })
  .join('\n');
const perBoard = (r: Row): number => (r.fleetMs - ACQ_MS) / r.n;
const growth = (kind: string): string => {
  const rs = rows.filter((r) => r.kind === kind && r.n >= 10);
  if (rs.length < 2) return '';
  const first = rs[0]!;
  const last = rs[rs.length - 1]!;
  return `- ${kind}: host work per board ${perBoard(first).toFixed(2)} ms at ${first.n} boards, ${rs.slice(1).map((r) => `${perBoard(r).toFixed(2)} ms at ${r.n}`).join(', ')} (× ${(perBoard(last) / perBoard(first)).toFixed(2)} from ${first.n} to ${last.n}); memory at rest ${last.heapPerBoardKiB.toFixed(1)} KiB per board.`;
};
const overhead = rows.map((r) => r.fleetMs / r.bareMs);
const notes = [
  growth('embedded'),
  growth('scpi'),
  `- The fleet layer (asyncMap, tagging, progress) against a bare Promise.all over the same boards: × ${Math.min(...overhead).toFixed(2)} … × ${Math.max(...overhead).toFixed(2)} across the rows (1.00 = no overhead; the spread is run-to-run noise).`,
  scpiNote ? `- ${scpiNote}` : '',
]
  .filter(Boolean)
  .join('\n');
const md = `## Fleet: wall time and memory from 1 to 1000 boards (bench/fleet.bench.ts)

Machine: Node ${process.version}, ${nproc} cores (\`nproc\`), CPU ${cpu}.
Command: \`npx tsx bench/fleet.bench.ts\`.

Every board takes one scope acquisition at decimation ${DECIMATION} (${ACQ_MS.toFixed(2)} ms on the hardware), all boards
at once through \`fleet.scope.single\`, in **real time** (virtual time would make the waits free and hide the host's cost;
the small decimation keeps the wait short so the per-board work shows). "Per board" is (wall − ${ACQ_MS.toFixed(2)} ms) / N:
the host's serial work for each board (simulating or transferring 2 × 16384 samples, pipeline, lease). Baselines from the
same run: the 1-board row (× 1 board), and the same boards through a bare \`Promise.all(boards.map(b => b.scope.single()))\`
(× bare: the fleet layer's own overhead). Embedded boards are simulated on this CPU; SCPI boards are served by
\`startScpiServer\` (one per board, own port) in the same process, so their rows pay for both ends of the socket.
Best of 5 (2 for 1000 boards) alternating runs after one warm-up, with a full GC before each run. Memory is the V8 heap plus ArrayBuffers: "KiB/board"
is its growth from connecting N boards (after GC) divided by N, what a board costs at rest; "peak" is measured while
the results are held (a trace is 2 × 16384 doubles = 256 KiB per board, plus what the simulator allocates per acquisition).
For N = 1 the at-rest figure is within the GC's noise (about ±100 KiB) and can even come out negative. Figures are from one run
on a shared ${nproc}-core machine where other work may be running: read the ratios and the growth, not the absolute values.

| boards | N | connect ms | connect ms/board | one acquisition each, wall ms | × 1 board | host ms/board | bare Promise.all ms | × bare | memory KiB/board at rest | peak memory MiB | rss MiB |
|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|
${table}

${notes}
`;
mkdirSync(new URL('./results/', import.meta.url), { recursive: true });
writeFileSync(new URL('./results/fleet.md', import.meta.url), md);
console.log('\nwrote bench/results/fleet.md');
