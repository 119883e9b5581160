import type { TriggerSource, Waveform } from '@labrx/core';

/**
 * How a value travels in an SCPI command and reply.
 */
export interface ScpiCodec<T> {
  /** Text for a setter. */
  format(value: T): string;
  /** Value from a query's reply. */
  parse(reply: string): T;
}

/** A setting with a setter and a query, pymeasure-style (`control(get, set, doc)`). */
export interface ScpiControl<T> {
  /** Query, `{ch}` replaced by the channel number. */
  readonly get: string;
  /** Setter with `%s` where the value goes. */
  readonly set: string;
  /** Control …, with units and range. */
  readonly doc: string;
  readonly codec: ScpiCodec<T>;
}

function control<T>(get: string, set: string, doc: string, codec: ScpiCodec<T>): ScpiControl<T> {
  return Object.freeze({ get, set, doc, codec });
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
export function choiceCodec<const T extends string>(choices: readonly T[]): ScpiCodec<T> {
  return {
    format: (v) => v,
    parse: (r) => {
      const u = r.trim().toUpperCase();
      const hit = choices.find((c) => c === u);
      if (hit === undefined) throw new Error(`unexpected reply ${JSON.stringify(r)} (one of ${choices.join(', ')})`);
      return hit;
    },
  };
}

/** Fills `{ch}` and `%s` of a command template. */
export function fill(template: string, value?: string, ch?: number): string {
  let s = ch === undefined ? template : template.split('{ch}').join(String(ch));
  if (value !== undefined) s = s.replace('%s', value);
  return s;
}

/** Builds a setter line for a control. */
export function setLine<T>(c: ScpiControl<T>, value: T, ch?: number): string {
  return fill(c.set, c.codec.format(value), ch);
}

/** `ACQ:TRig` sources the driver uses, by labrx trigger name. 'asg1' has none: the FPGA's AWG trigger is generator 1's. */
export const TRIGGER_SOURCE_NAMES: Readonly<Partial<Record<TriggerSource, string>>> = Object.freeze({
  immediate: 'NOW',
  'ch1-rising': 'CH1_PE',
  'ch1-falling': 'CH1_NE',
  'ch2-rising': 'CH2_PE',
  'ch2-falling': 'CH2_NE',
  'ext-rising': 'EXT_PE',
  'ext-falling': 'EXT_NE',
  asg0: 'AWG_PE',
});

/** `SOUR<n>:FUNC` names by labrx waveform. 'noise' has none: the Red Pitaya generator plays no noise. */
export const WAVEFORM_NAMES: Readonly<Partial<Record<Waveform, string>>> = Object.freeze({
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
  decimation: control('ACQ:DEC?', 'ACQ:DEC %s', 'Control the decimation (power of 2 from 1 to 65536).', intCodec),
  averaging: control('ACQ:AVG?', 'ACQ:AVG %s', 'Control averaging within a decimation step (ON/OFF).', onOffCodec),
  triggerLevel: control('ACQ:TRig:LEV?', 'ACQ:TRig:LEV %s', 'Control the trigger level in V (±1).', numberCodec),
  triggerHysteresis: control('ACQ:TRig:HYST?', 'ACQ:TRig:HYST %s', 'Control the trigger hysteresis in V.', numberCodec),
  triggerDelay: control('ACQ:TRig:DLY?', 'ACQ:TRig:DLY %s', 'Control the trigger delay in samples (0 = trigger mid-buffer).', intCodec),
  gain: control('ACQ:SOUR{ch}:GAIN?', 'ACQ:SOUR{ch}:GAIN %s', 'Control input {ch} calibration (LV ±1 V, HV ±20 V).', choiceCodec(['LV', 'HV'] as const)),
  dataFormat: control('ACQ:DATA:FORMAT?', 'ACQ:DATA:FORMAT %s', 'Control the data format (ASCII or BIN).', choiceCodec(['ASCII', 'BIN'] as const)),
  dataUnits: control('ACQ:DATA:UNITS?', 'ACQ:DATA:UNITS %s', 'Control the data units (VOLTS or RAW).', choiceCodec(['VOLTS', 'RAW'] as const)),
  byteOrder: control('ACQ:DATA:BYTE:ORDER?', 'ACQ:DATA:BYTE:ORDER %s', 'Control the binary byte order (BEND or LEND).', choiceCodec(['BEND', 'LEND'] as const)),
  genFunction: control('SOUR{ch}:FUNC?', 'SOUR{ch}:FUNC %s', 'Control generator {ch} waveform.', choiceCodec(['SINE', 'SQUARE', 'TRIANGLE', 'SAWU', 'SAWD', 'PWM', 'ARBITRARY', 'DC', 'DC_NEG'] as const)),
  genFrequency: control('SOUR{ch}:FREQ:FIX?', 'SOUR{ch}:FREQ:FIX %s', 'Control generator {ch} frequency in Hz (0 to 62.5e6).', numberCodec),
  genAmplitude: control('SOUR{ch}:VOLT?', 'SOUR{ch}:VOLT %s', 'Control generator {ch} peak amplitude in V.', numberCodec),
  genOffset: control('SOUR{ch}:VOLT:OFFS?', 'SOUR{ch}:VOLT:OFFS %s', 'Control generator {ch} offset in V.', numberCodec),
  genPhase: control('SOUR{ch}:PHAS?', 'SOUR{ch}:PHAS %s', 'Control generator {ch} start phase in degrees.', numberCodec),
  genOutput: control('OUTPUT{ch}:STATE?', 'OUTPUT{ch}:STATE %s', 'Control output {ch} (ON/OFF).', onOffCodec),
  genTriggerSource: control('SOUR{ch}:TRig:SOUR?', 'SOUR{ch}:TRig:SOUR %s', 'Control generator {ch} trigger (INT, EXT_PE, EXT_NE, GATED).', choiceCodec(['INT', 'EXT_PE', 'EXT_NE', 'GATED'] as const)),
  genBurstMode: control('SOUR{ch}:BURS:STAT?', 'SOUR{ch}:BURS:STAT %s', 'Control generator {ch} mode (CONTINUOUS, BURST, STREAM).', choiceCodec(['CONTINUOUS', 'BURST', 'STREAM'] as const)),
  retOnError: control('', 'RP:RET_ON_ERROR %s', 'Set whether failed queries reply with an empty line (firmware 2.07-43).', onOffCodec),
});

/** Queries and actions the driver uses. */
export const RP_COMMANDS = Object.freeze({
  idn: '*IDN?',
  clearStatus: '*CLS',
  boardName: 'SYST:BRD:Name?',
  errorCount: 'SYST:ERR:COUN?',
  nextError: 'SYST:ERR?',
  start: 'ACQ:START',
  stop: 'ACQ:STOP',
  /** `%s`: an `ACQ:TRig` source name. */
  trigger: 'ACQ:TRig %s',
  /** Relative path: FILL? resolves to ACQ:TRig:FILL?, one round trip for both. */
  triggerState: 'ACQ:TRig:STAT?;FILL?',
  data: 'ACQ:SOUR{ch}:DATA?',
  genArbitrary: 'SOUR{ch}:TRAC:DATA:DATA %s',
  genTrigger: 'SOUR{ch}:TRig:INT',
});

/** Joins commands into one line with absolute paths (`a;:b;:c`), so each is read from the root. */
export function chain(commands: readonly string[]): string {
  return commands.map((c, i) => (i === 0 || c.startsWith('*') ? c : `:${c}`)).join(';');
}
