/**
 * A linear chirp of `k0` → `k1` cycles over one table of `points` samples (one generator period), as
 * an 'arbitrary' waveform; k0 + (k1 − k0)/2 whole cycles make the table wrap smoothly.
 */
export function linearChirpTable(points: number, k0: number, k1: number): Float64Array {
  const data = new Float64Array(points);
  for (let m = 0; m < points; m++) {
    const u = m / points;
    data[m] = Math.sin(2 * Math.PI * (k0 * u + ((k1 - k0) * u * u) / 2));
  }
  return data;
}

/** An 'arbitrary' table as the simulator plays it: amplitude (V) times the table at `periods` generator periods, linearly interpolated. */
export function tableAt(data: Float64Array, amplitude: number, periods: number): number {
  const n = data.length;
  const x = (periods - Math.floor(periods)) * n;
  const m = Math.floor(x);
  return amplitude * (data[m]! + (x - m) * (data[(m + 1) % n]! - data[m]!));
}

/** What `chirpStreamError` found. */
export interface ChirpStreamError {
  /** Largest |sample − table value at its counter, quantised| over both channels, V. */
  readonly worst: number;
  /** Stream index of that sample. */
  readonly worstIndex: number;
  /** Blocks whose board time is not the first block's + index·dt. */
  readonly badTimestamps: number;
}

/**
 * Checks stream blocks of both inputs against an 'arbitrary' generator table played since `setS`
 * (board time, s): each sample must be the table at its own time (first block's time + index·dt),
 * quantised to `lsb` volts. A sample missing or repeated shifts every later one by dt.
 */
export function chirpStreamError(
  blocks: readonly { readonly index: number; readonly samples: number; readonly timestamp: number; readonly dt: number; readonly ch1: Float64Array; readonly ch2: Float64Array }[],
  table: { readonly data: Float64Array; readonly amplitude: number; readonly frequency: number; readonly setS: number; readonly lsb: number },
): ChirpStreamError {
  const { data, amplitude, frequency, setS, lsb } = table;
  const startMs = blocks[0]!.timestamp;
  let worst = 0;
  let worstIndex = -1;
  let badTimestamps = 0;
  for (const b of blocks) {
    if (Math.abs(b.timestamp - (startMs + b.index * b.dt * 1000)) >= 1e-6) badTimestamps++;
    for (let j = 0; j < b.samples; j++) {
      const expected = Math.round(tableAt(data, amplitude, frequency * (startMs / 1000 + (b.index + j) * b.dt - setS)) / lsb) * lsb;
      for (const ch of [b.ch1, b.ch2]) {
        const e = Math.abs(ch[j]! - expected);
        if (e > worst) {
          worst = e;
          worstIndex = b.index + j;
        }
      }
    }
  }
  return { worst, worstIndex, badTimestamps };
}
