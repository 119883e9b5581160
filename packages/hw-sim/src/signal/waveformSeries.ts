import type { ResolvedAsgSettings } from '@labrx/core';

/**
 * A periodic waveform of unit amplitude as a Fourier series in its cycle count c (period 1):
 * w(c) = mean + Σ_k amplitude[k] · sin(2π·harmonic[k]·c + phase[k]).
 */
export interface WaveformSeries {
  /** The constant term (the waveform's mean over a period). */
  readonly mean: number;
  /** Harmonic numbers (1, 3, 5… for a square wave). */
  readonly harmonic: Int32Array;
  /** Amplitude of each harmonic (≥ 0, relative to the waveform's peak). */
  readonly amplitude: Float64Array;
  /** Phase of each harmonic, radians. */
  readonly phase: Float64Array;
}

/**
 * At most this many harmonics are kept. The series is also cut at the DAC's Nyquist frequency
 * (fs/2). Truncating a square wave after K harmonics leaves an rms error of
 * (4/π)·√(Σ_{k>K, odd} 1/(2k²)) ≈ 0.9/√(2K) of its amplitude, 2.8 % for K = 512, concentrated
 * at the edges (Gibbs ripple); triangle coefficients fall as 1/k², leaving 0.004 %. A DUT or the
 * boxcar that attenuates high harmonics reduces it further. The direct paths (in2, and in1
 * through a wire) do not use the series: they evaluate the waveform exactly in the time domain.
 */
export const MAX_HARMONICS = 512;

const seriesCache = new WeakMap<ResolvedAsgSettings, WaveformSeries>();

/**
 * The Fourier series of a generator's waveform (unit amplitude, no offset), with the harmonics
 * below `nyquistHz`, at most `MAX_HARMONICS`. 'sine' is one harmonic; 'dc' and 'noise' have none
 * (they are handled elsewhere). Square, triangle and ramps use their closed-form coefficients;
 * 'arbitrary' uses the DFT of its table with the sinc² factor of linear interpolation.
 * Results are cached per settings object.
 */
export function waveformSeries(settings: ResolvedAsgSettings, nyquistHz: number): WaveformSeries {
  const cached = seriesCache.get(settings);
  if (cached) return cached;
  const f = settings.frequency;
  const kMax = f > 0 ? Math.min(MAX_HARMONICS, Math.ceil(nyquistHz / f) - 1) : 0;
  const hs: number[] = [];
  const as: number[] = [];
  const ps: number[] = [];
  let mean = 0;
  const push = (k: number, a: number, p: number) => {
    hs.push(k);
    as.push(a);
    ps.push(p);
  };
  switch (settings.waveform) {
    case 'sine': // always its one tone, even exactly at the Nyquist frequency
      if (f > 0) push(1, 1, 0);
      break;
    case 'square': // +1 on the first half period, −1 on the second: (4/π) Σ_{k odd} sin(2πkc)/k
      for (let k = 1; k <= kMax; k += 2) push(k, 4 / (Math.PI * k), 0);
      break;
    case 'triangle': // (2/π)·asin(sin 2πc): (8/π²) Σ_{k odd} (−1)^((k−1)/2) sin(2πkc)/k²
      for (let k = 1; k <= kMax; k += 2) push(k, 8 / (Math.PI * Math.PI * k * k), ((k - 1) / 2) % 2 === 0 ? 0 : Math.PI);
      break;
    case 'ramp-up': // 2·frac(c) − 1 = −(2/π) Σ sin(2πkc)/k
      for (let k = 1; k <= kMax; k++) push(k, 2 / (Math.PI * k), Math.PI);
      break;
    case 'ramp-down': // 1 − 2·frac(c) = (2/π) Σ sin(2πkc)/k
      for (let k = 1; k <= kMax; k++) push(k, 2 / (Math.PI * k), 0);
      break;
    case 'arbitrary': {
      const x = settings.data ?? new Float64Array([0]);
      const L = x.length;
      for (let m = 0; m < L; m++) mean += x[m]!;
      mean /= L;
      const cosT = new Float64Array(L);
      const sinT = new Float64Array(L);
      for (let m = 0; m < L; m++) {
        cosT[m] = Math.cos((2 * Math.PI * m) / L);
        sinT[m] = Math.sin((2 * Math.PI * m) / L);
      }
      // linear interpolation between table points = the table's impulse train convolved with a
      // triangle of one table step: C_k = X_k/L · sinc²(πk/L), zero at multiples of L
      for (let k = 1; k <= kMax; k++) {
        if (k % L === 0) continue;
        let re = 0;
        let im = 0;
        for (let m = 0, idx = 0; m < L; m++, idx = (idx + k) % L) {
          re += x[m]! * cosT[idx]!;
          im -= x[m]! * sinT[idx]!;
        }
        const arg = (Math.PI * k) / L;
        const sinc = Math.sin(arg) / arg;
        const ck = (Math.hypot(re, im) / L) * sinc * sinc;
        // 2|C_k|·cos(2πkc + ∠C_k) = 2|C_k|·sin(2πkc + ∠C_k + π/2)
        if (ck > 0) push(k, 2 * ck, Math.atan2(im, re) + Math.PI / 2);
      }
      break;
    }
    case 'dc':
    case 'noise':
      break;
  }
  const series: WaveformSeries = { mean, harmonic: Int32Array.from(hs), amplitude: Float64Array.from(as), phase: Float64Array.from(ps) };
  seriesCache.set(settings, series);
  return series;
}
