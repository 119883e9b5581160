import type { ExecutionContext } from 'ava';
import { fitSine, wrapPi } from './fit.js';

/** What a burst sequence should look like on the scope, times relative to the trace's trigger (t = 0 at its start). */
export interface BurstExpectation {
  /** Hz */
  readonly frequency: number;
  /** V, peak */
  readonly amplitude: number;
  /** V */
  readonly offset: number;
  /** deg, the phase at each burst's start */
  readonly phase: number;
  /** s, one burst */
  readonly burstS: number;
  /** bursts in the sequence */
  readonly count: number;
  /** s, start to start */
  readonly period: number;
  /** V held before t = 0 */
  readonly beforeV: number;
  /** V held after each burst */
  readonly afterV: number;
  /** s: where the sequence starts relative to the trigger sample, at most one sample before it (the edge lies within (−dt, 0]) */
  readonly startS?: number;
  /** s: where the hold after the last burst is checked up to (default: the trace's end) */
  readonly untilS?: number;
  /** s: how far off `startS` may be (default 1.5 samples: the edge before the trigger sample, the boxcar's half window) */
  readonly startTolS?: number;
}

/**
 * Checks a trace against a burst sequence starting at t = 0: every burst a sine of the expected amplitude
 * (1 %) and start phase (within the one-sample uncertainty of the edge and the boxcar's half window, 2π·f·1.5·dt, plus 0.5°), exactly the
 * expected number of rising crossings of offset + A/2 per burst, and the held levels (2 mV: 16 LSB;
 * noise and the boxcar are far below) before, between and after the bursts, two samples away from every edge.
 */
export function checkBursts(t: ExecutionContext, x: Float64Array, dt: number, t0: number, e: BurstExpectation): void {
  const start = e.startS ?? 0;
  const idx = (ts: number) => Math.round((ts - t0) / dt);
  const n = x.length;
  const within = (i: number) => Math.max(0, Math.min(n, i));
  const level = (from: number, to: number, v: number, what: string) => {
    let worst = 0;
    for (let i = within(from); i < within(to); i++) worst = Math.max(worst, Math.abs(x[i]! - v));
    t.true(worst < 2e-3, `${what}: off the held ${v} V by up to ${worst} V`);
  };
  level(0, idx(start) - 3, e.beforeV, 'before the trigger');
  // the edge lies up to one sample before the trigger sample, and a boxcar sample is centred half a window after its stamp
  const phaseTol = 2 * Math.PI * e.frequency * (e.startTolS ?? 1.5 * dt) + (0.5 * Math.PI) / 180;
  for (let j = 0; j < e.count; j++) {
    const b0 = start + j * e.period;
    const b1 = b0 + e.burstS;
    if (idx(b1) + 2 > n) break;
    const from = idx(b0) + 2, to = idx(b1) - 2;
    const seg = x.subarray(from, to);
    const fit = fitSine(seg, dt, t0 + from * dt - b0, e.frequency);
    t.true(Math.abs(fit.amplitude / e.amplitude - 1) < 0.01, `burst ${j}: amplitude ${fit.amplitude} V, expected ${e.amplitude}`);
    t.true(Math.abs(wrapPi(fit.phase - (e.phase * Math.PI) / 180)) < phaseTol, `burst ${j}: phase ${(fit.phase * 180) / Math.PI}°, expected ${e.phase}°`);
    t.true(Math.abs(fit.offset - e.offset) < 2e-3, `burst ${j}: offset ${fit.offset} V`);
    // rising crossings of offset + A/2 from just before the burst to just before the next
    const end = j + 1 < e.count ? b0 + e.period : Math.min(b1 + e.burstS, e.untilS ?? Infinity);
    let crossings = 0;
    const th = e.offset + e.amplitude / 2;
    for (let i = within(idx(b0) - 2) + 1; i < within(idx(end) - 2); i++) if (x[i - 1]! < th && x[i]! >= th) crossings++;
    // a burst that starts above the threshold from a held level below it crosses it at its start
    const startV = e.offset + e.amplitude * Math.sin((e.phase * Math.PI) / 180);
    const expected = expectedCrossings(e) + ((j === 0 ? e.beforeV : e.afterV) < th && startV >= th ? 1 : 0);
    t.is(crossings, expected, `burst ${j}: ${crossings} rising crossings of ${th} V, expected ${expected}`);
    level(idx(b1) + 2, idx(j + 1 < e.count ? b0 + e.period : (e.untilS ?? Infinity)) - 2, e.afterV, `after burst ${j}`);
  }
}

/** Rising crossings of offset + A/2 by a sine burst from its start phase over its length: phases ≡ 1/12 (mod 1) passed. */
function expectedCrossings(e: BurstExpectation): number {
  const u0 = e.phase / 360 - Math.floor(e.phase / 360);
  const u1 = u0 + e.burstS * e.frequency;
  // crossings at u = k + 1/12 with u0 < u < u1
  return Math.floor(u1 - 1 / 12 - 1e-9) - Math.floor(u0 - 1 / 12) ;
}
