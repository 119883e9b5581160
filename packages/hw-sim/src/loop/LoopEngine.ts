import type { BoardInfo } from '@labrx/core';
import { fillGaussian } from '../prng/gaussian.js';
import { Xoshiro128 } from '../prng/xoshiro128.js';
import type { Plant, PlantDrive, PlantSense, Tone } from '../plant/Plant.js';
import type { SignalModel } from '../signal/SignalModel.js';
import { AsgInLoop } from './AsgInLoop.js';
import { HISTORY_SIGNALS, SIG_ASG0, SIG_IN1, SIG_IN2, SIG_IQ0, SIG_OUT1, SIG_OUT2, SIG_PID0 } from './dspSignals.js';
import { IqBlock, type IqRegisters } from './IqBlock.js';
import { LoopHistory } from './LoopHistory.js';
import { FAST_TONE_DIVISOR, FPGA_CLOCK_HZ, HISTORY_STEPS } from './loopRate.js';
import { PidBlock, type PidRegisters } from './PidBlock.js';

const TWO_PI = 2 * Math.PI;
/** Seed word of the loop's own noise (ADC noise seen by the modules, the 'noise' waveform). */
const LOOP_STREAM = 0x4c4f4f50;
const NOISE_BLOCK = 4096;
const DAC_MAX = 8191 / 8192;

/** A plant that can start from its steady state (the linear plant). */
interface Settleable {
  settle(u: number): void;
}

/** What the engine needs from its board. */
export interface LoopEngineDeps {
  readonly info: BoardInfo;
  /** The generators' histories and the external tones. */
  readonly model: SignalModel;
  readonly plant: Plant;
  readonly seedWords: readonly number[];
  /** FPGA cycles per loop step. */
  readonly cycles: number;
  /** V/√Hz of white noise at each input. */
  readonly noiseDensity: number;
  readonly pidRegisters: readonly PidRegisters[];
  readonly iqRegisters: readonly IqRegisters[];
}

/**
 * The closed loop (docs/architecture.md, "Closed loop"; docs/decisions/0018-closed-loop-rate.md):
 * the FPGA's DSP chain computed once per loop step of `cycles` FPGA cycles, advanced lazily to the
 * present whenever something reads the board. Step k covers board times [k·dt, (k + 1)·dt):
 *
 * 1. in1, in2 at t_k: the plant's slow outputs (plus slow external tones) → ADC (white noise of the
 *    input's density over the loop band, ±1 V clip, 14-bit rounding) → the bus;
 * 2. the generators at the step's middle (slow part) and their fast tones;
 * 3. the three PIDs, then the three IQ modules, each reading the bus (a module reading another
 *    module sees that module's previous step, as the FPGA's one-cycle register delay, scaled up);
 * 4. out1, out2 = Σ outputs routed there (generators, PIDs, IQ oscillators), clipped to the DAC's
 *    −1 … 8191/8192 V; held for the step;
 * 5. plant.step(t_{k+1}, dt, drive, sense): what in1/in2 will see at t_{k+1};
 * 6. the history records in1/in2 (before the ADC noise), out1, out2 and every module's output.
 */
export class LoopEngine {
  readonly dtS: number;
  readonly rateHz: number;
  readonly fastLimitHz: number;
  readonly pids: PidBlock[];
  readonly iqs: IqBlock[];
  /** The bus now: the values of the last step computed, by loop/dspSignals.ts index. */
  readonly bus = new Float64Array(12);
  readonly history = new LoopHistory(HISTORY_STEPS);
  /** Fast tones at in1 and in2 as of the last step (plant output plus external fast tones). */
  readonly fastTones: [Tone[], Tone[]] = [[], []];
  private readonly asgs: AsgInLoop[];
  private readonly sense: PlantSense = { in1: 0, in2: 0, tones1: [], tones2: [] };
  private readonly tones1: Tone[] = [];
  private readonly tones2: Tone[] = [];
  private readonly drive: { out1: number; out2: number; tones1: Tone[]; tones2: Tone[] };
  private readonly rng: Xoshiro128;
  private readonly noise = new Float64Array(NOISE_BLOCK);
  private noiseUsed = NOISE_BLOCK;
  private readonly noiseStd: number;
  private readonly lsb: number;
  private readonly slowExt: { input: number; frequency: number; amplitude: number; phase: number }[] = [];
  private readonly fastExt: [Tone[], Tone[]] = [[], []];
  private readonly next = new Float64Array(6);
  /** in1 and in2 at the last step, before the ADC. */
  private readonly clean = new Float64Array(2);
  /** The next step to compute. */
  step = 0;
  /** Whether the loop runs (false: the board uses its analytic model). */
  running = false;
  /** Steps computed since the board was created (for benchmarks). */
  stepsComputed = 0;

