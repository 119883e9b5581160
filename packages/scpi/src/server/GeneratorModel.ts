import { EMPTY, catchError, ignoreElements, type Observable } from 'rxjs';
import { ASG_DEFAULTS, ASG_MAX_BURST_COUNT, SettingsError, asgHoldLevels, resolveAsgSettings, type AsgOutput, type AsgSettings, type AsgTrigger, type BoardDriver, type ResolvedAsgSettings } from '@labrx/core';
import type { ScpiErrorSink } from './errorSink.js';
import { ScpiApiError, outOfRange, RP_API_ERROR } from './scpiErrors.js';

import type { GenBurstMode, GenFunction, GenTriggerSource } from '../protocol/redPitayaScpi.js';

export { GEN_BURST_MODES, GEN_FUNCTIONS, GEN_TRIGGER_SOURCES, type GenBurstMode, type GenFunction, type GenTriggerSource } from '../protocol/redPitayaScpi.js';

/** Everything `SOUR<n>:*` and `OUTPUT<n>:STATE` control on one generator. */
export interface GenState {
  readonly func: GenFunction;
  /** Hz */
  readonly frequency: number;
  /** V, peak */
  readonly amplitude: number;
  /** V */
  readonly offset: number;
  /** degrees */
  readonly phase: number;
  /** 0…1, for PWM */
  readonly dutyCycle: number;
  readonly output: boolean;
  readonly triggerSource: GenTriggerSource;
  readonly burstMode: GenBurstMode;
  /** Cycles per burst, 1…65535. */
  readonly burstCycles: number;
  /** Bursts, 1…65536 (65536 = infinite). */
  readonly burstRepetitions: number;
  /** Burst period in µs. */
  readonly burstPeriodUs: number;
  /** V after a burst. */
  readonly lastValue: number;
  /** V before the first trigger. */
  readonly initValue: number;
  /** The arbitrary waveform (−1…1), or null until TRAC:DATA:DATA. */
  readonly arbitrary: Float32Array | null;
  /** Triggered since the last change to an external trigger source. */
  readonly triggered: boolean;
  /**
   * Deep-memory generation (SOUR<n>:AXI:ENable ON): the DDR waveform as one period of an arbitrary
   * table (−1…1, at most one buffer long: see DeepGenerationModel), or null when off.
   */
  readonly axiTable: Float32Array | null;
  /** Hz: how often the DDR buffer repeats (DAC rate / (decimation · buffer samples)). */
  readonly axiFrequency: number;
}

/** State after `GEN:RST` (reference §1, Generation). */
export const GEN_DEFAULTS: GenState = Object.freeze({
  func: 'SINE',
  frequency: 1000,
  amplitude: 0.8,
  offset: 0,
  phase: 0,
  dutyCycle: 0.5,
  output: false,
  triggerSource: 'INT',
  burstMode: 'CONTINUOUS',
  burstCycles: 1,
  burstRepetitions: 1,
  burstPeriodUs: 1000,
  lastValue: 0,
  initValue: 0,
  arbitrary: null,
  triggered: false,
  axiTable: null,
  axiFrequency: 0,
});

const CONTINUOUS_WAVEFORM: Partial<Record<GenFunction, AsgSettings['waveform']>> = {
  SINE: 'sine',
  SQUARE: 'square',
  TRIANGLE: 'triangle',
  SAWU: 'ramp-up',
  SAWD: 'ramp-down',
};

/** One period of a waveform at cycle fraction x ∈ [0, 1), normalised to −1…1 (used to synthesise tables). */
function shapeAt(s: GenState, x: number): number {
  switch (s.func) {
    case 'SINE':
      return Math.sin(2 * Math.PI * x);
    case 'SQUARE':
      return x < 0.5 ? 1 : -1;
    case 'TRIANGLE':
      return 4 * Math.abs((((x - 0.25) % 1) + 1) % 1 - 0.5) - 1;
    case 'SAWU':
      return -1 + 2 * x;
    case 'SAWD':
      return 1 - 2 * x;
    case 'PWM':
      return x < s.dutyCycle ? 1 : -1;
    case 'DC':
      return 1;
    case 'DC_NEG':
      return -1;
    case 'ARBITRARY': {
      const a = s.arbitrary;
      return a && a.length > 0 ? a[Math.min(a.length - 1, Math.floor(x * a.length))]! : 0;
    }
  }
}

