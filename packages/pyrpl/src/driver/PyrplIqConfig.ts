import { Observable, defer, forkJoin, map, switchMap } from 'rxjs';
import { SettingsError, type IqModuleSettings, type IqOutputSignal, type PidOutputDirect, type ResolvedIqModuleSettings } from '@labrx/core';
import { decodeFixed, encodeFixed, toSigned, type FixedPointField } from '../map/fieldCodec.js';
import { encodeFilterWord } from '../map/filterWord.js';
import { DSP_SIGNALS, FPGA_CLOCK_HZ, dspBase, fieldOf, type DspSignal } from '../map/registerMap.js';
import { acBandwidthOf, acBandwidthWord } from '../map/iqInputFilter.js';
import { filterCutoffsHz } from '../server/filterResponse.js';
import type { RegisterPort } from './PyrplPids.js';

const SIGNALS = Object.keys(DSP_SIGNALS) as DspSignal[];
const DIRECTS: Readonly<Record<PidOutputDirect, number>> = { off: 0, out1: 1, out2: 2, both: 3 };
const DIRECT_NAMES = ['off', 'out1', 'out2', 'both'] as const;
const OUTPUT_SIGNALS: Readonly<Record<IqOutputSignal, number>> = { quadrature: 0, output_direct: 1, off: 3 };
const remodulationField = fieldOf('iq0', 'g1') as FixedPointField;
const ampField = fieldOf('iq0', 'amplitude') as FixedPointField;
const quadratureField = fieldOf('iq0', 'quadrature_factor') as FixedPointField;

/**
 * An IQ module of PyRPL's FPGA configured as a continuous demodulator (iq.py:260-417), for
 * `IqDriver.configure`: input (0x0), output_direct (+0x4), phase (+0x104, written negated as PyRPL's
 * PhaseRegister does), frequency (+0x108, 125 MHz/2^32 steps), output_signal (+0x10C), gain as
 * quadrature_factor g3 = round(2·gain) (+0x118: what scales the quadrature outputs on the FPGA,
 * red_pitaya_iq_modulator_block.v; an integer, so gain has steps of 0.5) with g1 = g4 = 0 (+0x110,
 * +0x11C: PyRPL's `gain`, which re-modulates the filtered quadratures onto output_direct — an IQ filter
 * labrx does not offer, so output_direct carries the oscillator alone, as PyRPL's NA and PDH set it up),
 * amplitude (+0x114, 2^17 = 1 V), the input filter (+0x120, acbandwidth = −inputfilter, iq.py:218-234), the quadrature
 * filter (+0x124, 2 stages, 4 on iq2); the module's sync bit is set so its oscillator runs. The
 * settings arrive validated (`IQ_MODULE_SETTINGS`, ranges from `pyrplIqModuleLimits`); then read back.
 */
export function configurePyrplIq(port: RegisterPort, index: number, s: IqModuleSettings): Observable<ResolvedIqModuleSettings> {
  return defer(() => {
    const m = moduleName(index);
    const base = dspBase(m);
    const stages = index === 2 ? 4 : 2;
    const writes: Array<readonly [number, number]> = [];
    if (s.input !== undefined) writes.push([base, DSP_SIGNALS[s.input as DspSignal]]);
    if (s.outputDirect !== undefined) writes.push([base + 0x4, DIRECTS[s.outputDirect]]);
    if (s.outputSignal !== undefined) writes.push([base + 0x10c, OUTPUT_SIGNALS[s.outputSignal]]);
    const f = s.frequencyHz;
    if (f !== undefined) writes.push([base + 0x108, Math.min(2 ** 32 - 1, Math.round((f * 2 ** 32) / FPGA_CLOCK_HZ))]);
    const ph = s.phaseDeg;
    if (ph !== undefined) writes.push([base + 0x104, ((Math.round((-ph / 360) * 2 ** 32) % 2 ** 32) + 2 ** 32) % 2 ** 32]);
    if (s.gain !== undefined) {
      const off = encodeFixed(remodulationField, 0);
      // g3 (quadrature_factor, an integer) scales the quadrature outputs iq<n> and iq2_2 on the FPGA,
      // which give g3·x·sin θ low-passed = g3·(A/2)·cos φ: 2·gain is labrx's gain·A·cos φ
      writes.push([base + 0x110, off], [base + 0x11c, off], [base + 0x118, encodeFixed(quadratureField, Math.round(2 * s.gain))]);
    }
    if (s.amplitudeV !== undefined) writes.push([base + 0x114, encodeFixed(ampField, s.amplitudeV)]);
    if (s.bandwidthHz !== undefined) writes.push([base + 0x124, encodeFilterWord(s.bandwidthHz, stages, 5, 10)]);
    if (s.acBandwidthHz !== undefined) writes.push([base + 0x120, acBandwidthWord(s.acBandwidthHz)]);
    const sync = base + 0xc;
    const bit = 1 << DSP_SIGNALS[m];
    const done$ = writes.length ? forkJoin(writes.map(([a, w]) => port.write$(a, [w]))) : defer(() => [[]]);
    return done$.pipe(
      switchMap(() => port.read$(sync, 1)),
      switchMap((w) => ((w[0]! & bit) !== 0 ? defer(() => [[]]) : port.write$(sync, [(w[0]! | bit) & 0xff]))),
      switchMap(() => readPyrplIq(port, index)),
    );
  });
}

/** Reads IQ module `index`'s continuous configuration back (`IqDriver.get`). */
export function readPyrplIq(port: RegisterPort, index: number): Observable<ResolvedIqModuleSettings> {
  return defer(() => {
    const base = dspBase(moduleName(index));
    const stages = index === 2 ? 4 : 2;
    return forkJoin([port.read$(base, 2), port.read$(base + 0x104, 7), port.read$(base + 0x120, 2)]).pipe(
      map(([routing, regs, [inputFilter, filter]]): ResolvedIqModuleSettings => {
        const phaseWord = regs[0]!;
        let phaseDeg = -(phaseWord * 360) / 2 ** 32;
        if (phaseDeg <= -180) phaseDeg += 360;
        const sig = regs[2]! & 0xf;
        return Object.freeze({
          input: SIGNALS.find((k) => DSP_SIGNALS[k] === (routing[0]! & 0xf)) ?? 'off',
          outputDirect: DIRECT_NAMES[routing[1]! & 3]!,
          phaseDeg,
          frequencyHz: (regs[1]! * FPGA_CLOCK_HZ) / 2 ** 32,
          outputSignal: sig === 0 || sig === 4 ? 'quadrature' : sig === 1 ? 'output_direct' : 'off',
          gain: toSigned(regs[5]! & 0x3ffff, 18) / 2,
          amplitudeV: decodeFixed(ampField, regs[4]! & 0x3ffff),
          bandwidthHz: Object.freeze(filterCutoffsHz(filter!, stages, 5, 10)),
          acBandwidthHz: acBandwidthOf(inputFilter!),
        });
      }),
    );
  });
}

function moduleName(index: number): DspSignal {
  if (!(index === 0 || index === 1 || index === 2)) throw new SettingsError('iq', 'index', index, 'an integer from 0 to 2');
  return `iq${index}`;
}
