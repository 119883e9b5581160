import type { Waveform } from '@labrx/core';

/** What a generator table plays, as the simulator's generator understands it. */
export type TableShape =
  | { readonly waveform: Exclude<Waveform, 'arbitrary' | 'noise'>; /** table peak / 2^13 */ readonly peak: number }
  | { readonly waveform: 'arbitrary'; /** the table / 2^13 */ readonly data: Float64Array };

const TWO_PI = 2 * Math.PI;

/**
 * Recognises a 16384-word generator table (14-bit signed codes) as one of the simulator's analytic
 * waveforms — PyRPL's own 'sin', 'square', 'halframp', 'dc' tables (asg.py:56-75) and labrx's
 * 'triangle', 'ramp-down' — when every code is within 1 LSB of it; otherwise it is played as an
 * arbitrary table. Analytic waveforms let the simulator compute IQ measurements in closed form.
 */
export function tableShape(codes: Int16Array): TableShape {
  const n = codes.length;
  let peak = 0;
  for (let k = 0; k < n; k++) peak = Math.max(peak, Math.abs(codes[k]!));
  if (peak === 0) return { waveform: 'dc', peak: 0 };
  const shapes: Array<[Exclude<Waveform, 'arbitrary' | 'noise' | 'dc'>, (x: number) => number]> = [
    ['sine', (x) => Math.sin(TWO_PI * x)],
    ['square', (x) => (x < 0.5 ? 1 : -1)],
    ['ramp-up', (x) => -1 + 2 * x],
    ['ramp-down', (x) => 1 - 2 * x],
    ['triangle', (x) => (2 / Math.PI) * Math.asin(Math.sin(TWO_PI * x))],
  ];
  for (const [waveform, f] of shapes) {
    let ok = true;
    for (let k = 0; k < n && ok; k++) ok = Math.abs(codes[k]! - peak * f(k / n)) <= 1.5;
    if (ok) return { waveform, peak: peak / 8192 };
  }
  const data = new Float64Array(n);
  for (let k = 0; k < n; k++) data[k] = codes[k]! / 8192;
  return { waveform: 'arbitrary', data };
}
