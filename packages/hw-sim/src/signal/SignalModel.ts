import { lsbVolts, type BoardInfo, type InputGain, type ResolvedAsgSettings } from '@labrx/core';
import { isIdentity, type Complex, type Dut } from '../dut/Dut.js';
import { AsgHistory, type AsgSegment } from './AsgHistory.js';
import type { ExtTriggerModel } from './extTriggerEdges.js';
import { addTone, frac } from './addTone.js';
import { boxcarResponse } from './boxcarResponse.js';
import { digitise } from './digitise.js';
import { filterBlock } from './filterBlock.js';
import { forEachBlockRun } from './forEachBlockRun.js';
import type { NoiseBlocks } from './NoiseBlocks.js';
import { waveformSeries } from './waveformSeries.js';
import { waveformShape } from './waveformShape.js';

/** An extra sine tone added at an input (an interferer, a second source). */
export interface ExternalTone {
  /** Which input it appears at. */
  readonly input: 'in1' | 'in2';
  /** Hz (≥ 0). */
  readonly frequency: number;
  /** Peak volts. */
  readonly amplitude: number;
  /** Degrees at board time 0 (default 0): the tone is amplitude·sin(2π·frequency·t + phase). */
  readonly phase?: number;
}

/** One sinusoidal component of an input: amplitude·sin(2π·frequency·t + phase) at board time t (s). */
export interface InputComponent {
  /** Hz */
  readonly frequency: number;
  /** Peak volts (≥ 0). */
  readonly amplitude: number;
  /** Radians at board time 0. */
  readonly phase: number;
}

/** Which samples to compute: stream index i is stamped at board time armS + i·decimation/fs. */
export interface RenderRequest {
  /** Board time (s) of stream index 0. */
  readonly armS: number;
  /** Power of two, 1…65536. */
  readonly decimation: number;
  /** Average the raw samples of each decimation step (true) or keep the first of them (false). */
  readonly boxcar: boolean;
  /** The stream index of the first sample asked for. */
  readonly first: number;
  /** Where the random parts (input noise, the 'noise' waveform) come from. */
  readonly noise: NoiseBlocks;
  /** Input gain: the ADC's full scale, ±1 V ('lv', the default) or ±20 V ('hv'); sets the LSB and where samples clip. */
  readonly gain?: InputGain;
}

/**
 * Harmonics whose amplitude at the input falls below this (V) are skipped: 1e-7 V is 1/1200 of
 * an LSB, and even 512 of them sum (at worst in phase) to 0.4 LSB; in practice their phases are
 * spread and the rms of what is dropped is below 1e-5 V.
 */
const NEGLIGIBLE_V = 1e-7;
const TWO_PI = 2 * Math.PI;
/** Renders up to this many samples through a scratch array (longer ones in place). */
const MAX_WORK_SAMPLES = 65536;

/** Input noise streams 0 and 1; the 'noise' waveform's realisation of segment s of asg g is 2 + 2s + g. */
const noiseWaveformStream = (segment: AsgSegment, asgIndex: number) => 2 + 2 * segment.serial + asgIndex;

/**
 * The simulated board's analogue world, pure and synchronous: the two generators' histories, the
 * wiring (out1 → DUT → in1, out1 → in2), external tones, input noise and the 14-bit ADC. `render`
 * computes decimated input samples at a cost proportional to the number of samples, never to
 * samples × decimation: every periodic signal is a sum of sinusoids whose decimated and boxcar-
 * averaged samples are known in closed form.
 */
export class SignalModel {
  /** Generator histories, asg0 and asg1. */
  readonly asg: readonly [AsgHistory, AsgHistory];
  private readonly fs: number;
  /** Volts per ADC count at each gain. */
  private readonly lsb: Readonly<Record<InputGain, number>>;
  private readonly wireDut: boolean;
  private filtered = new Float64Array(0);
  private work = new Float64Array(0);
  /** Both inputs see the same noiseless signal: a wire for a DUT and no external tones. */
  private readonly inputsAlike: boolean;
  /**
   * What `work` holds when it is input 0's noiseless samples for `req` (first n of them, with the
   * generators' histories at these serials), so input 1 can take them as they are; else null.
   */
  private workFor: { req: RenderRequest; n: number; serial0: number; serial1: number } | null = null;

