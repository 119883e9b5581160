import type { ResolvedAsgSettings } from '@labrx/core';

/**
 * A periodic waveform of unit amplitude in the time domain, as a function of its cycle count c
 * (period 1): the exact value, and its integral over a stretch of cycles (for the boxcar average).
 */
export interface WaveformShape {
  /** w(u) for u = frac(c) in [0, 1). */
  value(u: number): number;
  /** ∫_0^u w for u in [0, 1]. */
  integral(u: number): number;
  /** ∫_0^1 w (the mean over a period). */
  readonly periodIntegral: number;
}

const square: WaveformShape = {
  value: (u) => (u < 0.5 ? 1 : -1),
  integral: (u) => (u < 0.5 ? u : 1 - u),
  periodIntegral: 0,
};

// (2/π)·asin(sin 2πu): 0 at u = 0, +1 at u = ¼, −1 at u = ¾ (in phase with the sine)
const triangle: WaveformShape = {
  value: (u) => (u < 0.25 ? 4 * u : u < 0.75 ? 2 - 4 * u : 4 * u - 4),
  integral: (u) =>
    u < 0.25 ? 2 * u * u : u < 0.75 ? 0.125 + 2 * (u - 0.25) - 2 * (u * u - 0.0625) : 0.125 + 2 * (u * u - 0.5625) - 4 * (u - 0.75),
  periodIntegral: 0,
};

// −1 at the start of each period rising to +1 at its end
const rampUp: WaveformShape = {
  value: (u) => 2 * u - 1,
  integral: (u) => u * u - u,
  periodIntegral: 0,
};

const rampDown: WaveformShape = {
  value: (u) => 1 - 2 * u,
  integral: (u) => u - u * u,
  periodIntegral: 0,
};

const shapeCache = new WeakMap<ResolvedAsgSettings, WaveformShape>();

/**
 * The time-domain shape of a periodic generator waveform, or null for 'sine' (handled as a tone),
 * 'dc' and 'noise'. 'arbitrary' plays its table once per period with linear interpolation between
 * points (table point m at u = m/L, the last point joined back to the first).
 */
export function waveformShape(settings: ResolvedAsgSettings): WaveformShape | null {
  switch (settings.waveform) {
    case 'square':
      return square;
    case 'triangle':
      return triangle;
    case 'ramp-up':
      return rampUp;
    case 'ramp-down':
      return rampDown;
    case 'arbitrary': {
      let shape = shapeCache.get(settings);
      if (!shape) shapeCache.set(settings, (shape = arbitraryShape(settings.data ?? new Float64Array([0]))));
      return shape;
    }
    default:
      return null;
  }
}

function arbitraryShape(x: Float64Array): WaveformShape {
  const L = x.length;
  // prefix[m] = ∫_0^{m/L} w: trapezoids of width 1/L
  const prefix = new Float64Array(L + 1);
  for (let m = 0; m < L; m++) prefix[m + 1] = prefix[m]! + (x[m]! + x[(m + 1) % L]!) / (2 * L);
  const locate = (u: number): [number, number] => {
    const p = u * L;
    const m = Math.min(L - 1, Math.floor(p));
    return [m, p - m];
  };
  return {
    value(u) {
      const [m, s] = locate(u);
      const a = x[m]!;
      return a + (x[(m + 1) % L]! - a) * s;
    },
    integral(u) {
      const [m, s] = locate(u);
      const a = x[m]!;
      return prefix[m]! + (a * s + ((x[(m + 1) % L]! - a) * s * s) / 2) / L;
    },
    periodIntegral: prefix[L]!,
  };
}
