import type { AsgTrigger, TriggerSource, Waveform } from '@labrx/core';

/**
 * How a value travels in an SCPI command and reply.
 */
export interface ScpiCodec<T> {
  /** Text for a setter. */
  format(value: T): string;
  /** Value from a query's reply. */
  parse(reply: string): T;
}

/**
 * One setting of the protocol, pymeasure-style (`Instrument.control`): its header pattern, doc and
 * codec, read by both ends — the client formats and parses values with the codec, the server
 * registers the setter `header` and the query `header?` from the same entry (server/*Commands.ts).
 */
export interface ScpiControl<T> {
  /**
   * Header pattern in the server's notation: upper-case letters are the short form, `#` the channel
   * suffix (`ACQ:SOUR#:GAIN`), `[...]` an optional part. The client sends it with `#` filled in.
   */
  readonly header: string;
  /** False for a setting that has no query (`RP:RET_ON_ERROR`). */
  readonly query: boolean;
  /** Control …, with units and range. */
  readonly doc: string;
  readonly codec: ScpiCodec<T>;
}

function control<T>(header: string, doc: string, codec: ScpiCodec<T>, query = true): ScpiControl<T> {
  return Object.freeze({ header, query, doc, codec });
}

/** Integers as `%d`. */
export const intCodec: ScpiCodec<number> = {
  format: (v) => String(Math.round(v)),
  parse: (r) => Number.parseInt(r, 10),
};
/** Numbers with JavaScript's shortest round-trip text (the server reads exponents). */
export const numberCodec: ScpiCodec<number> = {
  format: (v) => String(v),
  parse: (r) => Number.parseFloat(r),
};
/** ON/OFF booleans. */
export const onOffCodec: ScpiCodec<boolean> = {
  format: (v) => (v ? 'ON' : 'OFF'),
  parse: (r) => r.trim().toUpperCase() === 'ON' || r.trim() === '1',
};
/** A mnemonic from a fixed list. */
export function choiceCodec<const T extends string>(choices: readonly T[]): ScpiCodec<T> & { readonly choices: readonly T[] } {
  return {
    choices,
    format: (v) => v,
    parse: (r) => {
      const u = r.trim().toUpperCase();
      const hit = choices.find((c) => c === u);
      if (hit === undefined) throw new Error(`unexpected reply ${JSON.stringify(r)} (one of ${choices.join(', ')})`);
      return hit;
    },
  };
}

/** Mnemonics of `ACQ:TRig` (the CH3 and CH4 ones on a 4-input board only). */
export const ACQ_TRIGGER_SOURCES = ['DISABLED', 'NOW', 'CH1_PE', 'CH1_NE', 'CH2_PE', 'CH2_NE', 'CH3_PE', 'CH3_NE', 'CH4_PE', 'CH4_NE', 'EXT_PE', 'EXT_NE', 'AWG_PE', 'AWG_NE'] as const;
/** An `ACQ:TRig` source name. */
export type AcqTriggerSource = (typeof ACQ_TRIGGER_SOURCES)[number];
/** Input gains (jumper calibration) of `ACQ:SOUR<n>:GAIN`: LV ±1 V, HV ±20 V. */
export const ACQ_GAINS = ['LV', 'HV'] as const;
/** An input gain. */
export type AcqGain = (typeof ACQ_GAINS)[number];
/** `ACQ:DATA:UNITS`. */
export const DATA_UNITS = ['VOLTS', 'RAW'] as const;
/** `ACQ:DATA:FORMAT`. */
export const DATA_FORMATS = ['ASCII', 'BIN'] as const;
/** `ACQ:DATA:BYTE:ORDER`. */
export const BYTE_ORDERS = ['BEND', 'LEND'] as const;
/** `SOUR<n>:FUNC` waveform names. */
export const GEN_FUNCTIONS = ['SINE', 'SQUARE', 'TRIANGLE', 'SAWU', 'SAWD', 'PWM', 'ARBITRARY', 'DC', 'DC_NEG'] as const;
/** A generator waveform name. */
export type GenFunction = (typeof GEN_FUNCTIONS)[number];
/** `SOUR<n>:TRig:SOUR` names. */
export const GEN_TRIGGER_SOURCES = ['INT', 'EXT_PE', 'EXT_NE', 'GATED'] as const;
/** A generator trigger source. */
export type GenTriggerSource = (typeof GEN_TRIGGER_SOURCES)[number];
/** `SOUR<n>:BURS:STAT` names. */
export const GEN_BURST_MODES = ['CONTINUOUS', 'BURST', 'STREAM'] as const;
/** A generator mode. */
export type GenBurstMode = (typeof GEN_BURST_MODES)[number];

/** The text to send for a header pattern: `#` → the channel number (1 when none is given), optional `[...]` parts dropped. */
export function headerText(pattern: string, ch?: number): string {
  return pattern.replace(/\[[^\]]*\]/g, '').replace('#', String(ch ?? 1));
}

