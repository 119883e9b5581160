/**
 * Bounds of a deep-memory writer's count (samples written since it started) at the moment its
 * positions were read, from the last count proven and the host's clock.
 */
export interface RingCountBounds {
  /** The count is at least this: the last count proven (a writer only moves forward). */
  readonly atLeast: number;
  /**
   * The count is at least this if the writer keeps pace with the board's clock (the DMA does, and so
   * does labrx-sim's, which writes what is due whenever it is asked): the last count proven plus the
   * samples the clock produced for certain since. Needed only when `atLeast` leaves more than one lap.
   */
  readonly atLeastIfOnTime: number;
  /** The count, and that at input 2's read just after, is at most this: the samples the board's clock can have produced by the reply. */
  readonly atMost: number;
}

/** The writer's count at input 1's read, or why it cannot be told. */
export type RingCount = { readonly count: number } | { readonly error: string; readonly ambiguous: boolean };

/**
 * The count of the two inputs' deep-memory writers (one acquisition: they write the same samples, in
 * step), from their ring positions read one after the other: input 1's ring holds `ring + 8` samples,
 * input 2's `ring` (both multiples of 8).
 *
 * The count at input 1's read is the largest number congruent to its position modulo `ring + 8` not
 * above `atMost`; below `atLeast` that is an error. When a lap less is still at least `atLeast`, the
 * clock decides: the count must be at least `atLeastIfOnTime`, and the bounds `atLeastIfOnTime` …
 * `atMost` at most half a ring apart, else an `ambiguous` error (round trips too slow for this
 * ring: a reply that comes back sooner will tell). Input 2's position, read later by δ ≥ 0 samples
 * with count + δ ≤ `atMost`, checks the count: one off by m laps of input 1's ring (a writer lagging
 * its clock by whole laps) puts input 2 at δ − 8m modulo `ring`, i.e. ring − 8m + δ on, beyond
 * `atMost` while 8m < ring − (atMost − atLeastIfOnTime): for any m < ring/16 (the two positions only
 * repeat together after ring/8 laps). So a count that passes is the writer's,
 * and one that does not is an error, never a label (test/scpi/ring-writer-count.test.ts).
 */
export function ringWriterCount(positions: readonly [number, number], ring: number, bounds: RingCountBounds): RingCount {
  const [p1, p2] = positions;
  const ring1 = ring + 8;
  if (!(Number.isSafeInteger(p1) && p1 >= 0 && p1 < ring1 && Number.isSafeInteger(p2) && p2 >= 0 && p2 < ring)) {
    return { error: `writer positions ${p1}, ${p2} outside the rings of ${ring1} and ${ring} samples`, ambiguous: false };
  }
  const { atLeast, atLeastIfOnTime, atMost } = bounds;
  // the largest count ≡ p1 (mod ring1) not above atMost
  const count = atMost - ((((atMost - p1) % ring1) + ring1) % ring1);
  if (count < atLeast) {
    return { error: `writer position ${p1} fits no count from ${atLeast} to ${atMost} (the writer went back, or is ahead of the board's clock)`, ambiguous: false };
  }
  if (count - ring1 >= atLeast) {
    if (atMost - atLeastIfOnTime > ring / 2) {
      return { error: `writer position ${p1} fits counts a lap apart, and the clock's bounds ${atLeastIfOnTime} to ${atMost} are more than half the ring of ${ring} samples apart: the reply took too long to tell the lap`, ambiguous: true };
    }
    if (count < atLeastIfOnTime) {
      return { error: `writer position ${p1} fits no count from ${atLeastIfOnTime} to ${atMost} (the writer lags the board's clock)`, ambiguous: false };
    }
  }
  const delta = (((p2 - count) % ring) + ring) % ring;
  if (count + delta > atMost) {
    return { error: `writer positions ${p1}, ${p2} disagree on the count ${count} (input 2 ${delta} samples on, at most ${atMost - count}): the writer is off the board's clock by whole laps`, ambiguous: false };
  }
  return { count };
}
