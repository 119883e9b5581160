import test from 'ava';
import { SettingsError } from '@labrx/core';
import {
  DUT_ALLOWED, dutOrPlantFromSpec, fabryPerot, isPlant, isPlantSpec, michelson, parseDutOrPlantSpec, parseDutSpec, parsePlantSpec,
  plantFromSpec, resonator, toDutOrPlantSpec, type Plant, type PlantSpec,
} from '@labrx/hw-sim';
import { run } from './plantHelpers.js';

/** The reflection, transmission and state over n steps (to compare two plants sample by sample). */
function record(p: Plant, n = 2000): number[] {
  const out: number[] = [];
  run(p, n, 1e-5, (s) => out.push(s.in1, s.in2, s.tones1[0]?.re ?? 0, ...Object.values(p.state())), (tS) => ({ out1: Math.sin(50 * tS), tones2: [{ frequencyHz: 2e7, re: 0.5, im: 0.1 }] }));
  return out;
}

const noisy: PlantSpec = {
  kind: 'fabry-perot', finesse: 1000, fsrHz: 1e9, detuningHz: 3e5, seed: 21, frequencyNoiseHzPerRtHz: 100, relativeIntensityNoise: 1e-6,
  randomWalkHzPerRtS: 1e3, kickRateHz: 300, kickHz: 2e4, kickShape: 'ring', kicksAtS: [0.005],
};

test('a plant survives structuredClone as its spec, and the copy steps identically', (t) => {
  const a = plantFromSpec(noisy);
  const copy = plantFromSpec(structuredClone(a.spec) as PlantSpec);
  t.deepEqual(copy.spec, a.spec);
  t.deepEqual(record(copy), record(a));
  const m = michelson({ seed: 2, lengthNoiseMPerRtHz: 1e-12, kickRateHz: 100, kickM: 1e-8 });
  t.deepEqual(record(plantFromSpec(structuredClone(m.spec) as PlantSpec)), record(m));
  t.true(isPlant(a) && isPlant(m));
  t.false(isPlant(a.spec) || isPlant(resonator({ f0: 1e6, q: 2 })) || isPlant(null));
  t.true(isPlantSpec(a.spec) && !isPlantSpec({ kind: 'resonator', f0: 1, q: 1 }));
});

test('seeds: a spec without one takes the default seed given to plantFromSpec, and says so in its spec', (t) => {
  const unseeded: PlantSpec = { kind: 'fabry-perot', finesse: 1000, fsrHz: 1e9, frequencyNoiseHzPerRtHz: 100 };
  const a = plantFromSpec(unseeded, 77);
  t.is(a.spec.seed, 77);
  t.deepEqual(record(a, 200), record(plantFromSpec({ ...unseeded, seed: 77 }), 200));
  t.notDeepEqual(record(plantFromSpec(unseeded, 78), 200), record(plantFromSpec(unseeded, 77), 200));
  t.is(fabryPerot({ finesse: 1000, fsrHz: 1e9 }).spec.seed, undefined, 'no seed given: the board picks');
  t.is(plantFromSpec({ ...unseeded, seed: 5 }, 77).spec.seed, 5, 'its own seed wins');
});

test('toDutOrPlantSpec / dutOrPlantFromSpec: plants and linear DUTs cross as plain data', (t) => {
  const p = fabryPerot({ finesse: 3000, fsrHz: 1.5e9 });
  t.is(toDutOrPlantSpec(p), p.spec);
  t.deepEqual(toDutOrPlantSpec({ kind: 'michelson', visibility: 0.5 }), { kind: 'michelson', visibility: 0.5 });
  t.deepEqual(toDutOrPlantSpec(resonator({ f0: 1e6, q: 20 })), { kind: 'resonator', f0: 1e6, q: 20, gain: 1 });
  t.throws(() => toDutOrPlantSpec({ kind: 'michelson', visibility: 2 }), { instanceOf: SettingsError, message: /visibility/ });
  t.true(isPlant(dutOrPlantFromSpec(p.spec)));
  t.is(typeof (dutOrPlantFromSpec({ kind: 'lowpass', cutoff: 1e3 }) as { response?: unknown }).response, 'function');
  t.throws(() => plantFromSpec({ kind: 'laser' } as never), { instanceOf: SettingsError, message: /fabry-perot/ });
});

test('text: --dut fabry-perot:… and michelson:… with unit suffixes optional, kicksAt as a list', (t) => {
  const p = parseDutOrPlantSpec('fabry-perot:finesse=3000,fsr=1.5e9,detuning=2e6,piezoHzPerV=1e6,eom=out1,piezo=out2,kicksAt=0.1/0.25,kickShape=ring,kick=1e4,seed=3');
  t.true(isPlant(p));
  t.like((p as Plant).spec, { kind: 'fabry-perot', finesse: 3000, fsrHz: 1.5e9, detuningHz: 2e6, piezoHzPerV: 1e6, eom: 'out1', piezo: 'out2', kicksAtS: [0.1, 0.25], kickShape: 'ring', kickHz: 1e4, seed: 3 });
  t.like(parsePlantSpec('michelson:wavelength=633e-9,visibility=0.9,lengthOffset=1e-7,drift=1e-9,output=in2'), { kind: 'michelson', wavelengthM: 633e-9, visibility: 0.9, lengthOffsetM: 1e-7, driftMPerS: 1e-9, output: 'in2' });
  t.like(parsePlantSpec('michelson'), { kind: 'michelson' });
  t.like(parsePlantSpec('fabry-perot:finesse=3000,fsrHz=1e+9'), { fsrHz: 1e9 }, "an exponent's '+' is not a chain");
  t.is(parsePlantSpec('resonator:f0=1e6,q=2'), undefined);
  // linear DUTs still parse as before
  t.is(typeof (parseDutOrPlantSpec('lowpass:cutoff=1e5+delay:seconds=1e-6') as { response?: unknown }).response, 'function');
  for (const [bad, what] of [
    ['fabry-perot:finesse=3000', /fsrHz/],
    ['fabry-perot:finesse=1,fsr=1e9', /finesse/],
    ['fabry-perot:finesse=3000,fsr=1e9,finess=3', /finess/],
    ['fabry-perot:finesse=abc,fsr=1e9', /finesse needs a number/],
    ['fabry-perot:finesse=3000,fsr=1e9,finesse=10', /twice/],
    ['fabry-perot:finesse=3000,fsr=1e9,kicksAt=0.1/x', /kicksAtS/],
    ['fabry-perot:finesse=3000,fsr=1e9,piezo=out3', /piezo/],
    ['michelson:visibility', /visibility=<value>/],
    ['wire+michelson', /plant/],
  ] as const) {
    t.throws(() => parseDutOrPlantSpec(bad), { instanceOf: SettingsError, message: what }, bad);
  }
  t.throws(() => parseDutSpec('michelson'), { instanceOf: SettingsError, message: /parseDutOrPlantSpec/ });
  t.regex(DUT_ALLOWED, /fabry-perot:finesse=<F>,fsr=<Hz>/);
  t.regex(DUT_ALLOWED, /michelson:/);
});
