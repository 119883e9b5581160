import { SettingsError } from '@labrx/core';
import { GaussianStream } from '../prng/GaussianStream.js';
import { Disturbance } from './Disturbance.js';
import type { Plant, PlantDrive, PlantSense, PlantSpecBase } from './Plant.js';
import { choiceSetting, disturbanceKeys, disturbanceSettings, disturbanceSpecFields, numberSetting, onlyKeys, seedSetting, type PlantInput, type PlantOutput } from './plantChecks.js';
import { writeTone } from './writeTone.js';

/** A Michelson interferometer as plain data (see `michelson`). Lengths in m, the photodiode in V. */
export interface MichelsonSpec extends PlantSpecBase {
  readonly kind: 'michelson';
  /** Laser wavelength (m, > 0; default 1064e-9). */
  readonly wavelengthM?: number;
  /** Arm-length change per volt on the piezo output (m/V, either sign; default 1e-6). */
  readonly piezoMPerV?: number;
  /** Photodiode volts for all the light (V, > 0; default 1): the output swings between P/2·(1 ± visibility). */
  readonly powerV?: number;
  /** Fringe visibility (0…1; default 1). */
  readonly visibility?: number;
  /** Arm-length difference ΔL at 0 V on the piezo, before drift and kicks (m; default 0: a bright fringe). */
  readonly lengthOffsetM?: number;
  /** The DAC output driving the piezo (default 'out1'). */
  readonly piezo?: PlantOutput;
  /** The ADC input seeing the output port (default 'in1'). */
  readonly output?: PlantInput;
  /** White relative intensity noise of the laser (1/√Hz, one-sided; default 0). */
  readonly relativeIntensityNoise?: number;
  /** White noise of the arm-length difference (m/√Hz, one-sided; default 0). */
  readonly lengthNoiseMPerRtHz?: number;
  /** Linear drift of ΔL (m/s; default 0). */
  readonly driftMPerS?: number;
  /** Random walk of ΔL (m/√s: rms after T seconds is this·√T; default 0). */
  readonly randomWalkMPerRtS?: number;
  /** Mean rate of acoustic kicks at random (Poisson) times (Hz; default 0), each of random sign. */
  readonly kickRateHz?: number;
  /** Board times of further kicks (s), each of size +kickM. */
  readonly kicksAtS?: readonly number[];
  /** Size of a kick of ΔL (m): a step's height or a ring's amplitude scale. */
  readonly kickM?: number;
  /** 'step' (default) or 'ring': kickM·e^{−t/kickDecayS}·sin(2π·kickRingHz·t). */
  readonly kickShape?: 'step' | 'ring';
  /** Frequency of a ring (Hz; default 1000). */
  readonly kickRingHz?: number;
  /** 1/e decay time of a ring (s; default 0.005). */
  readonly kickDecayS?: number;
}

/** What a Michelson plant reports after a step (`state()`), SI units in the names. */
export type MichelsonState = {
  /** Arm-length difference ΔL at the step's end (m), piezo, drift, kicks and noise included. */
  readonly lengthOffsetM: number;
  /** Fringe phase 4π·ΔL/λ (rad). */
  readonly fringePhaseRad: number;
  /** The output photodiode (V). */
  readonly outputV: number;
  /** Drift + random walk + kicks of ΔL (m). */
  readonly disturbanceM: number;
  /** Kicks so far. */
  readonly kickCount: number;
  /** The piezo output's slow part this step (V). */
  readonly piezoV: number;
};

/** The plant `michelson()` returns: a `Plant` with its own spec and state types. */
export interface MichelsonPlant extends Plant {
  readonly spec: MichelsonSpec;
  state(): MichelsonState;
}

const OWNER = 'michelson';
const KEYS = [
  'kind', 'seed', 'wavelengthM', 'piezoMPerV', 'powerV', 'visibility', 'lengthOffsetM', 'piezo', 'output',
  'relativeIntensityNoise', 'lengthNoiseMPerRtHz', ...disturbanceKeys('M'),
];
const NOISE_STREAM = 0x4d490001;
const DISTURBANCE_STREAM = 0x4d490010;

/**
 * A Michelson interferometer whose arm-length difference ΔL a piezo moves; one photodiode sees the
 * output port:
 *
 *   P(ΔL) = powerV/2 · (1 + visibility·cos(4π·ΔL/λ)),
 *   ΔL = lengthOffsetM + piezoMPerV·V_piezo + drift + kicks + length noise,
 *
 * so the fringe repeats every λ/2 of ΔL and swings between powerV/2·(1 ± visibility). The light
 * responds instantly (no time constant). A fast tone on the piezo output gives a tone at the output
 * of dP/dΔL·piezoMPerV times its amplitude (first order, valid while it moves ΔL by much less than
 * λ/(4π)). Intensity noise multiplies the output by (1 + n), n white of density
 * relativeIntensityNoise over the step's Nyquist band 1/(2·dt); length noise likewise in m/√Hz.
 *
 * A plant holds state (its detuning filter, noise generators, kicks): give each board its own, e.g.
 * `plantFromSpec(plant.spec, boardSeed)`. Without `seed` it draws from seed 0 until a board rebuilds
 * it with its own seed (`connect` does; then read its state from the board, `SimBoard.plantState()`).
 *
 * @throws SettingsError naming the setting for a bad or unknown parameter
 * @example michelson({ wavelengthM: 1064e-9, piezoMPerV: 1e-6, visibility: 0.9, lengthOffsetM: 133e-9 })
 */
