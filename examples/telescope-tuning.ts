/**
 * Telescope tuning, the South Pole Telescope seed: hundreds of readout boards, each with its own
 * resonator, tuned at once from one PC.
 *
 * 256 simulated boards, board i with a resonator of its own f0 (spread uniformly over
 * 1 MHz ± 4 %, q = 40, gain 0.8) between out1 and in1. For every board at once:
 *   1. a coarse network-analyzer sweep, 0.94–1.06 MHz in 25 points (5 kHz apart) → its peak;
 *   2. a fine sweep around that peak, ±7.5 kHz in 16 points (1 kHz apart: the NA resolution), the
 *      peak refined by a parabola through the top three points;
 *   3. its generator set to a sine at the resonance found;
 *   4. a check with the scope: the transmission in1/in2 at that frequency is |H(f)| = gain at
 *      resonance, so transmission/gain near 1 means the generator sits on the resonance.
 * It reports how the found resonances spread, how far they are from the true ones, and the time.
 *
 * One routine, `tuneBoard(rp)`, does stages 1–3 for one board; it is what you would call on a single
 * board at a REPL, and `fleet.map` runs it on every board at once — the tworoutine wish: one
 * implementation, called alone or at scale, with no second asynchronous version to maintain.
 *
 * Every board's signals are computed by the simulator on this one CPU (about 1.3 ms per NA point),
 * so here the fleet is CPU-bound; on real boards that work runs on their FPGAs and only the waits,
 * which asyncMap overlaps, would remain.
 *
 * With `--servers 3` the boards are spread over three `labrx serve` processes on a local NATS server
 * (Debian's nats-server), as an installation over several hosts would be, and tuned through NATS by
 * the same routine.
 *
 * Run: pnpm exec tsx examples/telescope-tuning.ts   (--quick: 16 boards; --servers 3: 60 boards over three board servers)
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { SchedulerLike } from 'rxjs';
import { connectMany, resonator, type Board, type Fleet, type FrequencyResponse } from 'labrx';
import { Xoshiro128 } from '@labrx/hw-sim';
import { VirtualClock } from '@labrx/core/testing';

/** The labrx command line (for `labrx serve`). */
const LABRX_BIN = fileURLToPath(new URL('../packages/labrx/bin/labrx.mjs', import.meta.url));

/** Resonator of every board: q and gain shared, f0 its own. */
const Q = 40;
const GAIN = 0.8;
const NOMINAL_F0 = 1e6; // Hz
const SPREAD = 0.04; // ± fraction of NOMINAL_F0
/** NA settings shared by both sweeps (linear spacing, 0.1 V excitation, rbw 100 Hz: 15 ms per point). */
const SWEEP = { amplitude: 0.1, rbw: 100, logscale: false } as const;
const COARSE = { ...SWEEP, start: 0.94e6, stop: 1.06e6, points: 25 } as const;
const FINE_POINTS = 16;

/** One board's outcome. */
export interface TunedBoard {
  readonly id: string;
  /** The resonator's true centre frequency, Hz. */
  readonly trueF0: number;
  /** The resonance found (and the generator's frequency), Hz. */
  readonly foundF0: number;
  /** Point spacing of the fine sweep, Hz: the NA resolution. */
  readonly resolutionHz: number;
  /** Measured in1/in2 amplitude ratio at foundF0, divided by the resonator's gain (1 = on resonance). */
  readonly transmission: number;
}

/** Options of {@link tuneTelescope}. */
export interface TelescopeOptions {
  /** How many boards (default 256). */
  readonly boards?: number;
  /** Seed of the resonators' spread and of the boards' noise (default 2024). */
  readonly seed?: number;
  /** The boards' clock (default real time; tests pass a VirtualClock). */
  readonly scheduler?: SchedulerLike;
  /** Where progress lines go (default nowhere). */
  readonly log?: (line: string) => void;
}

