/**
 * The ADC in place: out[i] = clamp(round(v/lsb), −2^(bits−1), 2^(bits−1) − 1) · lsb, so every
 * sample is an integer multiple of the LSB (2·FS / 2^14: 122 µV on a 125-14 at LV, FS = 1 V;
 * 2.44 mV at HV, FS = 20 V) and a signal beyond full scale clips at −FS and FS − 1 LSB.
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