/** labrx triggers by `SOUR<n>:TRig:SOUR`: GATED (bursts while DIO0_P is high) is played as 'off', waiting for `TRig:INT`. */
const TRIGGER_OF_SOURCE: Readonly<Record<GenTriggerSource, AsgTrigger>> = { INT: 'immediately', EXT_PE: 'ext-rising', EXT_NE: 'ext-falling', GATED: 'off' };

/** Volts within which `BURS:LASTValue` / `INITValue` count as the FPGA's own hold levels (a %g round trip is 1e-6 relative). */
const HOLD_MATCH_V = 1e-5;

/**
 * Maps a generator state onto the board's settings. Continuous SINE…SAWD map one to one; DC and
 * DC_NEG become a constant offset ±amplitude + offset (what the DAC outputs); PWM becomes an arbitrary
 * table with the duty cycle. The trigger source maps to the board's `trigger` (INT 'immediately',
 * EXT_PE/EXT_NE the simulator's external trigger input, GATED 'off'); `TRig:INT` is a software trigger
 * (`GeneratorModel.trigger`). BURST maps to `burstCycles` = NCYC, `burstCount` = NOR, `burstPeriod` =
 * INT:PER when the levels before and after a burst (INITValue, LASTValue) are the ones the FPGA holds
 * (the waveform at its start phase, and at phase 0: see `asgHoldLevels`) and NOR is finite; otherwise
 * (other levels, or NOR 65536 = infinite) it becomes an arbitrary table of one burst period (NCYC
 * cycles then the last value) repeated forever.
 */
export function genToBoardSettings(state: GenState, channel: number, tableLength: number): AsgSettings {
  // deep-memory generation plays the DDR buffer as an arbitrary waveform repeating at axiFrequency
  const s: GenState = state.axiTable ? { ...state, func: 'ARBITRARY', arbitrary: state.axiTable, frequency: state.axiFrequency } : state;
  const output: AsgOutput = s.output ? (channel === 0 ? 'out1' : 'out2') : 'off';
  const trigger = TRIGGER_OF_SOURCE[s.triggerSource];
  if (s.func === 'DC' || s.func === 'DC_NEG') {
    const v = s.offset + (s.func === 'DC' ? s.amplitude : -s.amplitude);
    return { waveform: 'dc', amplitude: 0, offset: v, frequency: s.frequency, phase: s.phase, output, trigger };
  }
  const base: AsgSettings = { frequency: s.frequency, amplitude: s.amplitude, offset: s.offset, phase: s.phase, output, trigger };
  const continuous = continuousSettings(s, base, tableLength);
  if (s.burstMode !== 'BURST') return continuous;
  const holds = asgHoldLevels({ ...ASG_DEFAULTS, ...continuous, data: continuous.data ? Array.from(continuous.data) : null });
  if (s.burstRepetitions <= ASG_MAX_BURST_COUNT && Math.abs(holds.afterV - s.lastValue) <= HOLD_MATCH_V && Math.abs(holds.beforeV - s.initValue) <= HOLD_MATCH_V) {
    return { ...continuous, burstCycles: s.burstCycles, burstCount: s.burstRepetitions, burstPeriod: s.burstPeriodUs / 1e6 };
  }
  const periodS = s.burstPeriodUs * 1e-6;
  const burstS = s.burstCycles / Math.max(s.frequency, 1e-300);
  const last = s.amplitude > 0 ? Math.max(-1, Math.min(1, (s.lastValue - s.offset) / s.amplitude)) : 0;
  const data = new Float64Array(tableLength);
  for (let j = 0; j < tableLength; j++) {
    const t = (j / tableLength) * periodS;
    data[j] = t < burstS ? shapeAt(s, (((s.frequency * t + s.phase / 360) % 1) + 1) % 1) : last;
  }
  return { waveform: 'arbitrary', data, frequency: 1 / periodS, amplitude: s.amplitude, offset: s.offset, phase: 0, output, trigger };
}

