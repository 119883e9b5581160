/**
 * The ADC in place: out[i] = clamp(round(v/lsb), −2^(bits−1), 2^(bits−1) − 1) · lsb, so every
 * sample is an integer multiple of the LSB (2 V / 2^14 = 122 µV on a 125-14) and a signal beyond
 * full scale clips at −1 V and 1 V − 1 LSB.
 */
export function quantise(out: Float64Array, from: number, to: number, lsbV: number, bits: number): void {
  const lo = -(2 ** (bits - 1));
  const hi = 2 ** (bits - 1) - 1;
  const inv = 1 / lsbV;
  for (let i = from; i < to; i++) {
    let n = Math.round(out[i]! * inv);
    n = n < lo ? lo : n > hi ? hi : n;
    out[i] = n * lsbV;
  }
}
