import { Observable } from 'rxjs';
import { SettingsError, type PidDriver, type PidOutputDirect, type PidSettings, type ResolvedPidSettings } from '@labrx/core';
import { encodeFilterWord, encodeFixed, decodeFixed, fieldOf, filterCutoffsHz, filterStages, pyrplPidLimits, toSigned, type FixedPointField } from '@labrx/pyrpl';
import { LOOP_SIGNALS, loopSignalIndex } from './dspSignals.js';
import type { PidBlock, PidRegisters } from './PidBlock.js';

/** PyRPL's PID input filter: 4 stages, 5 shift bits, 10 Hz minimum (red_pitaya_pid_block.v:73-75). */
const FILTER = { stages: 4, shiftBits: 5, minBwHz: 10 } as const;
const DIRECTS: Readonly<Record<PidOutputDirect, number>> = { off: 0, out1: 1, out2: 2, both: 3 };
const DIRECT_NAMES = ['off', 'out1', 'out2', 'both'] as const;
/** Signals a PID of the simulator can read. */
export const SIM_PID_INPUTS: readonly string[] = Object.freeze([...LOOP_SIGNALS, 'off']);
/** The simulator's PID limits: PyRPL's FPGA's (`pyrplPidLimits`), with the signals the simulator computes. */
export const SIM_PID_LIMITS = pyrplPidLimits(SIM_PID_INPUTS);

const field = (reg: string) => fieldOf('pid0', reg) as FixedPointField;
/** Signed integer a fixed-point field holds for `v` (PyRPL's rounding and saturation). */
const code = (reg: string, v: number) => {
  const f = field(reg);
  return toSigned(encodeFixed(f, v), f.bits);
};

/** What the PIDs need from their board. */
export interface SimPidHost {
  /** The loop's PID blocks (registers and integrators). */
  readonly blocks: readonly PidBlock[];
  /** Called before any change: computes the loop up to now, so the change lands at the present. */
  beforeChange(): void;
  /** Called after a change: starts or stops the loop as the modules now need. */
  afterChange(): void;
  /** Throws SettingsError when the board's DUT cannot run in closed loop. */
  checkLoop(): void;
  /** Errors with ConnectionLostError when the board is closed (else null). */
  closedError(): Error | null;
}

/**
 * The simulated board's three PID modules (PyRPL's red_pitaya_pid_block.v; see PidBlock for what
 * they compute). Settings arrive validated against the declaration (`PID_SETTINGS` with
 * `SIM_PID_LIMITS`, the same ranges as PyRPL's FPGA) and are quantised as the FPGA's registers hold them,
 * with PyRPL's field declarations: setpoint and limits 14 bits (2^13 = 1 V), p 24 bits (2^12 = 1),
 * i 24 bits (unity-gain frequency, 2^32·2π·8 ns per Hz), ival 16 bits (±4 V), the input filter's
 * cutoffs rounded to the FPGA's powers of two. A change takes effect at the present board time (the
 * loop is computed up to now first).
 */
export class SimPids implements PidDriver {
  readonly count = 3;
  readonly inputs: readonly string[] = SIM_PID_INPUTS;
  private readonly names: { input: string; filterWord: number }[] = [0, 1, 2].map(() => ({ input: 'pid0', filterWord: 0 }));

  constructor(private readonly host: SimPidHost) {}

  /** Power-on registers (FPGA reset: input 0 = pid0, limits −1 V … 8191/8192 V, everything else 0). */
  static resetRegisters(): PidRegisters {
    return { input: loopSignalIndex('pid0')!, outputDirect: 0, setpoint: 0, p: 0, i: 0, min: -8192, max: 8191, filter: [], paused: false };
  }

  set(index: number, settings: PidSettings): Observable<ResolvedPidSettings> {
    return new Observable<ResolvedPidSettings>((subscriber) => {
      const closed = this.host.closedError();
      if (closed) return subscriber.error(closed);
      try {
        this.apply(index, settings);
      } catch (e) {
        return subscriber.error(e);
      }
      subscriber.next(this.read(index));
      subscriber.complete();
    });
  }

  get(index: number): Observable<ResolvedPidSettings> {
    return new Observable<ResolvedPidSettings>((subscriber) => {
      const closed = this.host.closedError();
      if (closed) return subscriber.error(closed);
      try {
        this.module(index);
        this.host.beforeChange();
      } catch (e) {
        return subscriber.error(e);
      }
      subscriber.next(this.read(index));
      subscriber.complete();
    });
  }

  private module(index: number): string {
    if (!(index === 0 || index === 1 || index === 2)) throw new SettingsError('pid', 'index', index, 'an integer from 0 to 2');
    return `pid${index}`;
  }

  /** Writes settings validated by the caller (`checkPidChange`); the DUT's loop model is checked first, so a refused loop changes nothing. */
  private apply(index: number, s: PidSettings): void {
    this.module(index);
    const block = this.host.blocks[index]!;
    const filter = s.inputFilterHz;
    const r = block.regs;
    const od = s.outputDirect !== undefined ? DIRECTS[s.outputDirect] : r.outputDirect;
    if (od !== 0 || (s.p ?? r.p) !== 0 || (s.i ?? r.i) !== 0 || (s.ival ?? block.integrator) !== 0) this.host.checkLoop();
    this.host.beforeChange();
    const names = this.names[index]!;
    if (s.input !== undefined) names.input = s.input;
    if (filter !== undefined) names.filterWord = encodeFilterWord(filter, FILTER.stages, FILTER.shiftBits, FILTER.minBwHz);
    block.setRegisters({
      input: loopSignalIndex(names.input)!,
      outputDirect: s.outputDirect !== undefined ? DIRECTS[s.outputDirect] : r.outputDirect,
      setpoint: s.setpoint !== undefined ? code('setpoint', s.setpoint) : r.setpoint,
      p: s.p !== undefined ? code('p', s.p) : r.p,
      i: s.i !== undefined ? code('i', s.i) : r.i,
      min: s.minVoltage !== undefined ? code('min_voltage', s.minVoltage) : r.min,
      max: s.maxVoltage !== undefined ? code('max_voltage', s.maxVoltage) : r.max,
      filter: filter !== undefined ? filterStages(names.filterWord, FILTER.stages, FILTER.shiftBits, FILTER.minBwHz) : r.filter,
      paused: s.paused ?? r.paused,
    });
    if (s.ival !== undefined) block.setIntegrator(code('ival', s.ival));
    this.host.afterChange();
  }

  /** The settings in force (read back as the registers hold them). */
  private read(index: number): ResolvedPidSettings {
    const b = this.host.blocks[index]!;
    const r = b.regs;
    const ival = Math.max(-32768, Math.min(32767, b.ivalCounts));
    return Object.freeze({
      input: this.names[index]!.input,
      outputDirect: DIRECT_NAMES[r.outputDirect]!,
      setpoint: r.setpoint / 8192,
      p: decodeFixed(field('p'), r.p < 0 ? r.p + 2 ** 24 : r.p),
      i: decodeFixed(field('i'), r.i < 0 ? r.i + 2 ** 24 : r.i),
      ival: ival / 8192,
      minVoltage: r.min / 8192,
      maxVoltage: r.max / 8192,
      inputFilterHz: Object.freeze(filterCutoffsHz(this.names[index]!.filterWord, FILTER.stages, FILTER.shiftBits, FILTER.minBwHz)),
      paused: r.paused,
    });
  }
}
