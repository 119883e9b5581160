import { type IqModuleSettings, type IqOutputSignal, type PidOutputDirect, type ResolvedIqModuleSettings } from '@labrx/core';
import { acBandwidthOf, acBandwidthWord, decodeFixed, encodeFilterWord, encodeFixed, fieldOf, filterCutoffsHz, filterStages, IQ_INPUT_FILTER, pyrplIqModuleLimits, toSigned, type FixedPointField } from '@labrx/pyrpl';
import { LOOP_SIGNALS, loopSignalIndex } from './dspSignals.js';
import type { IqBlock, IqRegisters } from './IqBlock.js';

const DIRECTS: Readonly<Record<PidOutputDirect, number>> = { off: 0, out1: 1, out2: 2, both: 3 };
const DIRECT_NAMES = ['off', 'out1', 'out2', 'both'] as const;
const OUTPUT_SIGNALS: Readonly<Record<IqOutputSignal, 0 | 1 | 2>> = { quadrature: 0, output_direct: 1, off: 2 };
const OUTPUT_SIGNAL_NAMES = ['quadrature', 'output_direct', 'off'] as const;
/** Signals an IQ module of the simulator can demodulate. */
export const SIM_IQ_INPUTS: readonly string[] = Object.freeze([...LOOP_SIGNALS, 'off']);
/** The simulator's IQ module limits: PyRPL's FPGA's (`pyrplIqModuleLimits`), with the signals the simulator computes. */
export const SIM_IQ_MODULE_LIMITS = pyrplIqModuleLimits(SIM_IQ_INPUTS);
/** Quadrature filter: 2 stages (4 on iq2), 5 shift bits, 10 Hz minimum (red_pitaya_dsp.v:418; registerMap.ts). */
const filterOf = (index: number) => ({ stages: index === 2 ? 4 : 2, shiftBits: 5, minBwHz: 10 });
const FPGA_HZ = 125e6;

const quadratureField = fieldOf('iq0', 'quadrature_factor') as FixedPointField;
const amplitudeField = fieldOf('iq0', 'amplitude') as FixedPointField;

/** The names and raw words behind one IQ module's registers (for read-back). */
export interface IqNames {
  input: string;
  bandwidthWord: number;
  /** The input filter's word (acbandwidth). */
  acWord: number;
  frequencyStep: number;
  phaseWord: number;
}

/** Power-on configuration of an IQ module: nothing demodulated, no output. */
export function iqResetRegisters(): IqRegisters {
  return { input: -1, frequencyHz: 0, phaseDeg: 0, stages: [], inputStages: [], gain: 0, amplitudeV: 0, outputDirect: 0, outputSignal: 0 };
}

/**
 * The registers settings `s` (validated by the caller against `IQ_MODULE_SETTINGS` with
 * `SIM_IQ_MODULE_LIMITS`) lead to for IQ module `index`, quantised as the FPGA holds them (PyRPL's iq.py): frequency
 * a 32-bit phase step of 125 MHz / 2^32, phase 32 bits of a turn, the quadrature filter's cutoffs
 * rounded to the FPGA's powers of two (the input filter, acbandwidth, too), gain = g3/2 with g3 (quadrature_factor) an 18-bit integer, amplitude 18 bits
 * (2^17 = 1 V). Nothing changes on the module (the caller writes the result).
 */
export function resolveIqConfig(index: number, s: IqModuleSettings, block: IqBlock, names: IqNames): { regs: IqRegisters; names: IqNames } {
  const filter = filterOf(index);
  const { frequencyHz, phaseDeg, gain, amplitudeV, bandwidthHz: bw } = s;
  const r = block.regs;
  const n: IqNames = { ...names };
  if (s.input !== undefined) n.input = s.input;
  if (frequencyHz !== undefined) n.frequencyStep = Math.min(2 ** 32 - 1, Math.round((frequencyHz * 2 ** 32) / FPGA_HZ));
  if (phaseDeg !== undefined) n.phaseWord = ((Math.round((phaseDeg / 360) * 2 ** 32) % 2 ** 32) + 2 ** 32) % 2 ** 32;
  if (bw !== undefined) n.bandwidthWord = encodeFilterWord(bw, filter.stages, filter.shiftBits, filter.minBwHz);
  if (s.acBandwidthHz !== undefined) n.acWord = acBandwidthWord(s.acBandwidthHz);
  const regs: IqRegisters = {
    input: loopSignalIndex(n.input)!,
    frequencyHz: (n.frequencyStep * FPGA_HZ) / 2 ** 32,
    phaseDeg: (n.phaseWord * 360) / 2 ** 32,
    stages: bw !== undefined ? filterStages(n.bandwidthWord, filter.stages, filter.shiftBits, filter.minBwHz) : r.stages,
    inputStages: s.acBandwidthHz !== undefined ? filterStages(n.acWord, IQ_INPUT_FILTER.stages, IQ_INPUT_FILTER.shiftBits, IQ_INPUT_FILTER.minBwHz) : r.inputStages,
    gain: gain !== undefined ? toSigned(encodeFixed(quadratureField, Math.round(2 * gain)), quadratureField.bits) / 2 : r.gain,
    amplitudeV: amplitudeV !== undefined ? decodeFixed(amplitudeField, encodeFixed(amplitudeField, amplitudeV)) : r.amplitudeV,
    outputDirect: s.outputDirect !== undefined ? DIRECTS[s.outputDirect] : r.outputDirect,
    outputSignal: s.outputSignal !== undefined ? OUTPUT_SIGNALS[s.outputSignal] : r.outputSignal,
  };
  return { regs, names: n };
}

/** The settings an IQ module holds, as read back. */
export function readIqConfig(index: number, regs: IqRegisters, names: IqNames): ResolvedIqModuleSettings {
  const filter = filterOf(index);
  return Object.freeze({
    input: names.input,
    frequencyHz: regs.frequencyHz,
    phaseDeg: regs.phaseDeg,
    bandwidthHz: Object.freeze(filterCutoffsHz(names.bandwidthWord, filter.stages, filter.shiftBits, filter.minBwHz)),
    acBandwidthHz: acBandwidthOf(names.acWord),
    gain: regs.gain,
    amplitudeV: regs.amplitudeV,
    outputDirect: DIRECT_NAMES[regs.outputDirect]!,
    outputSignal: OUTPUT_SIGNAL_NAMES[regs.outputSignal],
  });
}
