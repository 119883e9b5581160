import {
  bool,
  defineSettings,
  integerIn,
  numberAbove,
  numberIn,
  oneOf,
  SettingsError,
  setting,
  type BoardInfo,
  type ResolvedSettingsOf,
  type Rule,
  type UserSettingsOf,
} from '@labrx/core';
import { INPUT_MODELS } from './inputModels.js';
import { SWEEP_WAVEFORMS } from './sweepVoltage.js';

/** Signals of the DSP bus a lockbox input may read (PyRPL's names); the board's sampler must have it. */
export const LOCKBOX_SIGNALS = ['in1', 'in2', 'out1', 'out2', 'iq0', 'iq1', 'iq2', 'iq2_2', 'pid0', 'pid1', 'pid2', 'asg0', 'asg1', 'iir', 'trig'] as const;

/** The inputs a scope trace shows (the others are calibrated with the sampler). */
export const SCOPE_SIGNALS = ['in1', 'in2'] as const;

/** The PID modules an output may use. */
export const LOCKBOX_PIDS = ['pid0', 'pid1', 'pid2'] as const;

/** The DAC's largest output, V: full scale less one LSB ((2^13 − 1)/2^13 V on a 14-bit ±1 V DAC). */
function dacMaxV(info: BoardInfo): number {
  return info.fullScaleV * (1 - 2 ** (1 - info.adcBits));
}

/** A name of an input, output or stage: letters, digits, '_' and '-', 1 to 40 characters. */
function nameRule(allowEmpty: boolean): Rule<string> {
  const allowed = `a name of letters, digits, '_' or '-' (1 to 40 characters)${allowEmpty ? ", or '' for none" : ''}`;
  return {
    allowed,
    kind: 'choice',
    check(value, instrument, name) {
      if (typeof value === 'string' && ((allowEmpty && value === '') || /^[A-Za-z0-9_-]{1,40}$/.test(value))) return value;
      throw new SettingsError(instrument, name, value, allowed);
    },
  };
}

/**
 * A lockbox input: a signal on the DSP bus, what it looks like against the lock variable (its model,
 * see `INPUT_MODELS`), and how a sweep calibrates it. Declared once (docs/decisions/0009).
 */
