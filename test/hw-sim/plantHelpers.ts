import type { Plant, PlantSense, Tone } from '@labrx/hw-sim';

/** What to hold on the DACs for a step (V); tones default to none. */
export interface DriveInit {
  out1?: number;
  out2?: number;
  tones1?: Tone[];
  tones2?: Tone[];
}

/** A fresh `PlantSense` to step into. */
export function newSense(): PlantSense {
  return { in1: 0, in2: 0, tones1: [], tones2: [] };
}

/** Steps `plant` once, ending at board time `tS` after `dtS`, and returns what the inputs see. */
export function stepOnce(plant: Plant, tS: number, dtS: number, d: DriveInit = {}, sense = newSense()): PlantSense {
  plant.step(tS, dtS, { out1: d.out1 ?? 0, out2: d.out2 ?? 0, tones1: d.tones1 ?? [], tones2: d.tones2 ?? [] }, sense);
  return sense;
}

/**
 * Steps `plant` n times by `dtS` from board time 0, calling `read(sense, plant, tS)` after each
 * step; `drive(tS)` gives the DACs (default: all 0).
 */
export function run(plant: Plant, n: number, dtS: number, read: (sense: PlantSense, plant: Plant, tS: number) => void, drive: (tS: number) => DriveInit = () => ({})): void {
  const sense = newSense();
  for (let i = 1; i <= n; i++) {
    const tS = i * dtS;
    stepOnce(plant, tS, dtS, drive(tS), sense);
    read(sense, plant, tS);
  }
}

/** Mean and standard deviation (divided by n − 1). */
export function meanStd(xs: ArrayLike<number>): { mean: number; std: number } {
  let m = 0;
  for (let i = 0; i < xs.length; i++) m += xs[i]!;
  m /= xs.length;
  let v = 0;
  for (let i = 0; i < xs.length; i++) v += (xs[i]! - m) ** 2;
  return { mean: m, std: Math.sqrt(v / (xs.length - 1)) };
}
