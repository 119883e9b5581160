/**
 * Generator bursts and triggers: the timing the settings' rules, the simulator and the drivers share
 * (docs/architecture.md, "Bursts and triggers"). The model is PyRPL's FPGA (red_pitaya_asg_ch.v):
 * a trigger restarts the table pointer at `phase`; a burst of N cycles ends at the N-th wrap of the
 * table (phase 0), after which the pointer stands still, so the output holds the waveform's value at
 * phase 0; before the first trigger (after the state machine's reset) it holds the value at `phase`;
 * each repetition starts `delay_between_bursts` µs after the previous burst ended.
 */

/** Largest `burstCycles`: SCPI's `BURS:NCYC` limit (PyRPL's counter has 32 bits). */
export const ASG_MAX_BURST_CYCLES = 65535;
/** Largest `burstCount`: SCPI's `BURS:NOR` below its 'infinite' 65536 (PyRPL's `bursts` register + 1: 16 bits). */
export const ASG_MAX_BURST_COUNT = 65535;
/** Longest `burstPeriod` (s): SCPI's `BURS:INT:PER` limit, 4e6 µs. */
export const ASG_BURST_PERIOD_MAX_S = 4;
/**
 * Shortest gap between a burst's end and the next burst's start (s): PyRPL's `delay_between_bursts`
 * counts whole µs, and 0 would make the FPGA re-trigger inside the burst (red_pitaya_asg_ch.v:209).
 */
export const ASG_BURST_GAP_MIN_S = 1e-6;

/** A generator waveform's name (`WAVEFORMS` in asgSettings.ts, which imports this file). */
type WaveformName = string;

/** What burst timing depends on. */
export interface AsgBurstTiming {
  readonly waveform: WaveformName;
  /** Hz */
  readonly frequency: number;
  /** deg */
  readonly phase: number;
  readonly burstCycles: number;
  readonly burstCount: number;
  /** s */
  readonly burstPeriod: number;
}

/** The start phase as a cycle fraction in [0, 1). */
export function asgStartFraction(phaseDeg: number): number {
  const u = phaseDeg / 360;
  const f = u - Math.floor(u);
  return f >= 1 ? 0 : f;
}

/**
 * One burst's length (s): from the trigger (at `phase`) to the `burstCycles`-th period boundary,
 * (burstCycles − phase/360)/frequency; Infinity for a continuous generator (burstCycles 0).
 */
export function asgBurstLengthS(s: Pick<AsgBurstTiming, 'frequency' | 'phase' | 'burstCycles'>): number {
  if (s.burstCycles === 0) return Infinity;
  return (s.burstCycles - asgStartFraction(s.phase)) / s.frequency;
}

/**
 * A burst sequence's length (s): (burstCount − 1) periods and one burst; Infinity when continuous.
 * Another trigger is taken only after it.
 */
export function asgSequenceLengthS(s: AsgBurstTiming): number {
  const burst = asgBurstLengthS(s);
  return burst === Infinity ? Infinity : (s.burstCount - 1) * s.burstPeriod + burst;
}

/** True when the generator plays continuously from the moment its settings apply (no burst, triggered immediately). */
export function asgIsContinuous(s: { readonly trigger: string; readonly burstCycles: number }): boolean {
  return s.trigger === 'immediately' && s.burstCycles === 0;
}

/**
 * The waveform's unit value at cycle fraction u ∈ [0, 1) (the simulator's conventions: 'sine' sin 2πu,
 * 'square' +1 then −1, 'triangle' rising from 0, ramps from ∓1, 'arbitrary' its table with linear
 * interpolation); 0 for 'dc' and 'noise' (their output is the offset alone).
 */
export function asgWaveformValue(s: { readonly waveform: WaveformName; readonly data: ArrayLike<number> | null }, u: number): number {
  switch (s.waveform) {
    case 'sine':
      return Math.sin(2 * Math.PI * u);
    case 'square':
      return u < 0.5 ? 1 : -1;
    case 'triangle':
      return u < 0.25 ? 4 * u : u < 0.75 ? 2 - 4 * u : 4 * u - 4;
    case 'ramp-up':
      return 2 * u - 1;
    case 'ramp-down':
      return 1 - 2 * u;
    case 'arbitrary': {
      const x = s.data;
      if (!x || x.length === 0) return 0;
      const pos = u * x.length;
      const m = Math.min(x.length - 1, Math.floor(pos));
      const r = pos - m;
      return x[m]! * (1 - r) + x[(m + 1) % x.length]! * r;
    }
    default:
      return 0;
  }
}

/** Volts a generator holds before its first trigger (its value at `phase`) and after a burst (at phase 0). */
export function asgHoldLevels(s: { readonly waveform: WaveformName; readonly data: ArrayLike<number> | null; readonly amplitude: number; readonly offset: number; readonly phase: number }): {
  readonly beforeV: number;
  readonly afterV: number;
} {
  const a = s.waveform === 'dc' || s.waveform === 'noise' ? 0 : s.amplitude;
  return { beforeV: s.offset + a * asgWaveformValue(s, asgStartFraction(s.phase)), afterV: s.offset + a * asgWaveformValue(s, 0) };
}
