import { isPlant } from '../plant/isPlant.js';
import type { Plant } from '../plant/Plant.js';
import { isPlantSpec, type PlantSpec } from '../plant/PlantSpec.js';
import { plantFromSpec } from '../plant/plantFromSpec.js';
import type { Dut, DutSpec } from './Dut.js';
import { dutFromSpec, toDutSpec } from './dutFromSpec.js';

/**
 * Builds the linear DUT or the plant a description stands for (`dutFromSpec` or `plantFromSpec`
 * by its `kind`). `defaultSeed` seeds a plant whose description has none.
 *
 * @throws SettingsError naming the field for a bad description
 */
export function dutOrPlantFromSpec(spec: DutSpec | PlantSpec, defaultSeed?: number, path = 'sim.dut'): Dut | Plant {
  return isPlantSpec(spec) ? plantFromSpec(spec, defaultSeed, path) : dutFromSpec(spec, path);
}

/**
 * The description to send for a `dut` option that may be a plant: a `Plant` object's `spec`, a
 * plant description (validated here, so a bad one fails in the caller's thread), or whatever
 * `toDutSpec` makes of a linear DUT.
 *
 * @throws SettingsError for a bad description or a `Dut` object without one
 */
export function toDutOrPlantSpec(dut: unknown): DutSpec | PlantSpec {
  if (isPlant(dut)) return dut.spec as PlantSpec;
  if (isPlantSpec(dut)) {
    plantFromSpec(dut);
    return dut;
  }
  return toDutSpec(dut);
}