export const LOCKBOX_INPUT_SETTINGS = defineSettings(
  'lockbox.input',
  {
  /** The DSP signal read ('in1', 'in2', 'iq0', 'pid1', …). */
  signal: setting({ rule: () => oneOf(LOCKBOX_SIGNALS), default: 'in1', doc: 'signal on the DSP bus' }),
  /** Its shape against the lock variable (see INPUT_MODELS). */
  model: setting({ rule: () => oneOf(INPUT_MODELS), default: 'linear', doc: "shape against the lock variable ('lorentzian': transmission, 'dip': reflection, 'dispersive': PDH, 'fringe')" }),
  /** Flips the sign of a 'dispersive' or 'fringe' model. */
  inverted: setting({ rule: () => bool(), default: false, doc: "the 'dispersive' or 'fringe' signal has the opposite sign" }),
  /**
   * For a signal the scope does not show (an IQ output): another input, on in1 or in2, whose sweep
   * trace locates the feature; this one is then calibrated with the sampler over a zoomed sweep.
   */
  locateWith: setting({ rule: () => nameRule(true), default: '', doc: 'input (on in1/in2) whose sweep locates the feature, for signals the scope does not show' }),
  /** Half span of the zoomed sweep that calibrates a sampler-read input, in setpoint units. */
  zoom: setting({ rule: () => numberAbove(0, '', 1e6), default: 3, doc: 'half span of the zoomed calibration sweep (setpoint units)' }),
  /** Sampler readings of a zoomed calibration. */
  samples: setting({ rule: () => integerIn(16, 100_000), default: 400, doc: 'sampler readings of a zoomed calibration' }),
  /**
   * For an IQ module's output (signal 'iq0'…'iq2'): its oscillator frequency. Non-zero makes the
   * lockbox configure the module while locked (a PDH error: modulate the EOM, demodulate the
   * reflection); 0 leaves the module as it is.
   */
  iqFrequencyHz: setting({ rule: (info) => numberIn(0, info.sampleRateHz / 2, 'Hz'), default: 0, unit: 'Hz', doc: 'IQ modulation/demodulation frequency (0: the IQ module is not configured)' }),
  /** The signal the IQ module demodulates. */
  iqInput: setting({ rule: () => oneOf(['in1', 'in2'] as const), default: 'in1', doc: 'signal the IQ module demodulates' }),
  /** Modulation amplitude on `iqOutput`, V. */
  iqAmplitudeV: setting({ rule: (info) => numberIn(0, Math.min(info.fullScaleV, info.iqModule?.amplitudeV[1] ?? Infinity), 'V'), default: 0, unit: 'V', doc: 'modulation amplitude' }),
  /** Where the modulation goes ('off': demodulate only). */
  iqOutput: setting({ rule: () => oneOf(['off', 'out1', 'out2'] as const), default: 'off', doc: 'DAC of the modulation' }),
  /** Demodulation phase, deg. */
  iqPhaseDeg: setting({ rule: () => numberIn(-360, 360, 'deg'), default: 0, unit: 'deg', doc: 'demodulation phase' }),
  /** Low-pass of the demodulated quadrature, Hz (well above the loop's unity-gain frequency). */
  iqBandwidthHz: setting({ rule: () => numberIn(10, 1e7, 'Hz'), default: 1e5, unit: 'Hz', doc: 'quadrature low-pass (two stages)' }),
  /** Gain from the demodulated quadrature (V) to the IQ module's output. */
  iqGain: setting({ rule: (info) => numberIn(...(info.iqModule?.gain ?? ([-64, 64] as const))), default: 1, doc: 'gain from the quadrature to the output (the IQ module\'s range; ±64 on a board without)' }),
  },
  (r, _given, { instrument }) => {
    if (r.iqFrequencyHz > 0 && !/^iq[0-2]$/.test(r.signal)) {
      throw new SettingsError(instrument, 'iqFrequencyHz', r.iqFrequencyHz, `0 unless the signal is an IQ module's output ('iq0', 'iq1', 'iq2'), not '${r.signal}'`);
    }
    return r;
  },
);

/**
 * A lockbox output: a PID driving a DAC, its limits, its sweep, and the loop it should make.
 * `actuatorGain` is how far the lock variable moves per volt on the DAC (setpoint units per V; for a
 * cavity in half linewidths: piezo Hz/V ÷ half linewidth Hz), PyRPL's `dc_gain`.
 */
