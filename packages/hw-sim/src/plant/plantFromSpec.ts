import { SettingsError } from '@labrx/core';
import { fabryPerot } from './fabryPerot.js';
import { michelson } from './michelson.js';
import type { Plant } from './Plant.js';
import { PLANT_KINDS, type PlantSpec } from './PlantSpec.js';

/**
 * Builds the plant a description stands for, validating it as the factories do (`SettingsError`
 * naming the plant and the setting, e.g. `fabryPerot.finesse`; `path.kind` for an unknown kind).
 * `defaultSeed` is used when the description has no `seed` (the simulator passes its own seed), and
 * the returned plant's `spec` then carries it, so a copy made from `spec` is the same plant.
 *
 * @example plantFromSpec({ kind: 'fabry-perot', finesse: 3000, fsrHz: 1.5e9, seed: 7 })
 */
export function plantFromSpec(spec: PlantSpec, defaultSeed?: number, path = 'sim.dut'): Plant {
  if (spec === null || typeof spec !== 'object') throw new SettingsError('sim', path, spec, `a plant description { kind: ${PLANT_KINDS.map((k) => `'${k}'`).join(' | ')}, … }`);
  const seeded = spec.seed === undefined && defaultSeed !== undefined ? { ...spec, seed: defaultSeed } : spec;
  switch (seeded.kind) {
    case 'fabry-perot':
      return fabryPerot(seeded);
    case 'michelson':
      return michelson(seeded);
    default:
      throw new SettingsError('sim', `${path}.kind`, (spec as { kind?: unknown }).kind, PLANT_KINDS.map((k) => `'${k}'`).join(' or '));
  }
}
