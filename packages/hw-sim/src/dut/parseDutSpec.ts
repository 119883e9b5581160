import { SettingsError } from '@labrx/core';
import { chain } from './chain.js';
import { delay } from './delay.js';
import type { Dut } from './Dut.js';
import { isPlantSpec } from '../plant/PlantSpec.js';
import { parsePlantSpec, PLANT_ALLOWED } from '../plant/parsePlantSpec.js';
import type { Plant } from '../plant/Plant.js';
import { plantFromSpec } from '../plant/plantFromSpec.js';
import { lowpass } from './lowpass.js';
import { resonator } from './resonator.js';
import { wire } from './wire.js';

/** What a linear DUT text may say (for messages and help). */
export const LINEAR_DUT_ALLOWED = "wire, resonator:f0=<Hz>,q=<Q>[,gain=<g>], lowpass:cutoff=<Hz>[,order=<n>], delay:seconds=<s>, joined by '+'";

/** What a DUT text may say (for messages and help): linear DUTs, or one plant alone. */
export const DUT_ALLOWED = `${LINEAR_DUT_ALLOWED}; or one plant alone: ${PLANT_ALLOWED}`;

function parseDutPart(spec: string, whole: string): Dut {
  const [kind, params = ''] = spec.split(':', 2) as [string, string?];
  const p: Record<string, number> = {};
  for (const kv of params.split(',').filter(Boolean)) {
    const [k, v] = kv.split('=', 2);
    const x = Number(v);
    if (!k || v === undefined || !Number.isFinite(x)) throw new SettingsError('sim', 'dut', whole, DUT_ALLOWED);
    p[k.trim()] = x;
  }
  const only = (...names: string[]) => {
    for (const k of Object.keys(p)) if (!names.includes(k)) throw new SettingsError('sim', 'dut', whole, `${kind} takes ${names.join(', ')}`);
  };
  const need = (k: string): number => {
    if (p[k] === undefined) throw new SettingsError('sim', 'dut', whole, `${kind} needs ${k}=<value>`);
    return p[k];
  };
  if (isPlantSpec({ kind: kind.trim() })) {
    throw new SettingsError('sim', 'dut', whole, `${kind.trim()} is a plant, not a linear DUT: it cannot be chained, and it is parsed by parseDutOrPlantSpec; linear DUTs: ${LINEAR_DUT_ALLOWED}`);
  }
  switch (kind.trim()) {
    case 'wire':
      only();
      return wire();
    case 'resonator':
      only('f0', 'q', 'gain');
      return resonator({ f0: need('f0'), q: need('q'), ...(p.gain !== undefined ? { gain: p.gain } : {}) });
    case 'lowpass':
      only('cutoff', 'order');
      return lowpass({ cutoff: need('cutoff'), ...(p.order !== undefined ? { order: p.order } : {}) });
    case 'delay':
      only('seconds');
      return delay({ seconds: need('seconds') });
    default:
      throw new SettingsError('sim', 'dut', whole, DUT_ALLOWED);
  }
}

/**
 * Parses a DUT written as text, as the command lines take it (`--dut`): `resonator:f0=1e6,q=20`,
 * `lowpass:cutoff=1e5,order=2`, `delay:seconds=1e-6`, `wire`; parts joined by `+` are chained.
 * Throws `SettingsError` naming 'dut' and what is allowed (or the DUT's own bad parameter).
 */
export function parseDutSpec(spec: string): Dut {
  const parts = spec.split('+').map((s) => s.trim());
  if (parts.some((s) => s === '')) throw new SettingsError('sim', 'dut', spec, DUT_ALLOWED);
  const duts = parts.map((s) => parseDutPart(s, spec));
  return duts.length === 1 ? duts[0]! : chain(...duts);
}

/**
 * Parses a DUT or a plant written as text (`--dut`): a plant alone
 * (`fabry-perot:finesse=3000,fsr=1.5e9`, `michelson:visibility=0.9`, see `parsePlantSpec`), or
 * linear DUTs as `parseDutSpec` takes them. The result carries its description in `spec`.
 *
 * @throws SettingsError naming 'dut' and what is allowed, or the plant's own bad setting
 */
export function parseDutOrPlantSpec(spec: string): Dut | Plant {
  const plant = parsePlantSpec(spec.trim());
  return plant ? plantFromSpec(plant) : parseDutSpec(spec);
}
