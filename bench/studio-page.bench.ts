/**
 * The studio page with everything live (issue #17): frames per second drawn and the page's own
 * CPU in headless Chromium (Debian's, no GPU), at 1400 × 900.
 *
 * Rows, one after the other in this process, each measured over WINDOW_S seconds after a warm-up,
 * on the same simulated board (real time) with the demonstration's generator (950 kHz sine on out1
 * into the 1 MHz resonator):
 * 1. baseline: the scope alone in Run (decimation 1, triggered), the other panels idle;
 * 2. everything: the demonstration (scope and spectrum analyzer in Run, taking turns with the
 *    scope), the network analyzer in Run (sweep after sweep, drawn point by point) and one custom
 *    pipeline shown with `studio.show` (a (t, value) series at 50 points/s).
 * Frames/s: animation frames in which the page drew at least one plot; per plot: frames drawn by
 * it. Page CPU: Chromium's main-thread task time (CDP Performance.getMetrics TaskDuration) over
 * wall time, in % of one core. Ratios are row 2 over row 1 of the same run.
 *
 * Run: pnpm bench studio-page   (writes bench/results/studio-page.md)
 */
import { execSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { map, timer } from 'rxjs';
import { launchChromium } from '../test/helpers/chromium.js';
import { connect, resonator, SIM_DEMO, startStudio } from 'labrx';

declare const window: { labrx: PageStats };
interface PageStats {
  ready: boolean;
  frames: number;
  scope: { drawn: number };
  specan: { drawn: number };
  na: { done: number; sweeps: number };
  shown: Record<string, { drawn: number }>;
}

const WARMUP_S = 3;
const WINDOW_S = 8;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Row {
  name: string;
  fps: number;
  scope: number;
  specan: number;
  naPoints: number;
  shown: number;
  cpuPct: number;
}

async function measure(page: Page, name: string): Promise<Row> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Performance.enable');
  const snap = async () => {
    const { metrics } = (await cdp.send('Performance.getMetrics')) as { metrics: { name: string; value: number }[] };
    const task = metrics.find((m) => m.name === 'TaskDuration')!.value;
    const s = await page.evaluate(() => {
      const l = window.labrx;
      return { frames: l.frames, scope: l.scope.drawn, specan: l.specan.drawn, na: l.na.sweeps * 1e6 + l.na.done, shown: Object.values(l.shown).reduce((a, x) => a + x.drawn, 0) };
    });
    return { t: performance.now(), task, ...s };
  };
  await sleep(WARMUP_S * 1000);
  const a = await snap();
  const naStart = await page.evaluate(() => ({ sweeps: window.labrx.na.sweeps, done: window.labrx.na.done }));
  await sleep(WINDOW_S * 1000);
  const b = await snap();
  const naEnd = await page.evaluate(() => ({ sweeps: window.labrx.na.sweeps, done: window.labrx.na.done, total: 201 }));
  const s = (b.t - a.t) / 1000;
  const naPoints = (naEnd.sweeps - naStart.sweeps) * 201 + naEnd.done - naStart.done;
  await cdp.detach();
  return { name, fps: (b.frames - a.frames) / s, scope: (b.scope - a.scope) / s, specan: (b.specan - a.specan) / s, naPoints: naPoints / s, shown: (b.shown - a.shown) / s, cpuPct: (100 * (b.task - a.task)) / s };
}

const board = await connect({ sim: { seed: 7, dut: resonator({ f0: 1e6, q: 20, gain: 0.5 }) } });
const browser = await launchChromium({ width: 1400, height: 900 });
const rows: Row[] = [];
try {
  await board.asg0.set(SIM_DEMO.asg0!);
  {
    const studio = await startStudio({ board });
    const page = await browser.context.newPage();
    await page.goto(studio.url);
    await page.waitForFunction(() => window.labrx?.ready === true);
    await page.click('#scope details.settings > summary');
    await page.selectOption('#scope [data-setting=trigger]', 'ch2-rising');
    await page.click('#scope details.settings > summary');
    await page.click('#scope [data-run=run]');
    rows.push(await measure(page, 'baseline: scope alone in Run'));
    await page.close();
    await studio.close();
  }
  {
    const studio = await startStudio({ board, demo: SIM_DEMO });
    studio.show('custom: a 50 points/s series', timer(0, 20).pipe(map((i) => [i * 0.02, Math.sin(i / 10)] as [number, number])), { unit: 'V' });
    const page = await browser.context.newPage();
    await page.goto(studio.url);
    await page.waitForFunction(() => window.labrx?.ready === true);
    await page.click('#na [data-run=run]');
    rows.push(await measure(page, 'everything: scope, spectrum, NA in Run + one custom pipeline'));
    await page.close();
    await studio.close();
  }
} finally {
  await browser.close();
  await board.close();
}

const f = (x: number, d = 1) => x.toFixed(d);
const [base, all] = rows as [Row, Row];
const nproc = execSync('nproc').toString().trim();
const md = `## Studio page: all panels live (bench/studio-page.bench.ts)

Headless Debian Chromium (no GPU) at 1400 × 900, ${nproc} cores shared with other work; the embedded simulator in real time.
Frames/s: animation frames in which the page drew; per plot: frames it drew per second; NA: points measured and drawn per second.
Page CPU: Chromium's main-thread task time over wall time (% of one core). ${WINDOW_S} s per row after ${WARMUP_S} s warm-up.

| row | frames/s | scope /s | spectrum /s | NA points/s | custom /s | page CPU |
|---|---|---|---|---|---|---|
${rows.map((r) => `| ${r.name} | ${f(r.fps)} | ${f(r.scope)} | ${f(r.specan)} | ${f(r.naPoints)} | ${f(r.shown)} | ${f(r.cpuPct)} % |`).join('\n')}

Ratio everything / baseline: frames/s × ${f(all.fps / base.fps, 2)}, page CPU × ${f(all.cpuPct / base.cpuPct, 2)}.
`;
console.log(md);
mkdirSync('bench/results', { recursive: true });
writeFileSync('bench/results/studio-page.md', md);