/** A command line: the header (channel filled in) and, when given, its parameter text. */
export function fill(pattern: string, value?: string, ch?: number): string {
  const h = headerText(pattern, ch);
  return value === undefined ? h : `${h} ${value}`;
}

/** Builds a setter line for a control. */
export function setLine<T>(c: ScpiControl<T>, value: T, ch?: number): string {
  return fill(c.header, c.codec.format(value), ch);
}

/** Builds a query line for a control. */
export function queryLine<T>(c: ScpiControl<T>, ch?: number): string {
  return `${headerText(c.header, ch)}?`;
}

/** `ACQ:TRig` sources the driver uses, by labrx trigger name. 'asg1' has none: the FPGA's AWG trigger is generator 1's. */
export const TRIGGER_SOURCE_NAMES: Readonly<Partial<Record<TriggerSource, AcqTriggerSource>>> = Object.freeze({
  immediate: 'NOW',
  'ch1-rising': 'CH1_PE',
  'ch1-falling': 'CH1_NE',
  'ch2-rising': 'CH2_PE',
  'ch2-falling': 'CH2_NE',
  'ext-rising': 'EXT_PE',
  'ext-falling': 'EXT_NE',
  asg0: 'AWG_PE',
});

/** `SOUR<n>:TRig:SOUR` names by labrx generator trigger. 'off' has none: the Red Pitaya's INT source starts at `OUTPUT<n>:STATE ON`. */
export const GEN_TRIGGER_NAMES: Readonly<Partial<Record<AsgTrigger, GenTriggerSource>>> = Object.freeze({
  immediately: 'INT',
  'ext-rising': 'EXT_PE',
  'ext-falling': 'EXT_NE',
});

/** `SOUR<n>:FUNC` names by labrx waveform. 'noise' has none: the Red Pitaya generator plays no noise. */
export const WAVEFORM_NAMES: Readonly<Partial<Record<Waveform, GenFunction>>> = Object.freeze({
  sine: 'SINE',
  square: 'SQUARE',
  triangle: 'TRIANGLE',
  'ramp-up': 'SAWU',
  'ramp-down': 'SAWD',
  dc: 'DC',
  arbitrary: 'ARBITRARY',
});

/**
 * The Red Pitaya SCPI commands the driver uses, one declaration each (firmware 2.07). The server's
 * tests run every one of them against `labrx-sim`, so the two sides cannot drift apart.
 */
export const RP_SCPI = Object.freeze({
  decimation: control('ACQ:DEC', 'Control the decimation (power of 2 from 1 to 65536).', intCodec),
  averaging: control('ACQ:AVG', 'Control averaging within a decimation step (ON/OFF).', onOffCodec),
  triggerLevel: control('ACQ:TRig:LEV', 'Control the trigger level in V (±1 LV, ±20 HV; unit suffix allowed).', numberCodec),
  triggerHysteresis: control('ACQ:TRig:HYST', 'Control the trigger hysteresis in V.', numberCodec),
  triggerDelay: control('ACQ:TRig:DLY', 'Control the trigger delay in samples (0 = trigger mid-buffer; below −8192 clamps).', intCodec),
  gain: control('ACQ:SOUR#:GAIN', 'Control the input calibration (LV ±1 V, HV ±20 V).', choiceCodec(ACQ_GAINS)),
  dataFormat: control('ACQ:DATA:FORMAT', "Control this connection's data format, ASCII or BIN.", choiceCodec(DATA_FORMATS)),
  dataUnits: control('ACQ:DATA:UNITS', 'Control the data units, VOLTS or RAW (shared by all connections).', choiceCodec(DATA_UNITS)),
  byteOrder: control('ACQ:DATA:BYTE:ORDER', "Control this connection's binary byte order, BEND or LEND.", choiceCodec(BYTE_ORDERS)),
  genFunction: control('SOUR#:FUNC', 'Control the waveform (SINE, SQUARE, TRIANGLE, SAWU, SAWD, PWM, ARBITRARY, DC, DC_NEG).', choiceCodec(GEN_FUNCTIONS)),
  genFrequency: control('SOUR#:FREQ:FIX', 'Control the frequency in Hz (0 to 62.5e6; unit suffix allowed).', numberCodec),
  genAmplitude: control('SOUR#:VOLT', 'Control the peak amplitude in V (|amplitude| + |offset| ≤ 1 V).', numberCodec),
  genOffset: control('SOUR#:VOLT:OFFS', 'Control the offset in V.', numberCodec),
  genPhase: control('SOUR#:PHAS', 'Control the start phase in degrees (−360 to 360).', numberCodec),
  genOutput: control('OUTPUT#:STATE', 'Control output <n>, ON or OFF (generator <n> drives output <n>).', onOffCodec),
  genTriggerSource: control('SOUR#:TRig:SOUR', 'Control the trigger source (INT, EXT_PE, EXT_NE, GATED).', choiceCodec(GEN_TRIGGER_SOURCES)),
  genBurstMode: control('SOUR#:BURS:STAT', 'Control the mode (CONTINUOUS, BURST, STREAM).', choiceCodec(GEN_BURST_MODES)),
  genBurstCycles: control('SOUR#:BURS:NCYC', 'Control the cycles per burst (1 to 65535).', intCodec),
  genBurstCount: control('SOUR#:BURS:NOR', 'Control the number of bursts (1 to 65536; 65536 = infinite).', intCodec),
  genBurstPeriod: control('SOUR#:BURS:INT:PER', 'Control the burst period in µs (1 to 4e6).', numberCodec),
  genLastValue: control('SOUR#:BURS:LASTValue', 'Control the level after a burst in V.', numberCodec),
  genInitValue: control('SOUR#:INITValue', 'Control the level before the first trigger in V.', numberCodec),
  retOnError: control('RP:RET_ON_ERROR', 'Set whether failed queries reply with an empty line (firmware 2.07-43).', onOffCodec, false),
});

