// A real-time test file (run alone after the rest, ava.realtime.config.mjs): the ring stream reads a
// deep-memory writer that runs in real time, and its stall tests stall for real.
import test from 'ava';
import { firstValueFrom, lastValueFrom, take, tap, toArray } from 'rxjs';
import { StreamOverflowError, type SampleBlock, type StreamBlock } from '@labrx/core';
import { createSimBoard } from '@labrx/hw-sim';
import { startScpiServer } from '@labrx/scpi';
import { connect, type Board } from 'labrx';
import { linearChirpTable, tableAt } from '../helpers/chirp.js';
import { startFaultProxy } from '../helpers/faultProxy.js';
import { fitSine } from '../helpers/fit.js';
import { scpiServedBoard } from '../helpers/scpiServedBoard.js';

// The SCPI driver's gapless stream: deep memory (ACQ:AXI) as a ring the writer wraps around, read
// in blocks behind it, over labrx-sim's SCPI server on loopback (docs/decisions/0016-gapless-streams-and-realtime-fft.md).
// Real time (the server's simulator runs on the wall clock): each test takes 1–4 s.

const FS = 125e6;
const F_HZ = 5e3;
const AMPLITUDE_V = 0.4;

async function scpiBoard(t: { teardown(fn: () => unknown): void }): Promise<Board> {
  const { rp } = await scpiServedBoard(t, { seed: 18, noiseDensity: 1e-7 });
  await rp.asg0.set({ waveform: 'sine', frequency: F_HZ, amplitude: AMPLITUDE_V, output: 'out1' });
  return rp;
}

/** Each block starts where the previous ended (a gap counts as the samples it names), from index 0. */
function assertConsecutive(t: import('ava').ExecutionContext, blocks: readonly StreamBlock[]): void {
  let next = 0;
  for (const b of blocks) {
    t.is(b.index, next, `${b.kind} block at ${b.index}, expected ${next}`);
    next = b.index + b.samples;
  }
}

/**
 * The phase of the sine in each sample block, fitted with time = index·dt (the stream's counter),
 * minus the straight line through them all (the generator's frequency need not be exactly F_HZ).
 * Returns the largest residual in rad. One sample missing or repeated shifts every later block by
 * 2π·F·dt (0.064 rad at decimation 256, 0.26 rad at 1024): a step a line cannot follow, leaving a
 * residual of at least a quarter of it. The noise in one block's phase is σ/A·√(2/N) ≈ 1e-5 rad
 * (σ ≈ 1.2e-4 V: the LSB and the 1e-7 V/√Hz input noise in the decimated band; A = 0.4 V; N ≥ 4096).
 */
function phaseResidualRad(blocks: readonly SampleBlock[]): number {
  const xs: number[] = [];
  const ys: number[] = [];
  let last = 0;
  for (const b of blocks) {
    const t0 = b.index * b.dt;
    let phase = fitSine(b.ch2, b.dt, t0, F_HZ).phase;
    // unwrap against the previous block
    while (phase - last > Math.PI) phase -= 2 * Math.PI;
    while (phase - last < -Math.PI) phase += 2 * Math.PI;
    last = phase;
    xs.push(t0);
    ys.push(phase);
  }
  const n = xs.length;
  const mx = xs.reduce((a, b) => a + b, 0) / n;
  const my = ys.reduce((a, b) => a + b, 0) / n;
  let sxy = 0;
  let sxx = 0;
  for (let i = 0; i < n; i++) {
    sxy += (xs[i]! - mx) * (ys[i]! - my);
    sxx += (xs[i]! - mx) ** 2;
  }
  const slope = sxx > 0 ? sxy / sxx : 0;
  return Math.max(...ys.map((y, i) => Math.abs(y - my - slope * (xs[i]! - mx))));
}

test.serial('continuous$ over SCPI at decimation 1024: consecutive counted blocks, one sine across every block boundary, the ring guarantee', async (t) => {
  const rp = await scpiBoard(t);
  const decimation = 1024;
  const blockSamples = 8192; // 67 ms
  const blocks = await firstValueFrom(rp.scope.continuous$({ decimation, blockSamples }).pipe(take(16), toArray()));
  t.true(blocks.every((b) => b.kind === 'samples'), `kinds ${blocks.map((b) => b.kind).join(',')}`);
  assertConsecutive(t, blocks);
  const samples = blocks as SampleBlock[];
  t.true(samples.every((b) => b.dt === decimation / FS && b.samples === blockSamples && b.ch1.length === blockSamples));
  // in2 sees out1 directly: the amplitude in every block (boxcar over 8.2 µs: sinc(π·F·dt) = 0.9989)
  for (const b of samples) {
    const fit = fitSine(b.ch2, b.dt, b.index * b.dt, F_HZ);
    t.true(Math.abs(fit.amplitude - AMPLITUDE_V * 0.9989) < 5e-3, `amplitude ${fit.amplitude} V in block ${b.index}`);
  }
  const residual = phaseResidualRad(samples);
  t.true(residual < 1e-3, `phase off the counter's line by ${residual} rad (a missing sample: ≥ 0.065 rad)`);
  t.is(rp.scope.streamGuarantee, 'ring');
});

