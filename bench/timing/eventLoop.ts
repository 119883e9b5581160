/**
 * Event-loop health under load: N simulated boards stream scope traces at decimation 1024 in real
 * time (16384 × 1024 / 125 MHz = 134 ms per trace), and `perf_hooks.monitorEventLoopDelay`
 * records how late the event loop gets to a 1-ms timer meanwhile.
 */
import { monitorEventLoopDelay, PerformanceObserver } from 'node:perf_hooks';
import { repeat, timer, type SchedulerLike, type Subscription } from 'rxjs';
import { SCOPE_DEFAULTS, type ResolvedScopeSettings } from '@labrx/core';
import { createSimBoard } from '@labrx/hw-sim';

/** What one run with N boards measured. */
export interface EventLoopRun {
  readonly boards: number;
  readonly schedulerName: string;
  /** s */
  readonly seconds: number;
  /** Traces the boards would deliver in real time, per second. */
  readonly demandedPerS: number;
  /** Traces delivered per second. */
  readonly deliveredPerS: number;
  /** Process CPU (user + system) over wall time, 1 = one core. */
  readonly cpu: number;
  /** Event-loop delay percentiles in ms, beyond the monitor's 1-ms interval. */
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly maxMs: number;
  /** How many times the monitor's timer ran (0: the loop was blocked the whole window). */
  readonly samples: number;
  /** Longest garbage-collection pause during the window, ms (a pause the scheduler cannot slice). */
  readonly gcMaxMs: number;
}

const DECIMATION = 1024;
/** Seconds per trace at decimation 1024 on a 125 MS/s, 16384-sample board. */
export const TRACE_SECONDS = (16384 * DECIMATION) / 125e6;

/**
 * Streams `boards` simulated boards for `seconds` on `scheduler` and measures the event loop.
 * Board i starts i/boards of a trace period late, so that the fleet is spread over the period as a
 * long-running fleet would be, rather than all firing in one burst.
 */
export async function runEventLoop(boards: number, seconds: number, scheduler: SchedulerLike, schedulerName: string): Promise<EventLoopRun> {
  const settings: Omit<ResolvedScopeSettings, 'averages'> = (({ averages: _a, ...rest }) => ({ ...rest, decimation: DECIMATION }))(SCOPE_DEFAULTS);
  const fleet = Array.from({ length: boards }, (_, i) => createSimBoard({ seed: i + 1, scheduler }));
  let delivered = 0;
  const subscriptions: Subscription[] = fleet.map((board, i) =>
    timer((i / boards) * TRACE_SECONDS * 1000, scheduler).subscribe(() => {
      subscriptions.push(
        board
          .acquire(settings)
          .pipe(repeat())
          .subscribe({
            next: () => delivered++,
            error: (e: unknown) => {
              throw e;
            },
          }),
      );
    }),
  );
  // Let the staggered starts happen before measuring (one trace period), so that the figures are steady state.
  await new Promise<void>((resolve) => setTimeout(resolve, TRACE_SECONDS * 1000));
  const resolutionMs = 1;
  const histogram = monitorEventLoopDelay({ resolution: resolutionMs });
  delivered = 0;
  let gcMaxMs = 0;
  const gc = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) gcMaxMs = Math.max(gcMaxMs, entry.duration);
  });
  gc.observe({ entryTypes: ['gc'] });
  const cpu0 = process.cpuUsage();
  const wall0 = performance.now();
  histogram.enable();
  await new Promise<void>((resolve) => setTimeout(resolve, seconds * 1000));
  histogram.disable();
  // Entries are delivered asynchronously: take the ones still buffered.
  for (const entry of gc.takeRecords()) gcMaxMs = Math.max(gcMaxMs, entry.duration);
  gc.disconnect();
  const wallS = (performance.now() - wall0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  const deliveredPerS = delivered / wallS;
  for (const s of subscriptions) s.unsubscribe();
  await Promise.all(fleet.map((b) => b.close()));
  // The histogram records the time between the monitor's timer runs (ns), interval included.
  // With no sample at all the loop never turned during the window: its delay was at least the window.
  const blocked = histogram.count === 0;
  const beyond = (ns: number): number => (blocked ? wallS * 1000 : Math.max(0, ns / 1e6 - resolutionMs));
  return {
    boards,
    schedulerName,
    seconds: wallS,
    demandedPerS: boards / TRACE_SECONDS,
    deliveredPerS,
    cpu: (cpu.user + cpu.system) / 1e6 / wallS,
    p50Ms: beyond(histogram.percentile(50)),
    p99Ms: beyond(histogram.percentile(99)),
    maxMs: beyond(histogram.max),
    samples: histogram.count,
    gcMaxMs,
  };
}
