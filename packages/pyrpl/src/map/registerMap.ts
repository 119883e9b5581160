import type { Field, FixedPointField, IntField, SelectField } from './fieldCodec.js';

/**
 * PyRPL's FPGA register map (lneuhaus/pyrpl v0.9.6.0), declared once as data: each module's base
 * address, and each register's offset, bit field, fixed-point scaling, signedness, access, and the
 * read-only constants PyRPL reads (and divides by). The driver and the simulated server both use
 * this table; nothing else spells an address. Sources are cited per module.
 */

/** Who may touch a register. */
export type RegisterAccess = 'rw' | 'ro' | 'wo';

/** One 32-bit register (or a block of `words` consecutive ones). */
export interface RegisterDecl {
  /** Name as PyRPL calls it (attribute name where there is one). */
  readonly name: string;
  /** Byte offset from the module's base address. */
  readonly offset: number;
  readonly access: RegisterAccess;
  /** How the word holds a value (absent: the whole word, raw). */
  readonly field?: Field;
  /** Read-only constant the FPGA always answers (a synthesis parameter). */
  readonly constant?: number;
  /** Consecutive words (buffers): 16384 for scope channels and generator tables. */
  readonly words?: number;
  /** Power-on value (FPGA reset), when not 0. */
  readonly reset?: number;
  readonly doc: string;
}

/** One module of the map. */
export interface ModuleDecl {
  readonly name: string;
  /** Absolute byte address of offset 0. */
  readonly base: number;
  /** Where PyRPL declares it (source file and line). */
  readonly source: string;
  readonly registers: readonly RegisterDecl[];
}

/** Fixed point: physical = integer / norm. */
function fixed(bits: number, norm: number, signed: boolean, unit: string, shift = 0): FixedPointField {
  return { kind: 'fixed', bits, norm, signed, unit, shift };
}
function int(bits: number, shift = 0): IntField {
  return { kind: 'int', bits, shift };
}
function select(options: Record<string, number>, bits: number, shift = 0): SelectField {
  return { kind: 'select', options, bits, shift };
}
function reg(name: string, offset: number, access: RegisterAccess, doc: string, extra: Partial<RegisterDecl> = {}): RegisterDecl {
  return { name, offset, access, doc, ...extra };
}
function constant(name: string, offset: number, value: number, doc: string): RegisterDecl {
  return { name, offset, access: 'ro', constant: value, doc };
}

/** FPGA clock: 125 MHz. */
export const FPGA_CLOCK_HZ = 125e6;
/** Scope and generator buffers: 2^14 words. */
export const BUFFER_WORDS = 16384;
/** A 14-bit signal in volts: two's complement, 2^13 = 1 V (scope.py:298, asg.py:222). */
export const VOLTS_14 = fixed(14, 2 ** 13, true, 'V');

/** The FPGA's address space: 8 slots of 1 MiB from 0x40000000 (red_pitaya_top.v:240, sys_addr[22:20]). */
export const FPGA_ADDRESS_FIRST = 0x40000000;
/** One past the last FPGA address. */
export const FPGA_ADDRESS_END = 0x40800000;

/**
 * The DSP multiplexer's signal numbers (pyrpl/hardware_modules/dsp.py:8-26): each module's
 * `input` selects one of these; module n's registers live at 0x40300000 + n·0x10000.
 */
export const DSP_SIGNALS = Object.freeze({
  pid0: 0,
  pid1: 1,
  pid2: 2,
  trig: 3,
  iir: 4,
  iq0: 5,
  iq1: 6,
  iq2: 7,
  asg0: 8,
  asg1: 9,
  in1: 10,
  in2: 11,
  out1: 12,
  out2: 13,
  iq2_2: 14,
  off: 15,
} as const);
/** A DSP signal name. */
export type DspSignal = keyof typeof DSP_SIGNALS;
/** Where a module's signal goes besides the multiplexer (dsp.py:128-130): outputs sum at the DACs. */
export const OUTPUT_DIRECTS = Object.freeze({ off: 0, out1: 1, out2: 2, both: 3 } as const);
/** An `output_direct` choice. */
export type OutputDirect = keyof typeof OUTPUT_DIRECTS;

/** Base address of DSP module `name` (dsp.py:133-136). */
export function dspBase(name: DspSignal): number {
  return 0x40300000 + DSP_SIGNALS[name] * 0x10000;
}