test.serial('a consumer that stalls longer than the ring gets a marked gap, and the counter stays true after it', async (t) => {
  const rp = await scpiBoard(t);
  // The whole process stalls (server and writer too): labrx-sim's writer then writes the 2.2 s due at
  // the next query, and the driver proves the count from both inputs' positions (ring 1.07 s long,
  // decimation 1024, 122 kS/s).
  const decimation = 1024;
  const blockSamples = 4096; // 34 ms
  const bufferSamples = 131072;
  const stallMs = 2200; // two rings
  let seen = 0;
  const blocks = await lastValueFrom(
    rp.scope.continuous$({ decimation, blockSamples, bufferSamples, onOverflow: 'gap' }).pipe(
      tap(() => {
        // the third block's consumer holds the event loop for two rings' worth
        if (++seen === 3) {
          const until = performance.now() + stallMs;
          while (performance.now() < until);
        }
      }),
      take(40),
      toArray(),
    ),
  );
  assertConsecutive(t, blocks);
  const gaps = blocks.filter((b) => b.kind === 'gap');
  t.true(gaps.length >= 1, 'the stall is reported as a gap');
  const lost = gaps.reduce((a, g) => a + g.samples, 0);
  // at least the stall minus the ring was lost (2.2 s·122 kS/s − 131072 = 137,496 samples)
  t.true(lost >= (stallMs / 1000) * (FS / decimation) - bufferSamples, `${lost} samples marked lost`);
  const samples = blocks.filter((b): b is SampleBlock => b.kind === 'samples');
  t.true(samples.length >= 30);
  const residual = phaseResidualRad(samples);
  t.true(residual < 1e-3, `phase off the counter's line by ${residual} rad (a miscounted sample: ≥ 0.064 rad)`);
});

test.serial("with onOverflow 'error' the same stall ends the stream with StreamOverflowError", async (t) => {
  const rp = await scpiBoard(t);
  let seen = 0;
  const err = await t.throwsAsync(
    lastValueFrom(
      rp.scope.continuous$({ decimation: 256, blockSamples: 4096, bufferSamples: 262144 }).pipe(
        tap(() => {
          if (++seen === 2) {
            const until = performance.now() + 800;
            while (performance.now() < until);
          }
        }),
        take(60),
      ),
    ),
  );
  t.true(err instanceof StreamOverflowError, String(err));
});

// ---- The chirp: every sample at its counter --------------------------------------------------

const LSB = 2 / 2 ** 14;

/**
 * One period (2 s) of the generator is a linear chirp of 20 → 220 cycles (10 → 110 Hz), an
 * 'arbitrary' table the simulator interpolates linearly; point sampling (boxcar off), no noise.
 * Sample i of the stream is then the table at φ0 + i·dt·f periods, quantised: φ0 (where the table
 * was when the writer started) is fitted on the first block, and every later sample must match at
 * its own counter. A sample missing or repeated shifts every later one by dt = 8.2 µs, which moves
 * the chirp by at least 2π·10 Hz·0.9 V·dt = 0.46 mV = 3.8 LSB at a zero crossing (every 134 ms block
 * has two, even at 10 Hz), against the 1.5 LSB allowed: quantisation (0.5) and φ0's fit (a 1e-7
 * period error moves the steepest sample by 1244 V/period · 1e-7 = 0.1 mV = 1 LSB; the fit over
 * 16384 samples is good to ~1e-9).
 */
// 20 → 220 cycles: k0 + (k1 − k0)/2 = 120 whole cycles per period, the table wraps smoothly
const CHIRP = { data: linearChirpTable(16384, 20, 220), amplitude: 0.9, frequency: 0.5 };

/** The chirp (V, unquantised) at phase φ (periods). */
function chirpAt(phi: number): number {
  return tableAt(CHIRP.data, CHIRP.amplitude, phi);
}

/** φ0 (periods) that best explains `block` (least squares): a grid of 1e-4 periods (the basins are ≥ 1e-3 wide), then a ternary search. */
function fitChirpPhase(block: SampleBlock): number {
  const step = block.dt * CHIRP.frequency;
  const sse = (phi0: number, stride: number) => {
    let s = 0;
    for (let j = 0; j < block.samples; j += stride) {
      const e = block.ch1[j]! - chirpAt(phi0 + (block.index + j) * step);
      s += e * e;
    }
    return s;
  };
  let best = 0;
  let bestSse = Infinity;
  for (let phi = 0; phi < 1; phi += 1e-4) {
    const s = sse(phi, 64);
    if (s < bestSse) {
      bestSse = s;
      best = phi;
    }
  }
  let lo = best - 2e-4;
  let hi = best + 2e-4;
  for (let k = 0; k < 80; k++) {
    const a = lo + (hi - lo) / 3;
    const b = hi - (hi - lo) / 3;
    if (sse(a, 1) < sse(b, 1)) hi = b;
    else lo = a;
  }
  return (lo + hi) / 2;
}

