import type { FilterStage } from '@labrx/pyrpl';
import type { Tone } from '../plant/Plant.js';
import { FPGA_CLOCK_HZ } from './loopRate.js';
import { InputFilter } from './InputFilter.js';
import { Phasor } from './Phasor.js';

/** An IQ module's continuous configuration as the loop uses it (values already quantised). */
export interface IqRegisters {
  /** Bus index of the demodulated signal (−1 off). */
  readonly input: number;
  readonly frequencyHz: number;
  readonly phaseDeg: number;
  /** Quadrature filter stages switched on (per FPGA cycle). */
  readonly stages: readonly FilterStage[];
  /** Input filter stages switched on (acbandwidth; per FPGA cycle), before the mixer. */
  readonly inputStages: readonly FilterStage[];
  readonly gain: number;
  readonly amplitudeV: number;
  /** Bit 0 out1, bit 1 out2. */
  readonly outputDirect: number;
  /** 0 quadrature (gain·I), 1 the oscillator, 2 off. */
  readonly outputSignal: 0 | 1 | 2;
}

/**
 * An IQ module as a continuous demodulator on the DSP bus (the envelope model of plant/Plant.ts):
 * its registers and state. Its oscillator is θ(t) = 2π·f·t in board time. The loop's kernel
 * (LoopEngine.runChunk, inline for speed) steps it once per loop step: it forms the complex
 * amplitude z of its input (after its input filter, acbandwidth: each stage fed the step's mean input
 * when slow, see InputFilter; its exact per-cycle response when fast) relative to θ, in the convention of `IqResult` (A·sin(θ + ψ) reads
 * A·e^{jψ}), turns it by −phase, low-passes I and Q through its quadrature filter stages
 * (first-order, exact for the held step) and outputs gain·I:
 * - an input slower than the loop's fast-tone limit is mixed sample by sample: z = 2j·x·e^{−jθ};
 * - otherwise z is read from the input's fast tones at (or within the fast-tone limit of) f, each
 *   (re + j·im)·e^{j2π(f_tone − f)t}.
 * The oscillator, amplitude·sin θ, goes to `outputDirect` (sampled when slow, a fast tone when fast).
 */
export class IqBlock {
  regs: IqRegisters;
  /** Quadrature filter: (1 − α)^cycles per stage, 1 for a high-pass stage, the I and Q states (V). */
  decay = new Float64Array(0);
  highpass = new Uint8Array(0);
  yi = new Float64Array(0);
  yq = new Float64Array(0);
  /** The input filter (acbandwidth) before the mixer: its stages and state (V). */
  readonly input: InputFilter;
  /** Output of the last step, V. */
  out = 0;
  /** Demodulated quadratures after the filter, V (for tests and the sampler). */
  i = 0;
  q = 0;
  /** cos and sin of −phase, by which z is turned each step. */
  cosPhase = 1;
  sinPhase = 0;
  /** θ at the steps' starts (demodulation) and middles (the oscillator's output). */
  readonly demodPhase: Phasor;
  readonly oscPhase: Phasor;
  /** The oscillator's fast tone (reused), when fast. */
  readonly tone: Tone = { frequencyHz: 0, re: 0, im: 0 };

  constructor(
    regs: IqRegisters,
    private readonly cycles: number,
  ) {
    this.regs = regs;
    this.configureFilter(regs.stages);
    this.input = new InputFilter(cycles);
    this.input.configure(regs.inputStages);
    this.demodPhase = new Phasor(cycles / FPGA_CLOCK_HZ);
    this.oscPhase = new Phasor(cycles / FPGA_CLOCK_HZ);
    this.setPhase(regs.phaseDeg);
  }

  /** New registers; the filter state stays when its stages are unchanged. */
  setRegisters(regs: IqRegisters): void {
    const same = regs.stages.length === this.regs.stages.length && regs.stages.every((s, k) => s.alpha === this.regs.stages[k]!.alpha && s.highpass === this.regs.stages[k]!.highpass);
    this.regs = regs;
    if (!same) this.configureFilter(regs.stages);
    this.input.configure(regs.inputStages);
    this.responses.clear();
    this.setPhase(regs.phaseDeg);
  }

  private readonly responses = new Map<number, { re: number; im: number }>();

  /**
   * The input filter's response at `frequencyHz` as the FPGA computes it, cycle by cycle: a stage
   * y += α·(x − y) passes α/(1 − (1 − α)·e^{−jω}) (ω = 2π·f/125 MHz), its high-pass 1 minus that.
   */
  inputResponse(frequencyHz: number): { re: number; im: number } {
    let h = this.responses.get(frequencyHz);
    if (h) return h;
    const w = (2 * Math.PI * frequencyHz) / FPGA_CLOCK_HZ;
    let re = 1, im = 0;
    for (const s of this.regs.inputStages) {
      // α / (1 − (1 − α)(cos ω − j sin ω))
      const dr = 1 - (1 - s.alpha) * Math.cos(w);
      const di = (1 - s.alpha) * Math.sin(w);
      const m = dr * dr + di * di;
      let hr = (s.alpha * dr) / m;
      let hi = (-s.alpha * di) / m;
      if (s.highpass) {
        hr = 1 - hr;
        hi = -hi;
      }
      [re, im] = [re * hr - im * hi, re * hi + im * hr];
    }
    h = { re, im };
    // tones come and go with the plant's state: a bounded cache
    if (this.responses.size > 64) this.responses.clear();
    this.responses.set(frequencyHz, h);
    return h;
  }

  private setPhase(phaseDeg: number): void {
    const ph = (-phaseDeg * Math.PI) / 180;
    this.cosPhase = Math.cos(ph);
    this.sinPhase = Math.sin(ph);
  }

  private configureFilter(stages: readonly FilterStage[]): void {
    this.decay = Float64Array.from(stages, (s) => Math.pow(1 - s.alpha, this.cycles));
    this.highpass = Uint8Array.from(stages, (s) => (s.highpass ? 1 : 0));
    this.yi = new Float64Array(stages.length);
    this.yq = new Float64Array(stages.length);
  }

  /** True when the module does something (an output or a non-zero oscillator on a DAC). */
  get active(): boolean {
    const r = this.regs;
    return r.input >= 0 && r.outputSignal !== 2 && r.gain !== 0 ? true : r.outputDirect !== 0 && r.amplitudeV !== 0;
  }
}