/** Registers every DSP module has (dsp.py:212-245, red_pitaya_dsp.v:279-299). */
function dspCommon(): RegisterDecl[] {
  return [
    reg('input', 0x0, 'rw', 'input signal (DSP_SIGNALS)', { field: select(DSP_SIGNALS, 4) }),
    reg('output_direct', 0x4, 'rw', 'summed into out1 (bit 0) and/or out2 (bit 1)', { field: select(OUTPUT_DIRECTS, 2) }),
    reg('saturated', 0x8, 'ro', 'bit 0: out1 saturated, bit 1: out2 saturated'),
    reg('sync', 0xc, 'rw', 'one global register: bit n runs DSP module n (an IQ oscillator runs only while its bit is 1)', { field: int(8), reset: 0xff }),
    reg('signal', 0x10, 'ro', "the module's output signal now (what the sampler reads)", { field: fixed(14, 2 ** 13 - 1, true, 'V') }),
  ];
}

/** Input filter registers of a FilterModule (hardware_modules/filter.py; FilterRegister in attributes.py:749-885). */
function inputFilter(stages: number, shiftBits: number, minBwHz: number): RegisterDecl[] {
  return [
    reg('inputfilter', 0x120, 'rw', 'input filter stages, one byte each: bit 7 on, bit 6 high-pass, bits 0-4 shift'),
    constant('FILTERSTAGES', 0x220, stages, 'input filter stages'),
    constant('FILTERSHIFTBITS', 0x224, shiftBits, 'bits of each stage shift'),
    constant('FILTERMINBW', 0x228, minBwHz, 'minimum filter bandwidth, Hz (PyRPL divides 125 MHz by it)'),
  ];
}

/** The PID modules: pid.py:251-300, red_pitaya_pid_block.v:65-78 (parameters) and 135-166 (registers). */
function pidModule(index: 0 | 1 | 2): ModuleDecl {
  const name = `pid${index}` as const;
  return {
    name,
    base: dspBase(name),
    source: 'pyrpl/hardware_modules/pid.py:251-300; pyrpl/fpga/rtl/red_pitaya_pid_block.v:65-166',
    registers: [
      ...dspCommon(),
      reg('ival', 0x100, 'rw', 'integrator memory (16-bit signed, 2^13 = 1 V); writing sets it', { field: fixed(16, 2 ** 13, true, 'V') }),
      reg('setpoint', 0x104, 'rw', 'setpoint', { field: VOLTS_14 }),
      reg('p', 0x108, 'rw', 'proportional gain (2^PSR = 1)', { field: fixed(24, 2 ** 12, true, '1') }),
      reg('i', 0x10c, 'rw', 'integral unity-gain frequency, Hz (norm 2^ISR·2π·8 ns)', { field: fixed(24, 2 ** 32 * 2 * Math.PI * 8e-9, true, 'Hz') }),
      reg('d', 0x110, 'rw', 'derivative gain (disabled in this FPGA build: DERIVATIVE = 0)', { field: fixed(24, 2 ** 10, true, '1') }),
      ...inputFilter(4, 5, 10),
      reg('min_voltage', 0x124, 'rw', 'lower output limit (reset −1 V, pid_block.v:130)', { field: VOLTS_14, reset: 0x2000 }),
      reg('max_voltage', 0x128, 'rw', 'upper output limit (reset 8191/8192 V, pid_block.v:131)', { field: VOLTS_14, reset: 0x1fff }),
      reg('pause_gains', 0x12c, 'rw', 'bits 0-2: gains frozen while paused (i, p, d); bit 3: differential mode', {
        field: select({ off: 0, i: 1, p: 2, pi: 3, d: 4, id: 5, pd: 6, pid: 7 }, 3),
      }),
      constant('PSR', 0x200, 12, 'binary point of p'),
      constant('ISR', 0x204, 32, 'binary point of i'),
      constant('DSR', 0x208, 10, 'binary point of d'),
      constant('GAINBITS', 0x20c, 24, 'gain width'),
    ],
  };
}

/**
 * An IQ module's input filter (PyRPL's `inputfilter`, read as `acbandwidth = −inputfilter`): one stage,
 * 5 shift bits, 50 Hz minimum bandwidth (red_pitaya_iq_block.v:35-37).
 */
export const IQ_INPUT_FILTER = Object.freeze({ stages: 1, shiftBits: 5, minBwHz: 50 });