/** The index of the largest value. */
function argmax(values: ArrayLike<number>): number {
  let k = 0;
  for (let i = 1; i < values.length; i++) if (values[i]! > values[k]!) k = i;
  return k;
}

/**
 * The peak of |H| on a linear grid: the top point, moved by the vertex of the parabola through it
 * and its neighbours (near f0, |H| ≈ gain·(1 − 2q²(δ/f0)²) is a parabola in δ).
 */
function peakFrequency(h: FrequencyResponse<unknown>): number {
  const m = h.magnitude();
  const f = h.frequencies;
  const k = argmax(m);
  if (k === 0 || k === m.length - 1) return f[k]!;
  const step = f[k + 1]! - f[k]!;
  const curvature = m[k - 1]! - 2 * m[k]! + m[k + 1]!;
  return curvature < 0 ? f[k]! + (step * (m[k - 1]! - m[k + 1]!)) / (2 * curvature) : f[k]!;
}

/** rms of a sampled signal, V. */
function rms(x: Float64Array): number {
  let s = 0;
  for (let i = 0; i < x.length; i++) s += x[i]! * x[i]!;
  return Math.sqrt(s / x.length);
}

/** Point spacing of the coarse sweep, Hz. */
const COARSE_STEP_HZ = (COARSE.stop - COARSE.start) / (COARSE.points - 1);
/** Point spacing of the fine sweep, which spans ±1.5 coarse steps, Hz: the NA resolution. */
const FINE_RESOLUTION_HZ = (3 * COARSE_STEP_HZ) / (FINE_POINTS - 1);

/**
 * Tunes one board: a coarse sweep for its peak, a fine sweep around that, the peak refined by a
 * parabola, and its generator set there. Returns the frequency, Hz. The same function serves one
 * board at a REPL (`await tuneBoard(rp)`) and a whole fleet (`fleet.map((rp) => tuneBoard(rp))`).
 */
export async function tuneBoard(rp: Board, signal?: AbortSignal): Promise<number> {
  const options = signal ? { signal } : {};
  const coarse = await rp.na.single(COARSE, options);
  const coarsePeak = coarse.frequencies[argmax(coarse.magnitude())]!;
  // ±1.5 coarse steps covers the coarse peak's error (at most half a step) with room for the
  // parabola's neighbours.
  const fine = await rp.na.single({ ...SWEEP, start: coarsePeak - 1.5 * COARSE_STEP_HZ, stop: coarsePeak + 1.5 * COARSE_STEP_HZ, points: FINE_POINTS }, options);
  const f = peakFrequency(fine);
  await rp.asg0.set({ waveform: 'sine', frequency: f, amplitude: 0.1, output: 'out1' });
  return f;
}

/**
 * Stages 1–4 on an open fleet whose board i has the resonator `trueF0[i]`: tunes every board at once,
 * checks each with the scope, and returns each board's outcome.
 */
async function tuneFleet(fleet: Fleet, trueF0: readonly number[], log: (line: string) => void): Promise<TunedBoard[]> {
  // 1–3 on every board at once: the one-board routine, mapped over the fleet.
  let lastReported = 0;
  const found = (
    await fleet.map((rp, _i, signal) => tuneBoard(rp, signal), {
      onProgress: ({ done, total }) => {
        if (done - lastReported >= total / 4 || done === total) {
          lastReported = done;
          log(`  tuned ${done}/${total} boards`);
        }
      },
    })
  ).map((r) => r.value);

  // 4. Check: one scope trace per board, in1 (through the resonator) over in2 (out1 direct).
  //    Decimation 8: 15.6 MS/s, 1.05 ms, about 1000 periods, so the rms ratio is |H(f)| to
  //    better than 0.1 %.
  const traces = await fleet.scope.single({ decimation: 8 });
  const transmission = traces.map((r) => rms(r.value.ch1) / rms(r.value.ch2) / GAIN);
  return fleet.boards.map((b, i) => ({ id: b.id, trueF0: trueF0[i]!, foundF0: found[i]!, resolutionHz: FINE_RESOLUTION_HZ, transmission: transmission[i]! }));
}

