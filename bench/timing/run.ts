/**
 * The timing bench (issue #8): PyRPL's asynchronous-sleep experiment for Node, labrx's
 * PreciseScheduler beside the host's timers, and event-loop health with N streaming simulated
 * boards. Writes bench/results/timing.md and bench/timing/timing.svg.
 *
 *   npx tsx bench/timing/run.ts            # full: 200 delays × 10 repetitions, ~2 min
 *   npx tsx bench/timing/run.ts --quick    # 50 delays × 2 repetitions, ~30 s
 *   options: --no-event-loop, --no-sweep, --no-hogs, --no-long
 */
import { cpus, availableParallelism } from 'node:os';
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { asyncScheduler } from 'rxjs';
import { PreciseScheduler, preciseScheduler } from '@labrx/core';
import {
  asyncTimerMethod,
  atomicsWaitMethod,
  hybridBusyMethod,
  hybridImmediateMethod,
  labrxDefaultMethod,
  labrxTimerWakerMethod,
  preciseMethod,
  setTimeoutMethod,
  type SleepMethod,
} from './methods.js';
import { errorStats, medianErrorByDelay, requestedDelays, runMethod, runPass, type SleepPass, type SleepResult } from './sleepExperiment.js';
import { runEventLoop, TRACE_SECONDS, type EventLoopRun } from './eventLoop.js';
import { eventLoopTable, idleTable, loadedTable, longTable, PYRPL_TABLE, sweepTable } from './report.js';
import { renderSvg, type Series } from './plot.js';
import { withCpuHogs } from './cpuHogs.js';

const args = new Set(process.argv.slice(2));
const quick = args.has('--quick');
const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..');
const resultsPath = join(root, 'bench', 'results', 'timing.md');
const svgPath = join(here, 'timing.svg');

const VALUES = quick ? 50 : 200;
const REPS = quick ? 2 : 10;
const BASELINE_MS = quick ? 300 : 500;
/** The hybrids' hand-over margin: the timer waker's default, so that the rows compare like with like. */
const HYBRID_MARGIN_MS = 1.5;

function log(line: string): void {
  process.stdout.write(`${line}\n`);
}

function cpuModel(): string {
  try {
    const m = /^model name\s*:\s*(.*)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'));
    if (m) return m[1]!.trim();
  } catch {
    // not Linux: fall through to os.cpus()
  }
  return cpus()[0]?.model ?? 'unknown';
}

/** How long the worker waker takes to come up, and what it costs in resident memory. Valid only as the first use of the thread in the process. */
async function workerStartCost(): Promise<{ readyMs: number; rssMiB: number }> {
  const rss0 = process.memoryUsage().rss;
  const scheduler = new PreciseScheduler({ waker: 'worker' });
  const t0 = performance.now();
  const action = scheduler.schedule(() => undefined, 60_000);
  while (!scheduler.usingWorker) await new Promise<void>((resolve) => setImmediate(resolve));
  const readyMs = performance.now() - t0;
  action.unsubscribe();
  return { readyMs, rssMiB: (process.memoryUsage().rss - rss0) / 2 ** 20 };
}

/** Two sentences on the event-loop table, from its numbers. */
function eventLoopSummary(runs: readonly EventLoopRun[]): string {
  const at = (n: number, name: string): EventLoopRun | undefined => runs.find((r) => r.boards === n && r.schedulerName.startsWith(name));
  const a = at(1000, 'asyncScheduler');
  const p = at(1000, 'preciseScheduler');
  if (a === undefined || p === undefined) return '';
  const capacity = Math.max(a.deliveredPerS, p.deliveredPerS);
  return (
    `With 1000 boards the fleet asks for ${Math.round(p.demandedPerS)} traces/s; one thread computes about ${Math.round(capacity)} ` +
    `(~${(1000 / capacity).toFixed(1)} ms of CPU per 16384-sample trace), so real time holds up to about ${Math.round((capacity * TRACE_SECONDS) / 10) * 10} ` +
    `boards and beyond that the traces simply come slower. What differs is the event loop meanwhile: on \`asyncScheduler\` all due ` +
    `timers run in one timers phase, so its delay p99 was ${a.p99Ms.toFixed(1)} ms; \`preciseScheduler\` runs due work in ${preciseScheduler.sliceMs}-ms ` +
    `slices and the loop turns in between: p99 ${p.p99Ms.toFixed(1)} ms (longest GC pause in the window: ${p.gcMaxMs.toFixed(1)} ms, which no scheduler can slice).`
  );
}