  constructor(private readonly deps: LoopEngineDeps) {
    this.rateHz = FPGA_CLOCK_HZ / deps.cycles;
    this.dtS = 1 / this.rateHz;
    this.fastLimitHz = this.rateHz / FAST_TONE_DIVISOR;
    this.pids = deps.pidRegisters.map((r) => new PidBlock(r, deps.cycles));
    this.iqs = deps.iqRegisters.map((r) => new IqBlock(r, deps.cycles));
    this.asgs = deps.model.asg.map((h) => new AsgInLoop(h, this.fastLimitHz, this.rateHz, FPGA_CLOCK_HZ));
    this.drive = { out1: 0, out2: 0, tones1: this.tones1, tones2: this.tones2 };
    this.rng = new Xoshiro128(...deps.seedWords, LOOP_STREAM);
    this.noiseStd = deps.noiseDensity * Math.sqrt(this.rateHz / 2);
    this.lsb = deps.info.fullScaleV / 2 ** (deps.info.adcBits - 1);
    for (const t of deps.model.tones) {
      const input = t.input === 'in1' ? 0 : 1;
      const phase = ((t.phase ?? 0) * Math.PI) / 180;
      if (t.frequency < this.fastLimitHz) this.slowExt.push({ input, frequency: t.frequency, amplitude: t.amplitude, phase });
      else this.fastExt[input].push({ frequencyHz: t.frequency, re: t.amplitude * Math.cos(phase), im: t.amplitude * Math.sin(phase) });
    }
  }

  /** Board time (s) of step k's start. */
  timeOf(step: number): number {
    return step * this.dtS;
  }

  /** The step that holds board time tS. */
  stepAt(tS: number): number {
    return Math.floor(tS / this.dtS + 1e-9);
  }

  /** Starts the loop at board time tS: the plant in its steady state for the outputs then, the history empty. */
  start(tS: number): void {
    this.refresh();
    this.step = this.stepAt(tS);
    this.running = true;
    this.history.restart(this.step);
    const t = this.timeOf(this.step) + this.dtS / 2;
    let out1 = 0;
    for (let g = 0; g < this.asgs.length; g++) if (this.asgs[g]!.output(t) === 'out1') out1 += this.asgs[g]!.value(t, this.rng);
    for (const pid of this.pids) if (pid.regs.outputDirect & 1) out1 += pid.outV;
    const plant = this.deps.plant as Plant & Partial<Settleable>;
    if (typeof plant.settle === 'function') plant.settle(Math.max(-1, Math.min(DAC_MAX, out1)));
    // the first sense: one step of the plant with the outputs held
    this.drive.out1 = Math.max(-1, Math.min(DAC_MAX, out1));
    this.drive.out2 = 0;
    this.tones1.length = 0;
    this.tones2.length = 0;
    this.deps.plant.step(this.timeOf(this.step), this.dtS, this.drive, this.sense);
    for (const pid of this.pids) pid.resetFilter(this.sense.in1);
  }

  private activePids: number[] = [];
  private activeIqs: number[] = [];
  private needIn1 = false;
  private needIn2 = false;

