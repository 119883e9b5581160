/**
 * The ADC in place: out[i] = clamp(round(v/lsb), −2^(bits−1), 2^(bits−1) − 1) · lsb, so every
 * sample is an integer multiple of the LSB (2·FS / 2^14: 122 µV on a 125-14 at LV, FS = 1 V;
 * 2.44 mV at HV, FS = 20 V) and a signal beyond full scale clips at −FS and FS − 1 LSB.
 * Rounding is `Math.round`'s exactly (`roundHalfUp`).
 */
export function quantise(out: Float64Array, from: number, to: number, lsbV: number, bits: number): void {
  const lo = -(2 ** (bits - 1));
  const hi = 2 ** (bits - 1) - 1;
  const inv = 1 / lsbV;
  for (let i = from; i < to; i++) {
    let n = roundHalfUp(out[i]! * inv);
    n = n < lo ? lo : n > hi ? hi : n;
    out[i] = n * lsbV;
  }
}

/**
 * `Math.round(x)`, bit for bit (ties toward +∞, −0 for x in [−0.5, −0], NaN and ±∞ unchanged),
 * at a fraction of its cost on noisy samples: V8 compiles `Math.round` with a branch on the
 * fraction, which noise makes unpredictable (about 10 ns a sample here, against 3 ns for this).
 *
 * r = ⌊x + 0.5⌋ is branch-free and is either round(x) or round(x) + 1 (when x + 0.5 rounds up to an
 * integer); the second case leaves r − x > 0.5, which the test `r − x ≥ 0.5` always catches (the
 * subtraction is monotone and 0.5 is representable). Those rare samples, exact ties, and r = 0
 * (where the sign of zero must follow x) take `Math.round` itself.
 */
export function roundHalfUp(x: number): number {
  const r = Math.floor(x + 0.5);
  return r - x >= 0.5 || r === 0 ? Math.round(x) : r;
}
