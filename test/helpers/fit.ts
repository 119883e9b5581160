/**
 * Least-squares fit of A·sin(2πft + φ) + c to samples taken at t = t0 + i·dt (frequency known).
 * Returns the amplitude (same unit as the samples), the phase φ in radians and the offset c.
 * Exact for noiseless data spanning any length; with white noise of std σ over N samples the
 * amplitude's standard error is σ·√(2/N).
 */
export function fitSine(samples: Float64Array, dt: number, t0: number, frequencyHz: number): { amplitude: number; phase: number; offset: number } {
  // normal equations for [sin, cos, 1]
  let ss = 0, sc = 0, s1 = 0, cc = 0, c1 = 0, n = 0, ys = 0, yc = 0, y1 = 0;
  for (let i = 0; i < samples.length; i++) {
    const w = 2 * Math.PI * frequencyHz * (t0 + i * dt);
    const s = Math.sin(w), c = Math.cos(w), y = samples[i]!;
    ss += s * s; sc += s * c; s1 += s; cc += c * c; c1 += c; n += 1;
    ys += y * s; yc += y * c; y1 += y;
  }
  const [a, b, off] = solve3([[ss, sc, s1], [sc, cc, c1], [s1, c1, n]], [ys, yc, y1]);
  // a·sin + b·cos = A·sin(w + φ) with A = hypot(a, b), φ = atan2(b, a)
  return { amplitude: Math.hypot(a, b), phase: Math.atan2(b, a), offset: off };
}

function solve3(m: number[][], v: number[]): [number, number, number] {
  const det = (x: number[][]) =>
    x[0]![0]! * (x[1]![1]! * x[2]![2]! - x[1]![2]! * x[2]![1]!) -
    x[0]![1]! * (x[1]![0]! * x[2]![2]! - x[1]![2]! * x[2]![0]!) +
    x[0]![2]! * (x[1]![0]! * x[2]![1]! - x[1]![1]! * x[2]![0]!);
  const d = det(m);
  const col = (k: number) => m.map((row, i) => row.map((x, j) => (j === k ? v[i]! : x)));
  return [det(col(0)) / d, det(col(1)) / d, det(col(2)) / d];
}

/** Root mean square of samples around their mean (V). */
export function rmsAc(x: Float64Array): number {
  let m = 0;
  for (let i = 0; i < x.length; i++) m += x[i]!;
  m /= x.length;
  let s = 0;
  for (let i = 0; i < x.length; i++) s += (x[i]! - m) ** 2;
  return Math.sqrt(s / x.length);
}

/** Wraps an angle in radians to (−π, π]. */
export function wrapPi(a: number): number {
  return a - 2 * Math.PI * Math.round(a / (2 * Math.PI));
}
