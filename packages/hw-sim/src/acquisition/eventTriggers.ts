import type { AsgHistory } from '../signal/AsgHistory.js';

/**
 * Board time (s) of the first period start of a generator in [fromS, toS), or null. A generator's
 * periods start at its phase origin (when its settings were applied) and every 1/frequency after;
 * it runs whatever its output routing or amplitude, and a generator at 0 Hz never wraps.
 */
export function nextAsgPeriodStart(history: AsgHistory, fromS: number, toS: number): number | null {
  for (const seg of history.overlapping(fromS, toS)) {
    const f = seg.settings.frequency;
    if (!(f > 0)) continue;
    const start = Math.max(fromS, seg.fromS);
    // first whole number of periods at or after `start`; the small slack keeps an edge computed
    // a rounding error late from slipping a whole period
    const n = Math.ceil(f * (start - seg.originS) - 1e-9);
    const t = seg.originS + n / f;
    if (t < seg.toS && t < toS) return Math.max(t, start);
  }
  return null;
}

export { nextExtEdge } from '../signal/extTriggerEdges.js';