/** The continuous waveform of `s` (SINE…SAWD as they are, PWM and ARBITRARY as tables). */
function continuousSettings(s: GenState, base: AsgSettings, tableLength: number): AsgSettings {
  const waveform = CONTINUOUS_WAVEFORM[s.func];
  if (waveform) return { ...base, waveform };
  if (s.func === 'PWM') {
    const data = new Float64Array(tableLength);
    for (let j = 0; j < tableLength; j++) data[j] = j / tableLength < s.dutyCycle ? 1 : -1;
    return { ...base, waveform: 'arbitrary', data };
  }
  // ARBITRARY before any TRAC:DATA:DATA: the DAC table holds zeros.
  return { ...base, waveform: 'arbitrary', data: s.arbitrary ?? new Float64Array(1) };
}

/**
 * One generator as the SCPI server sees it: every `SOUR<n>` setter builds the next state, checks it
 * against the core rules (all or nothing, `9506 … Value out of range.` otherwise) and sends the
 * resolved settings to `board.setAsg` through the device's ordered work queue.
 */
export class GeneratorModel {
  private current: GenState = GEN_DEFAULTS;

  constructor(
    private readonly board: BoardDriver,
    /** 0-based generator index (SOUR1 = 0). */
    readonly index: number,
    private readonly enqueue: (work: Observable<unknown>) => void,
  ) {}

  /** The state in force. */
  get state(): GenState {
    return this.current;
  }

  /**
   * Applies `change` to the state. `what` names the setting for the error text ('frequency',
   * 'amplitude', …), as in "Failed to set frequency: Value out of range.".
   */
  update(change: Partial<GenState>, what: string, sink: ScpiErrorSink, command: string): void {
    const next: GenState = Object.freeze({ ...this.current, ...change });
    let resolved: ResolvedAsgSettings;
    try {
      resolved = resolveAsgSettings(genToBoardSettings(next, this.index, this.board.info.bufferSize), this.board.info, undefined, `asg${this.index}`);
    } catch (err) {
      if (err instanceof SettingsError) throw outOfRange(what);
      throw err;
    }
    this.current = next;
    this.enqueue(
      this.board.setAsg(this.index, resolved).pipe(
        ignoreElements(),
        // Reported to the connection that sent the command, not swallowed.
        catchError((err: unknown) => {
          sink.pushApiError(new ScpiApiError(RP_API_ERROR.EOOR, `Failed to set generator ${this.index + 1}: ${(err as Error)?.message ?? String(err)}`), command);
          return EMPTY;
        }),
      ),
    );
  }

  /**
   * `SOUR<n>:TRig:INT`: re-applies the state (marked triggered), then a software trigger on the board
   * (`board.triggerAsg`): the generator starts its waveform or burst sequence now, whatever its source.
   */
  trigger(sink: ScpiErrorSink, command: string): void {
    this.update({ triggered: true }, 'trigger', sink, command);
    const board = this.board;
    if (!board.triggerAsg) return;
    this.enqueue(
      board.triggerAsg(this.index).pipe(
        ignoreElements(),
        catchError((err: unknown) => {
          sink.pushApiError(new ScpiApiError(RP_API_ERROR.EOOR, `Failed to trigger generator ${this.index + 1}: ${(err as Error)?.message ?? String(err)}`), command);
          return EMPTY;
        }),
      ),
    );
  }

  /** GEN:RST for this channel. */
  reset(sink: ScpiErrorSink, command: string): void {
    this.update(GEN_DEFAULTS, 'generator', sink, command);
  }
}
