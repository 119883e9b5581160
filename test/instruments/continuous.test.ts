import test from 'ava';
import { firstValueFrom, take, timer, toArray, type SchedulerLike } from 'rxjs';
import { Board, connect, createSimBoard, NotSupportedError, SettingsError, StreamOverflowError, type BoardDriver, type SampleBlock, type StreamBlock } from 'labrx';
import { VirtualClock } from '@labrx/core/testing';
import type { SimBoard } from '@labrx/hw-sim';
import { chirpStreamError, linearChirpTable } from '../helpers/chirp.js';

const FS = 125e6;
const LSB = 2 / 2 ** 14;

/**
 * A board on virtual time whose clock a consumer can push ahead: `spend(ms)` says "the consumer
 * just used ms of CPU" (the board kept producing meanwhile), which is what a slow synchronous
 * subscriber does to a push stream in real life.
 */
async function lagBoard(sim: Record<string, unknown> = {}) {
  const clock = new VirtualClock();
  let lagMs = 0;
  const scheduler: SchedulerLike = { now: () => clock.now() + lagMs, schedule: clock.schedule.bind(clock) as SchedulerLike['schedule'] };
  const rp = await connect({ sim: { seed: 3, noiseDensity: 1e-7, ...sim, scheduler } });
  return { clock, rp, spend: (ms: number) => (lagMs += ms) };
}

/** Each block starts where the previous ended (a gap counts as the samples it names), from index 0. */
function assertConsecutive(t: import('ava').ExecutionContext, blocks: readonly StreamBlock[]) {
  let next = 0;
  for (const b of blocks) {
    t.is(b.index, next, `block at ${b.index}, expected ${next}`);
    next = b.index + b.samples;
  }
}

test('a chirp streamed for 10 s of virtual time is reassembled with no missing or repeated sample: counters consecutive, every sample the chirp at its counter', async (t) => {
  // One period of the generator (0.1 Hz: 10 s) is a linear chirp of 200 → 2200 cycles per period
  // (20 → 220 Hz), an 'arbitrary' table the simulator interpolates linearly. Point sampling
  // (boxcar off) and no noise: each sample must equal the table at its own time, quantised, to
  // within half an LSB. A sample missing or repeated shifts every later one by dt = 8.2 µs, which
  // moves the chirp by at least 2π·20 Hz·0.9 V·dt = 0.93 mV = 7.6 LSB at the zero crossing that
  // every 33 ms block contains (0.67 cycle even at 20 Hz).
  const clock = new VirtualClock();
  const rp = await connect({ sim: { seed: 1, noiseDensity: 0, scheduler: clock } });
  const P = 16384;
  const k0 = 200;
  const k1 = 2200; // k0 + (k1 − k0)/2 = 1200 whole cycles per period: the table wraps smoothly
  const data = linearChirpTable(P, k0, k1);
  const A = 0.9;
  const f = 0.1;
  await rp.asg0.set({ waveform: 'arbitrary', data, frequency: f, amplitude: A, output: 'out1' });
  const setS = clock.now() / 1000;
  const decimation = 1024;
  const dt = decimation / FS;
  const blockSamples = 16384;
  const nBlocks = Math.floor(10 / (blockSamples * dt)); // 74 blocks, 9.93 s
  const all = await clock.run(firstValueFrom(rp.scope.continuous$({ decimation, boxcar: false, blockSamples }).pipe(take(nBlocks), toArray())));
  const blocks = all.filter((b): b is SampleBlock => b.kind === 'samples');
  t.is(blocks.length, nBlocks);
  assertConsecutive(t, blocks);
  const { worst, worstIndex, badTimestamps } = chirpStreamError(blocks, { data, amplitude: A, frequency: f, setS, lsb: LSB });
  t.is(badTimestamps, 0, 'board time = start + index·dt');
  // half an LSB of quantisation only where the ideal value sits on a rounding boundary (float
  // rounding of the phase, 1e-12 cycles, can tip it): at most one LSB
  t.true(worst <= LSB * (1 + 1e-9), `worst ${worst / LSB} LSB at sample ${worstIndex}`);
  t.is(rp.leases.holderOf('scope'), undefined, 'take() ended the stream: the lease is back');
  t.is((rp.driver as SimBoard).activeAcquisitions, 0);
  t.is(clock.nextFrame(), undefined, 'no timer left');
  await rp.close();
});

