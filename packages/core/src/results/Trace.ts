import type { ResolvedScopeSettings } from '../settings/scopeSettings.js';

/** One scope result: two channels of samples in volts on a common time base. */
export interface Trace {
  /** Seconds between samples (decimation / 125 MHz). */
  readonly dt: number;
  /** Time of the first sample relative to the trigger, in seconds (−bufferSize/2·dt + triggerDelay). */
  readonly t0: number;
  /** Input 1, volts. */
  readonly ch1: Float64Array;
  /** Input 2, volts. */
  readonly ch2: Float64Array;
  /** How many acquisitions were averaged into this trace. */
  readonly averages: number;
  /** The settings the trace was taken with. */
  readonly settings: ResolvedScopeSettings;
  /** When the (last averaged) trigger happened, in milliseconds on the board's scheduler clock. */
  readonly timestamp: number;
}

/** One raw acquisition as a driver delivers it (no averaging). */
export interface RawTrace {
  /** s */
  readonly dt: number;
  /** s, relative to the trigger */
  readonly t0: number;
  /** V */
  readonly ch1: Float64Array;
  /** V */
  readonly ch2: Float64Array;
  /** ms on the board's scheduler clock, at the trigger */
  readonly timestamp: number;
}

/** Times of the samples of a trace, in seconds relative to the trigger. */
export function traceTimes(trace: Pick<Trace, 'dt' | 't0' | 'ch1'>): Float64Array {
  const t = new Float64Array(trace.ch1.length);
  for (let i = 0; i < t.length; i++) t[i] = trace.t0 + i * trace.dt;
  return t;
}