/** Queries and actions the driver uses (header patterns; `fill` puts in the channel and parameters). */
export const RP_COMMANDS = Object.freeze({
  idn: '*IDN?',
  clearStatus: '*CLS',
  boardName: 'SYST:BRD:Name?',
  errorCount: 'SYST:ERR:COUN?',
  nextError: 'SYST:ERR?',
  start: 'ACQ:START',
  stop: 'ACQ:STOP',
  /** Parameter: an `ACQ:TRig` source name. */
  trigger: 'ACQ:TRig',
  triggerStatus: 'ACQ:TRig:STAT?',
  triggerFill: 'ACQ:TRig:FILL?',
  /** Relative path: FILL? resolves to ACQ:TRig:FILL?, one round trip for both. */
  triggerState: 'ACQ:TRig:STAT?;FILL?',
  data: 'ACQ:SOUR#:DATA?',
  /** Parameter: comma-separated samples in V. */
  genArbitrary: 'SOUR#:TRAC:DATA:DATA',
  genTrigger: 'SOUR#:TRig:INT',
  /** Deep memory (firmware 2.00-18 and later): the DDR region's start address and size in bytes. */
  axiStart: 'ACQ:AXI:START?',
  axiSize: 'ACQ:AXI:SIZE?',
  /** Setting: VOLTS or RAW for deep-memory reads. */
  axiUnits: 'ACQ:AXI:DATA:Units',
  /** Setting: the decimation (the same FPGA register as ACQ:DEC:Factor). */
  axiDecimation: 'ACQ:AXI:DEC',
  /** Parameters: start address, size in bytes (a multiple of 16). */
  axiSetBuffer: 'ACQ:AXI:SOUR#:SET:Buffer',
  /** Setting: samples written after the trigger. */
  axiTriggerDelay: 'ACQ:AXI:SOUR#:Trig:Dly',
  /** Parameter: ON/OFF. */
  axiEnable: 'ACQ:AXI:SOUR#:ENable',
  axiFill: 'ACQ:AXI:SOUR#:Trig:Fill?',
  axiWritePosition: 'ACQ:AXI:SOUR#:Write:Pos?',
  axiTriggerPosition: 'ACQ:AXI:SOUR#:Trig:Pos?',
  /** Parameters: ring position, count. */
  axiData: 'ACQ:AXI:SOUR#:DATA:STArt:N?',
  /** Parameter: ON/OFF. Split triggering (firmware 2.05-37 and later): each input its own trigger. */
  splitTrigger: 'ACQ:SPLIT:TRig',
  /** Per-channel forms of split mode; `#` after `CH` is the input (1 or 2 on the simulated board). */
  startCh: 'ACQ:START:CH#',
  stopCh: 'ACQ:STOP:CH#',
  /** Parameter: an `ACQ:TRig` source name. */
  triggerCh: 'ACQ:TRig:CH#',
  triggerStatusCh: 'ACQ:TRig:STAT:CH#?',
  triggerFillCh: 'ACQ:TRig:FILL:CH#?',
  /** Setting: power-of-2 decimation of one input. */
  decimationCh: 'ACQ:DEC:CH#',
  /** Setting: trigger delay in samples of one input. */
  triggerDelayCh: 'ACQ:TRig:DLY:CH#',
  /** Setting: trigger level in V of one input. */
  triggerLevelCh: 'ACQ:TRig:LEV:CH#',
  writePointerCh: 'ACQ:WPOS:CH#?',
  triggerPointerCh: 'ACQ:TPOS:CH#?',
});

/** Joins commands into one line with absolute paths (`a;:b;:c`), so each is read from the root. */
export function chain(commands: readonly string[]): string {
  return commands.map((c, i) => (i === 0 || c.startsWith('*') ? c : `:${c}`)).join(';');
}
