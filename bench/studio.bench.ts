/**
 * Studio throughput: frames per second of 2 × 16384-point scope traces received and drawn by the
 * page in headless Chromium (Debian's, no GPU), and the CPU the studio's server adds to the
 * acquisition itself.
 *
 * One board (the embedded simulator, real time: virtual time would make acquisitions free and
 * show nothing), asg0 sending a 100 kHz, 0.5 V sine on out1, scope in Run at decimation 64
 * (16384 × 64 / 125 MHz = 8.4 ms per trace, so acquisitions could feed ~100 frames/s and the
 * page, not the board, is what limits the frame rate).
 *
 * Rows, one after the other in this process, each measured over WINDOW_S seconds after a warm-up:
 * 1. acquisition alone: `scope.stream$` subscribed with nothing else (the baseline for CPU);
 * 2. the studio as shipped: min/max envelopes of 2 × plot width per channel, at most one draw per
 *    animation frame, frames sent only as the page acknowledges drawing them;
 * 3. the studio sending whole 16384-point traces (session option fixedWidth 8192): the baseline
 *    for drawing — what uPlot manages with full traces.
 * CPU is this Node process's user + system time (server and simulator; Chromium runs in its own
 * processes) over wall time, in % of one core. "Added" subtracts the acquisition's own cost at the
 * rate the row achieved (CPU per acquisition from row 1 × acquisitions of the row).
 *
 * Run alone: npx tsx bench/studio.bench.ts   (writes bench/results/studio.md)
 */
import { execSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { CHROMIUM, launchChromium } from '../test/helpers/chromium.js';
import { connect, resonator, startStudio, type Board } from 'labrx';

/** The page's `window.labrx` (page.evaluate callbacks run in the browser; Node has no `window`). */
declare const window: { labrx?: { ready: boolean; scope: PageStats } };

const DECIMATION = 64;
const WARMUP_S = 2;
const WINDOW_S = 8;

interface Row {
  name: string;
  seconds: number;
  acquisitions: number;
  cpuMs: number;
  received?: number;
  drawn?: number;
  points?: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function cpuMs(): number {
  const c = process.cpuUsage();
  return (c.user + c.system) / 1000;
}

async function acquisitionAlone(board: Board): Promise<Row> {
  let n = 0;
  const sub = board.scope.stream$({ decimation: DECIMATION }).subscribe({ next: () => n++ });
  await sleep(WARMUP_S * 1000);
  const n0 = n;
  const c0 = cpuMs();
  const t0 = performance.now();
  await sleep(WINDOW_S * 1000);
  const row = { name: 'acquisition alone (scope.stream$, no studio)', seconds: (performance.now() - t0) / 1000, acquisitions: n - n0, cpuMs: cpuMs() - c0 };
  sub.unsubscribe();
  return row;
}

type PageStats = { seq: number; received: number; drawn: number; nPoints: number };
const pageStats = (page: Page) =>
  page.evaluate(() => {
    const s = window.labrx!.scope;
    return { seq: s.seq, received: s.received, drawn: s.drawn, nPoints: s.nPoints };
  });

async function studioRow(board: Board, name: string, fixedWidth: number | undefined): Promise<Row> {
  const studio = await startStudio({ board, ...(fixedWidth !== undefined ? { session: { fixedWidth } } : {}) });
  const { context, close } = await launchChromium();
  try {
    const page = await context.newPage();
    await page.goto(studio.url);
    await page.waitForFunction(() => window.labrx?.ready === true);
    // the settings are in the panel's Settings menu
    await page.click('#scope details.settings > summary');
    await page.selectOption('#scope [data-setting=decimation]', String(DECIMATION));
    await page.click('#scope details.settings > summary');
    await page.click('#scope [data-run=run]');
    await sleep(WARMUP_S * 1000);
    const p0 = await pageStats(page);
    const c0 = cpuMs();
    const t0 = performance.now();
    await sleep(WINDOW_S * 1000);
    const c1 = cpuMs();
    const seconds = (performance.now() - t0) / 1000;
    const p1 = await pageStats(page);
    await page.click('#scope [data-run=stop]');
    return { name, seconds, acquisitions: p1.seq - p0.seq, cpuMs: c1 - c0, received: p1.received - p0.received, drawn: p1.drawn - p0.drawn, points: p1.nPoints };
  } finally {
    await close();
    await studio.close();
  }
}

if (!existsSync(CHROMIUM)) {
  console.error(`bench/studio: ${CHROMIUM} is absent (apt-get install -y chromium); nothing measured`);
  process.exit(1);
}

const board = await connect({ sim: { seed: 7, dut: resonator({ f0: 1e6, q: 20, gain: 0.5 }) } });
await board.asg0.set({ frequency: 1e5, amplitude: 0.5, output: 'out1' });
const alone = await acquisitionAlone(board);
const envelopes = await studioRow(board, 'studio: min/max envelopes (as shipped)', undefined);
const full = await studioRow(board, 'studio: whole 16384-point traces (baseline)', 8192);
await board.close();

const cpuPerAcq = alone.cpuMs / alone.acquisitions;
const pct = (ms: number, s: number) => (ms / 10 / s).toFixed(1);
const lines = [alone, envelopes, full].map((r) => {
  const added = r.received === undefined ? '—' : pct(r.cpuMs - cpuPerAcq * r.acquisitions, r.seconds);
  return `| ${r.name} | ${(r.acquisitions / r.seconds).toFixed(1)} | ${r.received === undefined ? '—' : (r.received / r.seconds).toFixed(1)} | ${r.drawn === undefined ? '—' : (r.drawn / r.seconds).toFixed(1)} | ${r.points ?? '—'} | ${pct(r.cpuMs, r.seconds)} | ${added} |`;
});
const fps = (envelopes.drawn ?? 0) / envelopes.seconds;
const fpsFull = (full.drawn ?? 0) / full.seconds;
const addedPct = (envelopes.cpuMs - cpuPerAcq * envelopes.acquisitions) / 10 / envelopes.seconds;
const perFrameMs = (envelopes.cpuMs - cpuPerAcq * envelopes.acquisitions) / (envelopes.received ?? 1);

const cpu = /model name\s*:\s*(.*)/.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1] ?? 'unknown CPU';
const nproc = execSync('nproc').toString().trim();
const md = `## Studio: scope frames per second in the browser, and the server's CPU

Machine: Node ${process.version}, ${nproc} cores (\`nproc\`), ${cpu}; Chromium: Debian's \`${CHROMIUM}\`, headless, \`--disable-gpu\`.
Command: \`npx tsx bench/studio.bench.ts\`.

Scope in Run at decimation ${DECIMATION} (8.4 ms per 2 × 16384-sample trace) on the embedded simulator, real time; one page
(viewport 1400 × 1000, scope plot about 600 px wide) connected over the WebSocket. Each row: ${WARMUP_S} s warm-up, then
${WINDOW_S} s measured. *Received* and *drawn* are counted in the page (\`window.labrx.scope\`); *points* is values per
channel per frame. CPU is the Node process (server + simulator) in % of one core; *added* subtracts the acquisition's own
cost (row 1's CPU per acquisition × the row's acquisitions). Figures are from one run on a shared 2-core machine where
other work may be running: read the ratios, not the absolute rates.

| row | acquisitions/s | frames received/s | frames drawn/s | points | CPU % | added CPU % |
|---|---:|---:|---:|---:|---:|---:|
${lines.join('\n')}

- Envelopes draw **${fps.toFixed(1)} frames/s**, ${(fps / Math.max(fpsFull, 1e-9)).toFixed(2)} × the whole-trace baseline (${fpsFull.toFixed(1)} frames/s).
- The server adds **${addedPct.toFixed(1)} %** of a core over the acquisition alone (${perFrameMs.toFixed(2)} ms of CPU per frame sent: envelope, framing, WebSocket).
- Targets (issue #7): ≥ 30 frames/s of 2 × 16384-point traces to one browser; the server adds < 10 % CPU over the acquisition.
  ${fps >= 30 && addedPct < 10 ? 'Met in this run.' : `Not met in this run (${fps < 30 ? `${fps.toFixed(1)} frames/s` : ''}${fps < 30 && addedPct >= 10 ? ', ' : ''}${addedPct >= 10 ? `${addedPct.toFixed(1)} % added CPU` : ''}).`}
- Frames go out only as the page acknowledges drawing the previous ones (at most 1 in flight), and the page draws at most
  once per animation frame, so a slow page gets fewer, newer frames rather than a growing queue; acquisitions not sent cost
  the server nothing but a pointer.
`;
mkdirSync('bench/results', { recursive: true });
writeFileSync('bench/results/studio.md', md);
console.log(md);
