import type { Tone } from './Plant.js';

/**
 * Writes tone `i` of a `PlantSense` tone list (frequency Hz, re and im in V), reusing the object
 * already there so a plant allocates nothing per step once the list has grown.
 */
export function writeTone(tones: Tone[], i: number, frequencyHz: number, re: number, im: number): void {
  const t = tones[i];
  if (t) {
    t.frequencyHz = frequencyHz;
    t.re = re;
    t.im = im;
  } else tones[i] = { frequencyHz, re, im };
}
