// The studio's waterfall (spectrogram) frames: rows of a spectrogram quantised to one byte per
// pixel column, encoded by the server and decoded by the page (plain ESM with JSDoc types, as
// frames.js; ../waterfallFrames.ts re-exports it with TypeScript types). Kind 10 shares the first
// byte (kind) and the id at byte 16 with the other frames, so a page tells them apart by byte 0.
//
// A 48-byte little-endian header, then three sections:
//
// | byte | type | field |
// |---|---|---|
// | 0 | u8 | kind (WATERFALL_FRAME_KIND = 10) |
// | 1 | u8 | channels (1 or 2: ch1 and/or ch2, see `channelMask`) |
// | 2 | u8 | flags (bit 0: reset, the first frame of a new run or new settings: drop the history) |
// | 3 | u8 | channelMask (bit 0: ch1 present, bit 1: ch2 present) |
// | 4 | u32 | columns per row |
// | 8 | u32 | rows in this frame |
// | 12 | u32 | firstRow: rows the pipeline produced before the first one here (a jump = rows dropped) |
// | 16 | u32 | id: 0 for the page's waterfall panel, else a shown plot's id |
// | 20 | u32 | bins of the full spectrum (columns · binsPerColumn ≥ bins) |
// | 24 | f64 | x0: centre of column 0 (Hz) |
// | 32 | f64 | dx: Hz between column centres |
// | 40 | f64 | timestamp: board clock of the newest row's first sample (ms) |
// | 48 | f64[rows] | each row's start in the stream (s) |
// | … | f32[rows·channels·2] | each row and channel's [lo, hi] (dB): code 0 means ≤ lo, code 254 means hi |
// | … | u8[rows·channels·columns] | codes, row by row, channel by channel; 255: no value (NaN) |
//
// Quantisation: code = round((v − lo) / (hi − lo) · 254), clamped to 0 … 254, decoded as
// lo + code · (hi − lo) / 254; a value in [lo, hi] comes back within (hi − lo) / 508. A value
// below lo (−Infinity, or a notch deeper than the row's range) comes back as lo; above hi, as hi.

/** Frame kind of waterfall rows (after the other frames' 1 … 9). */
export const WATERFALL_FRAME_KIND = /** @type {10} */ (10);
/** Header bytes before the row times. */
export const WATERFALL_HEADER_BYTES = 48;
/** Largest code of a value; 255 marks a missing one. */
export const WATERFALL_CODE_MAX = 254;
/** The code of a missing value (NaN). */
export const WATERFALL_CODE_NONE = 255;
/** Flag: the first frame of a new run or of new settings (the page drops its history). */
export const WATERFALL_FLAG_RESET = 1;

/**
 * One row of a waterfall frame: its start in the stream (s), and per channel present its [lo, hi]
 * in dB and its codes.
 * @typedef {{ readonly startS: number, readonly lo: readonly number[], readonly hi: readonly number[], readonly codes: readonly Uint8Array[] }} WaterfallRow
 */

/**
 * A waterfall frame's fields (see the table above).
 * @typedef {{ readonly flags: number, readonly channelMask: number, readonly columns: number, readonly firstRow: number, readonly id: number, readonly bins: number, readonly x0: number, readonly dx: number, readonly timestamp: number }} WaterfallHeader
 */

/**
 * A decoded waterfall frame: its header and its rows (codes are views into the received bytes).
 * @typedef {WaterfallHeader & { readonly kind: 10, readonly channels: number, readonly rows: readonly WaterfallRow[] }} WaterfallFrame
 */

/**
 * Quantises `values` (dB) into `out` against [lo, hi] (hi > lo): NaN → 255, else the nearest of
 * 255 levels, clamped.
 * @param {ArrayLike<number>} values
 * @param {number} lo
 * @param {number} hi
 * @param {Uint8Array} out
 */
export function quantiseDb(values, lo, hi, out) {
  const scale = WATERFALL_CODE_MAX / (hi - lo);
  for (let i = 0; i < out.length; i++) {
    const v = values[i];
    if (v !== v) {
      out[i] = WATERFALL_CODE_NONE;
      continue;
    }
    const q = Math.round((v - lo) * scale);
    out[i] = q <= 0 ? 0 : q >= WATERFALL_CODE_MAX ? WATERFALL_CODE_MAX : q;
  }
}

/**
 * The dB value of each code of a row (NaN for 255), into `out` (default: a new Float32Array).
 * @param {Uint8Array} codes
 * @param {number} lo
 * @param {number} hi
 * @param {Float32Array} [out]
 * @returns {Float32Array}
 */