async function main(): Promise<void> {
  const started = performance.now();
  // First, before anything else uses it: the shared helper thread's start-up cost.
  const start = await workerStartCost();
  const delays = requestedDelays(VALUES, REPS);
  const methods: SleepMethod[] = [
    setTimeoutMethod,
    asyncTimerMethod,
    hybridBusyMethod(HYBRID_MARGIN_MS),
    hybridImmediateMethod(HYBRID_MARGIN_MS),
    labrxTimerWakerMethod(),
    labrxDefaultMethod,
    atomicsWaitMethod(),
  ];
  log(`timing bench: ${VALUES} delays × ${REPS} repetitions (0–5 ms), ${methods.length} methods${quick ? ' (--quick)' : ''}`);
  const results: SleepResult[] = [];
  for (const method of methods) {
    log(`  ${method.label} …`);
    results.push(await runMethod(method, delays, BASELINE_MS));
  }

  let sweep: SleepResult[] = [];
  if (!args.has('--no-sweep')) {
    const sweepDelays = requestedDelays(quick ? 25 : 100, 2, 5, 2);
    const configs: { waker: 'timer' | 'worker'; spinMs: number }[] = [
      ...[0.5, 1, 1.5, 2].map((spinMs) => ({ waker: 'timer' as const, spinMs })),
      ...[0.1, 0.2, 0.3, 0.5, 1].map((spinMs) => ({ waker: 'worker' as const, spinMs })),
    ];
    log(`  margin sweep: ${configs.length} configurations × ${sweepDelays.length} sleeps …`);
    for (const c of configs) {
      const scheduler = new PreciseScheduler(c);
      sweep.push(await runMethod(preciseMethod(scheduler, `sweep-${c.waker}-${c.spinMs}`, `${c.waker} waker, spin ${c.spinMs} ms`), sweepDelays, BASELINE_MS / 2));
    }
  }

  // Long waits, as when pacing acquisitions (134 ms at decimation 1024): the helper thread's wake-up
  // comes later after a long sleep, when the cores have gone idle.
  const long: { label: string; delayMs: number; pass: SleepPass }[] = [];
  if (!args.has('--no-long')) {
    const reps = quick ? 5 : 15;
    log(`  long waits: 20, 50, ${(TRACE_SECONDS * 1000).toFixed(1)} ms × ${reps} …`);
    for (const method of [asyncTimerMethod, labrxTimerWakerMethod(), labrxDefaultMethod]) {
      for (const delayMs of [20, 50, TRACE_SECONDS * 1000]) {
        long.push({ label: method.label, delayMs, pass: await runPass(method, Array<number>(reps).fill(delayMs), false) });
      }
    }
  }

  // The same experiment with the cores oversubscribed on purpose (one busy process per core).
  let hogged: SleepResult[] = [];
  const hogCount = availableParallelism();
  if (!args.has('--no-hogs')) {
    const hogDelays = requestedDelays(quick ? 25 : 50, 2, 5, 3);
    log(`  oversubscribed: ${hogCount} busy processes, ${hogDelays.length} sleeps per pass …`);
    hogged = await withCpuHogs(hogCount, async () => {
      const out: SleepResult[] = [];
      for (const method of [setTimeoutMethod, hybridImmediateMethod(HYBRID_MARGIN_MS), labrxTimerWakerMethod(), labrxDefaultMethod]) {
        out.push(await runMethod(method, hogDelays, BASELINE_MS / 2, 5));
      }
      return out;
    });
  }

  const eventLoop: EventLoopRun[] = [];
  let eventLoopNote = '';
  if (!args.has('--no-event-loop')) {
    const seconds = quick ? 1 : 2;
    for (const [name, scheduler] of [
      ['asyncScheduler (sim default)', asyncScheduler],
      ['preciseScheduler', preciseScheduler],
    ] as const) {
      for (const n of [0, 1, 10, 100, 1000]) {
        log(`  event loop: ${n} boards on ${name} …`);
        eventLoop.push(await runEventLoop(n, seconds, scheduler, name));
      }
    }
  } else {
    eventLoopNote = '(skipped: --no-event-loop)';
  }
  const totalS = (performance.now() - started) / 1000;

  // ---- verdict on the target of issue #8 ----
  const def = results.find((r) => r.method === labrxDefaultMethod)!;
  const defIdle = errorStats(def.idle, 1, 5);
  const defLoaded = errorStats(def.loaded, 1, 5);
  const defShare = (def.loaded.competitorPerS ?? NaN) / def.freePerS;
  const meets = defIdle.median <= 0.1 && defLoaded.median <= 0.1 && defShare >= 0.8;
  const verdict =
    `labrx's default sleep (RxJS \`timer\` on \`preciseScheduler\`): median error for 1–5 ms requests ` +
    `${(defIdle.median * 1000).toFixed(1)} µs idle and ${(defLoaded.median * 1000).toFixed(1)} µs beside the competing task ` +
    `(target ≤ 100 µs); the competing task kept ${(100 * defShare).toFixed(0)} % of its free-running rate (target ≥ 80 %): ` +
    `**${meets ? 'target met' : 'target not met'}** in this run.`;

  // ---- plot ----
  const palette = ['#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd', '#000000', '#8c564b'];
  const seriesOf = (pass: 'idle' | 'loaded', abs: boolean): Series[] =>
    results.map((r, i) => ({
      name: r.method.label,
      color: palette[i % palette.length]!,
      dashed: r.method.key.startsWith('hybrid'),
      points: medianErrorByDelay(r[pass]).map(({ delay, median }) => [delay, abs ? Math.abs(median) : median] as const),
    }));
  const svg = renderSvg(
    [
      { title: 'event loop otherwise idle', xLabel: 'requested delay (ms)', yLabel: 'median error (ms)', xDomain: [0, 5], yDomain: [-1, 1.5], yScale: 'linear', series: seriesOf('idle', false) },
      { title: 'beside a competing setImmediate task', xLabel: 'requested delay (ms)', yLabel: 'median error (ms)', xDomain: [0, 5], yDomain: [-1, 1.5], yScale: 'linear', series: seriesOf('loaded', false) },
      { title: 'idle, |error| on a log scale', xLabel: 'requested delay (ms)', yLabel: '|median error| (ms)', xDomain: [0, 5], yDomain: [1e-3, 10], yScale: 'log', series: seriesOf('idle', true) },
    ],
    `Sleep error against requested delay (median of ${REPS} per delay), Node ${process.version}`,
  );
  writeFileSync(svgPath, svg);

  // ---- report ----
  const command = `npx tsx bench/timing/run.ts${process.argv.slice(2).length ? ' ' + process.argv.slice(2).join(' ') : ''}`;
  const md = `## Timing: sleeping precisely without starving the event loop (issue #8)

Command: \`${command}\` (also \`pnpm bench:timing\`). Machine: Node ${process.version}, ${availableParallelism()} cores (nproc),
${cpuModel()}. Run took ${totalS.toFixed(0)} s.

**Read these as ratios from one run.** The machine has 2 cores shared with other jobs running at the same time
(tests of other packages), and it is a virtual machine: a few sleeps in a hundred are late by milliseconds for
every method, even the blocking \`Atomics.wait\` and the busy waits, because the process itself was not running.
So p99 figures measure the machine more than the method; medians and the same-run ratios are the robust figures.

${verdict}

### Sleep error and CPU, event loop otherwise idle

Requested delays: ${VALUES} values evenly spaced over 0–5 ms, ${REPS} repetitions each, shuffled (seed 1).
Error = actual − requested delay, in ms (actual measured with \`performance.now()\` around the call). CPU =
\`process.cpuUsage()\` (user + system) over wall time of the pass; 100 % = one core.

${idleTable(results)}

### Beside a competing zero-delay task

The same sleeps while a \`setImmediate\` loop counts its iterations on the same thread (PyRPL's zero-interval QTimer
"calc/s"). Its free-running rate was measured alone in ten windows interleaved with each loaded pass (so that both
see the same drift of the machine's load); "of its free rate" is the ratio. CPU would be ~100 % for every method
here, because the competing task itself never sleeps, were the process not sharing the cores with other jobs.

${loadedTable(results)}

### PyRPL's figures (Python 3.5, Windows 10, Qt event loop), for comparison

${PYRPL_TABLE}

The picture is the same: the blocking sleep starves the competing task completely (\`Atomics.wait\` here, as
\`time.sleep\` there); the loop's own timers are quantised to 1 ms (Node's \`setTimeout\` and RxJS's
\`asyncScheduler\` even return up to ~1 ms *early* for fractional delays, because Node counts whole milliseconds);
a hybrid is precise. Node's competing loop runs ~20× faster than Qt's did, so the absolute rates differ.

### Plot

![sleep error against requested delay](../timing/timing.svg)

\`bench/timing/timing.svg\`: median error per requested delay, one line per method. Hand-written SVG
(\`bench/timing/plot.ts\`, no dependency): of the npm libraries that render SVG in Node, Observable Plot and Chartist
need a DOM (jsdom), and ECharts' server-side SVG renderer is a large dependency for three panels of polylines.

### Hand-over margin (\`spinMs\`) sweep

PreciseScheduler with each waker and margin; ${sweep.length ? `${sweep[0]!.idle.requested.length} sleeps per pass (fewer than above, so noisier)` : 'skipped (--no-sweep)'}.

${sweep.length ? sweepTable(sweep) : ''}

Worker waker start-up: ready ${start.readyMs.toFixed(1)} ms after the first wait was scheduled (the timer waker
covers that time); resident memory +${start.rssMiB.toFixed(1)} MiB (one thread with its own V8 isolate; noisy figure).

### Long waits (acquisition pacing)

Each delay ${long.length ? `${long[0]!.pass.error.length} times` : '(skipped: --no-long)'}, event loop otherwise idle. 134.2 ms is one trace at decimation 1024.

${long.length ? longTable(long) : ''}

### With the cores oversubscribed

The same passes (fewer sleeps) while ${hogCount} busy-looping processes compete for the ${availableParallelism()} cores
(${hogged.length ? 'run' : 'skipped: --no-hogs'}). This is where a helper thread's wake-up has to wait for a core.

${hogged.length ? `Idle:\n\n${idleTable(hogged)}\n\nBeside the competing task:\n\n${loadedTable(hogged)}` : ''}

### Event-loop health with N simulated boards streaming

Each board streams \`acquire({ decimation: 1024 })\` with \`repeat()\` in real time (${(TRACE_SECONDS * 1000).toFixed(1)} ms per
16384-sample trace), starts staggered over one trace period. \`monitorEventLoopDelay({ resolution: 1 })\` over the
run; the delay shown is beyond the monitor's own 1-ms interval. N = 0 is the idle baseline of this machine. ${eventLoopNote}

${eventLoop.length ? eventLoopTable(eventLoop) : ''}

${eventLoopSummary(eventLoop)}
`;
  mkdirSync(dirname(resultsPath), { recursive: true });
  writeFileSync(resultsPath, md);

  log('');
  log(idleTable(results));
  log('');
  log(loadedTable(results));
  if (sweep.length) {
    log('');
    log(sweepTable(sweep));
  }
  if (long.length) {
    log('');
    log(longTable(long));
  }
  if (hogged.length) {
    log('');
    log('oversubscribed:');
    log(idleTable(hogged));
    log(loadedTable(hogged));
  }
  if (eventLoop.length) {
    log('');
    log(eventLoopTable(eventLoop));
  }
  log('');
  log(verdict);
  log(`worker waker ready in ${start.readyMs.toFixed(1)} ms, +${start.rssMiB.toFixed(1)} MiB RSS`);
  log(`wrote ${relative(root, resultsPath)} and ${relative(root, svgPath)} (${totalS.toFixed(0)} s)`);
}

await main();
