import { SettingsError, type Complex } from '@labrx/core';
import { GaussianStream } from '../prng/GaussianStream.js';
import { airyCavity, roundTripAmplitude } from './AiryCavity.js';
import { besselJ0, besselJ1 } from './bessel.js';
import { Disturbance } from './Disturbance.js';
import type { Plant, PlantDrive, PlantSense, PlantSpecBase, Tone } from './Plant.js';
import { choiceSetting, disturbanceKeys, disturbanceSettings, disturbanceSpecFields, numberSetting, onlyKeys, seedSetting, type PlantInput, type PlantOutput } from './plantChecks.js';
import { pdhBeatOf } from './pdhBeat.js';
import { formatHz } from './formatHz.js';
import { writeTone } from './writeTone.js';

/**
 * A Fabry–Perot cavity as plain data (see `fabryPerot` for the physics). Frequencies in Hz,
 * photodiode signals in V. Everything but `finesse` and `fsrHz` has a default.
 */
export interface FabryPerotSpec extends PlantSpecBase {
  readonly kind: 'fabry-perot';
  /** Finesse = FSR / FWHM linewidth (dimensionless, > 1). */
  readonly finesse: number;
  /** Free spectral range (Hz, > 0). */
  readonly fsrHz: number;
  /** Shift of the cavity's resonance per volt on the piezo output (Hz/V, either sign; default 5e6). */
  readonly piezoHzPerV?: number;
  /** Resonance minus laser frequency at 0 V on the piezo, before drift and kicks (Hz; default 0). */
  readonly detuningHz?: number;
  /** Photodiode volts for all the light (V, > 0; default 1): the reflection far off resonance, the transmission at resonance (matched mirrors, no modulation). */
  readonly powerV?: number;
  /** Phase-modulation depth β per volt of a fast tone's amplitude on the EOM output (rad/V, ≥ 0; default 1). */
  readonly modulationRadPerV?: number;
  /** Power reflectivity R1 of the input mirror (between g² and 1, g = round-trip amplitude factor of the finesse); default: impedance-matched (R1 = R2, no reflection at resonance). */
  readonly inputMirrorReflectivity?: number;
  /** The DAC output driving the piezo (default 'out1'). */
  readonly piezo?: PlantOutput;
  /** The DAC output driving the phase modulator (default 'out2'). */
  readonly eom?: PlantOutput;
  /** The ADC input seeing the reflected light (default 'in1'). */
  readonly reflection?: PlantInput;
  /** The ADC input seeing the transmitted light (default 'in2'). */
  readonly transmission?: PlantInput;
  /** White relative intensity noise of the laser (1/√Hz, one-sided; default 0). */
  readonly relativeIntensityNoise?: number;
  /** White frequency noise of the laser against the cavity (Hz/√Hz, one-sided; default 0). */
  readonly frequencyNoiseHzPerRtHz?: number;
  /** Linear drift of the resonance (Hz/s; default 0). */
  readonly driftHzPerS?: number;
  /** Random walk of the resonance (Hz/√s: rms after T seconds is this·√T; default 0). */
  readonly randomWalkHzPerRtS?: number;
  /** Mean rate of acoustic kicks at random (Poisson) times (Hz; default 0), each of random sign. */
  readonly kickRateHz?: number;
  /** Board times of further kicks (s), each of size +kickHz. */
  readonly kicksAtS?: readonly number[];
  /** Size of a kick of the resonance (Hz): a step's height or a ring's amplitude scale. */
  readonly kickHz?: number;
  /** 'step' (default) or 'ring': kickHz·e^{−t/kickDecayS}·sin(2π·kickRingHz·t). */
  readonly kickShape?: 'step' | 'ring';
  /** Frequency of a ring (Hz; default 1000). */
  readonly kickRingHz?: number;
  /** 1/e decay time of a ring (s; default 0.005). */
  readonly kickDecayS?: number;
}

