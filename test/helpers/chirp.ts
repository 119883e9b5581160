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
