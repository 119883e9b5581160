import type { FilterStage } from '@labrx/pyrpl';
import type { Tone } from '../plant/Plant.js';
import { Phasor } from './Phasor.js';

const TWO_PI = 2 * Math.PI;

/** An IQ module's continuous configuration as the loop uses it (values already quantised). */
export interface IqRegisters {
  /** Bus index of the demodulated signal (−1 off). */
  readonly input: number;
  readonly frequencyHz: number;
  readonly phaseDeg: number;
  /** Quadrature filter stages switched on (per FPGA cycle). */
  readonly stages: readonly FilterStage[];
  readonly gain: number;
  readonly amplitudeV: number;
  /** Bit 0 out1, bit 1 out2. */
  readonly outputDirect: number;
  /** 0 quadrature (gain·I), 1 the oscillator, 2 off. */
  readonly outputSignal: 0 | 1 | 2;
}

/**
 * An IQ module as a continuous demodulator on the DSP bus (the envelope model of plant/Plant.ts).
 * Its oscillator is θ(t) = 2π·f·t in board time. Each loop step it forms the complex amplitude z of
 * its input relative to θ, in the convention of `IqResult` (A·sin(θ + ψ) reads A·e^{jψ}), turns it
 * by −phase, low-passes I and Q through its quadrature filter stages (first-order, exact for the
 * held step) and outputs gain·I:
 * - an input slower than the loop's fast-tone limit is mixed sample by sample: z = 2j·x·e^{−jθ};
 * - otherwise z is read from the input's fast tones at (or within the fast-tone limit of) f, each
 *   (re + j·im)·e^{j2π(f_tone − f)t}.
 * The oscillator, amplitude·sin θ, goes to `outputDirect` (sampled when slow, a fast tone when fast).
 */
export class IqBlock {
  regs: IqRegisters;
  private decay = new Float64Array(0);
  private highpass: boolean[] = [];
  private yi = new Float64Array(0);
  private yq = new Float64Array(0);
  /** Output of the last step, V. */
  out = 0;
  /** Demodulated quadratures after the filter, V (for tests and the sampler). */
  i = 0;
  q = 0;
  /** The oscillator's fast tone (reused), when fast. */
  readonly tone: Tone = { frequencyHz: 0, re: 0, im: 0 };

  constructor(
    regs: IqRegisters,
    private readonly cycles: number,
  ) {
    this.regs = regs;
    this.configureFilter(regs.stages);
  }

  /** New registers; the filter state stays when its stages are unchanged. */
  setRegisters(regs: IqRegisters): void {
    const same = regs.stages.length === this.regs.stages.length && regs.stages.every((s, k) => s.alpha === this.regs.stages[k]!.alpha && s.highpass === this.regs.stages[k]!.highpass);
    this.regs = regs;
    if (!same) this.configureFilter(regs.stages);
  }

  private configureFilter(stages: readonly FilterStage[]): void {
    this.decay = Float64Array.from(stages, (s) => Math.pow(1 - s.alpha, this.cycles));
    this.highpass = stages.map((s) => s.highpass);
    this.yi = new Float64Array(stages.length);
    this.yq = new Float64Array(stages.length);
  }

  /** True when the module does something (an output or a non-zero oscillator on a DAC). */
  get active(): boolean {
    const r = this.regs;
    return r.input >= 0 && r.outputSignal !== 2 && r.gain !== 0 ? true : r.outputDirect !== 0 && r.amplitudeV !== 0;
  }

  private readonly demodPhase = new Phasor();
  private readonly oscPhase = new Phasor();

  /** The oscillator's value amplitude·sin θ at board time tS (V); consecutive calls should be one loop step apart. */
  oscillator(tS: number): number {
    this.oscPhase.at(this.regs.frequencyHz, tS);
    return this.regs.amplitudeV * this.oscPhase.sin;
  }

  /**
   * One loop step: the input was sampled at board time tS (the step's start); the oscillator's
   * output is taken at tMidS (the step's middle, as it is held over the step).
   * @param x the input's slow value (V)
   * @param tones the input's fast tones (empty for a bus signal without any)
   * @param fastLimitHz the fast-tone limit (loop rate / 4)
   */
  step(tS: number, tMidS: number, x: number, tones: readonly Tone[], fastLimitHz: number): number {
    const r = this.regs;
    const f = r.frequencyHz;
    let zr = 0;
    let zi = 0;
    if (r.input >= 0) {
      if (f < fastLimitHz) {
        // 2j·x·e^{−jθ} = 2x·(sin θ + j cos θ)
        this.demodPhase.at(f, tS);
        zr = 2 * x * this.demodPhase.sin;
        zi = 2 * x * this.demodPhase.cos;
      } else {
        for (const tone of tones) {
          const d = tone.frequencyHz - f;
          if (Math.abs(d) >= fastLimitHz) continue;
          const c = d * tS;
          const a = TWO_PI * (c - Math.floor(c));
          const ca = Math.cos(a), sa = Math.sin(a);
          zr += tone.re * ca - tone.im * sa;
          zi += tone.re * sa + tone.im * ca;
        }
      }
      const ph = (-r.phaseDeg * Math.PI) / 180;
      const cp = Math.cos(ph), sp = Math.sin(ph);
      const rr = zr * cp - zi * sp;
      zi = zr * sp + zi * cp;
      zr = rr;
      for (let k = 0; k < this.decay.length; k++) {
        const d = this.decay[k]!;
        const ni = zr + (this.yi[k]! - zr) * d;
        const nq = zi + (this.yq[k]! - zi) * d;
        this.yi[k] = ni;
        this.yq[k] = nq;
        if (this.highpass[k]) {
          zr -= ni;
          zi -= nq;
        } else {
          zr = ni;
          zi = nq;
        }
      }
    }
    this.i = zr;
    this.q = zi;
    this.out = r.outputSignal === 0 ? r.gain * zr : r.outputSignal === 1 ? this.oscillator(tMidS) : 0;
    if (this.out > 8191 / 8192) this.out = 8191 / 8192;
    else if (this.out < -1) this.out = -1;
    return this.out;
  }
}
