/** Tables of the timing bench, as Markdown (also printed to the console). */
import { errorStats, type SleepPass, type SleepResult } from './sleepExperiment.js';
import { quantile } from './stats.js';
import type { EventLoopRun } from './eventLoop.js';

const ms = (v: number, digits = 3): string => (Number.isFinite(v) ? v.toFixed(digits) : '–');
const pct = (v: number, digits = 1): string => (Number.isFinite(v) ? `${(100 * v).toFixed(digits)} %` : '–');
const int = (v: number): string => (Number.isFinite(v) ? Math.round(v).toLocaleString('en-US') : '–');

/** A Markdown table from a header row and rows of cells. */
export function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const line = (cells: readonly string[]): string => `| ${cells.join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
}

/** The sleep methods, event loop otherwise idle. */
export function idleTable(results: readonly SleepResult[]): string {
  return table(
    ['method', 'median error 0–5 ms', 'median error 1–5 ms', 'p99 error 1–5 ms', 'early', '> 0.1 ms late (1–5 ms)', 'CPU (idle)'],
    results.map((r) => {
      const all = errorStats(r.idle);
      const mid = errorStats(r.idle, 1, 5);
      return [r.method.label, ms(all.median), ms(mid.median), ms(mid.p99), pct(all.early), pct(mid.lateOver100us), pct(r.idle.cpuMs / r.idle.wallMs)];
    }),
  );
}

/** The sleep methods beside the competing zero-delay task. */
export function loadedTable(results: readonly SleepResult[]): string {
  return table(
    ['method', 'median error 1–5 ms', 'p99 error 1–5 ms', 'early', 'CPU (with task)', 'competing task /s', 'of its free rate'],
    results.map((r) => {
      const mid = errorStats(r.loaded, 1, 5);
      const all = errorStats(r.loaded);
      const rate = r.loaded.competitorPerS ?? NaN;
      return [r.method.label, ms(mid.median), ms(mid.p99), pct(all.early), pct(r.loaded.cpuMs / r.loaded.wallMs), int(rate), pct(rate / r.freePerS, 0)];
    }),
  );
}

/** The hand-over margin sweep. */
export function sweepTable(results: readonly SleepResult[]): string {
  return table(
    ['scheduler', 'median error 1–5 ms (idle)', 'p99 (idle)', '> 0.1 ms late (idle)', 'CPU (idle)', 'median error 1–5 ms (with task)', 'competing task, of free rate'],
    results.map((r) => {
      const idle = errorStats(r.idle, 1, 5);
      const loaded = errorStats(r.loaded, 1, 5);
      return [r.method.label, ms(idle.median), ms(idle.p99), pct(idle.lateOver100us), pct(r.idle.cpuMs / r.idle.wallMs), ms(loaded.median), pct((r.loaded.competitorPerS ?? NaN) / r.freePerS, 0)];
    }),
  );
}

/** Event-loop health with N streaming boards. */
export function eventLoopTable(runs: readonly EventLoopRun[]): string {
  return table(
    ['boards', 'scheduler', 'traces/s demanded', 'traces/s delivered', 'CPU (1 = one core)', 'loop delay p50 (ms)', 'p99 (ms)', 'max (ms)', 'monitor samples', 'longest GC pause (ms)'],
    runs.map((r) => [String(r.boards), r.schedulerName, int(r.demandedPerS), int(r.deliveredPerS), r.cpu.toFixed(2), ms(r.p50Ms, 2), ms(r.p99Ms, 2), ms(r.maxMs, 1), String(r.samples), ms(r.gcMaxMs, 1)]),
  );
}

/** PyRPL's figures (docs, `timers.ipynb`, Python 3.5 on Windows 10), as PyRPL documents them. */
export const PYRPL_TABLE = table(
  ['PyRPL method', 'CPU idle', 'CPU / calc/s with competing task', 'precision'],
  [
    ['`time.sleep`', '1.4 %', '1.5 % / **0** (blocks Qt)', 'rounds up to the next ms, 1–2 ms late'],
    ['busy `processEvents` loop', '15.6 %', '16.6 % / 41 980', 'precise'],
    ['local QEventLoop + QTimer', '2.7 %', '11.8 % / 43 749', '1 ms quantised, can return early'],
    ['hybrid (QEventLoop to t−1 ms, then busy loop)', '12.7 %', '17.1 % / 42 359', 'precise'],
    ['`asyncio.sleep` on quamash', '10.8 %', '17.2 % / 40 638', '1 ms quantised'],
    ['coroutine + hybrid correction', '–', '16.9 % / 40 417', 'precise'],
  ],
);

/** Long waits (acquisition-like): one row per method and delay. */
export function longTable(rows: readonly { label: string; delayMs: number; pass: SleepPass }[]): string {
  return table(
    ['method', 'requested (ms)', 'median error (ms)', 'p90 error (ms)', 'CPU (idle)'],
    rows.map((r) => [r.label, r.delayMs.toFixed(1), ms(quantile(r.pass.error, 0.5)), ms(quantile(r.pass.error, 0.9)), pct(r.pass.cpuMs / r.pass.wallMs)]),
  );
}
