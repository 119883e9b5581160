/**
 * PyRPL's asynchronous-sleep experiment, for Node: sleep for each requested delay, measure the
 * actual delay, the CPU used, and how often a competing zero-delay task (a `setImmediate` loop
 * that counts) still ran meanwhile.
 */
import type { SleepMethod } from './methods.js';
import { fraction, mulberry32, quantile, shuffle } from './stats.js';

/** What one pass of sleeps measured. */
export interface SleepPass {
  /** Requested delays, ms, in the order they were run. */
  readonly requested: Float64Array;
  /** Actual − requested, ms, same order. */
  readonly error: Float64Array;
  /** Wall time of the pass, ms. */
  readonly wallMs: number;
  /** CPU time (user + system) of the process over the pass, ms. */
  readonly cpuMs: number;
  /** Iterations of the competing task per second during the pass (undefined when it did not run). */
  readonly competitorPerS: number | undefined;
}

/** One method's result: a pass alone, a pass with the competing task, and that task's free rate. */
export interface SleepResult {
  readonly method: SleepMethod;
  readonly idle: SleepPass;
  readonly loaded: SleepPass;
  /** The competing task's iterations per second alone, measured in windows interleaved with the loaded pass. */
  readonly freePerS: number;
}

/** The requested delays: `values` evenly spaced from 0 to `maxMs` inclusive, each `reps` times, shuffled with `seed`. */
export function requestedDelays(values: number, reps: number, maxMs = 5, seed = 1): number[] {
  const delays: number[] = [];
  for (let r = 0; r < reps; r++) for (let i = 0; i < values; i++) delays.push((maxMs * i) / (values - 1));
  return shuffle(delays, mulberry32(seed));
}

/** A zero-delay competing task: a `setImmediate` loop that counts its iterations. */
function startCompetitor(): { stop(): { count: number; ms: number } } {
  let count = 0;
  let running = true;
  const t0 = performance.now();
  const tick = (): void => {
    if (!running) return;
    count++;
    setImmediate(tick);
  };
  setImmediate(tick);
  return {
    stop() {
      running = false;
      return { count, ms: performance.now() - t0 };
    },
  };
}

/** Runs the competing task alone for about `ms` of wall time; returns its iterations and the exact time, ms. */
export async function freeRun(ms: number): Promise<{ count: number; ms: number }> {
  const competitor = startCompetitor();
  await new Promise<void>((resolve) => setTimeout(resolve, ms));
  const result = competitor.stop();
  // Let the last queued tick drain so that it does not run into the next measurement.
  await new Promise<void>((resolve) => setImmediate(resolve));
  return result;
}

/** Sleeps every delay in `delays` with `method`, one after the other, optionally beside the competing task. */
export async function runPass(method: SleepMethod, delays: readonly number[], withCompetitor: boolean): Promise<SleepPass> {
  const requested = Float64Array.from(delays);
  const error = new Float64Array(delays.length);
  const competitor = withCompetitor ? startCompetitor() : undefined;
  const cpu0 = process.cpuUsage();
  const wall0 = performance.now();
  for (let i = 0; i < delays.length; i++) {
    const ms = delays[i]!;
    let t1 = 0;
    const t0 = performance.now();
    await new Promise<void>((resolve) =>
      method.sleep(ms, () => {
        t1 = performance.now();
        resolve();
      }),
    );
    error[i] = t1 - t0 - ms;
  }
  const wallMs = performance.now() - wall0;
  const cpu = process.cpuUsage(cpu0);
  const stopped = competitor?.stop();
  await new Promise<void>((resolve) => setImmediate(resolve));
  return {
    requested,
    error,
    wallMs,
    cpuMs: (cpu.user + cpu.system) / 1000,
    competitorPerS: stopped === undefined ? undefined : (stopped.count / stopped.ms) * 1000,
  };
}

/**
 * The loaded pass, cut into `chunks` pieces with a free-running window of the competing task
 * before each: the machine's load drifts (other jobs share its 2 cores), and interleaving puts
 * the free and the loaded measurements under the same drift, so that their ratio stays honest.
 */
async function runLoadedPass(method: SleepMethod, delays: readonly number[], chunks: number, freeMs: number): Promise<{ pass: SleepPass; freePerS: number }> {
  const size = Math.ceil(delays.length / chunks);
  const parts: SleepPass[] = [];
  let freeCount = 0;
  let freeTime = 0;
  for (let k = 0; k < delays.length; k += size) {
    const free = await freeRun(freeMs / chunks);
    freeCount += free.count;
    freeTime += free.ms;
    parts.push(await runPass(method, delays.slice(k, k + size), true));
  }
  const wallMs = parts.reduce((a, p) => a + p.wallMs, 0);
  const competed = parts.reduce((a, p) => a + ((p.competitorPerS ?? 0) * p.wallMs) / 1000, 0);
  const pass: SleepPass = {
    requested: Float64Array.from(parts.flatMap((p) => [...p.requested])),
    error: Float64Array.from(parts.flatMap((p) => [...p.error])),
    wallMs,
    cpuMs: parts.reduce((a, p) => a + p.cpuMs, 0),
    competitorPerS: (competed / wallMs) * 1000,
  };
  return { pass, freePerS: (freeCount / freeTime) * 1000 };
}

/** Runs one method: a warm-up, the idle pass, then the loaded pass interleaved with free-running windows. */
export async function runMethod(method: SleepMethod, delays: readonly number[], baselineMs: number, chunks = 10): Promise<SleepResult> {
  // Warm-up, not measured: lets the JIT compile the method's path and a scheduler start its thread.
  await runPass(method, [5, 0, 1, 2, 3, 4, 5, 1.5, 2.5, 3.5, 20, 1, 2, 3, 4], false);
  const idle = await runPass(method, delays, false);
  const { pass: loaded, freePerS } = await runLoadedPass(method, delays, chunks, baselineMs);
  return { method, idle, loaded, freePerS };
}

/** Error statistics of a pass over requested delays in [loMs, hiMs], ms. */
export interface ErrorStats {
  readonly median: number;
  readonly p99: number;
  /** Fraction of sleeps that returned before the requested delay. */
  readonly early: number;
  /** Fraction of sleeps more than 0.1 ms late. */
  readonly lateOver100us: number;
  readonly n: number;
}

/** Error statistics of `pass` restricted to requested delays in [loMs, hiMs]. */
export function errorStats(pass: SleepPass, loMs = -Infinity, hiMs = Infinity): ErrorStats {
  const picked: number[] = [];
  for (let i = 0; i < pass.requested.length; i++) {
    const r = pass.requested[i]!;
    if (r >= loMs && r <= hiMs) picked.push(pass.error[i]!);
  }
  return {
    median: quantile(picked, 0.5),
    p99: quantile(picked, 0.99),
    early: fraction(picked, (e) => e < 0),
    lateOver100us: fraction(picked, (e) => e > 0.1),
    n: picked.length,
  };
}

/** Median error per distinct requested delay, sorted by delay: the plot's series. */
export function medianErrorByDelay(pass: SleepPass): { delay: number; median: number }[] {
  const groups = new Map<number, number[]>();
  for (let i = 0; i < pass.requested.length; i++) {
    const r = pass.requested[i]!;
    const list = groups.get(r) ?? [];
    list.push(pass.error[i]!);
    groups.set(r, list);
  }
  return [...groups.entries()].sort((a, b) => a[0] - b[0]).map(([delay, errors]) => ({ delay, median: quantile(errors, 0.5) }));
}