test('blocks cut at any size are the same stream: noise and generator phase continue exactly across block boundaries', async (t) => {
  // Two boards with the same seed stream the same signal; one in blocks of 1000, one in 4096: the
  // first 12000 samples must be identical bit for bit (same realisation, same phases).
  const run = async (blockSamples: number) => {
    const clock = new VirtualClock();
    const rp = await connect({ sim: { seed: 9, noiseDensity: 3e-7, scheduler: clock } });
    await rp.asg0.set({ waveform: 'square', frequency: 12_345.6, amplitude: 0.4, output: 'out1' });
    const n = Math.ceil(12000 / blockSamples);
    const all = await clock.run(firstValueFrom(rp.scope.continuous$({ decimation: 16, blockSamples }).pipe(take(n), toArray())));
    const blocks = all.filter((b): b is SampleBlock => b.kind === 'samples');
    await rp.close();
    const ch1 = new Float64Array(n * blockSamples);
    const ch2 = new Float64Array(n * blockSamples);
    for (const b of blocks) {
      ch1.set(b.ch1, b.index);
      ch2.set(b.ch2, b.index);
    }
    return { ch1: ch1.subarray(0, 12000), ch2: ch2.subarray(0, 12000) };
  };
  const a = await run(1000);
  const b = await run(4096);
  t.deepEqual(a.ch1, b.ch1);
  t.deepEqual(a.ch2, b.ch2);
  let rms = 0;
  for (const v of a.ch1) rms += v * v;
  t.true(Math.sqrt(rms / 12000) > 0.1, 'the signal is there');
});

test("a slow synchronous consumer overflows the board's buffer: onOverflow 'error' stops with StreamOverflowError naming the first lost sample", async (t) => {
  const { clock, rp, spend } = await lagBoard();
  const decimation = 64;
  const dtMs = (decimation / FS) * 1000;
  const blockSamples = 4096;
  const bufferSamples = 16384;
  const seen: number[] = [];
  const error = await clock
    .run(
      new Promise<unknown>((resolve) => {
        rp.scope.continuous$({ decimation, blockSamples, bufferSamples }).subscribe({
          next: (b) => {
            seen.push(b.index);
            if (seen.length === 3) spend(20); // the third block takes the consumer 20 ms
          },
          error: resolve,
        });
      }),
    )
    .catch((e: unknown) => e);
  t.true(error instanceof StreamOverflowError, String(error));
  const e = error as StreamOverflowError;
  // when block 2 (ending at 3·4096·dt = 6.29 ms) was delivered, the consumer held the board until
  // 26.29 ms: the board had produced floor(26.29 ms/dt) samples and kept the newest 16384
  const produced = Math.floor((3 * blockSamples * dtMs + 20) / dtMs + 1e-6);
  t.deepEqual(seen, [0, 4096, 8192]);
  t.is(e.index, 3 * blockSamples);
  t.is(e.lostSamples, produced - bufferSamples - 3 * blockSamples);
  t.is(e.bufferSamples, bufferSamples);
  t.is(rp.leases.holderOf('scope'), undefined);
  t.is((rp.driver as SimBoard).activeAcquisitions, 0);
  await rp.close();
});