export const LOCKBOX_OUTPUT_SETTINGS = defineSettings(
  'lockbox.output',
  {
    pid: setting({ rule: () => oneOf(LOCKBOX_PIDS), default: 'pid0', doc: 'PID module of this output' }),
    dac: setting({ rule: () => oneOf(['out1', 'out2'] as const), default: 'out1', doc: 'DAC the PID (and the sweep) drive' }),
    minVoltage: setting({ rule: (info) => numberIn(-info.fullScaleV, info.fullScaleV, 'V'), default: -1, unit: 'V', doc: 'lower output limit' }),
    maxVoltage: setting({ rule: (info) => numberIn(-info.fullScaleV, dacMaxV(info), 'V'), default: 1 - 2 ** -13, unit: 'V', doc: "upper output limit (at most the DAC's largest code)" }),
    sweepAmplitude: setting({ rule: (info) => numberIn(0, info.fullScaleV, 'V'), default: 0.5, unit: 'V', doc: 'sweep amplitude (peak)' }),
    sweepOffset: setting({ rule: (info) => numberIn(-info.fullScaleV, info.fullScaleV, 'V'), default: 0, unit: 'V', doc: 'sweep centre' }),
    sweepFrequencyHz: setting({ rule: () => numberAbove(0, 'Hz', 1e5), default: 50, unit: 'Hz', doc: 'sweep frequency' }),
    sweepWaveform: setting({ rule: () => oneOf(SWEEP_WAVEFORMS), default: 'triangle', doc: 'sweep waveform' }),
    unityGainHz: setting({ rule: () => numberAbove(0, 'Hz', 1e6), default: 100, unit: 'Hz', doc: "the loop's desired unity-gain frequency" }),
    proportionalGain: setting({ rule: () => numberIn(-1e6, 1e6), default: 0, doc: "the loop's proportional gain (dimensionless; 0: a pure integrator)" }),
    actuatorGain: setting({ rule: () => numberIn(-1e15, 1e15), default: 1, doc: 'lock variable per volt on the DAC (setpoint units / V), not 0' }),
  },
  (r, _given, { instrument }) => {
    if (r.minVoltage >= r.maxVoltage) throw new SettingsError(instrument, 'minVoltage', r.minVoltage, `below maxVoltage (${r.maxVoltage} V)`);
    if (r.actuatorGain === 0) throw new SettingsError(instrument, 'actuatorGain', 0, 'a non-zero number of setpoint units per volt');
    const lo = r.sweepOffset - r.sweepAmplitude;
    const hi = r.sweepOffset + r.sweepAmplitude;
    if (lo < r.minVoltage - 1e-12 || hi > r.maxVoltage + 1e-12) {
      throw new SettingsError(instrument, 'sweepAmplitude', r.sweepAmplitude, `a sweep inside the limits [${r.minVoltage}, ${r.maxVoltage}] V: sweepOffset ± sweepAmplitude spans [${lo}, ${hi}] V`);
    }
    return r;
  },
);

/** One step of the lock sequence (PyRPL's `Stage`); which outputs lock, and how, is `outputs`. */
export const LOCKBOX_STAGE_SETTINGS = defineSettings('lockbox.stage', {
  name: setting({ rule: () => nameRule(false), default: 'lock', doc: 'stage name' }),
  input: setting({ rule: () => nameRule(false), default: 'input', doc: 'input the locked outputs follow' }),
  setpoint: setting({ rule: () => numberIn(-1e6, 1e6), default: 0, doc: "setpoint in the input model's unit (half linewidths, rad, or V)" }),
  gainFactor: setting({ rule: () => numberIn(-1e6, 1e6), default: 1, doc: 'factor on the designed gains' }),
  durationS: setting({ rule: () => numberIn(0, 3600, 's'), default: 0, unit: 's', doc: 'time the stage holds before the next' }),
});

/** Settings of the lockbox as a whole. */
export const LOCKBOX_SETTINGS = defineSettings('lockbox', {
  sweepOutput: setting({ rule: () => nameRule(true), default: '', doc: "output swept to calibrate ('' : the first)" }),
  sweepAsg: setting({ rule: () => oneOf(['asg0', 'asg1'] as const), default: 'asg1', doc: 'generator that sweeps' }),
  lockedInput: setting({ rule: () => nameRule(true), default: '', doc: "input judged for the lock status ('' : the last stage's)" }),
  lockedThreshold: setting({ rule: () => numberAbove(0, '', 1e6), default: 1, doc: 'distance from the setpoint (setpoint units) still locked' }),
  lockStatusIntervalS: setting({ rule: () => numberIn(1e-3, 10, 's'), default: 0.02, unit: 's', doc: 'time between lock-status samples' }),
  lossSamples: setting({ rule: () => integerIn(1, 1000), default: 3, doc: 'consecutive unlocked samples that mean the lock is lost' }),
  checkSamples: setting({ rule: () => integerIn(1, 1000), default: 5, doc: 'samples whose mean decides whether the last stage locked' }),
  saturationMarginV: setting({ rule: () => numberIn(0, 1, 'V'), default: 0.002, unit: 'V', doc: 'an output this close to a limit counts as saturated' }),
  autoRelock: setting({ rule: () => bool(), default: false, doc: 'relock when the lock is lost' }),
  relockDelayS: setting({ rule: () => numberIn(0, 3600, 's'), default: 0.05, unit: 's', doc: 'wait before a relock attempt' }),
});

