import type { ResolvedAsgSettings } from '@labrx/core';
import { BUFFER_WORDS } from '../map/registerMap.js';
import { fromSigned } from '../map/fieldCodec.js';

const TWO_PI = 2 * Math.PI;

/** A 14-bit code of a table value in −1…1 (PyRPL's asg data setter, asg.py:306-318: round(8191·x)). */
function code(x: number): number {
  return fromSigned(Math.max(-8192, Math.min(8191, Math.round(8191 * x))), 14);
}

/** xorshift32: the table of 'noise' is pseudo-random but reproducible (no Math.random in the library). */
function gaussianTable(seed: number): Float64Array {
  let s = seed >>> 0 || 1;
  const u = (): number => {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return (s + 0.5) / 2 ** 32;
  };
  const out = new Float64Array(BUFFER_WORDS);
  for (let i = 0; i < BUFFER_WORDS; i += 2) {
    const r = Math.sqrt(-2 * Math.log(u()));
    const a = TWO_PI * u();
    out[i] = r * Math.cos(a);
    out[i + 1] = r * Math.sin(a);
  }
  return out;
}

/** Standard deviation of the noise table (4 σ fit within the ±1 table range). */
export const NOISE_TABLE_RMS = 0.25;

/**
 * The 16384-word generator table (14-bit two's complement) that plays `s.waveform`, one period,
 * as labrx's simulator defines the waveforms: sin θ; square +1 then −1; triangle (2/π)·asin(sin θ);
 * ramps from −1 to 1 (up) or 1 to −1 (down); zeros for 'dc'; `data` resampled with linear
 * interpolation (the last point joining the first) for 'arbitrary'; Gaussian values of rms
 * NOISE_TABLE_RMS for 'noise' (played with the FPGA's random phase).
 */
export function asgTable(s: ResolvedAsgSettings): Uint32Array {
  const n = BUFFER_WORDS;
  const t = new Uint32Array(n);
  const f = (x: number): number => {
    switch (s.waveform) {
      case 'sine':
        return Math.sin(TWO_PI * x);
      case 'square':
        return x < 0.5 ? 1 : -1;
      case 'triangle':
        return (2 / Math.PI) * Math.asin(Math.sin(TWO_PI * x));
      case 'ramp-up':
        return -1 + 2 * x;
      case 'ramp-down':
        return 1 - 2 * x;
      default:
        return 0;
    }
  };
  if (s.waveform === 'arbitrary' && s.data) {
    const d = s.data;
    const m = d.length;
    for (let k = 0; k < n; k++) {
      const p = (k * m) / n;
      const i = Math.floor(p);
      const w = p - i;
      t[k] = code(d[i % m]! * (1 - w) + d[(i + 1) % m]! * w);
    }
    return t;
  }
  if (s.waveform === 'noise') {
    const g = gaussianTable(0x5eed);
    for (let k = 0; k < n; k++) t[k] = code(NOISE_TABLE_RMS * g[k]!);
    return t;
  }
  for (let k = 0; k < n; k++) t[k] = code(f(k / n));
  return t;
}