test("…with onOverflow 'gap' a marked gap block names exactly the lost samples and the stream goes on from the oldest sample still held", async (t) => {
  const { clock, rp, spend } = await lagBoard();
  const decimation = 64;
  const dtMs = (decimation / FS) * 1000;
  const blockSamples = 4096;
  const bufferSamples = 16384;
  const blocks = await clock.run(
    new Promise<StreamBlock[]>((resolve) => {
      const got: StreamBlock[] = [];
      const sub = rp.scope.continuous$({ decimation, blockSamples, bufferSamples, onOverflow: 'gap' }).subscribe((b) => {
        got.push(b);
        if (got.length === 3) spend(20);
        if (got.length === 12) {
          sub.unsubscribe();
          resolve(got);
        }
      });
    }),
  );
  assertConsecutive(t, blocks);
  const gaps = blocks.filter((b) => b.kind === 'gap');
  t.is(gaps.length, 1);
  const produced = Math.floor((3 * blockSamples * dtMs + 20) / dtMs + 1e-6);
  t.is(gaps[0]!.index, 3 * blockSamples);
  t.is(gaps[0]!.index + gaps[0]!.samples, produced - bufferSamples, 'resumes at the oldest sample the ring still holds');
  // the buffered samples after the gap are delivered at once (the consumer catches up), then on time
  t.is(blocks[4]!.index, produced - bufferSamples);
  await rp.close();
});

test("a slow pulling consumer (ix async iterable) fills the queue bounded in samples: 'error' ends after the queued blocks, 'gap' replaces the oldest unread blocks by one gap", async (t) => {
  for (const onOverflow of ['error', 'gap'] as const) {
    const clock = new VirtualClock();
    const rp = await connect({ sim: { seed: 4, scheduler: clock } });
    const blockSamples = 4096;
    const bufferSamples = 4 * blockSamples;
    const got: StreamBlock[] = [];
    const consume = async () => {
      // each block takes the consumer 5 ms of board time; one arrives every 2.1 ms
      for await (const b of rp.scope.continuous({ decimation: 64, blockSamples, bufferSamples, onOverflow })) {
        got.push(b);
        if (got.length === 20) break;
        await firstValueFrom(timer(5, clock));
      }
    };
    const result = await clock.run(consume()).catch((e: unknown) => e);
    if (onOverflow === 'error') {
      t.true(result instanceof StreamOverflowError, String(result));
      const e = result as StreamOverflowError;
      t.true(got.length >= 5, 'the consumer read the blocks queued before the overflow');
      assertConsecutive(t, got);
      const last = got[got.length - 1]!;
      t.is(e.index, last.index + last.samples, 'the error names the first sample the consumer did not get');
    } else {
      t.is(result, undefined);
      t.is(got.length, 20);
      assertConsecutive(t, got);
      t.true(got.some((b) => b.kind === 'gap'), 'gaps were marked');
      // the consumer reads 1 block per 5 ms while 2.4 arrive: over 20 reads it lost well over half
      const lost = got.reduce((n, b) => n + (b.kind === 'gap' ? b.samples : 0), 0);
      const last = got[got.length - 1]!;
      t.true(lost > 0.5 * (last.index + last.samples), `lost ${lost} of ${last.index + last.samples}`);
    }
    t.is(rp.leases.holderOf('scope'), undefined, `${onOverflow}: lease released`);
    t.is((rp.driver as SimBoard).activeAcquisitions, 0);
    t.is(clock.nextFrame(), undefined, `${onOverflow}: no timer left`);
    await rp.close();
  }
});

