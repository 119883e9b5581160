import type { FabryPerotSpec } from './fabryPerot.js';
import type { MichelsonSpec } from './michelson.js';

/**
 * A plant as plain data (it survives `structuredClone`, so it crosses to the engine thread, the
 * servers and files): `{ kind: 'fabry-perot', finesse: 3000, fsrHz: 1.5e9 }` is
 * `fabryPerot({ finesse: 3000, fsrHz: 1.5e9 })`; build one with `plantFromSpec`.
 */
export type PlantSpec = FabryPerotSpec | MichelsonSpec;

/** The kinds of plant there are. */
export const PLANT_KINDS = ['fabry-perot', 'michelson'] as const;

/** True if `x` looks like a plant description (an object whose `kind` is one of `PLANT_KINDS`); `plantFromSpec` validates the rest. */
export function isPlantSpec(x: unknown): x is PlantSpec {
  return x !== null && typeof x === 'object' && (PLANT_KINDS as readonly unknown[]).includes((x as { kind?: unknown }).kind);
}