  constructor(
    readonly info: BoardInfo,
    readonly dut: Dut,
    /** V/√Hz of white noise on each input over 0…fs/2. */
    readonly noiseDensity: number,
    readonly tones: readonly ExternalTone[],
    /** The external trigger input the generators' 'ext-*' triggers watch (null: no edges). */
    extTrigger: ExtTriggerModel = null,
  ) {
    this.asg = [new AsgHistory(extTrigger), new AsgHistory(extTrigger)];
    this.fs = info.sampleRateHz;
    this.lsb = { lv: lsbVolts(info, 'lv'), hv: lsbVolts(info, 'hv') };
    this.wireDut = isIdentity(dut);
    this.inputsAlike = this.wireDut && tones.length === 0;
  }

  /**
   * Standard deviation (V) of the input noise per output sample: ρ·√(fs/2) with point sampling
   * (every raw sample carries the full band), ρ·√(fs/(2D)) with the boxcar (the mean of D
   * independent raw samples).
   */
  inputNoiseStd(decimation: number, boxcar: boolean): number {
    return this.noiseDensity * Math.sqrt(this.fs / 2 / (boxcar ? decimation : 1));
  }

  /**
   * Fills out[from … to) with quantised volts of input `input` (0 = in1, 1 = in2) at stream
   * indices req.first, req.first + 1, …
   */
  render(input: 0 | 1, req: RenderRequest, out: Float64Array, from = 0, to = out.length): void {
    const n = to - from;
    if (n <= 0) return;
    const std = this.inputNoiseStd(req.decimation, req.boxcar);
    const lsb = this.lsb[req.gain ?? 'lv'];
    if (n > MAX_WORK_SAMPLES) {
      this.addSignal(input, req, out, from, to);
      return digitise(out, from, to, req.noise, input, req.first, std, lsb, this.info.adcBits);
    }
    // the signal goes to a scratch array that stays in cache; out (often fresh memory) is written once
    if (this.work.length < n) this.work = new Float64Array(Math.max(n, 4096));
    // input 1 right after input 0 for the same request (a stream's block, a trace) when both see
    // the same signal: the same noiseless samples, computed once
    const serial0 = this.asg[0].current().serial;
    const serial1 = this.asg[1].current().serial;
    const w = this.workFor;
    if (!(input === 1 && w && w.req === req && w.n === n && w.serial0 === serial0 && w.serial1 === serial1)) {
      this.addSignal(input, req, this.work, 0, n);
      this.workFor = input === 0 && this.inputsAlike ? { req, n, serial0, serial1 } : null;
    }
    digitise(out, from, to, req.noise, input, req.first, std, lsb, this.info.adcBits, this.work, 0);
  }

  // The noiseless input (generators through the wiring, external tones) into out[from … to).
  private addSignal(input: 0 | 1, req: RenderRequest, out: Float64Array, from: number, to: number): void {
    const n = to - from;
    const dtS = req.decimation / this.fs;
    out.fill(0, from, to);
    const tFrom = req.armS + req.first * dtS;
    const tTo = tFrom + n * dtS;
    const viaDut = input === 0 && !this.wireDut;
    for (let g = 0; g < 2; g++) {
      for (const seg of this.asg[g]!.overlapping(tFrom, tTo)) {
        if (seg.settings.output !== 'out1') continue;
        // the samples stamped within the segment
        const jA = from + clampIndex((seg.fromS - tFrom) / dtS, n);
        const jB = from + clampIndex((seg.toS - tFrom) / dtS, n);
        if (jB > jA) this.addGenerator(out, jA, jB, req.first + (jA - from), seg, g, viaDut, req, dtS);
      }
    }
    for (const tone of this.tones) {
      if ((tone.input === 'in1') !== (input === 0)) continue;
      const b = boxcarResponse(tone.frequency, req.decimation, req.boxcar, this.fs);
      const phase = ((tone.phase ?? 0) / 360) + Math.atan2(b.im, b.re) / TWO_PI;
      addTone(out, from, to, tone.amplitude * Math.hypot(b.re, b.im), cyclesAt(tone.frequency, req.armS, req.first, dtS) + phase, tone.frequency * dtS);
    }
  }