test('unsubscribing continuous$, rolling$ and breaking the pull loop leave no timer, no lease, no running stream', async (t) => {
  const clock = new VirtualClock();
  const rp = await connect({ sim: { seed: 2, scheduler: clock } });
  const sim = rp.driver as SimBoard;
  const sub = rp.scope.continuous$({ decimation: 256 }).subscribe();
  t.is(rp.leases.holderOf('scope')?.owner, 'scope');
  t.true(sim.scopeRunning);
  await clock.advanceBy(100);
  sub.unsubscribe();
  t.is(rp.leases.holderOf('scope'), undefined);
  t.is(sim.activeAcquisitions, 0);
  t.is(clock.nextFrame(), undefined);
  const traces = await clock.run(firstValueFrom(rp.scope.rolling$({ decimation: 1024, durationS: 0.2 }).pipe(take(20), toArray())));
  t.is(traces.length, 20);
  t.is(traces[0]!.ch1.length, Math.round(0.2 / (1024 / FS)));
  // after 20 blocks of 1/16 window the window is full: no NaN left
  t.is(traces[19]!.ch1.filter(Number.isNaN).length, 0);
  t.true(traces[0]!.ch1.filter(Number.isNaN).length > 0, 'the first trace shows the unfilled part as NaN');
  t.is(clock.nextFrame(), undefined);
  t.is(rp.leases.holderOf('scope'), undefined);
  await rp.close();
});

test('rolling$ shows the newest durationS of the stream, oldest first, equal to the blocks it was built from', async (t) => {
  const clock = new VirtualClock();
  const rp = await connect({ sim: { seed: 2, scheduler: clock } });
  await rp.asg0.set({ frequency: 30, amplitude: 0.5, output: 'out1' });
  const decimation = 8192;
  const dt = decimation / FS;
  const traces = await clock.run(firstValueFrom(rp.scope.rolling$({ decimation, durationS: 1 }).pipe(take(40), toArray())));
  const last = traces[traces.length - 1]!;
  const n = last.ch1.length;
  t.is(n, Math.round(1 / dt));
  t.true(Math.abs(last.t0 + (n - 1) * dt) < 1e-12);
  // a 30 Hz sine at 0.5 V: the window's newest samples vs the previous trace shifted by one block
  const prev = traces[traces.length - 2]!;
  const shift = last.index - prev.index;
  for (let i = 0; i + shift < n; i += 97) t.is(last.ch1[i], prev.ch1[i + shift]);
  let peak = 0;
  for (const v of last.ch1) peak = Math.max(peak, Math.abs(v));
  t.true(Math.abs(peak - 0.5) < 0.01, `peak ${peak} V`);
  await rp.close();
});

test('bad stream settings are SettingsErrors at once; a driver without a stream gives NotSupportedError', async (t) => {
  const clock = new VirtualClock();
  const rp = await connect({ sim: { seed: 2, scheduler: clock } });
  t.is(rp.scope.streamGuarantee, 'exact');
  t.throws(() => rp.scope.continuous$({ decimation: 3 }), { instanceOf: SettingsError, message: /decimation/ });
  t.throws(() => rp.scope.continuous$({ blockSamples: 8192, bufferSamples: 10000 }), { instanceOf: SettingsError, message: /bufferSamples.*16384/ });
  t.throws(() => rp.scope.continuous$({ onOverflow: 'drop' as 'gap' }), { instanceOf: SettingsError, message: /onOverflow/ });
  t.throws(() => rp.scope.rolling$({ decimation: 8, durationS: 10 }), { instanceOf: SettingsError, message: /durationS/ });
  t.is(rp.leases.holderOf('scope'), undefined);
  await rp.close();
  const sim = createSimBoard({ seed: 1, scheduler: clock });
  const plain: BoardDriver = {
    id: 'plain',
    info: sim.info,
    scheduler: sim.scheduler,
    setAsg: (i, s) => sim.setAsg(i, s),
    acquire: (s) => sim.acquire(s),
    get scopeRunning() {
      return sim.scopeRunning;
    },
    close: () => sim.close(),
  };
  const board = new Board(plain);
  t.is(board.scope.streamGuarantee, 'none');
  t.throws(() => board.scope.continuous$(), { instanceOf: NotSupportedError, message: /scope\.continuous is not supported by plain/ });
  t.throws(() => board.specan.realtime$(), { instanceOf: NotSupportedError });
  await board.close();
});
