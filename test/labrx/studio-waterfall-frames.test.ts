import test from 'ava';
import { mulberry32 } from '@labrx/core/testing';
import {
  decodeWaterfallFrame,
  dequantiseDb,
  encodeWaterfallFrame,
  FRAME_KIND,
  quantiseDb,
  WATERFALL_CODE_MAX,
  WATERFALL_CODE_NONE,
  WATERFALL_FLAG_RESET,
  WATERFALL_FRAME_KIND,
  WaterfallRows,
  waterfallColumns,
} from 'labrx/testing';

// The waterfall frame (kind 10): rows quantised to a byte per column against each row's [lo, hi].
// Stated bound: a value v in [lo, hi] decodes within (hi − lo)/508 of v (half of one of 254 steps);
// below lo it decodes as lo, above hi as hi; NaN as NaN. lo and hi travel as Float32, so the
// encoder quantises against Math.fround(lo/hi) and the bound holds with the values the page reads.


test('kind 10 is not one of the other frame kinds', (t) => {
  t.false((Object.values(FRAME_KIND) as number[]).includes(WATERFALL_FRAME_KIND));
});

test('encode → decode: header and row times exact, every value within (hi − lo)/508, clamped outside, NaN kept', (t) => {
  const rnd = mulberry32(7);
  const columns = 301;
  const rows = Array.from({ length: 37 }, (_, r) => {
    const lo = [Math.fround(-140 + 20 * rnd()), Math.fround(-90 + 10 * rnd())];
    const hi = [Math.fround(lo[0]! + 5 + 120 * rnd()), Math.fround(lo[1]! + 0.5)];
    const values = lo.map((l, c) => Float64Array.from({ length: columns }, (_, i) => (i === 5 ? NaN : i === 6 ? -Infinity : i === 7 ? hi[c]! + 3 : i === 8 ? l - 3 : l + (hi[c]! - l) * rnd())));
    const codes = values.map((v, c) => {
      const out = new Uint8Array(columns);
      quantiseDb(v, lo[c]!, hi[c]!, out);
      return out;
    });
    return { row: { startS: r * 1.25e-3 + 1e-9 * r * r, lo, hi, codes }, values };
  });
  const header = { flags: WATERFALL_FLAG_RESET, channelMask: 3, columns, firstRow: 12345, id: 4, bins: 1025, x0: 476.837158203125, dx: 953.67431640625, timestamp: 1234.5 };
  const bytes = encodeWaterfallFrame(header, rows.map((x) => x.row));
  t.is(bytes.byteLength, 48 + 37 * 8 + 37 * 2 * 8 + 37 * 2 * columns);
  // decoded from an unaligned copy as well (a Node Buffer slice may start anywhere)
  const shifted = new Uint8Array(bytes.byteLength + 3);
  shifted.set(bytes, 3);
  for (const input of [bytes, shifted.subarray(3), bytes.buffer.slice(0) as ArrayBuffer]) {
    const f = decodeWaterfallFrame(input);
    t.like(f, { kind: 10, channels: 2, ...header });
    t.is(f.rows.length, 37);
    let worst = 0;
    f.rows.forEach((row, r) => {
      t.is(row.startS, rows[r]!.row.startS);
      for (let c = 0; c < 2; c++) {
        const lo = row.lo[c]!;
        const hi = row.hi[c]!;
        t.is(lo, rows[r]!.row.lo[c]!);
        t.is(hi, rows[r]!.row.hi[c]!);
        const back = dequantiseDb(row.codes[c]!, lo, hi);
        const v = rows[r]!.values[c]!;
        const bound = (hi - lo) / (2 * WATERFALL_CODE_MAX);
        for (let i = 0; i < columns; i++) {
          if (Number.isNaN(v[i])) {
            t.is(row.codes[c]![i], WATERFALL_CODE_NONE);
            t.true(Number.isNaN(back[i]));
            continue;
          }
          const expected = Math.min(hi, Math.max(lo, v[i]!));
          const err = Math.abs(back[i]! - expected);
          worst = Math.max(worst, err / bound);
          // Float32 decoding adds at most an ulp of |lo| (≤ 1.5e-5 dB here)
          if (!(err <= bound + 2e-5)) t.fail(`row ${r} ch${c + 1} column ${i}: ${v[i]} → ${back[i]} (${err} dB, bound ${bound})`);
        }
      }
    });
    // (the decoded values are Float32: their own rounding, ≤ 1e-5 dB here, is the 1 % allowed past the bound on the narrowest ranges)
    t.true(worst <= 1.01, `worst error ${worst.toFixed(4)} of the bound`);
    t.true(worst > 0.9, `the bound is reached (${worst.toFixed(4)}): it is tight, not loose`);
  }
});

