import type { FilterStage } from '@labrx/pyrpl';

/**
 * The FPGA's input filter cascade (red_pitaya_filter_block.v: up to 4 red_pitaya_lpf_block stages)
 * advanced one loop step of `cycles` FPGA cycles with its input held: each stage's y += α·(x − y)
 * per cycle becomes y = x + (y − x)·(1 − α)^cycles per step, exact for the held input; a high-pass
 * stage outputs x − y. Values in counts (floats). The loop's kernel (LoopEngine.runChunk) steps it
 * inline from `decay`, `highpass` and `y`.
 *
 * A sampled signal is not held, though: the value at a step's start stands for a signal that moves
 * during the step. The IQ modules' input filter (acbandwidth) therefore feeds each stage the mean of its
 * input at the step's two ends, y = x̄ + (y − x̄)·decay with x̄ = (x_prev + x)/2 (`previous` keeps
 * x_prev per stage): its response is then the FPGA's within 2·10⁻⁵ where the held input is 0.8 % off
 * (α = 2⁻¹², 64 cycles a step, test/hw-sim/closed-loop.test.ts). The PIDs keep the held input.
 */
export class InputFilter {
  /** (1 − α)^cycles per stage. */
  decay = new Float64Array(0);
  /** 1 for a high-pass stage, 0 for a low-pass one. */
  highpass = new Uint8Array(0);
  /** Each stage's state (counts). */
  y = new Float64Array(0);
  /** Each stage's input at the last step (for the step's mean input; used by the IQ modules' kernel). */
  previous = new Float64Array(0);
  private key = '';

  constructor(private readonly cycles: number) {}

  /** Sets the stages; the state is kept when they are unchanged. */
  configure(stages: readonly FilterStage[]): void {
    const key = stages.map((s) => `${s.alpha}${s.highpass ? 'h' : 'l'}`).join(',');
    if (key === this.key) return;
    this.key = key;
    this.decay = Float64Array.from(stages, (s) => Math.pow(1 - s.alpha, this.cycles));
    this.highpass = Uint8Array.from(stages, (s) => (s.highpass ? 1 : 0));
    this.y = new Float64Array(stages.length);
    this.previous = new Float64Array(stages.length);
  }

  /** Sets every stage to its steady state for a constant input x. */
  reset(x: number): void {
    let v = x;
    for (let i = 0; i < this.y.length; i++) {
      this.y[i] = v;
      if (this.highpass[i]) v = 0;
    }
  }
}