  /**
   * The sinusoidal components of an input at board time `timeS` before sampling (generator
   * harmonics through the wiring, external tones) and its DC level: what an IQ demodulator mixes
   * with. Excludes noise (see `noiseDensity`) and the 'noise' waveform.
   */
  components(input: 'in1' | 'in2', timeS: number): { dc: number; tones: InputComponent[] } {
    const viaDut = input === 'in1' && !this.wireDut;
    const h0 = viaDut ? this.dut.response(0).re : 1;
    const tones: InputComponent[] = [];
    let dc = 0;
    for (const history of this.asg) {
      const seg = history.at(timeS);
      if (seg.settings.output !== 'out1') continue;
      const s = seg.settings;
      dc += s.offset * h0;
      if (s.waveform === 'dc' || s.waveform === 'noise') continue;
      const series = waveformSeries(s, this.fs / 2);
      dc += s.amplitude * series.mean * h0;
      for (let k = 0; k < series.harmonic.length; k++) {
        const fk = series.harmonic[k]! * s.frequency;
        const h = viaDut ? this.dut.response(fk) : { re: 1, im: 0 };
        const amplitude = s.amplitude * series.amplitude[k]! * Math.hypot(h.re, h.im);
        if (amplitude === 0) continue;
        // sin(2πk(f(t − origin) + φ/360) + ψ_k + ∠H) written as sin(2π fk t + phase)
        const phase = TWO_PI * frac(-fk * seg.originS + (series.harmonic[k]! * s.phase) / 360) + series.phase[k]! + Math.atan2(h.im, h.re);
        tones.push({ frequency: fk, amplitude, phase });
      }
    }
    for (const t of this.tones) {
      if (t.input === input) tones.push({ frequency: t.frequency, amplitude: t.amplitude, phase: ((t.phase ?? 0) * Math.PI) / 180 });
    }
    return { dc, tones };
  }

  // Adds one generator segment's contribution to out[jA … jB), whose first sample is stream index iA.
  private addGenerator(out: Float64Array, jA: number, jB: number, iA: number, seg: AsgSegment, g: number, viaDut: boolean, req: RenderRequest, dtS: number): void {
    const s = seg.settings;
    const h0 = viaDut ? this.dut.response(0).re : 1;
    const level = s.offset * h0;
    if (level !== 0) for (let j = jA; j < jB; j++) out[j]! += level;
    if (s.amplitude === 0 || s.waveform === 'dc') return;
    if (s.waveform === 'noise') return this.addNoiseWaveform(out, jA, jB, iA, seg, g, viaDut, req, dtS);
    if (s.frequency === 0) {
      // a stopped generator holds its start phase: a constant
      const shape = waveformShape(s);
      const v = s.amplitude * (shape ? shape.value(frac(s.phase / 360)) : Math.sin((s.phase * Math.PI) / 180)) * h0;
      for (let j = jA; j < jB; j++) out[j]! += v;
      return;
    }
    const shape = viaDut ? null : waveformShape(s);
    if (shape) return this.addShape(out, jA, jB, iA, seg, shape, req, dtS);
    this.addSeries(out, jA, jB, iA, seg, viaDut, h0, req, dtS);
  }

  // Periodic waveform as its Fourier series, each harmonic through the DUT and the boxcar.
  private addSeries(out: Float64Array, jA: number, jB: number, iA: number, seg: AsgSegment, viaDut: boolean, h0: number, req: RenderRequest, dtS: number): void {
    const s = seg.settings;
    const series = waveformSeries(s, this.fs / 2);
    const meanLevel = s.amplitude * series.mean * h0;
    if (meanLevel !== 0) for (let j = jA; j < jB; j++) out[j]! += meanLevel;
    for (let k = 0; k < series.harmonic.length; k++) {
      const harmonic = series.harmonic[k]!;
      const fk = harmonic * s.frequency;
      const h: Complex = viaDut ? this.dut.response(fk) : { re: 1, im: 0 };
      const b = boxcarResponse(fk, req.decimation, req.boxcar, this.fs);
      const gRe = h.re * b.re - h.im * b.im;
      const gIm = h.re * b.im + h.im * b.re;
      const amplitude = s.amplitude * series.amplitude[k]! * Math.hypot(gRe, gIm);
      if (amplitude < NEGLIGIBLE_V && s.waveform !== 'sine') continue;
      // cycles of harmonic k at the first sample: k·(f·(t − origin) + φ/360) + (ψ_k + ∠G)/2π
      const c0 =
        cyclesAt(fk, req.armS - seg.originS, iA, dtS) + (harmonic * s.phase) / 360 + (series.phase[k]! + Math.atan2(gIm, gRe)) / TWO_PI;
      addTone(out, jA, jB, amplitude, c0, fk * dtS);
    }
  }