  /**
   * Takes note of the modules' registers after a change: which modules compute, which inputs are
   * digitised. Idle modules output 0 (their bus value and history are zeroed here).
   */
  refresh(): void {
    const wasP = this.activePids, wasQ = this.activeIqs;
    this.activePids = [];
    this.activeIqs = [];
    this.needIn1 = this.needIn2 = false;
    const note = (input: number) => {
      if (input === SIG_IN1) this.needIn1 = true;
      else if (input === SIG_IN2) this.needIn2 = true;
    };
    this.pids.forEach((pid, p) => {
      if (!pid.active) {
        if (wasP.includes(p)) this.bus[SIG_PID0 + p] = 0;
        return;
      }
      this.activePids.push(p);
      note(pid.regs.input);
    });
    this.iqs.forEach((iq, q) => {
      if (!iq.active) {
        if (wasQ.includes(q)) this.bus[SIG_IQ0 + q] = 0;
        return;
      }
      this.activeIqs.push(q);
      note(iq.regs.input);
    });
  }

  /**
   * Bus signal `k` at the last step computed; in1/in2 as the ADC reads them (a fresh noise draw when
   * no module digitised them this step).
   */
  signal(k: number): number {
    const v = this.bus[k]!;
    if ((k === SIG_IN1 || k === SIG_IN2) && Number.isNaN(v)) return this.adc(this.clean[k]!);
    return v;
  }

  /** Stops the loop (the board goes back to its analytic model). */
  stop(): void {
    this.running = false;
  }

  /** Computes every step up to the one holding board time tS. */
  advanceTo(tS: number): void {
    if (!this.running) return;
    const last = this.stepAt(tS);
    if (this.step > last) return;
    const h = this.history;
    this.rIn1 = h.ring(SIG_IN1);
    this.rIn2 = h.ring(SIG_IN2);
    this.rOut1 = h.ring(SIG_OUT1);
    this.rOut2 = h.ring(SIG_OUT2);
    this.mask = h.indexMask;
    while (this.step <= last) this.stepOnce();
    h.commit(this.step - 1);
  }

  private rIn1: Float32Array = new Float32Array(0);
  private rIn2: Float32Array = new Float32Array(0);
  private rOut1: Float32Array = new Float32Array(0);
  private rOut2: Float32Array = new Float32Array(0);
  private mask = 0;

  private gaussian(): number {
    if (this.noiseUsed >= NOISE_BLOCK) {
      fillGaussian(this.rng, this.noise);
      this.noiseUsed = 0;
    }
    return this.noise[this.noiseUsed++]!;
  }

  private adc(v: number): number {
    let x = this.noiseStd > 0 ? v + this.noiseStd * this.gaussian() : v;
    x = Math.round(x / this.lsb) * this.lsb;
    return x > DAC_MAX ? DAC_MAX : x < -1 ? -1 : x;
  }