/** The resonators' true centre frequencies of `count` boards, Hz: uniform over NOMINAL_F0 ± SPREAD, from `seed`. */
function resonatorsOf(count: number, seed: number): number[] {
  const rng = new Xoshiro128(seed);
  return Array.from({ length: count }, () => NOMINAL_F0 * (1 + SPREAD * (2 * rng.nextFloat() - 1)));
}

/**
 * Tunes a fleet of simulated boards with their own resonators (the four stages above) and returns
 * each board's outcome and the time it took in seconds: real time, or the scheduler's time when
 * one is given. Closes the fleet.
 */
export async function tuneTelescope(options: TelescopeOptions = {}): Promise<{ boards: TunedBoard[]; wallS: number }> {
  const { boards: count = 256, seed = 2024, scheduler, log = () => undefined } = options;
  const trueF0 = resonatorsOf(count, seed);
  const t0 = performance.now();
  const v0 = scheduler?.now();
  const fleet: Fleet = await connectMany(
    trueF0.map((f0, i) => ({ sim: { seed: seed + i, dut: resonator({ f0, q: Q, gain: GAIN }), ...(scheduler ? { scheduler } : {}) } })),
  );
  try {
    const boards = await tuneFleet(fleet, trueF0, log);
    const wallS = scheduler && v0 !== undefined ? (scheduler.now() - v0) / 1e3 : (performance.now() - t0) / 1e3;
    return { boards, wallS };
  } finally {
    await fleet.close();
  }
}

/** Options of {@link tuneTelescopeServed}. */
export interface ServedTelescopeOptions {
  /** How many boards in all (default 60), dealt round-robin to the servers. */
  readonly boards?: number;
  /** How many `labrx serve` processes (default 3). */
  readonly servers?: number;
  /** Seed of the resonators' spread and of the boards' noise (default 2024). */
  readonly seed?: number;
  /** The nats-server binary (default: /usr/sbin/nats-server, Debian's package). */
  readonly natsServer?: string;
  /** Where progress lines go (default nowhere). */
  readonly log?: (line: string) => void;
}

/** Resolves with the child once a line of its output matches `ready`; rejects if it exits first. */
function whenReady(child: ChildProcess, ready: RegExp, stream: 'stdout' | 'stderr'): Promise<RegExpMatchArray> {
  return new Promise((resolve, reject) => {
    let out = '';
    child[stream]!.on('data', (c: Buffer) => {
      out += c.toString();
      const m = ready.exec(out);
      if (m) resolve(m);
    });
    child.once('exit', (code) => reject(new Error(`${child.spawnfile} exited (${code}) before it was ready:\n${out}`)));
  });
}

/**
 * The same tuning with the boards spread over several hosts' worth of board servers: starts a
 * nats-server on a free loopback port, `servers` `labrx serve` processes (server s serves the
 * boards i ≡ s mod servers, each `sim://?seed=…&dut=resonator:…` with its own resonator), connects
 * to every board through NATS and runs the same stages; stops everything it started.
 */
