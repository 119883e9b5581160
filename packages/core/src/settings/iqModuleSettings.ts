import { SettingsError } from '../errors/SettingsError.js';
import type { BoardInfo, IqModuleLimits, ValueRange } from './boardInfo.js';
import { defineSettings, setting, type ResolvedSettingsOf, type UserSettingsOf } from './declareSettings.js';
import { PID_OUTPUT_DIRECTS, type PidOutputDirect } from './pidSettings.js';
import { numberIn, numberList, oneOf, unavailable, type Rule } from './rules.js';

/** What an IQ module sends back to the DSP bus (PyRPL's `output_signal`). */
export const IQ_OUTPUT_SIGNALS = ['quadrature', 'output_direct', 'off'] as const;
/** What an IQ module sends back to the DSP bus. */
export type IqOutputSignal = (typeof IQ_OUTPUT_SIGNALS)[number];

const NO_IQ = 'this board cannot configure IQ modules';
const FILTER = 'cutoffs in Hz (positive low-pass, negative high-pass, 0 off)';
const iqRange =
  (pick: (l: IqModuleLimits) => ValueRange, unit = '') =>
  (info: BoardInfo): Rule<number> => {
    if (!info.iqModule) return unavailable(NO_IQ, 'number');
    const [lo, hi] = pick(info.iqModule);
    return numberIn(lo, hi, unit);
  };

/** Quadrature filter stages of module `instrument` ('iq2'), or the most any module has. */
function stagesOf(limits: IqModuleLimits, instrument: string): number {
  const m = /^iq(\d+)$/.exec(instrument);
  const n = m ? limits.filterStages[Number(m[1])] : undefined;
  return n ?? Math.max(0, ...limits.filterStages);
}

/**
 * An IQ module's continuous configuration (iq0 … iq2 as a demodulator on the DSP bus; PyRPL's iq.py),
 * declared once; the ranges come from the board's `info.iqModule`, so a board without (plain SCPI)
 * accepts none. A module keeps what is not given (`checkChange`). Not to be confused with
 * `IQ_SETTINGS`, one lock-in measurement's request.
 */
export const IQ_MODULE_SETTINGS = defineSettings(
  'iq',
  {
    /** The signal demodulated: 'in1', 'in2', another module ('pid0', 'asg0', …) or 'off'. */
    input: setting({ rule: (info) => (info.iqModule ? oneOf(info.iqModule.inputs) : unavailable<string>(NO_IQ, 'choice')), default: 'off', doc: 'signal demodulated' }),
    /** Oscillator (modulation and demodulation) frequency, Hz. */
    frequencyHz: setting({ rule: iqRange((l) => l.frequencyHz, 'Hz'), default: 0, unit: 'Hz', doc: 'oscillator (modulation and demodulation) frequency' }),
    /** Demodulation phase relative to the modulation, degrees (PyRPL's `phase`). */
    phaseDeg: setting({ rule: iqRange((l) => l.phaseDeg, 'deg'), default: 0, unit: 'deg', doc: 'demodulation phase relative to the modulation' }),
    /**
     * Quadrature low-pass filter cutoffs, Hz (PyRPL's `bandwidth` list: positive low-pass, negative
     * high-pass, 0 off; as many stages as the module has: 2, 4 on iq2).
     */
    bandwidthHz: setting({
      rule: (info) => (info.iqModule ? numberList(stagesOf(info.iqModule, ''), FILTER) : unavailable<readonly number[]>(NO_IQ, 'number-list')),
      default: Object.freeze([]),
      unit: 'Hz',
      doc: 'quadrature filter cutoffs (positive low-pass, negative high-pass, 0 off)',
    }),
    /**
     * Corner of the input's first-order filter before the mixer, Hz (PyRPL's `acbandwidth`): positive a
     * high-pass that removes offsets and slow drifts, negative a low-pass, 0 off. The FPGA holds powers of
     * two of its per-cycle coefficient: the read-back is the corner in force.
     */
    acBandwidthHz: setting({ rule: iqRange((l) => l.acBandwidthHz, 'Hz'), default: 0, unit: 'Hz', doc: 'input high-pass corner before the mixer (negative: a low-pass; 0 off)' }),
    /**
     * Gain from the demodulated quadrature to the module's output signal (dimensionless): outputs
     * gain·I. On PyRPL's FPGA this is quadrature_factor/2 (an integer register: steps of 0.5), not
     * PyRPL's `gain`, which re-modulates the quadratures onto output_direct (an IQ filter labrx leaves off).
     */
    gain: setting({ rule: iqRange((l) => l.gain), default: 0, doc: 'gain from the quadrature to the output signal (steps of 0.5 on the FPGA)' }),
    /** Amplitude of the oscillator on `outputDirect`, V (PyRPL's `amplitude`): amplitude·sin(2πft). */
    amplitudeV: setting({ rule: iqRange((l) => l.amplitudeV, 'V'), default: 0, unit: 'V', doc: 'oscillator amplitude on outputDirect' }),
    /** Where the oscillator is summed into the DACs. */
    outputDirect: setting({ rule: (info) => (info.iqModule ? oneOf(PID_OUTPUT_DIRECTS) : unavailable<PidOutputDirect>(NO_IQ, 'choice')), default: 'off', doc: 'DAC output the oscillator is summed into' }),
    /** What goes back to the DSP bus: 'quadrature' (gain · I), 'output_direct' (the oscillator) or 'off'. */
    outputSignal: setting({ rule: (info) => (info.iqModule ? oneOf(IQ_OUTPUT_SIGNALS) : unavailable<IqOutputSignal>(NO_IQ, 'choice')), default: 'quadrature', doc: 'what the module sends to the DSP bus' }),
  },
  (r, given, { info, instrument }) => {
    const stages = info.iqModule ? stagesOf(info.iqModule, instrument) : 0;
    if (given.bandwidthHz !== undefined && r.bandwidthHz.length > stages) throw new SettingsError(instrument, 'bandwidthHz', r.bandwidthHz, `a list of up to ${stages} ${FILTER}`);
    return r;
  },
);

/** A continuous IQ module configuration as a user gives it (all optional; what is not given stays). */
export type IqModuleSettings = UserSettingsOf<typeof IQ_MODULE_SETTINGS.table>;

/** An IQ module's continuous configuration as the hardware holds it (values after quantisation). */
export type ResolvedIqModuleSettings = ResolvedSettingsOf<typeof IQ_MODULE_SETTINGS.table>;

/**
 * Validates a change to IQ module `module` ('iq0') and returns only the settings given, checked;
 * throws `SettingsError` naming the module, setting, value and what is allowed (nothing may be written then).
 */
export function checkIqModuleChange(settings: IqModuleSettings | undefined, info: BoardInfo, module: string): IqModuleSettings {
  return IQ_MODULE_SETTINGS.checkChange(settings, info, IQ_MODULE_SETTINGS.defaults, module);
}