export function michelson(p: Omit<MichelsonSpec, 'kind'> & { readonly kind?: 'michelson' } = {}): MichelsonPlant {
  if (p === null || typeof p !== 'object') throw new SettingsError(OWNER, 'spec', p, 'an object { wavelengthM, piezoMPerV, … }');
  onlyKeys(OWNER, p, KEYS);
  const wavelengthM = numberSetting(OWNER, 'wavelengthM', p.wavelengthM, 1064e-9, { above: 0, unit: 'm' });
  const piezoMPerV = numberSetting(OWNER, 'piezoMPerV', p.piezoMPerV, 1e-6, { unit: 'm/V' });
  const powerV = numberSetting(OWNER, 'powerV', p.powerV, 1, { above: 0, unit: 'V' });
  const visibility = numberSetting(OWNER, 'visibility', p.visibility, 1, { atLeast: 0, unit: 'at most 1' });
  if (visibility > 1) throw new SettingsError(OWNER, 'visibility', visibility, 'a number from 0 to 1');
  const lengthOffsetM = numberSetting(OWNER, 'lengthOffsetM', p.lengthOffsetM, 0, { unit: 'm' });
  const piezo = choiceSetting(OWNER, 'piezo', p.piezo, 'out1', ['out1', 'out2'] as const);
  const output = choiceSetting(OWNER, 'output', p.output, 'in1', ['in1', 'in2'] as const);
  const rin = numberSetting(OWNER, 'relativeIntensityNoise', p.relativeIntensityNoise, 0, { atLeast: 0, unit: '1/√Hz' });
  const lengthNoise = numberSetting(OWNER, 'lengthNoiseMPerRtHz', p.lengthNoiseMPerRtHz, 0, { atLeast: 0, unit: 'm/√Hz' });
  const disturbance = disturbanceSettings(OWNER, p, 'M');
  const seed = seedSetting(OWNER, p.seed);

  const spec = Object.freeze({
    kind: 'michelson',
    ...(seed !== undefined ? { seed } : {}),
    wavelengthM, piezoMPerV, powerV, visibility, lengthOffsetM, piezo, output,
    relativeIntensityNoise: rin, lengthNoiseMPerRtHz: lengthNoise,
    ...disturbanceSpecFields(disturbance, 'M'),
  }) as MichelsonSpec;

  const k = (4 * Math.PI) / wavelengthM; // fringe phase per metre of ΔL
  const s = seed ?? 0;
  const noise = rin > 0 || lengthNoise > 0 ? new GaussianStream(s, NOISE_STREAM) : null;
  const dist = new Disturbance(disturbance, s, DISTURBANCE_STREAM);
  const st = { lengthOffsetM: 0, fringePhaseRad: 0, outputV: 0, disturbanceM: 0, kickCount: 0, piezoV: 0 };

  return Object.freeze({
    spec,
    name: `michelson(λ=${Number((wavelengthM * 1e9).toPrecision(4))} nm, visibility=${visibility})`,
    step(tS: number, dtS: number, drive: PlantDrive, sense: PlantSense): void {
      const piezoV = piezo === 'out1' ? drive.out1 : drive.out2;
      const disturbanceM = dist.advance(tS, dtS);
      const nyquistHz = 0.5 / dtS;
      let dL = lengthOffsetM + piezoMPerV * piezoV + disturbanceM;
      if (noise && lengthNoise > 0) dL += lengthNoise * Math.sqrt(nyquistHz) * noise.draw();
      const intensity = powerV * (noise && rin > 0 ? 1 + rin * Math.sqrt(nyquistHz) * noise.draw() : 1);
      const phase = k * dL;
      const out = 0.5 * intensity * (1 + visibility * Math.cos(phase));
      const tones = output === 'in1' ? sense.tones1 : sense.tones2;
      const piezoTones = piezo === 'out1' ? drive.tones1 : drive.tones2;
      let n = 0;
      if (piezoTones.length > 0) {
        const slopeVPerV = -0.5 * intensity * visibility * k * Math.sin(phase) * piezoMPerV; // dP/dV_piezo
        for (const t of piezoTones) if (t.frequencyHz > 0) writeTone(tones, n++, t.frequencyHz, slopeVPerV * t.re, slopeVPerV * t.im);
      }
      // setting an array's length is a runtime call: only when it changes
      if (tones.length !== n) tones.length = n;
      const other = output === 'in1' ? sense.tones2 : sense.tones1;
      if (other.length !== 0) other.length = 0;
      if (output === 'in1') {
        sense.in1 = out;
        sense.in2 = 0;
      } else {
        sense.in2 = out;
        sense.in1 = 0;
      }
      st.lengthOffsetM = dL;
      st.fringePhaseRad = phase;
      st.outputV = out;
      st.disturbanceM = disturbanceM;
      st.kickCount = dist.kickCount;
      st.piezoV = piezoV;
    },
    /** The quantities at the last step (see `MichelsonState`). */
    state(): MichelsonState {
      return { ...st };
    },
  });
}
