// The page's decoder of the studio's binary frames. The layout is documented (and encoded) in
// ../frames.ts; keep the two in step.

/** Frame kinds. */
export const FRAME_KIND = { scope: 1, spectrum: 2, naPoints: 3, naSweep: 4 };
/** Bytes before the Float32 payload. */
export const FRAME_HEADER_BYTES = 48;
/** Flag bit: the series are min/max envelopes. */
export const FRAME_FLAG_ENVELOPE = 1;

/**
 * Reads one binary frame (an ArrayBuffer from the WebSocket).
 * @param {ArrayBuffer} buffer
 */
export function decodeFrame(buffer) {
  const view = new DataView(buffer);
  const nSeries = view.getUint8(1);
  const nPoints = view.getUint32(4, true);
  if (buffer.byteLength !== FRAME_HEADER_BYTES + 4 * nSeries * nPoints) throw new RangeError('studio frame of ' + buffer.byteLength + ' bytes does not match its header');
  const series = [];
  for (let s = 0; s < nSeries; s++) series.push(new Float32Array(buffer, FRAME_HEADER_BYTES + 4 * s * nPoints, nPoints));
  return {
    kind: view.getUint8(0),
    flags: view.getUint16(2, true),
    nPoints,
    seq: view.getUint32(8, true),
    done: view.getUint32(12, true),
    total: view.getUint32(16, true),
    samples: view.getUint32(20, true),
    x0: view.getFloat64(24, true),
    dx: view.getFloat64(32, true),
    timestamp: view.getFloat64(40, true),
    series,
  };
}
