import test from 'ava';
import type { SampleBlock } from '@labrx/core';
import { blockFrame, decodeFrame, traceFrame } from '@labrx/remote';

// Block frames (a gapless stream's blocks over NATS) carry the driver's exact volts and their stream
// index; decoding copies, so a frame that arrives as a view into a larger buffer (a Node Buffer from
// a pool shared with other messages, as NATS may hand it over) decodes to its own samples.

const block = (samples: number): SampleBlock => ({
  kind: 'samples',
  index: 4096,
  samples,
  dt: 8 / 125e6,
  ch1: Float64Array.from({ length: samples }, (_, i) => Math.sin(i) * 0.9),
  ch2: Float64Array.from({ length: samples }, (_, i) => -i / 3),
  timestamp: 12.345,
});

test('a sample block crosses bit for bit, with the index and frame number given', (t) => {
  const b = block(1525);
  const d = decodeFrame(blockFrame(b, 100, 7));
  t.is(d.kind, 'block');
  if (d.kind !== 'block') return;
  t.is(d.seq, 7);
  t.deepEqual(d.block, { ...b, index: 100 });
});

test('a gap crosses without data', (t) => {
  const frame = blockFrame({ kind: 'gap', index: 0, samples: 8192, dt: 1e-6, timestamp: 3 }, 8192, 2);
  t.true(frame.length < 128);
  t.deepEqual(decodeFrame(frame), { kind: 'block', seq: 2, block: { kind: 'gap', index: 8192, samples: 8192, dt: 1e-6, timestamp: 3 } });
});

test('frames that are views into a larger Node Buffer (odd offsets) decode to their own samples: blocks and traces', (t) => {
  for (const samples of [16, 1525, 4096]) {
    const b = block(samples);
    const frame = blockFrame(b, 0, 1);
    const pool = Buffer.alloc(frame.length + 8195, 0x7f);
    pool.set(frame, 3);
    const d = decodeFrame(pool.subarray(3, 3 + frame.length));
    t.true(d.kind === 'block' && d.block.kind === 'samples' && d.block.ch1.every((v, i) => v === b.ch1[i]) && d.block.ch2.every((v, i) => v === b.ch2[i]), `${samples} samples`);
    const tf = traceFrame({ dt: b.dt, t0: 0, timestamp: 1, ch1: b.ch1, ch2: b.ch2 });
    const pool2 = Buffer.alloc(tf.length + 8195, 0x7f);
    pool2.set(tf, 5);
    const dt = decodeFrame(pool2.subarray(5, 5 + tf.length));
    t.true(dt.kind === 'trace' && dt.trace.ch1.every((v, i) => v === b.ch1[i]) && dt.trace.ch2.length === samples, `trace of ${samples}`);
  }
});

test('malformed block frames are SyntaxErrors naming what is wrong', (t) => {
  const frame = blockFrame(block(64), 0, 1);
  t.throws(() => decodeFrame(frame.subarray(0, frame.length - 8)), { instanceOf: SyntaxError, message: /does not hold 2 × 64 samples/ });
  const zeroSeq = blockFrame(block(64), 0, 1);
  zeroSeq.set(new TextEncoder().encode('"seq":0'), new TextDecoder().decode(zeroSeq.subarray(0, 200)).indexOf('"seq":1'));
  t.throws(() => decodeFrame(zeroSeq), { instanceOf: SyntaxError, message: /seq/ });
});