/** What a Fabry–Perot plant reports after a step (`state()`), SI units in the names. */
export type FabryPerotState = {
  /** Resonance − laser frequency at the step's end (Hz), piezo, drift, kicks and noise included. */
  readonly detuningHz: number;
  /** The same as the light sees it, through the cavity's response time (Hz). */
  readonly cavityDetuningHz: number;
  /** Slow parts of the reflection and transmission photodiodes (V). */
  readonly reflectionV: number;
  readonly transmissionV: number;
  /** The reflection's tone at the first modulation frequency (V, IQ convention of `Tone`; 0 without modulation). */
  readonly pdhReV: number;
  readonly pdhImV: number;
  /** Drift + random walk + kicks of the resonance (Hz). */
  readonly disturbanceHz: number;
  /** Kicks so far. */
  readonly kickCount: number;
  /** The piezo output's slow part this step (V). */
  readonly piezoV: number;
  /** FWHM linewidth, fsr/finesse (Hz). */
  readonly linewidthHz: number;
};

/** The plant `fabryPerot()` returns: a `Plant` with its own spec and state types. */
export interface FabryPerotPlant extends Plant {
  readonly spec: FabryPerotSpec;
  state(): FabryPerotState;
}

const OWNER = 'fabryPerot';
const KEYS = [
  'kind', 'seed', 'finesse', 'fsrHz', 'piezoHzPerV', 'detuningHz', 'powerV', 'modulationRadPerV', 'inputMirrorReflectivity',
  'piezo', 'eom', 'reflection', 'transmission', 'relativeIntensityNoise', 'frequencyNoiseHzPerRtHz', ...disturbanceKeys('Hz'),
];
/** Stream ids of the plant's generators (with its seed): noise, then the disturbance's two. */
const NOISE_STREAM = 0x46500001;
const DISTURBANCE_STREAM = 0x46500010;

/**
 * A Fabry–Perot cavity locked (or not) to a laser: the piezo output moves its resonance, a fast tone
 * on the EOM output phase-modulates the light, and two photodiodes see the reflected and the
 * transmitted power.
 *
 * Per loop step (held drive, board time t):
 * - resonance − laser δ = detuningHz + piezoHzPerV·V_piezo + drift + kicks + frequency noise (Hz);
 *   the light sees δ through the cavity's response, a first-order low-pass with the field decay
 *   time τ = 1/(π·linewidth) (the pole at half the linewidth, exact for small changes: the PDH
 *   error's response to a frequency change), discretised exactly for a held input;
 * - each fast tone A·sin(2πΩt + φ) on the EOM output is a phase modulation β·sin(2πΩt + φ) with
 *   β = modulationRadPerV·A: carrier power Pc = J0(β)²·P, each first sideband Ps = J1(β)²·P (several
 *   tones: the product of their carriers; their intermodulation products are not modelled);
 * - reflection, slow part: Pc·|F(Δ)|² + Ps·(|F(Δ+Ω)|² + |F(Δ−Ω)|²) + the power in the higher
 *   sidebands, taken as reflected (they are off resonance unless 2Ω nears a multiple of the FSR);
 *   Δ = −δ is the laser's detuning from the resonance and F the Airy reflection (`AiryCavity`);
 * - reflection, a tone at Ω: 2√(Pc·Ps)·(Re χ·cos(2πΩt+φ) + Im χ·sin(2πΩt+φ)) with
 *   χ = F(Δ)F*(Δ+Ω) − F*(Δ)F(Δ−Ω) (Black 2001), i.e. the complex amplitude 2√(Pc·Ps)·j·χ*·e^{jφ}:
 *   an IQ module at Ω with phase φ reads the PDH error in its I (sine) quadrature, which near
 *   resonance is +8·J0·J1·powerV·δ/linewidth (V, δ in Hz) for Ω ≫ linewidth;
 * - transmission: Pc·T(Δ) + Ps·(T(Δ+Ω) + T(Δ−Ω));
 * - a fast tone on the piezo output (when it is not the EOM output) gives tones at both inputs from
 *   the slope of these powers against δ, times the cavity's low-pass at the tone's frequency:
 *   first order in the tone's amplitude (valid while it moves the resonance by much less than a
 *   linewidth), as a network analyser sees the cavity;
 * - the laser's intensity noise multiplies every output by (1 + n), n white of density
 *   relativeIntensityNoise over the step's Nyquist band 1/(2·dt).
 * The 2Ω component of the reflection is not modelled.
 *
 * A plant holds state (its detuning filter, noise generators, kicks): give each board its own, e.g.
 * `plantFromSpec(plant.spec, boardSeed)`. Without `seed` it draws from seed 0 until a board rebuilds
 * it with its own seed (`connect` does; then read its state from the board, `SimBoard.plantState()`).
 *
 * @throws SettingsError naming the setting for a bad or unknown parameter
 * @example fabryPerot({ finesse: 3000, fsrHz: 1.5e9, piezoHzPerV: 5e6, detuningHz: 2e6 })
 */
