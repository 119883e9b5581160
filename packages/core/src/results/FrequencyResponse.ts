/** A measured complex transfer function (input / reference) at a list of frequencies. */
export interface FrequencyResponse<S = unknown> {
  /** Hz */
  readonly frequencies: Float64Array;
  /** Real part of input / reference (dimensionless). */
  readonly re: Float64Array;
  /** Imaginary part of input / reference (dimensionless). */
  readonly im: Float64Array;
  /** |H| at each frequency (dimensionless). */
  magnitude(): Float64Array;
  /** ∠H at each frequency in degrees (−180…180). */
  phaseDeg(): Float64Array;
  readonly settings: S;
}

/** Builds a `FrequencyResponse` from its arrays. */
export function frequencyResponse<S>(frequencies: Float64Array, re: Float64Array, im: Float64Array, settings: S): FrequencyResponse<S> {
  return {
    frequencies,
    re,
    im,
    settings,
    magnitude() {
      const m = new Float64Array(re.length);
      for (let i = 0; i < m.length; i++) m[i] = Math.hypot(re[i]!, im[i]!);
      return m;
    },
    phaseDeg() {
      const p = new Float64Array(re.length);
      for (let i = 0; i < p.length; i++) p[i] = (Math.atan2(im[i]!, re[i]!) * 180) / Math.PI;
      return p;
    },
  };
}
