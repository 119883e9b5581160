/**
 * The studio's binary WebSocket frames: a fixed 48-byte little-endian header, then `nSeries`
 * series of `nPoints` Float32 values each. The page's copy of the decoder is assets/frames.js;
 * both follow this layout:
 *
 * | byte | type | field |
 * |---|---|---|
 * | 0 | u8 | kind (FRAME_KIND) |
 * | 1 | u8 | nSeries |
 * | 2 | u16 | flags (bit 0: the series are min/max envelopes) |
 * | 4 | u32 | nPoints, values per series |
 * | 8 | u32 | seq: results this pipeline produced so far (acquisitions, spectra, sweeps) |
 * | 12 | u32 | done: NA points measured in this sweep |
 * | 16 | u32 | total: NA points in this sweep |
 * | 20 | u32 | samples: length of the full result before any envelope |
 * | 24 | f64 | x0: x of the first value (s for the scope, Hz for the spectrum) |
 * | 32 | f64 | dx: x step between values (same unit) |
 * | 40 | f64 | timestamp: board clock, ms |
 * | 48 | f32[nSeries·nPoints] | the series, one after the other |
 *
 * Float32 is plenty for drawing (24-bit mantissa: 0.06 Hz at 1 MHz, 4 Hz at 62.5 MHz) and halves
 * the bytes of Float64.
 */

/** What a frame carries. */
export const FRAME_KIND = {
  /** Scope: series ch1, ch2 (V), uniform x from x0 step dx (s since the trigger). */
  scope: 1,
  /** Spectrum: series ch1, ch2 (in the spectrum's unit; NaN where a channel was not analysed), x in Hz. */
  spectrum: 2,
  /** NA progress: series f (Hz), re, im for the points just measured (the last of them is point done − 1). */
  naPoints: 3,
  /** NA sweep complete: series f (Hz), re, im for all `total` points. */
  naSweep: 4,
} as const;
/** A frame kind number. */
export type FrameKind = (typeof FRAME_KIND)[keyof typeof FRAME_KIND];

/** Bytes before the payload. */
export const FRAME_HEADER_BYTES = 48;
/** Flag bit: the series are min/max envelopes (see `minMaxEnvelope`). */
export const FRAME_FLAG_ENVELOPE = 1;

/** A frame's header fields. */
export interface FrameHeader {
  readonly kind: FrameKind;
  readonly flags: number;
  readonly seq: number;
  readonly done: number;
  readonly total: number;
  readonly samples: number;
  readonly x0: number;
  readonly dx: number;
  /** ms, board clock */
  readonly timestamp: number;
}

/** A decoded frame: its header and its series (views into the received bytes). */
export interface Frame extends FrameHeader {
  readonly nPoints: number;
  readonly series: readonly Float32Array[];
}

/**
 * Allocates a frame of `nSeries` × `nPoints` and writes its header; the caller fills the returned
 * Float32 views (so values go straight into the bytes sent, with no extra copy).
 */
export function allocateFrame(header: FrameHeader, nSeries: number, nPoints: number): { bytes: Uint8Array; series: Float32Array[] } {
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

/** Reads a frame (for tests and Node clients; the page has its own copy in assets/frames.js). */
export function decodeFrame(bytes: Uint8Array): Frame {
  if (bytes.byteLength < FRAME_HEADER_BYTES) throw new RangeError(`a studio frame has at least ${FRAME_HEADER_BYTES} bytes, got ${bytes.byteLength}`);
  // copy when unaligned: Float32Array views need a 4-byte aligned offset
  const b = bytes.byteOffset % 4 === 0 ? bytes : bytes.slice();
  const view = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const nSeries = view.getUint8(1);
  const nPoints = view.getUint32(4, true);
  if (b.byteLength !== FRAME_HEADER_BYTES + 4 * nSeries * nPoints) throw new RangeError(`frame length ${b.byteLength} does not match ${nSeries} series × ${nPoints} points`);
  return {
    kind: view.getUint8(0) as FrameKind,
    flags: view.getUint16(2, true),
    nPoints,
    seq: view.getUint32(8, true),
    done: view.getUint32(12, true),
    total: view.getUint32(16, true),
    samples: view.getUint32(20, true),
    x0: view.getFloat64(24, true),
    dx: view.getFloat64(32, true),
    timestamp: view.getFloat64(40, true),
    series: Array.from({ length: nSeries }, (_, s) => new Float32Array(b.buffer, b.byteOffset + FRAME_HEADER_BYTES + 4 * s * nPoints, nPoints)),
  };
}
