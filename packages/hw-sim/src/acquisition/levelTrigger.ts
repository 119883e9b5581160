/** Whether a level trigger has seen the signal on the far side of its hysteresis band yet. */
export interface LevelTriggerState {
  armed: boolean;
}

/**
 * Scans samples[from … to) for a level trigger, as the Red Pitaya's trigger logic does on the
 * decimated, quantised samples: 'rising' fires at the first sample ≥ threshold after the signal
 * has been ≤ threshold − hysteresis; 'falling' at the first sample ≤ threshold after it has been
 * ≥ threshold + hysteresis. `state` carries the arming across chunks.
 *
 * @returns the index of the triggering sample, or −1 (and `state` updated) if none
 */
export function scanLevelTrigger(samples: Float64Array, from: number, to: number, rising: boolean, threshold: number, hysteresis: number, state: LevelTriggerState): number {
  let armed = state.armed;
  if (rising) {
    const arm = threshold - hysteresis;
    for (let i = from; i < to; i++) {
      const v = samples[i]!;
      if (armed && v >= threshold) {
        state.armed = false;
        return i;
      }
      if (v <= arm) armed = true;
    }
  } else {
    const arm = threshold + hysteresis;
    for (let i = from; i < to; i++) {
      const v = samples[i]!;
      if (armed && v <= threshold) {
        state.armed = false;
        return i;
      }
      if (v >= arm) armed = true;
    }
  }
  state.armed = armed;
  return -1;
}
