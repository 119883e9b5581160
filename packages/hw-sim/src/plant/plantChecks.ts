import { SettingsError } from '@labrx/core';
import type { DisturbanceParams } from './Disturbance.js';

/*
 * Validation shared by the plant factories: each check names the plant (as the factory is
 * called), the setting and what is allowed, and returns the value (or its default).
 */

/** A DAC output a plant can listen to. */
export type PlantOutput = 'out1' | 'out2';
/** An ADC input a plant can drive. */
export type PlantInput = 'in1' | 'in2';

/** Rejects keys that the plant does not take (a typo would otherwise be ignored silently). */
export function onlyKeys(owner: string, spec: object, allowed: readonly string[]): void {
  for (const k of Object.keys(spec)) {
    if (!allowed.includes(k)) throw new SettingsError(owner, k, (spec as Record<string, unknown>)[k], `${owner} takes ${allowed.join(', ')}`);
  }
}

/** A finite number (default `dflt` when undefined), optionally above or at least `min`. */
export function numberSetting(owner: string, name: string, value: unknown, dflt: number | undefined, rule: { above?: number; atLeast?: number; unit: string }): number {
  const v = value === undefined ? dflt : value;
  const ok =
    typeof v === 'number' &&
    Number.isFinite(v) &&
    (rule.above === undefined || v > rule.above) &&
    (rule.atLeast === undefined || v >= rule.atLeast);
  if (!ok) {
    const bound = rule.above !== undefined ? ` above ${rule.above}` : rule.atLeast !== undefined ? ` ≥ ${rule.atLeast}` : '';
    throw new SettingsError(owner, name, value, `a finite number${bound}${rule.unit ? ` (${rule.unit})` : ''}`);
  }
  return v;
}

/** One of the allowed strings (default `dflt` when undefined). */
export function choiceSetting<T extends string>(owner: string, name: string, value: unknown, dflt: T, allowed: readonly T[]): T {
  const v = value === undefined ? dflt : value;
  if (typeof v !== 'string' || !allowed.includes(v as T)) throw new SettingsError(owner, name, value, allowed.map((a) => `'${a}'`).join(' or '));
  return v as T;
}

/** An optional 32-bit seed: an integer, or undefined (the board's seed is used). */
export function seedSetting(owner: string, value: unknown): number | undefined {
  if (value === undefined) return undefined;
  if (!(typeof value === 'number' && Number.isInteger(value))) throw new SettingsError(owner, 'seed', value, 'an integer');
  return value;
}

/**
 * The drift and kick settings of a plant whose disturbance is in `unit` ('Hz' for a cavity's
 * resonance, 'M' for a length): `drift<unit>PerS`, `randomWalk<unit>PerRtS`, `kickRateHz`,
 * `kicksAtS`, `kick<unit>`, `kickShape`, `kickRingHz`, `kickDecayS`.
 */
export function disturbanceSettings(owner: string, spec: Record<string, unknown>, unit: 'Hz' | 'M'): DisturbanceParams {
  const u = unit === 'Hz' ? 'Hz' : 'm';
  const kicksAtS = spec.kicksAtS ?? [];
  if (!Array.isArray(kicksAtS) || !kicksAtS.every((x) => typeof x === 'number' && Number.isFinite(x))) {
    throw new SettingsError(owner, 'kicksAtS', spec.kicksAtS, 'an array of board times (s)');
  }
  return {
    driftPerS: numberSetting(owner, `drift${unit}PerS`, spec[`drift${unit}PerS`], 0, { unit: `${u}/s` }),
    randomWalkPerRtS: numberSetting(owner, `randomWalk${unit}PerRtS`, spec[`randomWalk${unit}PerRtS`], 0, { atLeast: 0, unit: `${u}/√s` }),
    kickRateHz: numberSetting(owner, 'kickRateHz', spec.kickRateHz, 0, { atLeast: 0, unit: 'Hz, mean rate of random kicks' }),
    kicksAtS: Object.freeze([...(kicksAtS as number[])]),
    kickSize: numberSetting(owner, `kick${unit}`, spec[`kick${unit}`], 0, { unit: `${u}, the size of a kick` }),
    kickShape: choiceSetting(owner, 'kickShape', spec.kickShape, 'step', ['step', 'ring'] as const),
    kickRingHz: numberSetting(owner, 'kickRingHz', spec.kickRingHz, 1000, { above: 0, unit: 'Hz' }),
    kickDecayS: numberSetting(owner, 'kickDecayS', spec.kickDecayS, 0.005, { above: 0, unit: 's' }),
  };
}

/** The disturbance settings back as spec fields (for a plant's normalised `spec`). */
export function disturbanceSpecFields(d: DisturbanceParams, unit: 'Hz' | 'M'): Record<string, unknown> {
  return {
    [`drift${unit}PerS`]: d.driftPerS,
    [`randomWalk${unit}PerRtS`]: d.randomWalkPerRtS,
    kickRateHz: d.kickRateHz,
    kicksAtS: d.kicksAtS,
    [`kick${unit}`]: d.kickSize,
    kickShape: d.kickShape,
    kickRingHz: d.kickRingHz,
    kickDecayS: d.kickDecayS,
  };
}

/** The names of the disturbance settings for `unit`. */
export function disturbanceKeys(unit: 'Hz' | 'M'): string[] {
  return [`drift${unit}PerS`, `randomWalk${unit}PerRtS`, 'kickRateHz', 'kicksAtS', `kick${unit}`, 'kickShape', 'kickRingHz', 'kickDecayS'];
}
