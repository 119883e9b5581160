import { SettingsError } from '@labrx/core';
import { PLANT_KINDS, type PlantSpec } from './PlantSpec.js';
import { plantFromSpec } from './plantFromSpec.js';

/** What a plant text may say (for messages and help). */
export const PLANT_ALLOWED =
  'fabry-perot:finesse=<F>,fsr=<Hz>[,piezoHzPerV=<Hz/V>,detuning=<Hz>,power=<V>,modulationRadPerV=<rad/V>,inputMirrorReflectivity=<R1>,' +
  'piezo=out1|out2,eom=out1|out2,reflection=in1|in2,transmission=in1|in2,relativeIntensityNoise=<1/√Hz>,frequencyNoiseHzPerRtHz=<Hz/√Hz>,' +
  'drift=<Hz/s>,randomWalkHzPerRtS=<Hz/√s>,kickRate=<Hz>,kicksAt=<s>/<s>/…,kick=<Hz>,kickShape=step|ring,kickRing=<Hz>,kickDecay=<s>,seed=<n>], ' +
  'michelson:[wavelength=<m>,piezoMPerV=<m/V>,power=<V>,visibility=<0…1>,lengthOffset=<m>,piezo=out1|out2,output=in1|in2,' +
  'relativeIntensityNoise=<1/√Hz>,lengthNoiseMPerRtHz=<m/√Hz>,drift=<m/s>,randomWalkMPerRtS=<m/√s>,kickRate=<Hz>,kicksAt=<s>/…,kick=<m>,kickShape=step|ring,kickRing=<Hz>,kickDecay=<s>,seed=<n>] ' +
  '(a unit suffix such as Hz, V, M, S, HzPerS may be left off a name)';

const KEYS: Record<PlantSpec['kind'], readonly string[]> = {
  'fabry-perot': [
    'seed', 'finesse', 'fsrHz', 'piezoHzPerV', 'detuningHz', 'powerV', 'modulationRadPerV', 'inputMirrorReflectivity', 'piezo', 'eom',
    'reflection', 'transmission', 'relativeIntensityNoise', 'frequencyNoiseHzPerRtHz', 'driftHzPerS', 'randomWalkHzPerRtS', 'kickRateHz',
    'kicksAtS', 'kickHz', 'kickShape', 'kickRingHz', 'kickDecayS',
  ],
  michelson: [
    'seed', 'wavelengthM', 'piezoMPerV', 'powerV', 'visibility', 'lengthOffsetM', 'piezo', 'output', 'relativeIntensityNoise',
    'lengthNoiseMPerRtHz', 'driftMPerS', 'randomWalkMPerRtS', 'kickRateHz', 'kicksAtS', 'kickM', 'kickShape', 'kickRingHz', 'kickDecayS',
  ],
};
const TEXT_KEYS = new Set(['piezo', 'eom', 'reflection', 'transmission', 'output', 'kickShape']);
const UNIT_SUFFIXES = ['Hz', 'V', 'M', 'S', 'HzPerS', 'MPerS', 'HzPerV', 'MPerV'];

/** The spec key a text key names: itself, or itself plus one unit suffix if that is unique. */
function specKey(kind: PlantSpec['kind'], key: string): string | undefined {
  const keys = KEYS[kind];
  if (keys.includes(key)) return key;
  const matches = UNIT_SUFFIXES.map((u) => key + u).filter((k) => keys.includes(k));
  return matches.length === 1 ? matches[0] : undefined;
}

/**
 * Parses a plant written as text, as the command lines take it (`--dut`):
 * `fabry-perot:finesse=3000,fsr=1.5e9,detuning=2e6,kickRate=5`, `michelson:visibility=0.9`.
 * Names are the `PlantSpec` fields, whose unit suffix may be left off (`fsr` for `fsrHz`);
 * `kicksAt` lists times joined by '/'. Returns `undefined` if the text's kind is not a plant (so a
 * caller can try the linear DUTs); the description returned has been validated by `plantFromSpec`.
 *
 * @throws SettingsError naming 'dut' and what is allowed for a malformed text, or the plant's own
 *   setting (e.g. `fabryPerot.finesse`) for a bad value
 */
export function parsePlantSpec(text: string): PlantSpec | undefined {
  const colon = text.indexOf(':');
  const kind = (colon < 0 ? text : text.slice(0, colon)).trim();
  if (!(PLANT_KINDS as readonly string[]).includes(kind)) return undefined;
  const k = kind as PlantSpec['kind'];
  const spec: Record<string, unknown> = { kind: k };
  const params = colon < 0 ? '' : text.slice(colon + 1);
  for (const kv of params.split(',').map((s) => s.trim()).filter(Boolean)) {
    const eq = kv.indexOf('=');
    const name = eq < 0 ? kv : kv.slice(0, eq).trim();
    const value = eq < 0 ? '' : kv.slice(eq + 1).trim();
    const key = specKey(k, name);
    if (key === undefined) throw new SettingsError('sim', 'dut', text, `${kind} takes ${KEYS[k].join(', ')} (unknown: '${name}')`);
    if (value === '') throw new SettingsError('sim', 'dut', text, `${kind} needs ${key}=<value>`);
    if (key in spec) throw new SettingsError('sim', 'dut', text, `${key} given twice`);
    if (TEXT_KEYS.has(key)) spec[key] = value;
    else if (key === 'kicksAtS') spec[key] = value.split('/').map((v) => toNumber(text, key, v));
    else spec[key] = toNumber(text, key, value);
  }
  const plantSpec = spec as unknown as PlantSpec;
  plantFromSpec(plantSpec); // validates, naming the plant's setting
  return plantSpec;
}

function toNumber(text: string, key: string, v: string): number {
  const x = v.trim() === '' ? Number.NaN : Number(v);
  if (!Number.isFinite(x)) throw new SettingsError('sim', 'dut', text, `${key} needs a number, not '${v}'`);
  return x;
}