test('a frame whose length does not match its header, or of another kind, is refused', (t) => {
  const bytes = encodeWaterfallFrame({ flags: 0, channelMask: 1, columns: 10, firstRow: 0, id: 0, bins: 10, x0: 0, dx: 1, timestamp: 0 }, [{ startS: 0, lo: [0], hi: [1], codes: [new Uint8Array(10)] }]);
  t.throws(() => decodeWaterfallFrame(bytes.subarray(0, bytes.length - 1)), { instanceOf: RangeError });
  const other = bytes.slice();
  other[0] = FRAME_KIND.spectrum;
  t.throws(() => decodeWaterfallFrame(other), { instanceOf: RangeError, message: /not a waterfall frame/ });
});

test('rows: a tone in bin k is the brightest column ⌊k/binsPerColumn⌋, whose centre is within half a column of the bin', (t) => {
  const bins = 1025;
  const df = 953.67431640625;
  const frequencies = Float64Array.from({ length: bins }, (_, i) => i * df);
  for (const width of [2000, 1000, 300, 17]) {
    const { binsPerColumn, columns } = waterfallColumns(bins, width);
    const rows = new WaterfallRows(0, 8);
    for (const k of [3, 200, 511, 1024]) {
      const ch1 = Float64Array.from({ length: bins }, (_, i) => (i === k ? -10 : -110 - (i % 7)));
      rows.push({ frequencies, ch1, ch2: new Float64Array(0), unit: 'dBm', startS: k, timestamp: 0 }, width, null);
    }
    const f = decodeWaterfallFrame(rows.take()!);
    t.is(f.columns, columns);
    t.is(f.channels, 1);
    t.is(f.channelMask, 1);
    t.is(f.flags & WATERFALL_FLAG_RESET, WATERFALL_FLAG_RESET);
    [3, 200, 511, 1024].forEach((k, r) => {
      const codes = f.rows[r]!.codes[0]!;
      const brightest = codes.indexOf(Math.max(...codes));
      t.is(brightest, Math.floor(k / binsPerColumn), `width ${width}, bin ${k}`);
      t.true(Math.abs(f.x0 + brightest * f.dx - k * df) <= (binsPerColumn / 2) * df + 1e-6);
      // the row's own range: the tone at the top, the floor at the bottom
      t.is(f.rows[r]!.hi[0], -10);
      // (the floor: the largest of each column's bins, −110 … −116 dBm)
      t.true(f.rows[r]!.lo[0]! >= -116 && f.rows[r]!.lo[0]! <= -110);
      t.is(codes[brightest], WATERFALL_CODE_MAX);
    });
  }
});

test('rows: at most maxRows wait (the oldest go, firstRow says how many), a new layout or restart resets the picture', (t) => {
  const frequencies = Float64Array.from({ length: 65 }, (_, i) => i * 10);
  const row = (startS: number, n = 65) => ({ frequencies: frequencies.subarray(0, n), ch1: new Float64Array(n).fill(-50), ch2: new Float64Array(n).fill(-60), unit: 'dBm', startS, timestamp: startS * 1000 });
  const rows = new WaterfallRows(3, 4);
  for (let i = 0; i < 10; i++) rows.push(row(i), 100, [-100, 0]);
  t.is(rows.waiting, 4);
  const f = decodeWaterfallFrame(rows.take()!);
  t.deepEqual(f.rows.map((r) => r.startS), [6, 7, 8, 9]);
  t.is(f.firstRow, 6);
  t.is(f.id, 3);
  t.is(f.channels, 2);
  t.deepEqual(f.rows[0]!.lo, [-100, -100]);
  t.is(f.timestamp, 9000);
  t.is(rows.take(), null);
  rows.push(row(10), 100, null);
  t.is(decodeWaterfallFrame(rows.take()!).flags & WATERFALL_FLAG_RESET, 0, 'same picture: no reset');
  rows.push(row(11, 33), 100, null);
  const g = decodeWaterfallFrame(rows.take()!);
  t.is(g.flags & WATERFALL_FLAG_RESET, WATERFALL_FLAG_RESET, 'other bins: a new picture');
  t.is(g.firstRow, 0);
  t.is(g.columns, 33);
});

test('linear units are drawn in dB of the unit: 10·log10 of a power, 20·log10 of an amplitude density', (t) => {
  const frequencies = Float64Array.from({ length: 20 }, (_, i) => i);
  for (const [unit, value, db] of [['Vpk^2', 1e-4, -40], ['Vrms/sqrt(Hz)', 1e-4, -80]] as const) {
    const rows = new WaterfallRows(0, 4);
    rows.push({ frequencies, ch1: new Float64Array(20).fill(value), ch2: new Float64Array(0), unit, startS: 0, timestamp: 0 }, 20, [-100, 0]);
    const f = decodeWaterfallFrame(rows.take()!);
    const back = dequantiseDb(f.rows[0]!.codes[0]!, -100, 0);
    t.true(Math.abs(back[0]! - db) <= 100 / 508, `${unit}: ${back[0]} dB`);
  }
});