/** An input as a user gives it. */
export type LockboxInputSettings = UserSettingsOf<typeof LOCKBOX_INPUT_SETTINGS.table>;
/** An input, resolved. */
export type ResolvedLockboxInput = ResolvedSettingsOf<typeof LOCKBOX_INPUT_SETTINGS.table> & { readonly name: string };
/** An output as a user gives it. */
export type LockboxOutputSettings = UserSettingsOf<typeof LOCKBOX_OUTPUT_SETTINGS.table>;
/** An output, resolved. */
export type ResolvedLockboxOutput = ResolvedSettingsOf<typeof LOCKBOX_OUTPUT_SETTINGS.table> & { readonly name: string };

/** What a stage does with one output: lock it (true) or leave it unlocked; optionally start its integrator somewhere. */
export interface StageOutputSettings {
  /** Lock this output in this stage (false: its PID is off). */
  readonly lock: boolean;
  /**
   * Where the output's integrator starts when the stage begins: a voltage, or 'from-sweep' for the
   * output voltage at which the last calibration sweep met this stage's setpoint (the resonance).
   * Absent: the integrator keeps its value.
   */
  readonly offset?: number | 'from-sweep';
}

/** A stage as a user gives it. */
export type LockboxStageSettings = UserSettingsOf<typeof LOCKBOX_STAGE_SETTINGS.table> & {
  /** Per output name; outputs not named are unlocked in this stage. */
  readonly outputs?: Readonly<Record<string, StageOutputSettings>>;
};

/** A stage, resolved. */
export type ResolvedLockboxStage = ResolvedSettingsOf<typeof LOCKBOX_STAGE_SETTINGS.table> & { readonly outputs: Readonly<Record<string, StageOutputSettings>> };

/** A whole lockbox configuration, as plain data (it crosses to the blocking face's engine, and into profiles). */
export type LockboxConfig = UserSettingsOf<typeof LOCKBOX_SETTINGS.table> & {
  readonly inputs: Readonly<Record<string, LockboxInputSettings>>;
  readonly outputs: Readonly<Record<string, LockboxOutputSettings>>;
  readonly sequence: readonly LockboxStageSettings[];
};

/** A configuration, validated; `sweepOutput` and `lockedInput` are names that exist. */
export type ResolvedLockboxConfig = ResolvedSettingsOf<typeof LOCKBOX_SETTINGS.table> & {
  readonly inputs: Readonly<Record<string, ResolvedLockboxInput>>;
  readonly outputs: Readonly<Record<string, ResolvedLockboxOutput>>;
  readonly sequence: readonly ResolvedLockboxStage[];
};

const TOP_KEYS = [...LOCKBOX_SETTINGS.names, 'inputs', 'outputs', 'sequence'];

function plainObject(where: string, name: string, value: unknown, what: string): Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new SettingsError(where, name, value, what);
  return value as Record<string, unknown>;
}

function namedTable<T>(where: string, name: string, value: unknown, resolve: (key: string, v: unknown) => T): Record<string, T> {
  const table = plainObject(where, name, value, `an object of named ${name}, e.g. { transmission: {...} }`);
  const keys = Object.keys(table);
  if (keys.length === 0) throw new SettingsError(where, name, value, `at least one of ${name}`);
  const out: [string, T][] = [];
  for (const key of keys) {
    nameRule(false).check(key, `${where}.${name}`, key);
    out.push([key, resolve(key, table[key])]);
  }
  // own properties whatever the names ('__proto__' included: an assignment would set the prototype)
  return Object.fromEntries(out);
}

/** `table[name]` when `name` is one of its own entries (not 'constructor' or 'toString' from Object.prototype). */
function own<T>(table: Readonly<Record<string, T>>, name: string): T | undefined {
  return Object.hasOwn(table, name) ? table[name] : undefined;
}