/** The IQ modules: iq.py:269-417, red_pitaya_iq_block.v:33-177 (iq2 has 4 quadrature filter stages, red_pitaya_dsp.v:418). */
function iqModule(index: 0 | 1 | 2): ModuleDecl {
  const name = `iq${index}` as const;
  return {
    name,
    base: dspBase(name),
    source: 'pyrpl/hardware_modules/iq.py:269-417; pyrpl/fpga/rtl/red_pitaya_iq_block.v:33-177',
    registers: [
      ...dspCommon(),
      reg('flags', 0x100, 'rw', 'bit 0 on (read-only: mirrors the sync bit), bit 1 pfd_on, bits 2-5 modulation/demodulation at 2f'),
      reg('phase', 0x104, 'rw', 'demodulation phase shift, degrees (PyRPL writes −phase: PhaseRegister invert)', { field: fixed(32, 2 ** 32 / 360, false, 'deg') }),
      reg('frequency', 0x108, 'rw', 'oscillator phase step, f = step·125 MHz/2^32; writing it restarts the NA average', {
        field: fixed(32, 2 ** 32 / FPGA_CLOCK_HZ, false, 'Hz'),
      }),
      reg('output_signal', 0x10c, 'rw', 'signal sent back to the multiplexer', { field: select({ quadrature: 0, output_direct: 1, pfd: 2, off: 3, quadrature_hf: 4 }, 4) }),
      reg('g1', 0x110, 'rw', 'gain 1 (2^8 = 1)', { field: fixed(18, 2 ** 8, true, '1') }),
      reg('amplitude', 0x114, 'rw', 'modulation amplitude (2^17 = 1 V); the modulation output is amplitude·sin', { field: fixed(18, 2 ** 17, true, 'V') }),
      reg('quadrature_factor', 0x118, 'rw', 'gain 3', { field: fixed(18, 1, true, '1') }),
      reg('g4', 0x11c, 'rw', 'gain 4 (2^8 = 1)', { field: fixed(18, 2 ** 8, true, '1') }),
      ...inputFilter(IQ_INPUT_FILTER.stages, IQ_INPUT_FILTER.shiftBits, IQ_INPUT_FILTER.minBwHz),
      reg('bandwidth', 0x124, 'rw', 'quadrature filter stages (FilterRegister)'),
      reg('na_averages', 0x130, 'rw', 'cycles summed per NA point', { field: int(32) }),
      reg('na_sleepcycles', 0x134, 'rw', 'cycles waited before summing', { field: int(32) }),
      reg('na_sum_i_lo', 0x140, 'ro', 'I sum bits 0-30; bit 31 = still averaging'),
      reg('na_sum_i_hi', 0x144, 'ro', 'I sum bits 31-61; bit 31 = still averaging'),
      reg('na_sum_q_lo', 0x148, 'ro', 'Q sum bits 0-30; bit 31 = still averaging'),
      reg('na_sum_q_hi', 0x14c, 'ro', 'Q sum bits 31-61; bit 31 = still averaging'),
      reg('pfd_integral', 0x150, 'ro', 'phase-frequency detector integral'),
      constant('LUTSZ', 0x200, 11, 'log2 of the sine table length'),
      constant('LUTBITS', 0x204, 17, 'sine table word'),
      constant('PHASEBITS', 0x208, 32, 'phase accumulator'),
      constant('GAINBITS', 0x20c, 18, 'gain width'),
      constant('SIGNALBITS', 0x210, 14, 'signal width'),
      constant('LPFBITS', 0x214, 24, 'quadrature width (the NA sums scale as 2^(LPFBITS−2) per volt)'),
      constant('SHIFTBITS', 0x218, 8, 'binary point of the gains'),
      constant('QUADRATUREFILTERSTAGES', 0x230, index === 2 ? 4 : 2, 'quadrature filter stages'),
      constant('QUADRATUREFILTERSHIFTBITS', 0x234, 5, 'bits of each stage shift'),
      constant('QUADRATUREFILTERMINBW', 0x238, 10, 'minimum quadrature bandwidth, Hz'),
    ],
  };
}