export async function tuneTelescopeServed(options: ServedTelescopeOptions = {}): Promise<{ boards: TunedBoard[]; wallS: number }> {
  const { boards: count = 60, servers = 3, seed = 2024, natsServer = '/usr/sbin/nats-server', log = () => undefined } = options;
  const trueF0 = resonatorsOf(count, seed);
  const children: ChildProcess[] = [];
  try {
    const nats = spawn(natsServer, ['-a', '127.0.0.1', '-p', '-1'], { stdio: ['ignore', 'ignore', 'pipe'] });
    children.push(nats);
    const [, port] = await whenReady(nats, /Listening for client connections on 127\.0\.0\.1:(\d+)/, 'stderr');
    const natsUrl = `nats://127.0.0.1:${port}`;
    const urls: string[] = [];
    const serving: Promise<unknown>[] = [];
    for (let s = 0; s < servers; s++) {
      const args = [LABRX_BIN, 'serve', '--nats', natsUrl, '--name', `tel${s}`];
      let j = 0;
      for (let i = s; i < count; i += servers) {
        args.push('--board', `sim://?seed=${seed + i}&dut=resonator:f0=${trueF0[i]},q=${Q},gain=${GAIN}`);
        urls[i] = `${natsUrl}/tel${s}/board${j++}`;
      }
      const server = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
      children.push(server);
      server.stderr.on('data', (c: Buffer) => {
        // its "clients: connect(…)" hint is for people; anything else is worth seeing
        for (const line of c.toString().split('\n')) if (line && !line.startsWith('clients: ')) log(`  [tel${s}] ${line}`);
      });
      serving.push(whenReady(server, /labrx serve:/, 'stdout'));
    }
    await Promise.all(serving);
    log(`  ${servers} board servers up, ${count} boards on ${natsUrl}`);
    const t0 = performance.now();
    const fleet = await connectMany(urls);
    try {
      const boards = await tuneFleet(fleet, trueF0, log);
      return { boards, wallS: (performance.now() - t0) / 1e3 };
    } finally {
      await fleet.close();
    }
  } finally {
    for (const c of children.reverse()) {
      if (c.exitCode !== null || c.signalCode !== null) continue;
      const gone = new Promise((resolve) => c.once('exit', resolve));
      c.kill('SIGTERM');
      await gone;
    }
  }
}

const stats = (xs: number[]) => {
  const mean = xs.reduce((s, x) => s + x, 0) / xs.length;
  const sd = Math.sqrt(xs.reduce((s, x) => s + (x - mean) ** 2, 0) / xs.length);
  return { mean, sd, min: Math.min(...xs), max: Math.max(...xs) };
};

export async function main({ quick = false, servers = 0 } = {}): Promise<void> {
  const n = quick ? 16 : servers > 0 ? 60 : 256;
  console.log(`tuning ${n} boards: resonators f0 = 1 MHz ± ${SPREAD * 100} % (q ${Q}, gain ${GAIN}), coarse + fine NA sweep, generator onto the peak`);
  // What one board alone takes, in board time: the same tuning on one board, in virtual time
  // (instant), so that the fleet's wall time can be compared with one board after the other.
  const clock = new VirtualClock();
  const { wallS: boardTimeS } = await clock.run(tuneTelescope({ boards: 1, scheduler: clock }));
  const { boards, wallS } = servers > 0 ? await tuneTelescopeServed({ boards: n, servers, log: console.log }) : await tuneTelescope({ boards: n, log: console.log });
  const f = stats(boards.map((b) => b.foundF0));
  const err = boards.map((b) => b.foundF0 - b.trueF0);
  const e = stats(err.map(Math.abs));
  const tr = stats(boards.map((b) => b.transmission));
  const within = boards.filter((b) => Math.abs(b.foundF0 - b.trueF0) <= b.resolutionHz).length;
  console.log(`  resonances found: ${(f.min / 1e3).toFixed(1)} … ${(f.max / 1e3).toFixed(1)} kHz, spread (sd) ${(f.sd / 1e3).toFixed(2)} kHz`);
  console.log(`  |found − true f0|: mean ${e.mean.toFixed(1)} Hz, max ${e.max.toFixed(1)} Hz; ${within}/${n} within the NA resolution (${boards[0]!.resolutionHz} Hz)`);
  console.log(`  transmission at the generator's frequency / gain: min ${tr.min.toFixed(4)}, mean ${tr.mean.toFixed(4)} (1 = on resonance)`);
  console.log(
    `  total ${wallS.toFixed(2)} s wall for ${n} boards; one board takes ${boardTimeS.toFixed(3)} s of board time, so one board after the other would take ${(n * boardTimeS).toFixed(1)} s`,
  );
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const at = process.argv.indexOf('--servers');
  await main({ quick: process.argv.includes('--quick'), servers: at > 0 ? Number(process.argv[at + 1] ?? 3) : 0 });
}