  private stepOnce(): void {
    const k = this.step;
    const t0 = k * this.dtS;
    const tm = t0 + this.dtS / 2;
    const bus = this.bus;
    const h = this.history;
    // 1. inputs at t_k
    let in1 = this.sense.in1;
    let in2 = this.sense.in2;
    for (let x = 0; x < this.slowExt.length; x++) {
      const e = this.slowExt[x]!;
      const c = e.frequency * t0;
      const v = e.amplitude * Math.sin(TWO_PI * (c - Math.floor(c)) + e.phase);
      if (e.input === 0) in1 += v;
      else in2 += v;
    }
    const slot = k & this.mask;
    this.rIn1[slot] = in1;
    this.rIn2[slot] = in2;
    this.clean[0] = in1;
    this.clean[1] = in2;
    // the ADC (noise, rounding) only for an input some module reads; the sampler digitises on demand
    const need1 = this.needIn1, need2 = this.needIn2;
    bus[SIG_IN1] = need1 ? this.adc(in1) : NaN;
    bus[SIG_IN2] = need2 ? this.adc(in2) : NaN;
    this.collectFastTones();
    // 2. generators
    let out1 = 0;
    let out2 = 0;
    if (this.tones1.length) this.tones1.length = 0;
    if (this.tones2.length) this.tones2.length = 0;
    for (let g = 0; g < this.asgs.length; g++) {
      const a = this.asgs[g]!;
      const v = a.value(tm, this.rng);
      bus[SIG_ASG0 + g] = v;
      const o = a.route;
      if (o === 1) {
        out1 += v;
        for (let i = 0; i < a.tones.length; i++) this.tones1.push(a.tones[i]!);
      } else if (o === 2) {
        out2 += v;
        for (let i = 0; i < a.tones.length; i++) this.tones2.push(a.tones[i]!);
      }
    }
    // 3. modules: each reads the bus as it was (previous module outputs), then all outputs change
    const next = this.next;
    // idle modules (no gain, no integral, no output) output 0: only the active ones compute
    const ap = this.activePids;
    for (let x = 0; x < ap.length; x++) {
      const p = ap[x]!;
      const pid = this.pids[p]!;
      const input = pid.regs.input;
      next[p] = pid.step(input >= 0 ? bus[input]! : 0);
    }
    const aq = this.activeIqs;
    for (let x = 0; x < aq.length; x++) {
      const q = aq[x]!;
      const iq = this.iqs[q]!;
      const input = iq.regs.input;
      const tones = input === SIG_IN1 ? this.fastTones[0] : input === SIG_IN2 ? this.fastTones[1] : NO_TONES;
      next[3 + q] = iq.step(t0, tm, input >= 0 ? bus[input]! : 0, tones, this.fastLimitHz);
    }
    for (let x = 0; x < ap.length; x++) {
      const p = ap[x]!;
      const v = next[p]!;
      bus[SIG_PID0 + p] = v;
      h.write(SIG_PID0 + p, k, v);
      const od = this.pids[p]!.regs.outputDirect;
      if (od & 1) out1 += v;
      if (od & 2) out2 += v;
    }
    for (let x = 0; x < aq.length; x++) {
      const q = aq[x]!;
      const iq = this.iqs[q]!;
      const v = next[3 + q]!;
      bus[SIG_IQ0 + q] = v;
      h.write(SIG_IQ0 + q, k, v);
      const od = iq.regs.outputDirect;
      if (od === 0 || iq.regs.amplitudeV === 0) continue;
      if (iq.regs.frequencyHz < this.fastLimitHz) {
        const osc = iq.oscillator(tm);
        if (od & 1) out1 += osc;
        if (od & 2) out2 += osc;
      } else {
        iq.tone.frequencyHz = iq.regs.frequencyHz;
        iq.tone.re = iq.regs.amplitudeV;
        iq.tone.im = 0;
        if (od & 1) this.tones1.push(iq.tone);
        if (od & 2) this.tones2.push(iq.tone);
      }
    }
    // 4. DACs
    out1 = out1 > DAC_MAX ? DAC_MAX : out1 < -1 ? -1 : out1;
    out2 = out2 > DAC_MAX ? DAC_MAX : out2 < -1 ? -1 : out2;
    bus[SIG_OUT1] = out1;
    bus[SIG_OUT2] = out2;
    this.rOut1[slot] = out1;
    this.rOut2[slot] = out2;
    // 5. plant
    this.drive.out1 = out1;
    this.drive.out2 = out2;
    this.deps.plant.step(t0 + this.dtS, this.dtS, this.drive, this.sense);
    this.step = k + 1;
    this.stepsComputed++;
  }

  /** The fast tones at in1/in2 now: the plant's, then the external fast tones. */
  private collectFastTones(): void {
    if (this.sense.tones1.length === 0 && this.sense.tones2.length === 0 && this.fastTones[0].length === 0 && this.fastTones[1].length === 0 && this.fastExt[0].length === 0 && this.fastExt[1].length === 0) return;
    for (let i = 0; i < 2; i++) {
      const out = this.fastTones[i]!;
      const fromPlant = i === 0 ? this.sense.tones1 : this.sense.tones2;
      const ext = this.fastExt[i]!;
      const n = fromPlant.length + ext.length;
      if (n === 0 && out.length === 0) continue;
      if (out.length !== n) out.length = n;
      for (let j = 0; j < fromPlant.length; j++) out[j] = fromPlant[j]!;
      for (let j = 0; j < ext.length; j++) out[fromPlant.length + j] = ext[j]!;
    }
  }

  /** Number of history signals (for readers). */
  static readonly historySignals = HISTORY_SIGNALS;
}

const NO_TONES: readonly Tone[] = Object.freeze([]);