/** The generators (asg.py:119-260, red_pitaya_asg.v); asg1's values sit 0x20 higher and its control bits 16 higher. */
function asgModule(index: 0 | 1): ModuleDecl {
  const v = index * 0x20;
  const b = index * 16;
  return {
    name: `asg${index}`,
    base: 0x40200000,
    source: 'pyrpl/hardware_modules/asg.py:119-260 (make_asg); output_direct at dsp.py slot asg0/asg1 +0x4',
    registers: [
      reg('trigger_source', 0x0, 'rw', 'control word: bits 0-2 trigger, 4 wrap pointer, 5 once, 6 sm_reset, 7 off (inverted on), 12 random phase', {
        field: select({ off: 0, immediately: 1, ext_positive_edge: 2, ext_negative_edge: 3, ext_raw: 4, high: 5 }, 3, b),
      }),
      reg('amplitude', 0x4 + v, 'rw', 'amplitude, bits 0-13 unsigned (2^13 = 1 V)', { field: fixed(14, 2 ** 13, false, 'V') }),
      reg('offset', 0x4 + v, 'rw', 'offset, bits 16-29 signed (2^13 = 1 V)', { field: fixed(14, 2 ** 13, true, 'V', 16) }),
      reg('counter_wrap', 0x8 + v, 'rw', 'phase counter wrap; PyRPL writes 2^30 − 1', { field: int(32), reset: 2 ** 30 - 1 }),
      reg('start_phase', 0xc + v, 'rw', 'counter start (phase) on trigger, degrees', { field: fixed(30, 2 ** 30 / 360, false, 'deg') }),
      reg('frequency', 0x10 + v, 'rw', 'counter step, f = step·125 MHz/2^30', { field: fixed(30, 2 ** 30 / FPGA_CLOCK_HZ, false, 'Hz') }),
      reg('cycles_per_burst', 0x18 + v, 'rw', 'table wraps per burst (0 = continuous; red_pitaya_asg_ch.v:179-199, asg.py:240)', { field: int(32) }),
      reg('bursts', 0x1c + v, 'rw', 'repetitions after the first burst (0 = one burst; red_pitaya_asg_ch.v:168-174, asg.py:244)', { field: int(16) }),
      reg('delay_between_bursts', 0x20 + v, 'rw', "µs from a burst's end to the next start, ≥ 1 with repetitions (red_pitaya_asg_ch.v:156-166, 209; asg.py:248)", { field: int(32) }),
      reg('data', 0x10000 * (index + 1), 'rw', 'waveform table: 16384 14-bit signed words (2^13 = 1); output = offset + amplitude·table[counter ≫ 16]', {
        field: fixed(14, 2 ** 13, true, '1'),
        words: BUFFER_WORDS,
      }),
    ],
  };
}

/** Bits of the generators' shared control word (asg.py:171-256), for asg `index`. */
export function asgControlBits(index: 0 | 1): { readonly trigger: number; readonly wrapPointer: number; readonly once: number; readonly smReset: number; readonly off: number; readonly randomPhase: number } {
  const b = index * 16;
  return { trigger: b, wrapPointer: 4 + b, once: 5 + b, smReset: 6 + b, off: 7 + b, randomPhase: 12 + b };
}

/** Scope trigger sources (scope.py:265-277). */
export const SCOPE_TRIGGER_SOURCES = Object.freeze({
  off: 0,
  immediately: 1,
  ch1_positive_edge: 2,
  ch1_negative_edge: 3,
  ch2_positive_edge: 4,
  ch2_negative_edge: 5,
  ext_positive_edge: 6,
  ext_negative_edge: 7,
  asg0: 8,
  asg1: 9,
  dsp: 10,
} as const);

/** Scope control word bits (scope.py:257-373; red_pitaya_scope.v:616-617, 852-856). */
export const SCOPE_CONTROL = Object.freeze({ armed: 0, reset: 1, delayRunning: 2, keepWriting: 3 } as const);

