/** Input gain (jumper) settings of a Red Pitaya input: LV ±1 V or HV ±20 V full scale. */
export const INPUT_GAINS = ['lv', 'hv'] as const;
/** An input gain setting. */
export type InputGain = (typeof INPUT_GAINS)[number];

/** A closed range of values [lowest, highest], in the unit its name says. */
export type ValueRange = readonly [number, number];

/**
 * What a board's PID modules hold, from the FPGA's register widths (PyRPL's red_pitaya_pid_block.v:
 * setpoint and limits 14 bits with 2^13 = 1 V, p 24 bits with 2^12 = 1, i 24 bits of 2^32·2π·8 ns per
 * Hz, ival 16 bits with 2^13 = 1 V). The PID declaration (`PID_SETTINGS`) builds its ranges from these.
 */
export interface PidLimits {
  /** Number of PID modules (pid0 … pid<count−1>). */
  readonly count: number;
  /** Signals a PID can read ('in1', 'in2', other modules, 'off'), as this board's driver computes them. */
  readonly inputs: readonly string[];
  /** Setpoint, V. */
  readonly setpointV: ValueRange;
  /** Proportional gain (dimensionless). */
  readonly p: ValueRange;
  /** Integrator unity-gain frequency, Hz. */
  readonly iHz: ValueRange;
  /** Integrator state, V. */
  readonly ivalV: ValueRange;
  /** Output limits (minVoltage, maxVoltage), V. */
  readonly outputV: ValueRange;
  /** Stages of the input filter. */
  readonly inputFilterStages: number;
}

/**
 * What a board's IQ modules hold when configured as continuous demodulators (PyRPL's iq.py):
 * the `IQ_MODULE_SETTINGS` declaration builds its ranges from these.
 */
export interface IqModuleLimits {
  /** Number of IQ modules (iq0 … iq<count−1>). */
  readonly count: number;
  /** Signals an IQ module can demodulate, as this board's driver computes them. */
  readonly inputs: readonly string[];
  /** Oscillator frequency, Hz. */
  readonly frequencyHz: ValueRange;
  /** Demodulation phase, degrees. */
  readonly phaseDeg: ValueRange;
  /** Gain from the quadrature to the output signal (dimensionless). */
  readonly gain: ValueRange;
  /** Oscillator amplitude, V. */
  readonly amplitudeV: ValueRange;
  /** Quadrature filter stages of each module, by index (PyRPL: 2, 2, 4). */
  readonly filterStages: readonly number[];
  /**
   * Input filter corner, Hz (PyRPL's `acbandwidth`): [−max, max], positive a high-pass (AC coupling),
   * negative a low-pass, 0 off.
   */
  readonly acBandwidthHz: ValueRange;
}

/** Fixed facts about a board model (units in the names). */
export interface BoardInfo {
  /** Model name, e.g. 'STEMlab 125-14 (simulated)'. */
  readonly model: string;
  /** ADC/DAC base sample rate in samples per second (125e6 on a 125-14). */
  readonly sampleRateHz: number;
  /** Scope buffer length per channel in samples (16384). */
  readonly bufferSize: number;
  /** Largest scope decimation, a power of 2 (65536). */
  readonly maxDecimation: number;
  /** ADC resolution in bits (14). */
  readonly adcBits: number;
  /** Input full scale in volts at the LV gain, and the outputs' full scale: samples lie in [-fullScaleV, fullScaleV) (1 V). */
  readonly fullScaleV: number;
  /** Input full scale in volts at each gain setting (LV 1 V, HV 20 V). */
  readonly inputFullScaleV: Readonly<Record<InputGain, number>>;
  /** Number of signal generators. */
  readonly asgCount: number;
  /** Number of IQ demodulator modules (0 when the driver has none, e.g. plain SCPI). */
  readonly iqCount: number;
  /**
   * Samples per channel a deep-memory capture of both inputs can hold (the DDR region shared by the
   * two channels, 2 bytes per sample), absent when the board has no deep memory: then a trace is at
   * most `bufferSize` samples.
   */
  readonly deepMemorySamples?: number;
  /** The PID modules' limits, absent when the board's driver has no PIDs (plain SCPI). */
  readonly pid?: PidLimits;
  /** The IQ modules' limits as continuous demodulators, absent when the driver cannot configure them (plain SCPI). */
  readonly iqModule?: IqModuleLimits;
}

/** The Red Pitaya STEMlab 125-14 (docs/architecture.md). */
export const RED_PITAYA_125_14: BoardInfo = Object.freeze({
  model: 'STEMlab 125-14',
  sampleRateHz: 125e6,
  bufferSize: 16384,
  maxDecimation: 65536,
  adcBits: 14,
  fullScaleV: 1,
  inputFullScaleV: Object.freeze({ lv: 1, hv: 20 }),
  asgCount: 2,
  iqCount: 3,
});

/** Volts per ADC count at `gain`: 2·full scale / 2^bits (1.2207e-4 V on a 125-14 at LV, 2.4414e-3 V at HV). */
export function lsbVolts(info: BoardInfo, gain: InputGain = 'lv'): number {
  return (2 * info.inputFullScaleV[gain]) / 2 ** info.adcBits;
}

/** The longest scope trace in seconds: bufferSize · maxDecimation / sampleRate (8.59 s on a 125-14). */
export function longestTraceS(info: BoardInfo): number {
  return (info.bufferSize * info.maxDecimation) / info.sampleRateHz;
}

/** The longest scope trace in samples per channel: the deep-memory limit, or one buffer on a board without deep memory. */
export function maxTraceSamples(info: BoardInfo): number {
  return Math.max(info.bufferSize, info.deepMemorySamples ?? 0);
}
