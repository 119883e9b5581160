/**
 * A plant: a device under test that is not a linear filter (a cavity, an interferometer), stepped in
 * time by the simulator's closed loop (docs/architecture.md, "Closed loop"). Each loop step the
 * simulator hands the plant what the two DACs put out and reads back what the two ADCs see.
 *
 * Signals are split the way a lock-in sees them (an envelope model): a slow part, sampled at the
 * loop rate, and fast tones far above the loop's bandwidth (a phase modulation at MHz), each given
 * by its frequency and complex amplitude. A tone is `re·sin(2πft) + im·cos(2πft)` at board time t,
 * i.e. A·sin(2πft + φ) with re + j·im = A·e^{jφ} — the convention of `IqResult`, so an IQ module
 * locked to that frequency with phase 0 reads exactly (re, im).
 */

/** One fast sinusoid at a DAC or an ADC (volts; see the convention above). */
export interface Tone {
  /** Hz (> 0). */
  frequencyHz: number;
  /** V: the in-phase (sine) part. */
  re: number;
  /** V: the quadrature (cosine) part. */
  im: number;
}

/** What the DACs put out during one loop step (held for the step). */
export interface PlantDrive {
  /** Slow part of out1 and out2 (V), already limited to the DACs' ±1 V. */
  readonly out1: number;
  readonly out2: number;
  /** Fast tones at out1 and out2 (generators, IQ oscillators). */
  readonly tones1: readonly Tone[];
  readonly tones2: readonly Tone[];
}

/** What the ADCs see at the end of a loop step; the plant overwrites these fields (no allocation per step). */
export interface PlantSense {
  /** Slow part of in1 and in2 (V), before the ADC's noise, clipping and quantisation (the simulator adds those). */
  in1: number;
  in2: number;
  /** Fast tones at in1 and in2; the plant reuses the arrays and their objects, setting `length` as needed. */
  tones1: Tone[];
  tones2: Tone[];
}

/**
 * A plant: plain data in (`spec`), deterministic for a given seed, with its own noise and
 * disturbances (drift, kicks) drawn from its own seeded generator.
 */
export interface Plant {
  /** A description for messages, e.g. 'fabry-perot(finesse=3000, fsr=1.5 GHz)'. */
  readonly name: string;
  /** The same plant as plain data, so it crosses to a worker thread, a server or a file. */
  readonly spec: PlantSpecBase;
  /**
   * Advances the plant by `dtS` seconds with `drive` held, then writes what the inputs see into
   * `sense`. `tS` is the board time (s) at the end of the step. Called once per loop step, in order.
   */
  step(tS: number, dtS: number, drive: PlantDrive, sense: PlantSense): void;
  /**
   * Quantities for tests and user interfaces at the last step, SI units in the names
   * (e.g. `{ detuningHz, transmission, lengthOffsetM }`).
   */
  state(): Readonly<Record<string, number>>;
}

/** What every plant spec has: its kind, and optionally its own seed (default: the board's). */
export interface PlantSpecBase {
  readonly kind: string;
  readonly seed?: number;
}
