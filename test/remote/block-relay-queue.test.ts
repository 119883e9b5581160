import test from 'ava';
import type { SampleBlock, StreamBlock } from '@labrx/core';
import { BlockRelayQueue } from '@labrx/remote';

// A client's queue on the board server: bounded in samples; what does not fit is one gap of exactly
// the samples dropped, at the front, never a silent hole (docs/decisions/0016, "Remote boards").

const dt = 1e-6;
const block = (index: number, samples = 100): SampleBlock => ({ kind: 'samples', index, samples, dt, ch1: new Float64Array(samples).fill(index), ch2: new Float64Array(samples), timestamp: index * dt * 1000 });

/** Drains the queue; checks the blocks tile [from, to) and returns them. */
function drain(t: import('ava').ExecutionContext, q: BlockRelayQueue, from: number, to: number): StreamBlock[] {
  const out: StreamBlock[] = [];
  let next = from;
  for (let b = q.shift(); b; b = q.shift()) {
    t.is(b.index, next);
    next = b.index + b.samples;
    out.push(b);
  }
  t.is(next, to);
  t.is(q.queuedSamples, 0);
  return out;
}

test('within the bound every block waits; over it the oldest become one gap at the front, of exactly the samples dropped', (t) => {
  const q = new BlockRelayQueue(300);
  for (let i = 0; i < 3; i++) q.push(block(i * 100));
  t.is(q.queuedSamples, 300);
  t.is(q.length, 3);
  q.push(block(300));
  t.is(q.queuedSamples, 300);
  t.is(q.dropped, 100);
  q.push(block(400));
  q.push(block(500));
  t.is(q.dropped, 300);
  const out = drain(t, q, 0, 600);
  t.deepEqual(out.map((b) => [b.kind, b.index, b.samples]), [['gap', 0, 300], ['samples', 300, 100], ['samples', 400, 100], ['samples', 500, 100]]);
  t.is(out[0]!.timestamp, 0, "the gap's board time is its first sample's");
});

test("a gap from the board inside the dropped span is part of the one gap; gaps count no samples against the bound", (t) => {
  const q = new BlockRelayQueue(200);
  q.push(block(0));
  q.push({ kind: 'gap', index: 100, samples: 500, dt, timestamp: 100 * dt * 1000 });
  q.push(block(600));
  t.is(q.queuedSamples, 200, 'the board gap holds no samples');
  t.is(q.length, 3);
  q.push(block(700));
  // block 0 dropped, and the board gap right behind it joins: one gap of 0 … 600
  t.is(q.dropped, 100);
  t.deepEqual(drain(t, q, 0, 800).map((b) => [b.kind, b.index, b.samples]), [['gap', 0, 600], ['samples', 600, 100], ['samples', 700, 100]]);
});

test('a queue that drops again while a gap is at its front extends that gap', (t) => {
  const q = new BlockRelayQueue(200);
  for (let i = 0; i < 6; i++) q.push(block(i * 100));
  t.is(q.dropped, 400);
  const out = drain(t, q, 0, 600);
  t.deepEqual(out.map((b) => [b.kind, b.index, b.samples]), [['gap', 0, 400], ['samples', 400, 100], ['samples', 500, 100]]);
  t.deepEqual([...(out[2] as SampleBlock).ch1.slice(0, 1)], [500], 'the blocks kept are the newest, untouched');
});
