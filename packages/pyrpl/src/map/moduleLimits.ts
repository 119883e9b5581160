import type { IqModuleLimits, PidLimits } from '@labrx/core';
import { fixedPointRange, type FixedPointField } from './fieldCodec.js';
import { IQ_AC_BANDWIDTH_MAX_HZ } from './iqInputFilter.js';
import { DSP_SIGNALS, FPGA_CLOCK_HZ, fieldOf } from './registerMap.js';

const range = (module: string, register: string): readonly [number, number] => Object.freeze(fixedPointRange(fieldOf(module, register) as FixedPointField));

/**
 * The PID modules' limits of PyRPL's FPGA (red_pitaya_pid_block.v, pid.py:187-300), from the register
 * map's field declarations: three PIDs; setpoint and output limits 14 bits (2^13 = 1 V), p 24 bits
 * (2^12 = 1), i 24 bits (2^32·2π·8 ns per Hz), ival 16 bits (2^13 = 1 V); a 4-stage input filter.
 * `inputs`: the signals the board computes (the register driver: every DSP signal; the simulator: the
 * ones its loop computes), the only part that differs between the two.
 */
export function pyrplPidLimits(inputs: readonly string[] = Object.keys(DSP_SIGNALS)): PidLimits {
  return Object.freeze({
    count: 3,
    inputs: Object.freeze([...inputs]),
    setpointV: range('pid0', 'setpoint'),
    p: range('pid0', 'p'),
    iHz: range('pid0', 'i'),
    ivalV: range('pid0', 'ival'),
    outputV: range('pid0', 'min_voltage'),
    inputFilterStages: 4,
  });
}

/**
 * The IQ modules' limits as continuous demodulators on PyRPL's FPGA (iq.py:260-417): frequency up to
 * half the 125 MHz clock, gain = g3/2 with g3 (PyRPL's `quadrature_factor`, what scales the quadrature
 * outputs: red_pitaya_iq_modulator_block.v) an 18-bit integer, so steps of 0.5; amplitude 18 bits (2^17 = 1 V),
 * phase any number of degrees within ±10^6 (it wraps), quadrature filters of 2, 2 and 4 stages, an
 * input filter (acbandwidth) up to the corner of its per-cycle coefficient 1/2 (9.65 MHz; 1 would pass
 * nothing through a high-pass).
 */
export function pyrplIqModuleLimits(inputs: readonly string[] = Object.keys(DSP_SIGNALS)): IqModuleLimits {
  const [gLo, gHi] = fixedPointRange(fieldOf('iq0', 'quadrature_factor') as FixedPointField);
  return Object.freeze({
    count: 3,
    inputs: Object.freeze([...inputs]),
    frequencyHz: Object.freeze([0, FPGA_CLOCK_HZ / 2] as const),
    phaseDeg: Object.freeze([-1e6, 1e6] as const),
    gain: Object.freeze([gLo / 2, gHi / 2] as const),
    amplitudeV: range('iq0', 'amplitude'),
    filterStages: Object.freeze([2, 2, 4]),
    acBandwidthHz: Object.freeze([-IQ_AC_BANDWIDTH_MAX_HZ, IQ_AC_BANDWIDTH_MAX_HZ] as const),
  });
}
