import test from 'ava';
import fc from 'fast-check';
import { ringWriterCount } from '@labrx/scpi';

// The SCPI ring stream's count of the deep-memory writer (ringWriterCount): input 1 on a ring of
// R + 8 samples, input 2 on one of R, read one after the other (input 2 later by δ samples), bounds
// from the clocks. Properties over random rings, counts and delays.

/** Ring lengths (multiples of 8) from 16 to 2^21 samples. */
const ring = fc.integer({ min: 2, max: 1 << 18 }).map((k) => 8 * k);

test('with true bounds up to half a ring apart, the count is the writer’s, whatever the laps', (t) => {
  fc.assert(
    fc.property(ring, fc.integer({ min: 0, max: 2 ** 32 }), fc.integer({ min: 0, max: 7 }), fc.double({ min: 0, max: 1, noNaN: true }), fc.double({ min: 0, max: 1, noNaN: true }), (r, c, delta, u, v) => {
      // the window [atLeast, atMost] holds c and c + δ and is at most R/2 wide
      fc.pre(delta <= r / 2);
      const width = Math.floor(u * (r / 2 - delta)) + delta;
      const atLeast = Math.max(0, c - Math.floor(v * (width - delta)));
      const atMost = atLeast + width;
      const found = ringWriterCount([c % (r + 8), (c + delta) % r], r, { atLeast: Math.max(0, atLeast - Math.floor(u * 1e6)), atLeastIfOnTime: atLeast, atMost });
      return 'count' in found && found.count === c;
    }),
    { numRuns: 2000 },
  );
  t.pass();
});

test('a writer that lags its clock (by up to R/16 laps) is never counted wrong: the count is its own or an error', (t) => {
  // The two rings' positions repeat together every lcm(R + 8, R) = (R + 8)·R/8 samples, R/8 laps: a
  // lag that long is beyond any check (R = 131072: 16384 laps, 4.8 h at decimation 1024)
  fc.assert(
    fc.property(ring, fc.integer({ min: 0, max: 2 ** 32 }), fc.integer({ min: 0, max: 7 }), fc.integer({ min: 0, max: 1 << 16 }), fc.integer({ min: 0, max: 1 << 20 }), fc.double({ min: 0, max: 0.5, noNaN: true }), fc.double({ min: 0, max: 1, noNaN: true }), (r, c, delta, laps, extra, u, v) => {
      // the clock says the writer is at K = c + δ + lag (lag: whole laps of either ring plus some);
      // the bounds hold K, at most half a ring apart
      const lag = (laps % Math.max(1, r / 16)) * (r + 8) + (extra % r);
      const k = c + delta + lag;
      const width = Math.floor(u * r);
      const atLeast = Math.max(0, k - Math.floor(v * width));
      // the last proven count: anything up to the writer's (here: 0, the weakest)
      const found = ringWriterCount([c % (r + 8), (c + delta) % r], r, { atLeast: 0, atLeastIfOnTime: atLeast, atMost: atLeast + width });
      return 'error' in found || found.count === c;
    }),
    { numRuns: 5000 },
  );
  t.pass();
});

test('two examples: one lap behind the clock is an error naming it; a window wider than half a ring is ambiguous (the stream then asks again)', (t) => {
  const r = 131072;
  const c = 1_000_000;
  // the clock says a lap of input 1 more than the writer wrote
  const behind = ringWriterCount([c % (r + 8), c % r], r, { atLeast: 0, atLeastIfOnTime: c + r + 8 - 100, atMost: c + r + 8 + 100 });
  t.true('error' in behind && !behind.ambiguous && /whole laps/.test(behind.error), JSON.stringify(behind));
  const wide = ringWriterCount([c % (r + 8), c % r], r, { atLeast: 0, atLeastIfOnTime: c - r / 2, atMost: c + 1 });
  t.true('error' in wide && wide.ambiguous, JSON.stringify(wide));
  t.deepEqual(ringWriterCount([c % (r + 8), (c + 3) % r], r, { atLeast: 0, atLeastIfOnTime: c - 50, atMost: c + 50 }), { count: c });
  // at the start, however slow the replies: only one lap fits from the last count (0) on
  t.deepEqual(ringWriterCount([5000, 5000], r, { atLeast: 0, atLeastIfOnTime: 0, atMost: r }), { count: 5000 });
  t.true('error' in ringWriterCount([r + 8, 0], r, { atLeast: 0, atLeastIfOnTime: 0, atMost: 1e9 }), 'a position outside its ring');
});