export function fabryPerot(p: Omit<FabryPerotSpec, 'kind'> & { readonly kind?: 'fabry-perot' }): FabryPerotPlant {
  if (p === null || typeof p !== 'object') throw new SettingsError(OWNER, 'spec', p, 'an object { finesse, fsrHz, … }');
  onlyKeys(OWNER, p, KEYS);
  const finesse = numberSetting(OWNER, 'finesse', p.finesse, undefined, { above: 1, unit: 'FSR / linewidth' });
  const fsrHz = numberSetting(OWNER, 'fsrHz', p.fsrHz, undefined, { above: 0, unit: 'Hz' });
  const piezoHzPerV = numberSetting(OWNER, 'piezoHzPerV', p.piezoHzPerV, 5e6, { unit: 'Hz/V' });
  const detuningHz = numberSetting(OWNER, 'detuningHz', p.detuningHz, 0, { unit: 'Hz' });
  const powerV = numberSetting(OWNER, 'powerV', p.powerV, 1, { above: 0, unit: 'V' });
  const modulationRadPerV = numberSetting(OWNER, 'modulationRadPerV', p.modulationRadPerV, 1, { atLeast: 0, unit: 'rad/V' });
  const g = roundTripAmplitude(finesse);
  let inputMirrorReflectivity: number | undefined;
  if (p.inputMirrorReflectivity !== undefined) {
    inputMirrorReflectivity = numberSetting(OWNER, 'inputMirrorReflectivity', p.inputMirrorReflectivity, undefined, { above: g * g, unit: `power reflectivity below 1, above g² = ${(g * g).toPrecision(6)} for finesse ${finesse}` });
    if (!(inputMirrorReflectivity < 1)) throw new SettingsError(OWNER, 'inputMirrorReflectivity', inputMirrorReflectivity, `a power reflectivity between ${(g * g).toPrecision(6)} and 1`);
  }
  const piezo = choiceSetting(OWNER, 'piezo', p.piezo, 'out1', ['out1', 'out2'] as const);
  const eom = choiceSetting(OWNER, 'eom', p.eom, 'out2', ['out1', 'out2'] as const);
  const reflection = choiceSetting(OWNER, 'reflection', p.reflection, 'in1', ['in1', 'in2'] as const);
  const transmission = choiceSetting(OWNER, 'transmission', p.transmission, 'in2', ['in1', 'in2'] as const);
  if (reflection === transmission) throw new SettingsError(OWNER, 'transmission', transmission, `the input that is not the reflection's ('${reflection}')`);
  const rin = numberSetting(OWNER, 'relativeIntensityNoise', p.relativeIntensityNoise, 0, { atLeast: 0, unit: '1/√Hz' });
  const freqNoise = numberSetting(OWNER, 'frequencyNoiseHzPerRtHz', p.frequencyNoiseHzPerRtHz, 0, { atLeast: 0, unit: 'Hz/√Hz' });
  const disturbance = disturbanceSettings(OWNER, p, 'Hz');
  const seed = seedSetting(OWNER, p.seed);

  const spec = Object.freeze({
    kind: 'fabry-perot',
    ...(seed !== undefined ? { seed } : {}),
    finesse, fsrHz, piezoHzPerV, detuningHz, powerV, modulationRadPerV,
    ...(inputMirrorReflectivity !== undefined ? { inputMirrorReflectivity } : {}),
    piezo, eom, reflection, transmission,
    relativeIntensityNoise: rin, frequencyNoiseHzPerRtHz: freqNoise,
    ...disturbanceSpecFields(disturbance, 'Hz'),
  }) as FabryPerotSpec;

  const cavity = airyCavity(finesse, fsrHz, inputMirrorReflectivity);
  const linewidthHz = cavity.linewidthHz;
  const tauS = 1 / (Math.PI * linewidthHz);
  const poleHz = linewidthHz / 2;
  const s = seed ?? 0;
  const noise = rin > 0 || freqNoise > 0 ? new GaussianStream(s, NOISE_STREAM) : null;
  const dist = new Disturbance(disturbance, s, DISTURBANCE_STREAM);

  // per-step scratch, grown when more tones arrive (no allocation in the steady state)
  let cap = 0;
  let modHz = new Float64Array(0);
  let modRe = new Float64Array(0);
  let modIm = new Float64Array(0);
  let sidebandFraction = new Float64Array(0);
  let j0sq = new Float64Array(0);
  let lastBeta = new Float64Array(0);
  let lastJ0 = new Float64Array(0);
  let lastJ1 = new Float64Array(0);
  let modCos = new Float64Array(0); // cos and sin of 2πΩ/FSR per modulation, for angle addition
  let modSin = new Float64Array(0);
  let fUp: Complex[] = [];
  let fDown: Complex[] = [];
  const fCarrier: Complex = { re: 0, im: 0 };
  let nMod = 0;
  let carrierFraction = 1;
  let higherFraction = 0;
  const chi: Complex = { re: 0, im: 0 };
  const fc: Complex = { re: 0, im: 0 };

  let started = false;
  let cavityOffsetHz = 0; // δ as the light sees it (after the cavity's low-pass)
  let alphaDtS = Number.NaN;
  let alpha = 1;
  const st = { detuningHz: 0, cavityDetuningHz: 0, reflectionV: 0, transmissionV: 0, pdhReV: 0, pdhImV: 0, disturbanceHz: 0, kickCount: 0, piezoV: 0 };

  function collectModulation(tones: readonly Tone[]): void {
    if (tones.length > cap) {
      cap = tones.length;
      modHz = new Float64Array(cap);
      modRe = new Float64Array(cap);
      modIm = new Float64Array(cap);
      sidebandFraction = new Float64Array(cap);
      j0sq = new Float64Array(cap);
      lastBeta = new Float64Array(cap).fill(Number.NaN);
      lastJ0 = new Float64Array(cap);
      lastJ1 = new Float64Array(cap);
      modCos = new Float64Array(cap);
      modSin = new Float64Array(cap);
      fUp = Array.from({ length: cap }, () => ({ re: 0, im: 0 }));
      fDown = Array.from({ length: cap }, () => ({ re: 0, im: 0 }));
    }
    // tones at the same frequency add up to one modulation
    nMod = 0;
    for (const t of tones) {
      if (!(t.frequencyHz > 0)) continue;
      let k = 0;
      while (k < nMod && modHz[k] !== t.frequencyHz) k++;
      if (k === nMod) {
        if (modHz[k] !== t.frequencyHz) {
          modCos[k] = Math.cos(cavity.phasePerHz * t.frequencyHz);
          modSin[k] = Math.sin(cavity.phasePerHz * t.frequencyHz);
        }
        modHz[k] = t.frequencyHz;
        modRe[k] = 0;
        modIm[k] = 0;
        nMod++;
      }
      modRe[k]! += t.re;
      modIm[k]! += t.im;
    }
    let carrier = 1;
    let sidebands = 0;
    for (let k = 0; k < nMod; k++) {
      const beta = modulationRadPerV * Math.sqrt(modRe[k]! * modRe[k]! + modIm[k]! * modIm[k]!);
      if (beta !== lastBeta[k]) {
        // the modulation depth rarely changes: the Bessel functions are the step's dearest part
        lastBeta[k] = beta;
        lastJ0[k] = besselJ0(beta);
        lastJ1[k] = besselJ1(beta);
      }
      const j0 = lastJ0[k]!;
      const j1 = lastJ1[k]!;
      j0sq[k] = j0 * j0;
      sidebandFraction[k] = j1 * j1;
      carrier *= j0 * j0;
    }
    for (let k = 0; k < nMod; k++) {
      // J1(βk)²·Π_{j≠k} J0(βj)²
      for (let j = 0; j < nMod; j++) if (j !== k) sidebandFraction[k]! *= j0sq[j]!;
      sidebands += 2 * sidebandFraction[k]!;
    }
    carrierFraction = carrier;
    higherFraction = Math.max(0, 1 - carrierFraction - sidebands);
  }

  /**
   * Evaluates F at the carrier and at ±Ω of each modulation for a laser Δ Hz above resonance (into
   * fCarrier, fUp, fDown) and returns the reflected fraction of the power; `lastTransmitted` gets
   * the transmitted fraction (lossless: T = 1 − |F|² for each line; higher sidebands reflected).
   */
  let lastTransmitted = 0;
  function fields(delta: number): number {
    const phi = cavity.phasePerHz * delta;
    const c = Math.cos(phi);
    const s = Math.sin(phi);
    cavity.reflectionAtPhase(c, s, fCarrier);
    const r0 = fCarrier.re * fCarrier.re + fCarrier.im * fCarrier.im;
    let refl = carrierFraction * r0 + higherFraction;
    let trans = carrierFraction * (1 - r0);
    for (let k = 0; k < nMod; k++) {
      const up = fUp[k]!, down = fDown[k]!;
      // φ ± φΩ by angle addition (rounding ~1e-16, no further sin/cos)
      const cm = modCos[k]!, sm = modSin[k]!;
      cavity.reflectionAtPhase(c * cm - s * sm, s * cm + c * sm, up);
      cavity.reflectionAtPhase(c * cm + s * sm, s * cm - c * sm, down);
      const ru = up.re * up.re + up.im * up.im;
      const rd = down.re * down.re + down.im * down.im;
      refl += sidebandFraction[k]! * (ru + rd);
      trans += sidebandFraction[k]! * (2 - ru - rd);
    }
    lastTransmitted = trans;
    return refl;
  }

  return Object.freeze({
    spec,
    name: `fabry-perot(finesse=${finesse}, fsr=${formatHz(fsrHz)}, linewidth=${formatHz(linewidthHz)})`,
    step(tS: number, dtS: number, drive: PlantDrive, sense: PlantSense): void {
      const piezoV = piezo === 'out1' ? drive.out1 : drive.out2;
      const disturbanceHz = dist.advance(tS, dtS);
      const nyquistHz = 0.5 / dtS;
      let offset = detuningHz + piezoHzPerV * piezoV + disturbanceHz;
      if (noise && freqNoise > 0) offset += freqNoise * Math.sqrt(nyquistHz) * noise.draw();
      if (!started) {
        started = true;
        cavityOffsetHz = offset;
      } else {
        if (dtS !== alphaDtS) {
          alphaDtS = dtS;
          alpha = 1 - Math.exp(-dtS / tauS);
        }
        cavityOffsetHz += alpha * (offset - cavityOffsetHz);
      }
      const delta = -cavityOffsetHz;
      collectModulation(eom === 'out1' ? drive.tones1 : drive.tones2);
      const intensity = powerV * (noise && rin > 0 ? 1 + rin * Math.sqrt(nyquistHz) * noise.draw() : 1);

      const reflTones = reflection === 'in1' ? sense.tones1 : sense.tones2;
      const transTones = transmission === 'in1' ? sense.tones1 : sense.tones2;
      let nRefl = 0;
      let nTrans = 0;
      const piezoTones = piezo === eom ? null : piezo === 'out1' ? drive.tones1 : drive.tones2;
      let dRefl = 0;
      let dTrans = 0;
      if (piezoTones && piezoTones.length > 0) {
        // slopes against δ (= −Δ), by a central difference over a thousandth of the linewidth
        const h = 1e-3 * linewidthHz;
        const rMinus = fields(delta + h);
        const tMinus = lastTransmitted;
        const rPlus = fields(delta - h);
        dRefl = (intensity * (rPlus - rMinus)) / (2 * h);
        dTrans = (intensity * (lastTransmitted - tMinus)) / (2 * h);
      }
      const reflV = intensity * fields(delta);
      const transV = intensity * lastTransmitted;
      st.pdhReV = 0;
      st.pdhImV = 0;
      for (let k = 0; k < nMod; k++) {
        const a = Math.sqrt(modRe[k]! * modRe[k]! + modIm[k]! * modIm[k]!);
        if (a === 0 || sidebandFraction[k] === 0) continue;
        pdhBeatOf(fCarrier, fUp[k]!, fDown[k]!, chi);
        // 2√(Pc·Ps)·j·χ*·e^{jφ}: j·χ* = Im χ + j·Re χ, e^{jφ} = (re + j·im)/A
        const scale = (2 * intensity * Math.sqrt(carrierFraction * sidebandFraction[k]!)) / a;
        const zr = chi.im, zi = chi.re;
        const re = scale * (zr * modRe[k]! - zi * modIm[k]!);
        const im = scale * (zr * modIm[k]! + zi * modRe[k]!);
        writeTone(reflTones, nRefl++, modHz[k]!, re, im);
        if (k === 0) {
          st.pdhReV = re;
          st.pdhImV = im;
        }
      }
      if (piezoTones) {
        for (const t of piezoTones) {
          if (!(t.frequencyHz > 0)) continue;
          // the cavity's low-pass 1/(1 + j·f/pole) on the resonance's modulation piezoHzPerV·(re + j·im)
          const x = t.frequencyHz / poleHz;
          const d = 1 + x * x;
          fc.re = (piezoHzPerV * (t.re + x * t.im)) / d;
          fc.im = (piezoHzPerV * (t.im - x * t.re)) / d;
          writeTone(reflTones, nRefl++, t.frequencyHz, dRefl * fc.re, dRefl * fc.im);
          writeTone(transTones, nTrans++, t.frequencyHz, dTrans * fc.re, dTrans * fc.im);
        }
      }
      // setting an array's length is a runtime call: only when it changes
      if (reflTones.length !== nRefl) reflTones.length = nRefl;
      if (transTones.length !== nTrans) transTones.length = nTrans;
      if (reflection === 'in1') {
        sense.in1 = reflV;
        sense.in2 = transV;
      } else {
        sense.in2 = reflV;
        sense.in1 = transV;
      }
      st.detuningHz = offset;
      st.cavityDetuningHz = cavityOffsetHz;
      st.reflectionV = reflV;
      st.transmissionV = transV;
      st.disturbanceHz = disturbanceHz;
      st.kickCount = dist.kickCount;
      st.piezoV = piezoV;
    },
    /** The quantities at the last step (see `FabryPerotState`). */
    state(): FabryPerotState {
      return { ...st, linewidthHz };
    },
  });
}