const SCOPE: ModuleDecl = {
  name: 'scope',
  base: 0x40100000,
  source: 'pyrpl/hardware_modules/scope.py:245-445; pyrpl/fpga/rtl/red_pitaya_scope.v:800-918',
  registers: [
    reg('control', 0x0, 'rw', 'write: bit 0 arm, bit 1 reset; read: bit 0 writing (armed), bit 2 post-trigger delay running, bit 3 keep writing'),
    reg('trigger_source', 0x4, 'rw', 'trigger source; writing 1 triggers at once; reads 0 once triggered and done', { field: select(SCOPE_TRIGGER_SOURCES, 4) }),
    reg('threshold', 0x8, 'rw', 'trigger threshold (both channels)', { field: VOLTS_14 }),
    reg('trigger_delay', 0x10, 'rw', 'samples written after the trigger', { field: int(32) }),
    reg('decimation', 0x14, 'rw', 'decimation factor', { field: int(17), reset: 1 }),
    reg('write_pointer_current', 0x18, 'ro', 'write pointer now', { field: int(14) }),
    reg('write_pointer_trigger', 0x1c, 'ro', 'write pointer at the trigger (last pre-trigger sample)', { field: int(14) }),
    reg('hysteresis', 0x20, 'rw', 'trigger hysteresis', { field: VOLTS_14 }),
    reg('average', 0x28, 'rw', 'boxcar average within each decimation step (bit 0)', { field: int(1), reset: 1 }),
    reg('adc_we_cnt', 0x2c, 'ro', 'samples written since arming'),
    reg('trigger_debounce', 0x90, 'rw', 'trigger debounce, cycles', { field: int(20) }),
    reg('voltage_in1', 0x154, 'ro', 'in1 now', { field: VOLTS_14 }),
    reg('voltage_in2', 0x158, 'ro', 'in2 now', { field: VOLTS_14 }),
    reg('current_timestamp_lo', 0x15c, 'ro', 'cycle counter bits 0-31'),
    reg('current_timestamp_hi', 0x160, 'ro', 'cycle counter bits 32-63'),
    reg('trigger_timestamp_lo', 0x164, 'ro', 'cycle counter at the trigger, bits 0-31'),
    reg('trigger_timestamp_hi', 0x168, 'ro', 'cycle counter at the trigger, bits 32-63'),
    reg('pretrig_ok', 0x16c, 'ro', 'enough pre-trigger samples written for a trigger to be accepted (bit 0)'),
    reg('ch1', 0x10000, 'ro', 'channel 1 buffer: 16384 words, 14-bit two’s complement', { field: VOLTS_14, words: BUFFER_WORDS }),
    reg('ch2', 0x20000, 'ro', 'channel 2 buffer', { field: VOLTS_14, words: BUFFER_WORDS }),
  ],
};

const TRIG: ModuleDecl = {
  name: 'trig',
  base: dspBase('trig'),
  source: 'pyrpl/hardware_modules/trig.py:31-69; pyrpl/fpga/rtl/red_pitaya_trigger_block.v:35-123',
  registers: [
    ...dspCommon(),
    reg('armed', 0x100, 'rw', 'armed (bit 0)', { field: int(1) }),
    reg('auto_rearm', 0x104, 'rw', 'bit 0 auto re-arm, bit 1 absolute phase'),
    reg('trigger_source', 0x108, 'rw', 'edge', { field: select({ off: 0, pos_edge: 1, neg_edge: 2, both_edge: 3 }, 2) }),
    reg('output_signal', 0x10c, 'rw', 'module output', { field: select({ TTL: 0, asg0_phase: 1 }, 4) }),
    reg('phase_offset', 0x110, 'rw', 'phase offset, degrees', { field: fixed(14, 2 ** 14 / 360, false, 'deg') }),
    reg('threshold', 0x118, 'rw', 'threshold', { field: VOLTS_14 }),
    reg('hysteresis', 0x11c, 'rw', 'hysteresis', { field: VOLTS_14 }),
    ...inputFilter(1, 5, 1),
    reg('current_timestamp_lo', 0x15c, 'ro', 'cycle counter bits 0-31'),
    reg('current_timestamp_hi', 0x160, 'ro', 'cycle counter bits 32-63'),
    reg('trigger_timestamp_lo', 0x164, 'ro', 'cycle counter at the trigger, bits 0-31'),
    reg('trigger_timestamp_hi', 0x168, 'ro', 'cycle counter at the trigger, bits 32-63'),
  ],
};

const IIR: ModuleDecl = {
  name: 'iir',
  base: dspBase('iir'),
  source: 'pyrpl/hardware_modules/iir/iir.py; pyrpl/fpga/rtl/red_pitaya_iir_block.v:66-136 (registers only: labrx does not compute coefficients yet)',
  registers: [
    ...dspCommon(),
    reg('loops', 0x100, 'rw', 'biquads in use', { field: int(10) }),
    reg('on', 0x104, 'rw', 'bit 0 on, bit 1 shortcut'),
    reg('overflow', 0x108, 'ro', 'overflow flags'),
    ...inputFilter(1, 3, 1000),
    constant('IIRBITS', 0x200, 32, 'coefficient width'),
    constant('IIRSHIFT', 0x204, 29, 'coefficient binary point'),
    constant('IIRSTAGES', 0x208, 14, 'biquads'),
    reg('coefficients', 0x8000, 'rw', 'biquad coefficients (IIRSTAGES × 8 words)', { words: 14 * 8 }),
  ],
};

