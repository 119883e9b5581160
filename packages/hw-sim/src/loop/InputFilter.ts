import type { FilterStage } from '@labrx/pyrpl';

/**
 * The FPGA's input filter cascade (red_pitaya_filter_block.v: up to 4 red_pitaya_lpf_block stages)
 * advanced one loop step of `cycles` FPGA cycles with its input held: each stage's y += α·(x − y)
 * per cycle becomes y = x + (y − x)·(1 − α)^cycles per step, exact for the held input; a high-pass
 * stage outputs x − y. Values in counts (floats).
 */
export class InputFilter {
  private decay = new Float64Array(0);
  private highpass: boolean[] = [];
  private y = new Float64Array(0);
  private key = '';

  constructor(private readonly cycles: number) {}

  /** Sets the stages; the state is kept when they are unchanged. */
  configure(stages: readonly FilterStage[]): void {
    const key = stages.map((s) => `${s.alpha}${s.highpass ? 'h' : 'l'}`).join(',');
    if (key === this.key) return;
    this.key = key;
    this.decay = Float64Array.from(stages, (s) => Math.pow(1 - s.alpha, this.cycles));
    this.highpass = stages.map((s) => s.highpass);
    this.y = new Float64Array(stages.length);
  }

  /** Sets every stage to its steady state for a constant input x. */
  reset(x: number): void {
    let v = x;
    for (let i = 0; i < this.y.length; i++) {
      this.y[i] = v;
      if (this.highpass[i]) v = 0;
    }
  }

  /** One step: the cascade's output for input x. */
  step(x: number): number {
    let v = x;
    const n = this.y.length;
    for (let i = 0; i < n; i++) {
      // the state at the end of the step (a stage much faster than the step has settled within it)
      const yi = v + (this.y[i]! - v) * this.decay[i]!;
      this.y[i] = yi;
      v = this.highpass[i] ? v - yi : yi;
    }
    return v;
  }
}