export function dequantiseDb(codes, lo, hi, out = new Float32Array(codes.length)) {
  const step = (hi - lo) / WATERFALL_CODE_MAX;
  for (let i = 0; i < codes.length; i++) out[i] = codes[i] === WATERFALL_CODE_NONE ? NaN : lo + codes[i] * step;
  return out;
}

/**
 * Encodes rows already quantised (`WaterfallRow`, every row with the header's channels) into one
 * frame.
 * @param {WaterfallHeader} header
 * @param {readonly WaterfallRow[]} rows
 * @returns {Uint8Array}
 */
export function encodeWaterfallFrame(header, rows) {
  const channels = ((header.channelMask & 1) !== 0 ? 1 : 0) + ((header.channelMask & 2) !== 0 ? 1 : 0);
  const n = rows.length;
  const cols = header.columns;
  const rangesAt = WATERFALL_HEADER_BYTES + 8 * n;
  const codesAt = rangesAt + 8 * n * channels;
  const buffer = new ArrayBuffer(codesAt + n * channels * cols);
  const view = new DataView(buffer);
  view.setUint8(0, WATERFALL_FRAME_KIND);
  view.setUint8(1, channels);
  view.setUint8(2, header.flags);
  view.setUint8(3, header.channelMask);
  view.setUint32(4, cols, true);
  view.setUint32(8, n, true);
  view.setUint32(12, header.firstRow >>> 0, true);
  view.setUint32(16, header.id, true);
  view.setUint32(20, header.bins, true);
  view.setFloat64(24, header.x0, true);
  view.setFloat64(32, header.dx, true);
  view.setFloat64(40, header.timestamp, true);
  const starts = new Float64Array(buffer, WATERFALL_HEADER_BYTES, n);
  const ranges = new Float32Array(buffer, rangesAt, 2 * n * channels);
  const codes = new Uint8Array(buffer, codesAt);
  rows.forEach((row, r) => {
    starts[r] = row.startS;
    for (let c = 0; c < channels; c++) {
      ranges[2 * (r * channels + c)] = row.lo[c];
      ranges[2 * (r * channels + c) + 1] = row.hi[c];
      codes.set(row.codes[c].subarray(0, cols), (r * channels + c) * cols);
    }
  });
  return new Uint8Array(buffer);
}

/**
 * Reads a waterfall frame (the page passes the WebSocket's ArrayBuffer, Node a Uint8Array).
 * Throws RangeError when it is not one or its length does not match its header.
 * @param {ArrayBuffer | Uint8Array} input
 * @returns {WaterfallFrame}
 */
export function decodeWaterfallFrame(input) {
  let b = input instanceof Uint8Array ? input : new Uint8Array(input);
  if (b.byteLength < WATERFALL_HEADER_BYTES) throw new RangeError(`a waterfall frame has at least ${WATERFALL_HEADER_BYTES} bytes, got ${b.byteLength}`);
  // copy when unaligned: Float64Array views need an 8-byte aligned offset
  if (b.byteOffset % 8 !== 0) b = b.slice();
  const view = new DataView(b.buffer, b.byteOffset, b.byteLength);
  if (view.getUint8(0) !== WATERFALL_FRAME_KIND) throw new RangeError(`not a waterfall frame: kind ${view.getUint8(0)}`);
  const channels = view.getUint8(1);
  const channelMask = view.getUint8(3);
  const columns = view.getUint32(4, true);
  const n = view.getUint32(8, true);
  const rangesAt = WATERFALL_HEADER_BYTES + 8 * n;
  const codesAt = rangesAt + 8 * n * channels;
  if (b.byteLength !== codesAt + n * channels * columns) throw new RangeError(`waterfall frame length ${b.byteLength} does not match ${n} rows × ${channels} channels × ${columns} columns`);
  const starts = new Float64Array(b.buffer, b.byteOffset + WATERFALL_HEADER_BYTES, n);
  const ranges = new Float32Array(b.buffer, b.byteOffset + rangesAt, 2 * n * channels);
  const rows = Array.from({ length: n }, (_, r) => {
    const lo = [];
    const hi = [];
    const codes = [];
    for (let c = 0; c < channels; c++) {
      lo.push(ranges[2 * (r * channels + c)]);
      hi.push(ranges[2 * (r * channels + c) + 1]);
      codes.push(new Uint8Array(b.buffer, b.byteOffset + codesAt + (r * channels + c) * columns, columns));
    }
    return { startS: starts[r], lo, hi, codes };
  });
  return {
    kind: WATERFALL_FRAME_KIND,
    channels,
    flags: view.getUint8(2),
    channelMask,
    columns,
    firstRow: view.getUint32(12, true),
    id: view.getUint32(16, true),
    bins: view.getUint32(20, true),
    x0: view.getFloat64(24, true),
    dx: view.getFloat64(32, true),
    timestamp: view.getFloat64(40, true),
    rows,
  };
}