/** The multiplexer slots of asg0/asg1 double as the scope's inputs (scope.py:245-255) and the generators' output_direct (asg.py:163). */
function dspSlot(name: 'asg0' | 'asg1' | 'in1' | 'in2' | 'out1' | 'out2' | 'iq2_2' | 'off'): ModuleDecl {
  return { name: `dsp.${name}`, base: dspBase(name), source: 'pyrpl/hardware_modules/dsp.py:8-26, 212-245', registers: dspCommon() };
}

const HK: ModuleDecl = {
  name: 'hk',
  base: 0x40000000,
  source: 'pyrpl/hardware_modules/hk.py:15-44; pyrpl/fpga/rtl/red_pitaya_hk.v:124-157',
  registers: [
    reg('id', 0x0, 'ro', "device ID: 1, release 1 (red_pitaya_hk.v:107-110; PyRPL's options 0 prototype0, 1 release1)", { constant: 1 }),
    reg('dna_lo', 0x4, 'ro', 'device DNA bits 0-31'),
    reg('dna_hi', 0x8, 'ro', 'device DNA bits 32-56'),
    reg('digital_loop', 0xc, 'rw', 'digital loop-back (bit 0)', { field: int(1) }),
    reg('expansion_p_dir', 0x10, 'rw', 'DIO_P directions (1 = output)', { field: int(8) }),
    reg('expansion_n_dir', 0x14, 'rw', 'DIO_N directions (1 = output)', { field: int(8) }),
    reg('expansion_p_out', 0x18, 'rw', 'DIO_P outputs', { field: int(8) }),
    reg('expansion_n_out', 0x1c, 'rw', 'DIO_N outputs', { field: int(8) }),
    reg('expansion_p_in', 0x20, 'ro', 'DIO_P inputs', { field: int(8) }),
    reg('expansion_n_in', 0x24, 'ro', 'DIO_N inputs', { field: int(8) }),
    reg('led', 0x30, 'rw', 'LEDs, one bit each', { field: int(8) }),
  ],
};

const AMS: ModuleDecl = {
  name: 'ams',
  base: 0x40400000,
  source: 'pyrpl/hardware_modules/ams.py:5-17 (PWMRegister, attributes.py:1065-1100)',
  registers: [0, 1, 2, 3].map((i) => reg(`dac${i}`, 0x20 + 4 * i, 'rw', `slow analog output ${i} (PWM word: bits 16-23 level, bits 0-15 dithering)`)),
};

/** Every module of the map. */
export const PYRPL_MODULES: readonly ModuleDecl[] = Object.freeze([
  HK,
  SCOPE,
  asgModule(0),
  asgModule(1),
  pidModule(0),
  pidModule(1),
  pidModule(2),
  TRIG,
  IIR,
  iqModule(0),
  iqModule(1),
  iqModule(2),
  dspSlot('asg0'),
  dspSlot('asg1'),
  dspSlot('in1'),
  dspSlot('in2'),
  dspSlot('out1'),
  dspSlot('out2'),
  dspSlot('iq2_2'),
  dspSlot('off'),
  AMS,
]);

/**
 * The sampler (sampler.py:84-90): no module of its own, it reads each DSP signal's `signal`
 * register (+0x10), 14-bit signed, divided by 2^13 − 1.
 */
export function samplerAddress(signal: DspSignal): number {
  return dspBase(signal) + 0x10;
}

/** Module `name` of the map. @throws RangeError for an unknown name */
export function moduleDecl(name: string): ModuleDecl {
  const m = PYRPL_MODULES.find((x) => x.name === name);
  if (!m) throw new RangeError(`no module ${name} in the PyRPL register map`);
  return m;
}

/** Register `register` of module `module`, with its absolute address. @throws RangeError when absent */
export function registerDecl(module: string, register: string): RegisterDecl & { readonly address: number } {
  const m = moduleDecl(module);
  const r = m.registers.find((x) => x.name === register);
  if (!r) throw new RangeError(`no register ${module}.${register} in the PyRPL register map`);
  return { ...r, address: m.base + r.offset };
}

/** Absolute address of `module.register`. */
export function addressOf(module: string, register: string): number {
  return registerDecl(module, register).address;
}

/** The field of `module.register`. @throws RangeError when it has none */
export function fieldOf(module: string, register: string): Field {
  const r = registerDecl(module, register);
  if (!r.field) throw new RangeError(`${module}.${register} has no declared field`);
  return r.field;
}
