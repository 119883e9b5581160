import { SettingsError } from '@labrx/core';
import { chain } from './chain.js';
import { delay } from './delay.js';
import type { Dut, DutSpec } from './Dut.js';
import { lowpass } from './lowpass.js';
import { resonator } from './resonator.js';
import { wire } from './wire.js';

const KINDS = "{ kind: 'wire' | 'resonator' | 'lowpass' | 'delay' | 'chain', … }";

/**
 * Builds the `Dut` a description stands for, validating it as the helpers do (`SettingsError`
 * naming the field, e.g. 'resonator.q', for a bad value; 'sim.dut' for an unknown kind).
 */
export function dutFromSpec(spec: DutSpec, path = 'sim.dut'): Dut {
  if (spec === null || typeof spec !== 'object') throw new SettingsError('connectSync', path, spec, `a DUT description ${KINDS}`);
  switch (spec.kind) {
    case 'wire':
      return wire();
    case 'resonator':
      return resonator({ f0: spec.f0, q: spec.q, ...(spec.gain !== undefined ? { gain: spec.gain } : {}) });
    case 'lowpass':
      return lowpass({ cutoff: spec.cutoff, ...(spec.order !== undefined ? { order: spec.order } : {}) });
    case 'delay':
      return delay({ seconds: spec.seconds });
    case 'chain':
      if (!Array.isArray(spec.parts)) throw new SettingsError('connectSync', `${path}.parts`, spec.parts, 'an array of DUT descriptions');
      return chain(...spec.parts.map((p, i) => dutFromSpec(p, `${path}.parts[${i}]`)));
    default:
      throw new SettingsError('connectSync', `${path}.kind`, (spec as { kind?: unknown }).kind, "'wire', 'resonator', 'lowpass', 'delay' or 'chain'");
  }
}

/**
 * The description to send for a `dut` option: a `DutSpec` as is; a `Dut` object only if it carries
 * its own description in a `spec` field. A `Dut` without one (functions only) cannot cross threads:
 * `SettingsError` says what to pass instead.
 */
export function toDutSpec(dut: unknown): DutSpec {
  if (dut !== null && typeof dut === 'object' && typeof (dut as Dut).response === 'function') {
    const spec = (dut as { spec?: unknown }).spec;
    if (spec !== undefined) return spec as DutSpec;
    throw new SettingsError(
      'connectSync',
      'sim.dut',
      (dut as Dut).name,
      `a DUT description such as { kind: 'resonator', f0: 1e6, q: 20, gain: 0.5 } (a Dut object holds functions, which cannot cross to the engine thread)`,
    );
  }
  dutFromSpec(dut as DutSpec); // validate here, so a bad description fails in the caller's thread
  return dut as DutSpec;
}
