import type { InputCalibration, InputModel } from './inputModels.js';

/** Mean, standard deviation, least and greatest of `values` (PyRPL's `get_stats_from_curve`). */
export function signalStats(values: ArrayLike<number>): Pick<InputCalibration, 'min' | 'max' | 'mean' | 'rms' | 'samples'> {
  const n = values.length;
  let min = Infinity;
  let max = -Infinity;
  let sum = 0;
  for (let i = 0; i < n; i++) {
    const v = values[i]!;
    if (v < min) min = v;
    if (v > max) max = v;
    sum += v;
  }
  const mean = sum / n;
  let ss = 0;
  for (let i = 0; i < n; i++) ss += (values[i]! - mean) ** 2;
  return { min, max, mean, rms: Math.sqrt(ss / n), samples: n };
}

/**
 * Where on the swept output (V) an input's model has its reference point x = 0, from a sweep:
 * `outputV[i]` is the output's voltage when `signal[i]` was taken. 'lorentzian': the highest
 * sample; 'dip': the lowest; 'dispersive': half way between the extremes (the zero crossing of
 * x/(1+x²) lies midway between its peaks at x = ±1); 'fringe': the crossing of the mid level, on
 * the slope of sign `fringeSlopeSign` against the output's voltage, nearest to `preferV`. Null when
 * there is no such point (a 'linear' input, or a fringe that is never crossed).
 */
export function locateCenter(model: InputModel, outputV: ArrayLike<number>, signal: ArrayLike<number>, fringeSlopeSign: number, preferV: number): number | null {
  const n = Math.min(outputV.length, signal.length);
  if (n === 0) return null;
  let iMax = 0;
  let iMin = 0;
  for (let i = 1; i < n; i++) {
    if (signal[i]! > signal[iMax]!) iMax = i;
    if (signal[i]! < signal[iMin]!) iMin = i;
  }
  switch (model) {
    case 'linear':
      return null;
    case 'lorentzian':
      return outputV[iMax]!;
    case 'dip':
      return outputV[iMin]!;
    case 'dispersive':
      return (outputV[iMax]! + outputV[iMin]!) / 2;
    case 'fringe': {
      const mid = (signal[iMax]! + signal[iMin]!) / 2;
      let best: number | null = null;
      for (let i = 1; i < n; i++) {
        const a = signal[i - 1]! - mid;
        const b = signal[i]! - mid;
        if (a === b || Math.sign(a) === Math.sign(b)) continue;
        const dv = outputV[i]! - outputV[i - 1]!;
        if (dv === 0) continue;
        // slope of the signal against the output's voltage at this crossing
        if (Math.sign((b - a) / dv) !== Math.sign(fringeSlopeSign)) continue;
        const v = outputV[i - 1]! + (dv * -a) / (b - a);
        if (best === null || Math.abs(v - preferV) < Math.abs(best - preferV)) best = v;
      }
      return best;
    }
  }
}
