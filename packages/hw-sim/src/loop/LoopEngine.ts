import type { BoardInfo } from '@labrx/core';
import { fillGaussian } from '../prng/gaussian.js';
import { Xoshiro128 } from '../prng/xoshiro128.js';
import type { Plant, PlantDrive, PlantSense, Tone } from '../plant/Plant.js';
import type { SignalModel } from '../signal/SignalModel.js';
import { AsgInLoop } from './AsgInLoop.js';
import { HISTORY_SIGNALS, LOOP_SIGNALS, SIG_ASG0, SIG_IN1, SIG_IN2, SIG_IQ0, SIG_IQ2_2, SIG_OUT1, SIG_OUT2, SIG_PID0 } from './dspSignals.js';
import { IqBlock, type IqRegisters } from './IqBlock.js';
import { LoopHistory } from './LoopHistory.js';
import { FAST_TONE_DIVISOR, FPGA_CLOCK_HZ, HISTORY_STEPS } from './loopRate.js';
import { COUNTS_PER_V, INT_MAX, PidBlock, type PidRegisters } from './PidBlock.js';

const TWO_PI = 2 * Math.PI;
/** Seed word of the loop's own noise (ADC noise seen by the modules, the 'noise' waveform). */
const LOOP_STREAM = 0x4c4f4f50;
const NOISE_BLOCK = 512;
/** Loop steps computed as one chunk (the generators' values filled at once). */
const CHUNK = 128;
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
  readonly bus = new Float64Array(LOOP_SIGNALS.length);
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
  /** 1 / lsb: x·(1/lsb) is x/lsb exactly for the 1 V full scale (lsb = 2^−13), within an ulp otherwise. */
  private readonly perLsb: number;
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
    this.asgValues = this.asgs.map(() => new Float64Array(CHUNK));
    this.drive = { out1: 0, out2: 0, tones1: this.tones1, tones2: this.tones2 };
    this.rng = new Xoshiro128(...deps.seedWords, LOOP_STREAM);
    this.noiseStd = deps.noiseDensity * Math.sqrt(this.rateHz / 2);
    this.lsb = deps.info.fullScaleV / 2 ** (deps.info.adcBits - 1);
    this.perLsb = 1 / this.lsb;
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
        if (wasQ.includes(q)) {
          this.bus[SIG_IQ0 + q] = 0;
          if (q === 2) this.bus[SIG_IQ2_2] = 0;
        }
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
    // the rings of the modules that compute (allocated now: a module that acts writes every step)
    for (let x = 0; x < this.activePids.length; x++) this.rMod[SIG_PID0 + this.activePids[x]!] = h.ring(SIG_PID0 + this.activePids[x]!);
    for (let x = 0; x < this.activeIqs.length; x++) this.rMod[SIG_IQ0 + this.activeIqs[x]!] = h.ring(SIG_IQ0 + this.activeIqs[x]!);
    if (this.activeIqs.includes(2)) this.rMod[SIG_IQ2_2] = h.ring(SIG_IQ2_2);
    while (this.step <= last) this.runChunk(this.step, this.prepareChunk(this.step, last - this.step + 1));
    h.commit(this.step - 1);
  }

  private rIn1: Float32Array = new Float32Array(0);
  private rIn2: Float32Array = new Float32Array(0);
  private rOut1: Float32Array = new Float32Array(0);
  private rOut2: Float32Array = new Float32Array(0);
  private mask = 0;
  /** History rings of the active modules, by bus index (set in advanceTo). */
  private readonly rMod: Float32Array[] = Array.from({ length: LOOP_SIGNALS.length }, () => new Float32Array(0));
  /** Per chunk: iq2's second quadrature (iq2_2) per step. */
  private readonly chunkQ2 = new Float64Array(CHUNK);
  /** Per chunk: each generator's slow value per step, and their sums routed to out1 and out2. */
  private readonly asgValues: Float64Array[];
  private readonly asgOut1 = new Float64Array(CHUNK);
  private readonly asgOut2 = new Float64Array(CHUNK);
  private readonly chunkHistory = new Float64Array(HISTORY_SIGNALS * CHUNK);
  private readonly pidRows = new Float64Array(3 * PID_ROW);
  /** Each IQ module's slow oscillator at the DACs this step (V). */
  private readonly oscillators = new Float64Array(3);

  private gaussian(): number {
    if (this.noiseUsed >= NOISE_BLOCK) {
      fillGaussian(this.rng, this.noise);
      this.noiseUsed = 0;
    }
    return this.noise[this.noiseUsed++]!;
  }

  private adc(v: number): number {
    let x = this.noiseStd > 0 ? v + this.noiseStd * this.gaussian() : v;
    x = Math.round(x * this.perLsb) * this.lsb;
    return x > DAC_MAX ? DAC_MAX : x < -1 ? -1 : x;
  }

  /**
   * Sets up the next chunk of at most `max` steps from step k0, over which nothing but the loop's
   * own signals changes: each generator stays in one settings segment (its route, fast tones and
   * values are taken here, the values filled for every step of the chunk), and the fast tones at
   * the DACs (generators', IQ oscillators') are listed. Returns the chunk's length (≥ 1).
   */
  private prepareChunk(k0: number, max: number): number {
    const dt = this.dtS;
    let n = Math.min(max, CHUNK);
    for (let g = 0; g < this.asgs.length; g++) n = this.asgs[g]!.beginChunk(k0, dt, n);
    const o1 = this.asgOut1, o2 = this.asgOut2;
    o1.fill(0, 0, n);
    o2.fill(0, 0, n);
    if (this.tones1.length) this.tones1.length = 0;
    if (this.tones2.length) this.tones2.length = 0;
    for (let g = 0; g < this.asgs.length; g++) {
      const a = this.asgs[g]!;
      const v = this.asgValues[g]!;
      a.fill(k0, dt, n, this.rng, v);
      const sum = a.route === 1 ? o1 : a.route === 2 ? o2 : null;
      if (!sum) continue;
      for (let j = 0; j < n; j++) sum[j] = sum[j]! + v[j]!;
      const tones = a.route === 1 ? this.tones1 : this.tones2;
      for (let i = 0; i < a.tones.length; i++) tones.push(a.tones[i]!);
    }
    // fast IQ oscillators (their registers do not change within advanceTo)
    const aq = this.activeIqs;
    for (let x = 0; x < aq.length; x++) {
      const iq = this.iqs[aq[x]!]!;
      const r = iq.regs;
      if (r.outputDirect === 0 || r.amplitudeV === 0 || r.frequencyHz < this.fastLimitHz) continue;
      iq.tone.frequencyHz = r.frequencyHz;
      iq.tone.re = r.amplitudeV;
      iq.tone.im = 0;
      if (r.outputDirect & 1) this.tones1.push(iq.tone);
      if (r.outputDirect & 2) this.tones2.push(iq.tone);
    }
    return n;
  }

  /**
   * Steps k0 … k0 + n − 1 (one chunk, see prepareChunk): the kernel, with the PIDs' and IQ modules'
   * arithmetic written inline (their classes hold registers and state; see PidBlock and IqBlock for
   * what each computes) so that the step allocates nothing and calls nothing but the plant. Step k:
   * 1. in1, in2 at t_k (the plant's last sense plus slow external tones) into the history, and
   *    through the ADC (white noise, rounding to the LSB, clipping) onto the bus for the inputs some
   *    module reads;
   * 2. the generators' values for the step (filled by prepareChunk) onto the bus;
   * 3. the PIDs, then the IQ modules, each reading the bus as it was (another module's output of
   *    the step before), then all outputs change;
   * 4. out1, out2 = the sums routed there, clipped to the DACs' range, held for the step;
   * 5. the plant advanced over the step.
   */
  private runChunk(k0: number, n: number): void {
    const dt = this.dtS;
    const half = dt / 2;
    const bus = this.bus;
    const sense = this.sense;
    const drive = this.drive;
    const plant = this.deps.plant;
    const hb = this.chunkHistory; // HISTORY_SIGNALS rows of CHUNK, copied into the rings at the end
    const need1 = this.needIn1, need2 = this.needIn2;
    const noiseStd = this.noiseStd, perLsb = this.perLsb, lsb = this.lsb;
    let noise = this.noise;
    let used = this.noiseUsed;
    const nSlowExt = this.slowExt.length;
    const asgValues = this.asgValues, nAsg = this.asgs.length;
    const asgOut1 = this.asgOut1, asgOut2 = this.asgOut2;
    const pids = this.pids, ap = this.activePids, nP = ap.length;
    // the active PIDs' registers and state as rows of one array (written back at the end)
    const pr = this.pidRows;
    for (let x = 0; x < nP; x++) packPid(pids[ap[x]!]!, pr, x * PID_ROW);
    const iqs = this.iqs, aq = this.activeIqs, nQ = aq.length;
    const next = this.next;
    const osc3 = this.oscillators;
    const fastLimit = this.fastLimitHz;
    const fastTones = this.fastTones;
    // fast tones arrive only from the plant or as external tones
    const tonesIn = this.fastExt[0].length + this.fastExt[1].length > 0;
    let in1 = 0, in2 = 0;
    for (let j = 0; j < n; j++) {
      const k = k0 + j;
      const t0 = k * dt;
      const tm = t0 + half;
      // 1. inputs at t_k
      in1 = sense.in1;
      in2 = sense.in2;
      if (nSlowExt !== 0) {
        in1 += this.slowExtAt(0, t0);
        in2 += this.slowExtAt(1, t0);
      }
      hb[SIG_IN1 * CHUNK + j] = in1;
      hb[SIG_IN2 * CHUNK + j] = in2;
      // the ADC only for an input some module reads (the sampler digitises on demand)
      if (used + 2 > NOISE_BLOCK) {
        this.refillNoise();
        noise = this.noise;
        used = 0;
      }
      if (need1) {
        let x = noiseStd > 0 ? in1 + noiseStd * noise[used++]! : in1;
        x = Math.round(x * perLsb) * lsb;
        bus[SIG_IN1] = x > DAC_MAX ? DAC_MAX : x < -1 ? -1 : x;
      } else bus[SIG_IN1] = NaN;
      if (need2) {
        let x = noiseStd > 0 ? in2 + noiseStd * noise[used++]! : in2;
        x = Math.round(x * perLsb) * lsb;
        bus[SIG_IN2] = x > DAC_MAX ? DAC_MAX : x < -1 ? -1 : x;
      } else bus[SIG_IN2] = NaN;
      if (tonesIn || sense.tones1.length !== 0 || sense.tones2.length !== 0 || fastTones[0].length !== 0 || fastTones[1].length !== 0) this.collectFastTones();
      // 2. generators
      let out1 = asgOut1[j]!;
      let out2 = asgOut2[j]!;
      for (let g = 0; g < nAsg; g++) bus[SIG_ASG0 + g] = asgValues[g]![j]!;
      // 3. PIDs (PidBlock): filter, P, I, limits; each reads the bus as the last step left it
      for (let x = 0; x < nP; x++) {
        const b = x * PID_ROW;
        const input = pr[b + P_INPUT]!;
        let v = (input >= 0 ? bus[input]! : 0) * COUNTS_PER_V;
        const ns = pr[b + P_STAGES]!;
        for (let s = 0; s < ns; s++) {
          const y = v + (pr[b + P_Y + s]! - v) * pr[b + P_DECAY + s]!;
          pr[b + P_Y + s] = y;
          v = pr[b + P_HIGHPASS + s] !== 0 ? v - y : y;
        }
        const error = v - pr[b + P_SETPOINT]!;
        const integrator = pr[b + P_INTEGRATOR]!;
        let sum = Math.floor((error * pr[b + P_P]!) / 4096) + Math.floor(integrator);
        if (sum > 8191) sum = 8191;
        else if (sum < -8192) sum = -8192;
        const max = pr[b + P_MAX]!, min = pr[b + P_MIN]!;
        const out = sum >= max ? max : sum <= min ? min : sum;
        pr[b + P_OUT] = out;
        const iStep = pr[b + P_ISTEP]!;
        if (iStep !== 0) {
          let ni = integrator + error * iStep;
          if (ni >= INT_MAX) ni = INT_MAX - 2 ** -32;
          else if (ni < -INT_MAX) ni = -INT_MAX;
          pr[b + P_INTEGRATOR] = ni;
        }
        next[ap[x]!] = out / COUNTS_PER_V;
      }
      // IQ modules (IqBlock): mix (or read the fast tones), turn by −phase, filter, gain
      for (let x = 0; x < nQ; x++) {
        const q = aq[x]!;
        const iq = iqs[q]!;
        const r = iq.regs;
        const f = r.frequencyHz;
        const input = r.input;
        let zr = 0;
        let zi = 0;
        if (input >= 0) {
          if (f < fastLimit) {
            // 2j·x·e^{−jθ} = 2x·(sin θ + j cos θ)
            const ph = iq.demodPhase;
            ph.at(f, t0);
            let xin = bus[input]!;
            // the input filter (acbandwidth) before the mixer, each stage fed the mean of its input over
            // the step (InputFilter: the FPGA's response within 2e-5 for a sampled signal)
            const inDecay = iq.input.decay;
            if (inDecay.length !== 0) {
              const inY = iq.input.y, inPrev = iq.input.previous, inHighpass = iq.input.highpass;
              for (let s = 0; s < inDecay.length; s++) {
                const mean = 0.5 * (inPrev[s]! + xin);
                inPrev[s] = xin;
                const y = mean + (inY[s]! - mean) * inDecay[s]!;
                inY[s] = y;
                xin = inHighpass[s] !== 0 ? xin - y : y;
              }
            }
            zr = 2 * xin * ph.sin;
            zi = 2 * xin * ph.cos;
          } else {
            const tones = input === SIG_IN1 ? fastTones[0] : input === SIG_IN2 ? fastTones[1] : NO_TONES;
            for (let i = 0; i < tones.length; i++) {
              const tone = tones[i]!;
              const d = tone.frequencyHz - f;
              if (Math.abs(d) >= fastLimit) continue;
              let tr = tone.re, ti = tone.im;
              if (iq.input.decay.length !== 0) {
                // the input filter's response at the tone (the FPGA's per-cycle stages, exactly)
                const h = iq.inputResponse(tone.frequencyHz);
                tr = tone.re * h.re - tone.im * h.im;
                ti = tone.re * h.im + tone.im * h.re;
              }
              if (d === 0) {
                zr += tr;
                zi += ti;
              } else {
                const c = d * t0;
                const a = TWO_PI * (c - Math.floor(c));
                const ca = Math.cos(a), sa = Math.sin(a);
                zr += tr * ca - ti * sa;
                zi += tr * sa + ti * ca;
              }
            }
          }
          const cp = iq.cosPhase, sp = iq.sinPhase;
          const rr = zr * cp - zi * sp;
          zi = zr * sp + zi * cp;
          zr = rr;
          const fd = iq.decay, fh = iq.highpass, yi = iq.yi, yq = iq.yq;
          for (let s = 0; s < fd.length; s++) {
            const d = fd[s]!;
            const ni = zr + (yi[s]! - zr) * d;
            const nq = zi + (yq[s]! - zi) * d;
            yi[s] = ni;
            yq[s] = nq;
            if (fh[s] !== 0) {
              zr -= ni;
              zi -= nq;
            } else {
              zr = ni;
              zi = nq;
            }
          }
        }
        iq.i = zr;
        iq.q = zi;
        // the oscillator amplitude·sin θ at the step's middle, when it is slow and wanted
        let osc = 0;
        if (r.outputSignal === 1 || (f < fastLimit && r.outputDirect !== 0 && r.amplitudeV !== 0)) {
          const ph = iq.oscPhase;
          ph.at(f, tm);
          osc = r.amplitudeV * ph.sin;
        }
        let out = r.outputSignal === 0 ? r.gain * zr : r.outputSignal === 1 ? osc : 0;
        if (out > DAC_MAX) out = DAC_MAX;
        else if (out < -1) out = -1;
        iq.out = out;
        next[3 + q] = out;
        if (q === 2) {
          // iq2_2: the other quadrature, with the same gain, whatever the output signal (red_pitaya_iq_block.v: signal2_o)
          let out2 = r.gain * zi;
          if (out2 > DAC_MAX) out2 = DAC_MAX;
          else if (out2 < -1) out2 = -1;
          this.chunkQ2[j] = out2;
        }
        // a fast oscillator is a tone at the DAC instead (listed by prepareChunk)
        osc3[q] = r.amplitudeV !== 0 && f < fastLimit ? osc : 0;
      }
      for (let x = 0; x < nP; x++) {
        const p = ap[x]!;
        const v = next[p]!;
        bus[SIG_PID0 + p] = v;
        hb[(SIG_PID0 + p) * CHUNK + j] = v;
        const od = pr[x * PID_ROW + P_OD]!;
        if (od & 1) out1 += v;
        if (od & 2) out2 += v;
      }
      for (let x = 0; x < nQ; x++) {
        const q = aq[x]!;
        const v = next[3 + q]!;
        bus[SIG_IQ0 + q] = v;
        hb[(SIG_IQ0 + q) * CHUNK + j] = v;
        if (q === 2) bus[SIG_IQ2_2] = this.chunkQ2[j]!;
        const od = iqs[q]!.regs.outputDirect;
        if (od & 1) out1 += osc3[q]!;
        if (od & 2) out2 += osc3[q]!;
      }
      // 4. DACs
      out1 = out1 > DAC_MAX ? DAC_MAX : out1 < -1 ? -1 : out1;
      out2 = out2 > DAC_MAX ? DAC_MAX : out2 < -1 ? -1 : out2;
      bus[SIG_OUT1] = out1;
      bus[SIG_OUT2] = out2;
      hb[SIG_OUT1 * CHUNK + j] = out1;
      hb[SIG_OUT2 * CHUNK + j] = out2;
      // 5. plant
      drive.out1 = out1;
      drive.out2 = out2;
      plant.step(t0 + dt, dt, drive, sense);
    }
    for (let x = 0; x < nP; x++) unpackPid(pids[ap[x]!]!, pr, x * PID_ROW);
    this.noiseUsed = used;
    this.clean[0] = in1;
    this.clean[1] = in2;
    const from = k0 & this.mask;
    writeRing(hb, from, n, SIG_IN1, this.rIn1);
    writeRing(hb, from, n, SIG_IN2, this.rIn2);
    writeRing(hb, from, n, SIG_OUT1, this.rOut1);
    writeRing(hb, from, n, SIG_OUT2, this.rOut2);
    for (let x = 0; x < nP; x++) writeRing(hb, from, n, SIG_PID0 + ap[x]!, this.rMod[SIG_PID0 + ap[x]!]!);
    for (let x = 0; x < nQ; x++) writeRing(hb, from, n, SIG_IQ0 + aq[x]!, this.rMod[SIG_IQ0 + aq[x]!]!);
    if (aq.includes(2)) writeRing(this.chunkQ2, from, n, 0, this.rMod[SIG_IQ2_2]!);
    this.step = k0 + n;
    this.stepsComputed += n;
  }

  /** The slow external tones at input `input` (0 in1, 1 in2) at board time tS (V). */
  private slowExtAt(input: number, tS: number): number {
    let v = 0;
    for (let x = 0; x < this.slowExt.length; x++) {
      const e = this.slowExt[x]!;
      if (e.input !== input) continue;
      const c = e.frequency * tS;
      v += e.amplitude * Math.sin(TWO_PI * (c - Math.floor(c)) + e.phase);
    }
    return v;
  }

  /** A fresh block of the loop's ADC noise. */
  private refillNoise(): void {
    fillGaussian(this.rng, this.noise);
    this.noiseUsed = 0;
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

/**
 * A PID's row in the kernel (LoopEngine.runChunk): its registers as the step uses them, then its
 * state (integrator, output, filter stages), offsets P_…, PID_ROW numbers each.
 */
const P_INPUT = 0, P_SETPOINT = 1, P_P = 2, P_ISTEP = 3, P_MIN = 4, P_MAX = 5, P_OD = 6, P_STAGES = 7, P_INTEGRATOR = 8, P_OUT = 9;
const P_DECAY = 10, P_HIGHPASS = 14, P_Y = 18, PID_ROW = 22;

/** Writes `pid`'s registers and state into row `at` of `rows`: a paused PID has p = 0 and holds its integrator. */
function packPid(pid: PidBlock, rows: Float64Array, at: number): void {
  const r = pid.regs;
  rows[at + P_INPUT] = r.input;
  rows[at + P_SETPOINT] = r.setpoint;
  rows[at + P_P] = r.paused ? 0 : r.p;
  rows[at + P_ISTEP] = r.paused || r.i === 0 ? 0 : pid.iPerStep;
  rows[at + P_MIN] = r.min;
  rows[at + P_MAX] = r.max;
  rows[at + P_OD] = r.outputDirect;
  const f = pid.filter;
  rows[at + P_STAGES] = f.y.length;
  for (let s = 0; s < f.y.length; s++) {
    rows[at + P_DECAY + s] = f.decay[s]!;
    rows[at + P_HIGHPASS + s] = f.highpass[s]!;
    rows[at + P_Y + s] = f.y[s]!;
  }
  rows[at + P_INTEGRATOR] = pid.integrator;
  rows[at + P_OUT] = pid.out;
}

/** Reads `pid`'s state back from row `at`. */
function unpackPid(pid: PidBlock, rows: Float64Array, at: number): void {
  pid.integrator = rows[at + P_INTEGRATOR]!;
  pid.out = rows[at + P_OUT]!;
  const f = pid.filter;
  for (let s = 0; s < f.y.length; s++) f.y[s] = rows[at + P_Y + s]!;
}

/** Copies row `signal` of a chunk's history (n steps) into its ring from slot `from` on, wrapping at the ring's end. */
function writeRing(chunk: Float64Array, from: number, n: number, signal: number, ring: Float32Array): void {
  const base = signal * CHUNK;
  const mask = ring.length - 1;
  for (let j = 0; j < n; j++) ring[(from + j) & mask] = chunk[base + j]!;
}