/**
 * Validates a whole lockbox configuration for `info`'s board and returns it resolved (frozen), or
 * throws `SettingsError` naming the part ('lockbox.outputs.piezo'), the setting, the value and what
 * is allowed. Checks each part against its declaration, then the references between parts (a
 * stage's input and outputs exist, no PID serves two outputs, a sampler-read input can be located).
 * Touches nothing.
 */
export function resolveLockboxConfig(config: unknown, info: BoardInfo): ResolvedLockboxConfig {
  const c = plainObject('lockbox', 'config', config, 'an object { inputs, outputs, sequence, … }');
  for (const key of Object.keys(c)) {
    if (!TOP_KEYS.includes(key)) throw new SettingsError('lockbox', key, c[key], `a known setting: ${TOP_KEYS.join(', ')}`);
  }
  const { inputs: rawInputs, outputs: rawOutputs, sequence: rawSequence, ...general } = c;
  const top = LOCKBOX_SETTINGS.resolve(general, info);
  const inputs = namedTable('lockbox', 'inputs', rawInputs, (name, v) =>
    Object.freeze({ ...LOCKBOX_INPUT_SETTINGS.resolve(plainObject('lockbox.inputs', name, v, 'an object of input settings') as LockboxInputSettings, info, undefined, `lockbox.inputs.${name}`), name }),
  );
  const outputs = namedTable('lockbox', 'outputs', rawOutputs, (name, v) =>
    Object.freeze({ ...LOCKBOX_OUTPUT_SETTINGS.resolve(plainObject('lockbox.outputs', name, v, 'an object of output settings') as LockboxOutputSettings, info, undefined, `lockbox.outputs.${name}`), name }),
  );
  if (!Array.isArray(rawSequence) || rawSequence.length === 0) throw new SettingsError('lockbox', 'sequence', rawSequence, 'an array of at least one stage');
  const inputNames = Object.keys(inputs);
  const outputNames = Object.keys(outputs);
  const sequence = rawSequence.map((raw: unknown, k: number) => {
    const where = `lockbox.sequence[${k}]`;
    const { outputs: so, ...rest } = plainObject('lockbox.sequence', String(k), raw, 'an object of stage settings');
    const s = LOCKBOX_STAGE_SETTINGS.resolve({ name: `stage${k}`, ...rest }, info, undefined, where);
    if (!inputNames.includes(s.input)) throw new SettingsError(where, 'input', s.input, `one of the inputs: ${inputNames.join(', ')}`);
    const stageOutputs: [string, StageOutputSettings][] = [];
    if (so !== undefined) {
      const table = plainObject(where, 'outputs', so, `an object { [output]: { lock, offset } } with outputs ${outputNames.join(', ')}`);
      for (const [name, value] of Object.entries(table)) {
        const out = own(outputs, name);
        if (!out) throw new SettingsError(`${where}.outputs`, name, value, `one of the outputs: ${outputNames.join(', ')}`);
        const o = plainObject(`${where}.outputs`, name, value, '{ lock: boolean, offset?: volts or "from-sweep" }');
        for (const key of Object.keys(o)) if (key !== 'lock' && key !== 'offset') throw new SettingsError(`${where}.outputs.${name}`, key, o[key], 'a known setting: lock, offset');
        if (typeof o.lock !== 'boolean') throw new SettingsError(`${where}.outputs.${name}`, 'lock', o.lock, 'true or false');
        const offset = o.offset;
        if (offset !== undefined && offset !== 'from-sweep' && !(typeof offset === 'number' && Number.isFinite(offset) && offset >= out.minVoltage && offset <= out.maxVoltage)) {
          throw new SettingsError(`${where}.outputs.${name}`, 'offset', offset, `a voltage from ${out.minVoltage} to ${out.maxVoltage} (V), or 'from-sweep'`);
        }
        stageOutputs.push([name, Object.freeze({ lock: o.lock, ...(offset !== undefined ? { offset } : {}) })]);
      }
    }
    return Object.freeze({ ...s, outputs: Object.freeze(Object.fromEntries(stageOutputs)) });
  });
  const stageNames = new Set<string>();
  sequence.forEach((s, k) => {
    if (stageNames.has(s.name)) throw new SettingsError(`lockbox.sequence[${k}]`, 'name', s.name, 'a name no other stage has');
    stageNames.add(s.name);
  });
  const pids = new Map<string, string>();
  for (const o of Object.values(outputs)) {
    const other = pids.get(o.pid);
    if (other) throw new SettingsError(`lockbox.outputs.${o.name}`, 'pid', o.pid, `a PID no other output uses (${other} has ${o.pid})`);
    pids.set(o.pid, o.name);
  }
  const iqs = new Map<string, string>();
  for (const i of Object.values(inputs)) {
    if (i.iqFrequencyHz === 0) continue;
    const other = iqs.get(i.signal);
    if (other) throw new SettingsError(`lockbox.inputs.${i.name}`, 'signal', i.signal, `an IQ module no other input configures (${other} configures ${i.signal})`);
    iqs.set(i.signal, i.name);
  }
  const dacs = Object.values(outputs).map((o) => o.dac);
  if (new Set(dacs).size !== dacs.length) throw new SettingsError('lockbox', 'outputs', dacs, 'outputs on different DACs (the sweep and each PID drive their own)');
  for (const input of Object.values(inputs)) {
    const onScope = (SCOPE_SIGNALS as readonly string[]).includes(input.signal);
    const where = `lockbox.inputs.${input.name}`;
    if (input.locateWith !== '') {
      const other = own(inputs, input.locateWith);
      if (!other || other === input || !(SCOPE_SIGNALS as readonly string[]).includes(other.signal) || other.model === 'linear') {
        const candidates = Object.values(inputs).filter((i) => i !== input && i.model !== 'linear' && (SCOPE_SIGNALS as readonly string[]).includes(i.signal)).map((i) => i.name);
        throw new SettingsError(where, 'locateWith', input.locateWith, `another input on in1 or in2 with a model other than 'linear' (${candidates.join(', ') || 'none configured'})`);
      }
    } else if (!onScope && input.model !== 'linear') {
      throw new SettingsError(where, 'locateWith', '', `an input on in1 or in2 that locates the feature: the scope does not show ${input.signal}`);
    }
  }
  const sweepOutput = top.sweepOutput === '' ? outputNames[0]! : top.sweepOutput;
  if (!own(outputs, sweepOutput)) throw new SettingsError('lockbox', 'sweepOutput', top.sweepOutput, `one of the outputs: ${outputNames.join(', ')}`);
  const lockedInput = top.lockedInput === '' ? sequence[sequence.length - 1]!.input : top.lockedInput;
  if (!own(inputs, lockedInput)) throw new SettingsError('lockbox', 'lockedInput', top.lockedInput, `one of the inputs: ${inputNames.join(', ')}`);
  return Object.freeze({ ...top, sweepOutput, lockedInput, inputs: Object.freeze(inputs), outputs: Object.freeze(outputs), sequence: Object.freeze(sequence) });
}

/**
 * A resolved configuration as plain data a user would give (`LockboxConfig`): every setting explicit,
 * the inputs' and outputs' `name` left out (it is their key). `resolveLockboxConfig` of the result
 * gives the same configuration back; user interfaces edit it and send it back.
 */
export function plainLockboxConfig(resolved: ResolvedLockboxConfig): LockboxConfig {
  const { inputs, outputs, sequence, ...top } = resolved;
  const unnamed = <T extends { readonly name: string }>(table: Readonly<Record<string, T>>): Record<string, Omit<T, 'name'>> =>
    Object.fromEntries(Object.entries(table).map(([key, { name: _name, ...rest }]) => [key, rest]));
  return {
    ...top,
    inputs: unnamed(inputs),
    outputs: unnamed(outputs),
    sequence: sequence.map((s) => ({ ...s, outputs: Object.fromEntries(Object.entries(s.outputs).map(([k, o]) => [k, { ...o }])) })),
  };
}
