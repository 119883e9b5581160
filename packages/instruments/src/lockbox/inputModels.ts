/**
 * What an input's signal looks like against the lock variable x (the stage setpoint's unit), as
 * PyRPL's lockbox models it (lockbox/input.py, models/fabryperot.py, models/interferometer.py). The
 * sweep calibrates the shape's scale (min, max); the model gives the signal and its slope at any x.
 *
 * | model        | x                          | expected signal (V)                         | e.g.                         |
 * |--------------|----------------------------|---------------------------------------------|------------------------------|
 * | 'linear'     | the input itself (V)       | x                                           | an error signal already in V |
 * | 'lorentzian' | detuning in half linewidths | min + (max − min) / (1 + x²)              | cavity transmission          |
 * | 'dip'        | detuning in half linewidths | max − (max − min) / (1 + x²)              | cavity reflection            |
 * | 'dispersive' | detuning in half linewidths | c ± (max − min) · x / (1 + x²)            | PDH error signal             |
 * | 'fringe'     | phase (rad)                | c ± (max − min)/2 · sin x                   | Michelson output port        |
 *
 * with c = (max + min)/2 and the sign − when the input is `inverted`.
 */
export const INPUT_MODELS = ['linear', 'lorentzian', 'dip', 'dispersive', 'fringe'] as const;

/** One of `INPUT_MODELS`. */
export type InputModel = (typeof INPUT_MODELS)[number];

/** What a sweep measured of an input (volts), and where its feature sat on the swept output. */
export interface InputCalibration {
  /** Least, greatest and mean value over the sweep, V. */
  readonly min: number;
  readonly max: number;
  readonly mean: number;
  /** Standard deviation over the sweep, V (PyRPL's `rms`). */
  readonly rms: number;
  /** How many samples the numbers come from. */
  readonly samples: number;
  /** Where they came from: a scope trace, or sampler readings during a zoomed sweep. */
  readonly source: 'scope' | 'sampler';
  /**
   * The swept output's voltage at the model's reference point x = 0 (a transmission peak, a
   * reflection dip, the PDH zero crossing, the fringe's mid point), V; null for 'linear' inputs.
   */
  readonly centerV: number | null;
  /** Board time of the calibration, s. */
  readonly timeS: number;
}

/** The shape parameters a model needs. */
export interface ModelShape {
  readonly model: InputModel;
  readonly inverted: boolean;
}

/** The expected signal (V) of an input at lock variable `x` (see the table above). */
export function expectedSignal(shape: ModelShape, cal: Pick<InputCalibration, 'min' | 'max'>, x: number): number {
  const span = cal.max - cal.min;
  const c = (cal.max + cal.min) / 2;
  const sign = shape.inverted ? -1 : 1;
  switch (shape.model) {
    case 'linear':
      return x;
    case 'lorentzian':
      return cal.min + span / (1 + x * x);
    case 'dip':
      return cal.max - span / (1 + x * x);
    case 'dispersive':
      return c + sign * span * (x / (1 + x * x));
    case 'fringe':
      return c + sign * (span / 2) * Math.sin(x);
  }
}

/** d(expected signal)/dx at `x`, V per unit of x (analytic). */
export function expectedSlope(shape: ModelShape, cal: Pick<InputCalibration, 'min' | 'max'>, x: number): number {
  const span = cal.max - cal.min;
  const sign = shape.inverted ? -1 : 1;
  const q = 1 + x * x;
  switch (shape.model) {
    case 'linear':
      return 1;
    case 'lorentzian':
      return (-span * 2 * x) / (q * q);
    case 'dip':
      return (span * 2 * x) / (q * q);
    case 'dispersive':
      return (sign * span * (1 - x * x)) / (q * q);
    case 'fringe':
      return sign * (span / 2) * Math.cos(x);
  }
}

/**
 * The input values (V) that count as locked at setpoint `x` ± `threshold` (PyRPL's
 * `InputSignal.is_locked`): the expected signal over that interval; where the signal has an extremum
 * inside it (a transmission peak at x = 0), the bound on that side is dropped.
 */
export function lockedWindow(shape: ModelShape, cal: Pick<InputCalibration, 'min' | 'max'>, x: number, threshold: number): readonly [number, number] {
  let lo = expectedSignal(shape, cal, x - threshold);
  let hi = expectedSignal(shape, cal, x + threshold);
  if (hi < lo) [lo, hi] = [hi, lo];
  const s0 = expectedSlope(shape, cal, x - threshold);
  const s1 = expectedSlope(shape, cal, x + threshold);
  if (s0 * s1 <= 0) {
    if (s0 > s1) hi = Infinity;
    else if (s0 < s1) lo = -Infinity;
  }
  return [lo, hi];
}