/** The worst distance (in LSB) of any sample of `blocks` (both inputs) from the quantised chirp at its counter, and where. */
function worstChirpErrorLsb(blocks: readonly SampleBlock[], phi0: number): { lsb: number; index: number } {
  let worst = 0;
  let index = -1;
  for (const b of blocks) {
    const step = b.dt * CHIRP.frequency;
    for (let j = 0; j < b.samples; j++) {
      const expected = Math.round(chirpAt(phi0 + (b.index + j) * step) / LSB) * LSB;
      const e = Math.max(Math.abs(b.ch1[j]! - expected), Math.abs(b.ch2[j]! - expected));
      if (e > worst) {
        worst = e;
        index = b.index + j;
      }
    }
  }
  return { lsb: worst / LSB, index };
}

/**
 * A board streaming the chirp from labrx-sim's SCPI server; `proxied`: through a TCP proxy whose
 * client-to-server direction `hold(ms)` stalls for `ms` (the reader's next request reaches the server
 * that much later, while the server and its deep-memory writer go on in real time: an artificially
 * delayed reader).
 */
async function chirpBoard(t: { teardown(fn: () => unknown): void }, proxied = false): Promise<{ rp: Board; hold(ms: number): void }> {
  const sim = createSimBoard({ seed: 1, noiseDensity: 0 });
  const server = await startScpiServer({ board: sim, port: 0 });
  const proxy = proxied ? await startFaultProxy({ host: '127.0.0.1', port: server.port }) : null;
  const rp = await connect(proxy?.url ?? server.url);
  t.teardown(async () => {
    await rp.close();
    await proxy?.close();
    await server.close();
    await sim.close();
  });
  await rp.asg0.set({ waveform: 'arbitrary', data: CHIRP.data, frequency: CHIRP.frequency, amplitude: CHIRP.amplitude, output: 'out1' });
  return {
    rp,
    hold: (ms) => {
      proxy?.set('up', { kind: 'stall' });
      setTimeout(() => proxy?.set('up', { kind: 'pass' }), ms);
    },
  };
}

test.serial('a chirp streamed over the SCPI ring: every sample is the chirp at its counter (none missing or repeated)', async (t) => {
  const { rp } = await chirpBoard(t);
  const decimation = 1024;
  const blockSamples = 16384; // 134 ms
  const blocks = await firstValueFrom(rp.scope.continuous$({ decimation, boxcar: false, blockSamples }).pipe(take(20), toArray()));
  t.true(blocks.every((b) => b.kind === 'samples'), `kinds ${blocks.map((b) => b.kind).join(',')}`);
  assertConsecutive(t, blocks);
  const samples = blocks as SampleBlock[];
  const phi0 = fitChirpPhase(samples[0]!);
  const worst = worstChirpErrorLsb(samples, phi0);
  t.true(worst.lsb <= 1.5, `worst ${worst.lsb} LSB at sample ${worst.index} (a missing sample: ≥ 3.8 LSB)`);
});

test.serial('a reader delayed past a lap gets a gap of exactly the samples it lost: every sample after it is the chirp at its counter', async (t) => {
  const { rp, hold } = await chirpBoard(t, true);
  const decimation = 1024;
  const blockSamples = 16384; // 134 ms
  const bufferSamples = 65536; // 0.54 s
  const holdMs = 1500; // the request after the third block reaches the server 1.5 s late: 2.8 rings
  let seen = 0;
  const blocks = await lastValueFrom(
    rp.scope.continuous$({ decimation, boxcar: false, blockSamples, bufferSamples, onOverflow: 'gap' }).pipe(
      tap(() => {
        if (++seen === 3) hold(holdMs);
      }),
      take(14),
      toArray(),
    ),
  );
  assertConsecutive(t, blocks);
  const gaps = blocks.filter((b) => b.kind === 'gap');
  t.true(gaps.length >= 1, 'the delay is reported as a gap');
  const lost = gaps.reduce((a, g) => a + g.samples, 0);
  const rate = FS / decimation;
  // at least the delay less the ring was lost (its exact size is checked by the chirp below)
  t.true(lost >= (holdMs / 1000) * rate - bufferSamples, `${lost} samples marked lost`);
  const samples = blocks.filter((b): b is SampleBlock => b.kind === 'samples');
  t.true(samples.some((b) => b.index > gaps[0]!.index), 'samples after the gap');
  // the gap's size is right to the sample: the chirp fitted before it holds after it
  const phi0 = fitChirpPhase(samples[0]!);
  const worst = worstChirpErrorLsb(samples, phi0);
  t.true(worst.lsb <= 1.5, `worst ${worst.lsb} LSB at sample ${worst.index} (a sample miscounted: ≥ 3.8 LSB)`);
});
