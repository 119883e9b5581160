// The studio's binary WebSocket frames, encoded by the server and decoded by the page: one plain
// ESM module with JSDoc types that both import (the page has no build step; the server's
// ../frames.ts re-exports it with TypeScript types).
//
// A fixed 48-byte little-endian header, then `nSeries` series of `nPoints` Float32 values each:
//
// | byte | type | field |
// |---|---|---|
// | 0 | u8 | kind (FRAME_KIND) |
// | 1 | u8 | nSeries |
// | 2 | u16 | flags (bit 0: the series are min/max envelopes) |
// | 4 | u32 | nPoints, values per series |
// | 8 | u32 | seq: results this pipeline produced so far (acquisitions, spectra, sweeps) |
// | 12 | u32 | done: NA points measured in this sweep |
// | 16 | u32 | total: NA points in this sweep |
// | 20 | u32 | samples: length of the full result before any envelope |
// | 24 | f64 | x0: x of the first value (s for the scope, Hz for the spectrum) |
// | 32 | f64 | dx: x step between values (same unit) |
// | 40 | f64 | timestamp: board clock, ms |
// | 48 | f32[nSeries·nPoints] | the series, one after the other |
//
// Float32 is plenty for drawing (24-bit mantissa: 0.06 Hz at 1 MHz, 4 Hz at 62.5 MHz) and halves
// the bytes of Float64.

/** What a frame carries. */
export const FRAME_KIND = Object.freeze({
  /** Scope: series ch1, ch2 (V), uniform x from x0 step dx (s since the trigger). */
  scope: /** @type {1} */ (1),
  /** Spectrum: series ch1, ch2 (in the spectrum's unit; NaN where a channel was not analysed), x in Hz. */
  spectrum: /** @type {2} */ (2),
  /** NA progress: series f (Hz), re, im for the points just measured (the last of them is point done − 1). */
  naPoints: /** @type {3} */ (3),
  /** NA sweep complete: series f (Hz), re, im for all `total` points. */
  naSweep: /** @type {4} */ (4),
  // Observables shown with `studio.show`: `total` holds the shown plot's id.
  /** A shown trace, as `scope`. */
  shownTrace: /** @type {5} */ (5),
  /** A shown spectrum, as `spectrum`. */
  shownSpectrum: /** @type {6} */ (6),
  /** A shown frequency response, as `naSweep` (series f, re, im). */
  shownResponse: /** @type {7} */ (7),
  /** A shown (t, value) series: series t − x0 (s) and value; x0 is the first t. */
  shownSeries: /** @type {8} */ (8),
  /** The lockbox's strip chart: series t − x0 (s, board time), error signal and PID output (V; NaN where not read); x0 is the first t. */
  lockSignals: /** @type {9} */ (9),
});

/** Bytes before the Float32 payload. */
export const FRAME_HEADER_BYTES = 48;
/** Flag bit: the series are min/max envelopes (see `minMaxEnvelope`). */
export const FRAME_FLAG_ENVELOPE = 1;

/**
 * A frame's header fields (`timestamp` in ms on the board clock).
 * @typedef {{ readonly kind: 1 | 2 | 3 | 4 | 5 | 6 | 7 | 8 | 9, readonly flags: number, readonly seq: number, readonly done: number, readonly total: number, readonly samples: number, readonly x0: number, readonly dx: number, readonly timestamp: number }} FrameHeader
 */

/**
 * A decoded frame: its header and its series (views into the received bytes).
 * @typedef {FrameHeader & { readonly nPoints: number, readonly series: readonly Float32Array[] }} Frame
 */

/**
 * Allocates a frame of `nSeries` × `nPoints` and writes its header; the caller fills the returned
 * Float32 views (so values go straight into the bytes sent, with no extra copy).
 * @param {FrameHeader} header
 * @param {number} nSeries
 * @param {number} nPoints
 * @returns {{ bytes: Uint8Array, series: Float32Array[] }}
 */
export function allocateFrame(header, nSeries, nPoints) {
  const buffer = new ArrayBuffer(FRAME_HEADER_BYTES + 4 * nSeries * nPoints);
  const view = new DataView(buffer);
  view.setUint8(0, header.kind);
  view.setUint8(1, nSeries);
  view.setUint16(2, header.flags, true);
  view.setUint32(4, nPoints, true);
  view.setUint32(8, header.seq >>> 0, true);
  view.setUint32(12, header.done, true);
  view.setUint32(16, header.total, true);
  view.setUint32(20, header.samples, true);
  view.setFloat64(24, header.x0, true);
  view.setFloat64(32, header.dx, true);
  view.setFloat64(40, header.timestamp, true);
  const series = Array.from({ length: nSeries }, (_, s) => new Float32Array(buffer, FRAME_HEADER_BYTES + 4 * s * nPoints, nPoints));
  return { bytes: new Uint8Array(buffer), series };
}

/**
 * Reads one frame: the page passes the WebSocket's ArrayBuffer, Node clients and tests a Uint8Array.
 * Throws RangeError when the length does not match the header.
 * @param {ArrayBuffer | Uint8Array} input
 * @returns {Frame}
 */
export function decodeFrame(input) {
  let b = input instanceof Uint8Array ? input : new Uint8Array(input);
  if (b.byteLength < FRAME_HEADER_BYTES) throw new RangeError(`a studio frame has at least ${FRAME_HEADER_BYTES} bytes, got ${b.byteLength}`);
  // copy when unaligned: Float32Array views need a 4-byte aligned offset
  if (b.byteOffset % 4 !== 0) b = b.slice();
  const view = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const nSeries = view.getUint8(1);
  const nPoints = view.getUint32(4, true);
  if (b.byteLength !== FRAME_HEADER_BYTES + 4 * nSeries * nPoints) throw new RangeError(`frame length ${b.byteLength} does not match ${nSeries} series × ${nPoints} points`);
  const kind = /** @type {1 | 2 | 3 | 4 | 5 | 6 | 7 | 8 | 9} */ (view.getUint8(0));
  const buffer = b.buffer;
  const offset = b.byteOffset;
  return {
    kind,
    flags: view.getUint16(2, true),
    nPoints,
    seq: view.getUint32(8, true),
    done: view.getUint32(12, true),
    total: view.getUint32(16, true),
    samples: view.getUint32(20, true),
    x0: view.getFloat64(24, true),
    dx: view.getFloat64(32, true),
    timestamp: view.getFloat64(40, true),
    series: Array.from({ length: nSeries }, (_, s) => new Float32Array(buffer, offset + FRAME_HEADER_BYTES + 4 * s * nPoints, nPoints)),
  };
}