  // Non-sine periodic waveform on a direct path, exactly in the time domain. With the boxcar the
  // mean over the window is the waveform's integral across it (each raw sample standing for the
  // 1/fs around it), exact for the linear pieces; an edge inside a window is placed to within half
  // a raw sample (4 ns).
  private addShape(out: Float64Array, jA: number, jB: number, iA: number, seg: AsgSegment, shape: NonNullable<ReturnType<typeof waveformShape>>, req: RenderRequest, dtS: number): void {
    const s = seg.settings;
    const a = s.amplitude;
    const f = s.frequency;
    const cA = cyclesAt(f, req.armS - seg.originS, iA, dtS) + s.phase / 360;
    const step = frac(f * dtS);
    const width = (f * req.decimation) / this.fs; // cycles spanned by one boxcar window
    if (!req.boxcar || req.decimation === 1 || width < 1e-6) {
      // point sampling; a window too short to integrate accurately is its centre value
      const centre = req.boxcar ? (f * (req.decimation - 1)) / (2 * this.fs) : 0;
      for (let j = jA; j < jB; j++) out[j]! += a * shape.value(frac(cA + (j - jA) * step + centre));
      return;
    }
    const half = (0.5 * f) / this.fs;
    const p = shape.periodIntegral;
    const inv = a / width;
    for (let j = jA; j < jB; j++) {
      const ua = frac(cA + (j - jA) * step - half);
      const ub = ua + width;
      const whole = Math.floor(ub);
      out[j]! += (whole * p + shape.integral(ub - whole) - shape.integral(ua)) * inv;
    }
  }

  // The 'noise' waveform: white Gaussian, rms = amplitude over 0…fs/2; one realisation per block,
  // filtered through the DUT in the frequency domain for in1 (see filterBlock).
  private addNoiseWaveform(out: Float64Array, jA: number, jB: number, iA: number, seg: AsgSegment, g: number, viaDut: boolean, req: RenderRequest, dtS: number): void {
    const std = seg.settings.amplitude / Math.sqrt(req.boxcar ? req.decimation : 1);
    const stream = noiseWaveformStream(seg, g);
    if (!viaDut) return req.noise.add(out, jA, jB, stream, iA, std);
    const size = req.noise.blockSize;
    if (this.filtered.length !== size) this.filtered = new Float64Array(size);
    const filtered = this.filtered;
    forEachBlockRun(jA, jB, iA, size, (j, blk, off, len) => {
      filterBlock(req.noise.block(stream, blk), filtered, dtS, this.dut);
      for (let m = 0; m < len; m++) out[j + m]! += std * filtered[off + m]!;
    });
  }

  /** The generator settings in force now. */
  asgSettings(index: number): ResolvedAsgSettings {
    return this.asg[index]!.current().settings;
  }
}

/** ⌈x⌉ clamped to [0, n], with a little slack so a stamp equal to a boundary lands on its own side. */
function clampIndex(x: number, n: number): number {
  if (x === -Infinity) return 0;
  if (x === Infinity) return n;
  const i = Math.ceil(x - 1e-9);
  return i < 0 ? 0 : i > n ? n : i;
}

/**
 * Cycles (any integer part) of a tone of `f` Hz at stream index `index`, counted from board time
 * `t0S` before stream index 0: f·t0S + f·dtS·index, each part reduced first so that long waits
 * at high frequencies keep full precision.
 */
function cyclesAt(f: number, t0S: number, index: number, dtS: number): number {
  if (!Number.isFinite(t0S)) return 0;
  return frac(f * t0S) + frac(frac(f * dtS) * index);
}
