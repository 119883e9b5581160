import type { Spectrum, Trace } from '@labrx/core';
import type { NaPoint, NaResponse } from '@labrx/instruments';
import { allocateFrame, FRAME_FLAG_ENVELOPE, FRAME_KIND } from './frames.js';
import { envelopeStep, minMaxEnvelope } from './minMaxEnvelope.js';
import type { ShownEntry } from './StudioShows.js';

/**
 * Scope trace → frame: both channels as min/max envelopes of `buckets` pixel columns (2·buckets
 * values each), or unchanged when the trace is that short already. With `windowS` ([from, to] in s
 * since the trigger) only the samples in that window (and one either side) are sent: a zoomed
 * plot gets full resolution once the window holds fewer than 2·buckets samples.
 *
 * @param buckets plot width in pixels
 * @param seq acquisitions so far
 */
export function traceFrame(trace: Trace, buckets: number, seq: number, windowS: readonly [number, number] | null = null): Uint8Array {
  if (windowS !== null) trace = traceWindow(trace, windowS);
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

/** The part of a trace from `windowS[0]` to `windowS[1]` (s since the trigger), one sample either side; views, no copy. */
export function traceWindow(trace: Trace, windowS: readonly [number, number]): Trace {
  const n = trace.ch1.length;
  const i0 = Math.min(n - 1, Math.max(0, Math.floor((windowS[0] - trace.t0) / trace.dt)));
  const i1 = Math.min(n, Math.max(i0 + 2, Math.ceil((windowS[1] - trace.t0) / trace.dt) + 1));
  if (i0 === 0 && i1 === n) return trace;
  const ch2 = trace.ch2.length === n ? trace.ch2.subarray(i0, i1) : trace.ch2;
  return { ...trace, t0: trace.t0 + i0 * trace.dt, ch1: trace.ch1.subarray(i0, i1), ch2 };
}

/**
 * A shown Observable's newest value → frame of kind shownTrace, shownSpectrum, shownResponse or
 * shownSeries, its id in the header's `total` field. A series is sent as t − t[0] (s, Float32)
 * and values, `x0` holding t[0].
 */
export function shownFrame(entry: ShownEntry, buckets: number): Uint8Array {
  let bytes: Uint8Array;
  let kind: number;
  switch (entry.kind) {
    case 'trace':
      bytes = traceFrame(entry.latest as Trace, buckets, entry.seq);
      kind = FRAME_KIND.shownTrace;
      break;
    case 'spectrum':
      bytes = spectrumFrame(entry.latest as Spectrum, buckets, entry.seq, 0);
      kind = FRAME_KIND.shownSpectrum;
      break;
    case 'frequency-response':
      bytes = naSweepFrame(entry.latest as NaResponse, entry.seq, 0);
      kind = FRAME_KIND.shownResponse;
      break;
    default: {
      const n = entry.t.length;
      const t0 = entry.t[0] ?? 0;
      const frame = allocateFrame({ kind: FRAME_KIND.shownSeries, flags: 0, seq: entry.seq, done: 0, total: entry.id, samples: n, x0: t0, dx: 0, timestamp: 0 }, 2, n);
      for (let i = 0; i < n; i++) {
        frame.series[0]![i] = entry.t[i]! - t0;
        frame.series[1]![i] = entry.v[i]!;
      }
      return frame.bytes;
    }
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  view.setUint8(0, kind);
  view.setUint32(16, entry.id, true);
  return bytes;
}
