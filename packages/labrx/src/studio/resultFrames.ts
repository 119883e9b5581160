import type { Spectrum, Trace } from '@labrx/core';
import type { NaPoint, NaResponse } from '@labrx/instruments';
import { allocateFrame, FRAME_FLAG_ENVELOPE, FRAME_KIND } from './frames.js';
import { envelopeStep, minMaxEnvelope } from './minMaxEnvelope.js';

/**
 * Scope trace → frame: both channels as min/max envelopes of `buckets` pixel columns (2·buckets
 * values each), or unchanged when the trace is that short already.
 *
 * @param buckets plot width in pixels
 * @param seq acquisitions so far
 */
export function traceFrame(trace: Trace, buckets: number, seq: number): Uint8Array {
  const n = trace.ch1.length;
  const points = Math.min(n, 2 * buckets);
  const { bytes, series } = allocateFrame(
    { kind: FRAME_KIND.scope, flags: points < n ? FRAME_FLAG_ENVELOPE : 0, seq, done: 0, total: 0, samples: n, x0: trace.t0, dx: envelopeStep(n, buckets, trace.dt), timestamp: trace.timestamp },
    2,
    points,
  );
  minMaxEnvelope(trace.ch1, buckets, series[0]!);
  fillChannel(trace.ch2, buckets, series[1]!);
  return bytes;
}

/**
 * Spectrum → frame, envelopes as for traces (the max of each pixel column keeps narrow peaks
 * visible). A channel that was not analysed (empty) is sent as NaN.
 *
 * @param timestamp board clock, ms
 */
export function spectrumFrame(spectrum: Spectrum, buckets: number, seq: number, timestamp: number): Uint8Array {
  const f = spectrum.frequencies;
  const n = f.length;
  const points = Math.min(n, 2 * buckets);
  const df = n > 1 ? f[1]! - f[0]! : 0;
  const { bytes, series } = allocateFrame(
    { kind: FRAME_KIND.spectrum, flags: points < n ? FRAME_FLAG_ENVELOPE : 0, seq, done: 0, total: 0, samples: n, x0: f[0] ?? 0, dx: envelopeStep(n, buckets, df), timestamp },
    2,
    points,
  );
  fillChannel(spectrum.ch1, buckets, series[0]!);
  fillChannel(spectrum.ch2, buckets, series[1]!);
  return bytes;
}

/** NA points just measured → a progress frame (f, re, im); `done`/`total` as in the sweep event. */
export function naPointsFrame(points: readonly NaPoint[], done: number, total: number, seq: number, timestamp: number): Uint8Array {
  const { bytes, series } = allocateFrame({ kind: FRAME_KIND.naPoints, flags: 0, seq, done, total, samples: points.length, x0: 0, dx: 0, timestamp }, 3, points.length);
  points.forEach((p, i) => {
    series[0]![i] = p.frequency;
    series[1]![i] = p.re;
    series[2]![i] = p.im;
  });
  return bytes;
}

/** A complete sweep → frame (f, re, im for every point). */
export function naSweepFrame(response: Pick<NaResponse, 'frequencies' | 're' | 'im'>, seq: number, timestamp: number): Uint8Array {
  const n = response.frequencies.length;
  const { bytes, series } = allocateFrame({ kind: FRAME_KIND.naSweep, flags: 0, seq, done: n, total: n, samples: n, x0: 0, dx: 0, timestamp }, 3, n);
  series[0]!.set(response.frequencies);
  series[1]!.set(response.re);
  series[2]!.set(response.im);
  return bytes;
}

function fillChannel(values: Float64Array, buckets: number, out: Float32Array): void {
  if (values.length === 0) out.fill(NaN);
  else minMaxEnvelope(values, buckets, out);
}
