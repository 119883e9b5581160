import test from 'ava';
import { Subject, from, toArray, firstValueFrom } from 'rxjs';
import { decimationResponse, failOnGap, initFftBackend, rollingWindow, SegmentAssembler, SpectrumKernel, StreamOverflowError, toBlockIterable, welchSpectra, type GapBlock, type SampleBlock, type StreamBlock } from '@labrx/core';
import { marbles } from '@labrx/core/testing';

const DT = 1e-6;
/** A sample block whose samples are their own stream index (ch1) and minus it (ch2). */
function block(index: number, samples: number): SampleBlock {
  const ch1 = Float64Array.from({ length: samples }, (_, j) => index + j);
  const ch2 = ch1.map((v) => -v);
  return { kind: 'samples', index, samples, dt: DT, ch1, ch2, timestamp: index * DT * 1000 };
}
const gap = (index: number, samples: number): GapBlock => ({ kind: 'gap', index, samples, dt: DT, timestamp: index * DT * 1000 });

test('failOnGap passes sample blocks and errors with StreamOverflowError at the first gap, unsubscribing the source', (t) =>
  marbles(t, ({ cold, expectObservable, expectSubscriptions }) => {
    const a = block(0, 4);
    const b = block(4, 4);
    const source = cold('-a-b-g-c-|', { a, b, g: gap(8, 12), c: block(20, 4) });
    expectObservable(source.pipe(failOnGap('x', 16))).toBe('-a-b-#', { a, b }, new StreamOverflowError('x', 8, 12, 16));
    expectSubscriptions(source.subscriptions).toBe('^----!');
  }));

test('failOnGap unsubscribed early unsubscribes the source', (t) =>
  marbles(t, ({ hot, expectObservable, expectSubscriptions }) => {
    const source = hot('-a-b-|', { a: block(0, 4), b: block(4, 4) });
    expectObservable(source.pipe(failOnGap('x', 16)), '^-!').toBe('-a', { a: block(0, 4) });
    expectSubscriptions(source.subscriptions).toBe('^-!');
  }));

test('SegmentAssembler cuts any block sizes into overlapping segments on the hop grid, and restarts after a gap or a discontinuity', (t) => {
  const a = new SegmentAssembler(8, 4);
  const starts: number[] = [];
  const check = (ch1: Float64Array, ch2: Float64Array, index: number) => {
    starts.push(index);
    for (let j = 0; j < 8; j++) {
      if (ch1[j] !== index + j || ch2[j] !== -(index + j)) t.fail(`segment at ${index} holds ${ch1.join(',')}`);
    }
  };
  for (const b of [block(0, 3), block(3, 7), block(10, 1), block(11, 13)]) t.true(a.push(b, check));
  t.deepEqual(starts, [0, 4, 8, 12, 16]);
  starts.length = 0;
  t.false(a.push(gap(24, 5), check));
  a.push(block(29, 8), check);
  t.false(a.push(block(100, 8), check), 'a block that does not follow is a discontinuity');
  a.push(block(108, 4), check);
  t.deepEqual(starts, [29, 100, 104]);
});

test('rollingWindow keeps the newest samples oldest first, NaN before the stream filled it and where a gap lost samples', async (t) => {
  const out = await firstValueFrom(from<StreamBlock[]>([block(0, 3), block(3, 3), gap(6, 2), block(8, 3)]).pipe(rollingWindow(8), toArray()));
  t.is(out.length, 3, 'a gap emits nothing itself');
  t.deepEqual([...out[0]!.ch1], [NaN, NaN, NaN, NaN, NaN, 0, 1, 2]);
  t.deepEqual([...out[1]!.ch1], [NaN, NaN, 0, 1, 2, 3, 4, 5]);
  t.deepEqual([...out[2]!.ch1], [3, 4, 5, NaN, NaN, 8, 9, 10]);
  t.is(out[2]!.index, 10);
  t.is(out[2]!.t0, -7 * DT);
});

test('toBlockIterable: a pulling consumer gets every block in order while it keeps up', async (t) => {
  const blocks = [block(0, 4), block(4, 4), block(8, 4)];
  const got: StreamBlock[] = [];
  // a synchronous source delivers all 12 samples before the first read: they fit in 12
  for await (const b of toBlockIterable(from(blocks), { bufferSamples: 12, onOverflow: 'error', operation: 'x' })) got.push(b);
  t.deepEqual(got, blocks);
  const error = await (async () => {
    for await (const _ of toBlockIterable(from(blocks), { bufferSamples: 8, onOverflow: 'error', operation: 'x' })) void _;
  })().catch((e: unknown) => e);
  t.true(error instanceof StreamOverflowError, 'in 8 they do not: the third block overflows');
});

