/**
 * Reduces `samples` to at most `buckets` (min, max) pairs, each pair in the order the two values
 * occur, written to `out` (length ≥ 2·buckets). Drawn as one line through all 2·buckets values,
 * this looks exactly like the full trace drawn at `buckets` pixels wide — every pixel column spans
 * from its lowest to its highest sample — at a fraction of the drawing cost (uPlot draws 16384
 * points far slower than 2000). Keeping time order inside a pair keeps edges and ramps going the
 * right way.
 *
 * Bucket b covers samples [⌊b·n/buckets⌋, ⌊(b+1)·n/buckets⌋). When 2·buckets ≥ n the samples are
 * copied unchanged. Returns how many values were written (2·buckets, or n).
 *
 * The x position of value k is x0 + k · (n·dx / buckets) / 2 for an envelope (value 2b at the
 * start of bucket b, 2b+1 half a bucket later), x0 + k · dx for a copy: see `envelopeStep`.
 *
 * @param samples the full trace (volts, dB, …)
 * @param buckets pixel columns, ≥ 1
 * @param out receives the values; Float32 is enough for drawing
 */
export function minMaxEnvelope(samples: ArrayLike<number>, buckets: number, out: Float32Array | Float64Array): number {
  const n = samples.length;
  if (2 * buckets >= n) {
    for (let i = 0; i < n; i++) out[i] = samples[i]!;
    return n;
  }
  for (let b = 0; b < buckets; b++) {
    const from = Math.floor((b * n) / buckets);
    const to = Math.floor(((b + 1) * n) / buckets);
    let lo = samples[from]!;
    let hi = lo;
    let iLo = from;
    let iHi = from;
    for (let i = from + 1; i < to; i++) {
      const v = samples[i]!;
      if (v < lo) {
        lo = v;
        iLo = i;
      } else if (v > hi) {
        hi = v;
        iHi = i;
      }
    }
    const loFirst = iLo <= iHi;
    out[2 * b] = loFirst ? lo : hi;
    out[2 * b + 1] = loFirst ? hi : lo;
  }
  return 2 * buckets;
}

/** Spacing on the x axis (same unit as `dx`) between consecutive values `minMaxEnvelope` wrote. */
export function envelopeStep(n: number, buckets: number, dx: number): number {
  return 2 * buckets >= n ? dx : (n * dx) / buckets / 2;
}
