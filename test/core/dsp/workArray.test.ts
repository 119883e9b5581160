import test from 'ava';
import { firstValueFrom, from, take, toArray } from 'rxjs';
import { SegmentAssembler, SettingsError, createFftPlan, initFftBackend, welchSpectra, type SampleBlock } from '@labrx/core';
import { fillGaussian, uniformSource } from './_gaussian.js';

test.before(async () => {
  await initFftBackend('pffft');
});

test('pffft work arrays: zeroed, in the plan\'s heap, values kept when the heap grows, freed memory reused', (t) => {
  const plan = createFftPlan(256, 'pffft');
  const a = plan.allocateWork(1000);
  t.is(a.length, 1000);
  t.true(a.view().every((v) => v === 0));
  a.view().forEach((_, i, v) => (v[i] = i * 0.5));
  const heapBefore = a.view().buffer;
  // a plan of 2^23 points needs 3 × 32 MiB of buffers: the heap grows and the old views detach
  createFftPlan(1 << 23, 'pffft');
  t.not(a.view().buffer, heapBefore, 'the view is rebuilt on the grown heap');
  t.is(a.view()[999], 999 * 0.5);
  t.throws(() => plan.allocateWork(-1), { instanceOf: SettingsError });
  // free gives the memory back: the same block comes back for the same size
  const offset = a.view().byteOffset;
  a.free();
  a.free();
  t.throws(() => a.view(), { instanceOf: RangeError }, 'a freed work array cannot be used');
  const b = plan.allocateWork(1000);
  t.is(b.view().byteOffset, offset);
  t.true(b.view().every((v) => v === 0), 'a reused block is zeroed again');
  b.free();
});

for (const backend of ['pffft', 'fftjs'] as const) {
  test(`${backend}: accumulatePower on input and mean in the plan's memory equals it on ordinary arrays, bit for bit`, (t) => {
    const n = 4096;
    const plan = createFftPlan(n, backend);
    const x = fillGaussian(new Float64Array(n), 0.1, uniformSource(3));
    const w = Float64Array.from({ length: n }, (_, i) => 0.5 - 0.5 * Math.cos((2 * Math.PI * i) / n));
    const scale = Float64Array.from({ length: n / 2 + 1 }, (_, k) => 1 + k / n);
    const input = plan.allocateWork(n + 8);
    const mean = plan.allocateWork(n / 2 + 1);
    // an input that starts 8 values into its array: views at any offset are read where they lie
    input.view().set(x, 8);
    const plain = new Float64Array(n / 2 + 1);
    for (const weight of [1, 0.5, 0.25]) {
      plan.accumulatePower(x, w, scale, plain, weight);
      plan.accumulatePower(input.view().subarray(8, 8 + n), w, scale, mean.view(), weight);
      t.deepEqual(mean.view(), plain, `weight ${weight}`);
    }
    t.deepEqual(input.view().subarray(8), x, 'the input is not modified');
    input.free();
    mean.free();
  });
}

const DT = 8e-9;
function ramp(index: number, samples: number): SampleBlock {
  return {
    kind: 'samples',
    index,
    samples,
    ch1: Float64Array.from({ length: samples }, (_, i) => index + i),
    ch2: Float64Array.from({ length: samples }, (_, i) => -(index + i)),
    dt: DT,
    timestamp: index * DT * 1000,
  } as SampleBlock;
}

test('SegmentAssembler: over many laps of its line (in pffft\'s heap, grown meanwhile), every segment holds the right samples', (t) => {
  for (const [n, hop] of [[64, 32], [64, 64], [64, 1], [64, 48]] as const) {
    const plan = createFftPlan(256, 'pffft');
    const a = new SegmentAssembler(n, hop, (length) => plan.allocateWork(length));
    const starts: number[] = [];
    let bad = 0;
    const check = (ch1: Float64Array, ch2: Float64Array, index: number) => {
      starts.push(index);
      for (let j = 0; j < n; j++) if (ch1[j] !== index + j || ch2[j] !== -(index + j)) bad++;
    };
    let index = 0;
    const sizes = [1, 7, 64, 100, 3, 255, 31];
    for (let i = 0; i < 60; i++) {
      const size = sizes[i % sizes.length]!;
      a.push(ramp(index, size), check);
      index += size;
      if (i === 30) createFftPlan(1 << 22, 'pffft'); // grow the heap halfway
    }
    t.is(bad, 0, `n ${n}, hop ${hop}: wrong samples`);
    const expected = Array.from({ length: Math.floor((index - n) / hop) + 1 }, (_, k) => k * hop);
    t.deepEqual(starts, expected, `n ${n}, hop ${hop}: one segment per hop, none missed`);
    a.free();
  }
});

test('welchSpectra gives its heap memory back on unsubscribe: 100 subscriptions leave the heap as it was', async (t) => {
  const plan = createFftPlan(16384, 'pffft');
  const probe = plan.allocateWork(1);
  const op = () =>
    welchSpectra({ points: 16384, hopSamples: 8192, window: 'hann', backend: 'pffft', averages: 1, input: 'both', decimation: 1, boxcar: false, sampleRateHz: 125e6 });
  const blocks = [ramp(0, 16384), ramp(16384, 16384)];
  await firstValueFrom(from(blocks).pipe(op(), take(1), toArray()));
  const heapBytes = probe.view().buffer.byteLength;
  // each subscription holds 2 × 4 × 16384 + 2 × 8193 values (≈ 1.2 MiB): 100 kept would grow the heap by 120 MiB
  for (let i = 0; i < 100; i++) await firstValueFrom(from(blocks).pipe(op(), take(1), toArray()));
  t.is(probe.view().buffer.byteLength, heapBytes);
  probe.free();
});

test('SegmentAssembler: long segments (a line of 2n) also give every segment right, across several compactions', (t) => {
  const n = 1 << 17;
  const hop = 3 << 15; // 25 % overlap
  const a = new SegmentAssembler(n, hop);
  const starts: number[] = [];
  let bad = 0;
  const check = (ch1: Float64Array, ch2: Float64Array, index: number) => {
    starts.push(index);
    for (let j = 0; j < n; j += 997) if (ch1[j] !== index + j || ch2[j] !== -(index + j)) bad++;
    if (ch1[n - 1] !== index + n - 1) bad++;
  };
  let index = 0;
  for (const size of [100_000, 50_000, 300_000, 77_777, 250_000, 400_000]) {
    a.push(ramp(index, size), check);
    index += size;
  }
  t.is(bad, 0);
  t.deepEqual(starts, Array.from({ length: Math.floor((index - n) / hop) + 1 }, (_, k) => k * hop));
});