test("toBlockIterable 'gap': blocks that do not fit replace the oldest unread ones by one gap; 'error' ends after the queued blocks", async (t) => {
  const source = new Subject<StreamBlock>();
  const it = toBlockIterable(source, { bufferSamples: 8, onOverflow: 'gap', operation: 'x' })[Symbol.asyncIterator]();
  const first = it.next(); // subscribes
  source.next(block(0, 4)); // handed to the waiting next()
  t.deepEqual((await first).value, block(0, 4));
  for (let i = 1; i <= 5; i++) source.next(block(4 * i, 4)); // 20 samples into a queue of 8
  source.complete();
  const rest: StreamBlock[] = [];
  for (let r = await it.next(); !r.done; r = await it.next()) rest.push(r.value);
  t.deepEqual(rest, [gap(4, 12), block(16, 4), block(20, 4)]);

  const source2 = new Subject<StreamBlock>();
  const it2 = toBlockIterable(source2, { bufferSamples: 8, onOverflow: 'error', operation: 'x' })[Symbol.asyncIterator]();
  const p = it2.next();
  source2.next(block(0, 4));
  await p;
  for (let i = 1; i <= 3; i++) source2.next(block(4 * i, 4));
  t.false(source2.observed, 'the overflow unsubscribed the stream');
  t.deepEqual((await it2.next()).value, block(4, 4));
  t.deepEqual((await it2.next()).value, block(8, 4));
  const error = await it2.next().catch((e: unknown) => e);
  t.true(error instanceof StreamOverflowError);
  t.is((error as StreamOverflowError).index, 12);
});

test('welchSpectra: a gap drops the partial average and the next spectrum reports the lost samples', async (t) => {
  const n = 64;
  const noise = (index: number, samples: number): SampleBlock => {
    const ch1 = Float64Array.from({ length: samples }, (_, j) => Math.sin((index + j) * 0.7) + Math.sin((index + j) * 0.123));
    return { kind: 'samples', index, samples, dt: DT, ch1, ch2: ch1, timestamp: index * DT * 1000 };
  };
  const op = welchSpectra({ points: n, hopSamples: 32, window: 'hann', backend: 'fftjs', averages: 3, input: 'both', decimation: 1, boxcar: true, sampleRateHz: 125e6 });
  const out = await firstValueFrom(from<StreamBlock[]>([noise(0, 100), gap(100, 50), noise(150, 200)]).pipe(op, toArray()));
  // before the gap: segments at 0 and 32 (2 of 3, dropped); after: 150, 182, 214 → one spectrum, then 246, 278 (partial)
  t.is(out.length, 1);
  t.is(out[0]!.index, 150);
  t.is(out[0]!.averages, 3);
  t.is(out[0]!.samples, 64 + 2 * 32);
  t.is(out[0]!.lostSamples, 50);
});

for (const backend of ['fftjs', 'pffft'] as const) {
  test(`welchSpectra (${backend}): every bin of every spectrum is the mean of its segments' power, the boxcar decimation's 1/|H|² applied, though result arrays are not cleared before use`, async (t) => {
    await initFftBackend(backend);
    const n = 256;
    const hop = 128;
    const decimation = 8;
    const signal = (index: number, samples: number): SampleBlock => {
      const ch1 = Float64Array.from({ length: samples }, (_, j) => Math.sin((index + j) * 0.7) + 0.3 * Math.sin((index + j) * 0.123));
      const ch2 = ch1.map((v, j) => 0.5 * v + 0.01 * Math.cos((index + j) * 2.1));
      return { kind: 'samples', index, samples, dt: (decimation / 125e6), ch1, ch2, timestamp: 0 };
    };
    const blocks = Array.from({ length: 16 }, (_, b) => signal(b * 100, 100));
    for (const averages of [1, 3]) {
      const op = welchSpectra({ points: n, hopSamples: hop, window: 'hann', backend, averages, input: 'both', decimation, boxcar: true, sampleRateHz: 125e6 });
      const out = await firstValueFrom(from<StreamBlock[]>(blocks).pipe(op, toArray()));
      t.is(out.length, Math.floor((Math.floor((1600 - n) / hop) + 1) / averages));
      // reference: each segment's power in Vpk² (kernel, zero-initialised arrays), times 1/|H(f)|², averaged
      const k = new SpectrumKernel(n, 'hann', backend);
      const all1 = Float64Array.from(blocks.flatMap((b) => Array.from(b.ch1)));
      const all2 = Float64Array.from(blocks.flatMap((b) => Array.from(b.ch2)));
      const p = new Float64Array(k.bins);
      for (const s of out) {
        for (const [ch, all] of [[s.ch1, all1], [s.ch2, all2]] as const) {
          const expected = new Float64Array(k.bins);
          for (let a = 0; a < averages; a++) {
            const start = s.index + a * hop;
            k.powerVpk2(all.subarray(start, start + n), p);
            for (let j = 0; j < k.bins; j++) expected[j]! += (p[j]! / decimationResponse(s.frequencies[j]!, decimation, 125e6) ** 2) / averages;
          }
          // the same products in another order: relative 1e-12 (Float64 rounding; pffft's Float32 rounding is identical on both sides)
          for (let j = 0; j < k.bins; j++) t.true(Math.abs(ch[j]! - expected[j]!) <= 1e-12 * Math.abs(expected[j]!) + 1e-300, `averages ${averages}, bin ${j}: ${ch[j]} vs ${expected[j]}`);
        }
      }
    }
  });
}
