import { Observable, defer, forkJoin, map, switchMap } from 'rxjs';
import { SettingsError, type PidDriver, type PidOutputDirect, type PidSettings, type ResolvedPidSettings } from '@labrx/core';
import { DSP_SIGNALS, fieldOf, registerDecl, type DspSignal } from '../map/registerMap.js';
import { decodeField, encodeField } from '../map/fieldCodec.js';
import { encodeFilterWord } from '../map/filterWord.js';
import { filterCutoffsHz } from '../server/filterResponse.js';

/** The PID input filter's synthesis parameters (red_pitaya_pid_block.v:73-75; FILTERSTAGES etc. in registerMap.ts). */
const FILTER = { stages: 4, shiftBits: 5, minBwHz: 10 } as const;

/** The register access a module needs (PyrplBoard provides it). */
export interface RegisterPort {
  read$(address: number, count?: number): Observable<Uint32Array>;
  write$(address: number, words: ArrayLike<number>): Observable<void>;
}

const SIGNALS = Object.keys(DSP_SIGNALS) as DspSignal[];
/** A PID's numeric settings and the PyRPL register that holds each (pid.py:187-300). */
export const PID_NUMERIC_REGISTERS: ReadonlyArray<readonly ['setpoint' | 'p' | 'i' | 'ival' | 'minVoltage' | 'maxVoltage', string]> = [
  ['setpoint', 'setpoint'],
  ['p', 'p'],
  ['i', 'i'],
  ['ival', 'ival'],
  ['minVoltage', 'min_voltage'],
  ['maxVoltage', 'max_voltage'],
];

/**
 * PyRPL's three PID modules (pid.py:187-300, red_pitaya_pid_block.v) as typed settings: `input` and
 * `outputDirect` on the DSP bus, setpoint and limits in volts, `p` a plain gain (2^12 = 1) and `i`
 * the integrator's unity-gain frequency in Hz (register = i·2^32·2π·8 ns), `ival` the integrator.
 * `inputFilterHz` is PyRPL's `inputfilter` (register 0x120: one byte per stage, the cutoffs rounded
 * to the FPGA's powers of two as PyRPL's FilterRegister does); `paused` is PyRPL's `paused`: the
 * module's bit in the global sync register (+0xC) cleared (dsp.py PauseRegister, inverted), which
 * with the power-on `pause_gains` 'pid' holds the integrator and zeroes P. Writes go in one
 * pipelined burst (the sync register read-modify-written after it); every register is then read
 * back, so the result shows the hardware's quantisation (i = 1000 Hz reads 1000.002 Hz). Settings
 * arrive validated against the declaration (`PID_SETTINGS`, ranges from `pyrplPidLimits`): this class
 * only maps them to registers.
 */
export class PyrplPids implements PidDriver {
  readonly count = 3;
  readonly inputs: readonly string[] = SIGNALS;

  constructor(private readonly port: RegisterPort) {}

  private module(index: number): string {
    if (!(index === 0 || index === 1 || index === 2)) throw new SettingsError('pid', 'index', index, 'an integer from 0 to 2');
    return `pid${index}`;
  }

  /** Writes `settings` (validated by the caller: `checkPidChange`) in one burst, then reads everything back. */
  set(index: number, settings: PidSettings): Observable<ResolvedPidSettings> {
    return defer(() => {
      const m = this.module(index);
      const writes: Array<readonly [number, number]> = [];
      if (settings.input !== undefined) writes.push([registerDecl(m, 'input').address, encodeField(fieldOf(m, 'input'), settings.input)]);
      if (settings.outputDirect !== undefined) writes.push([registerDecl(m, 'output_direct').address, encodeField(fieldOf(m, 'output_direct'), settings.outputDirect)]);
      for (const [key, reg] of PID_NUMERIC_REGISTERS) {
        const v = settings[key];
        if (v !== undefined) writes.push([registerDecl(m, reg).address, encodeField(fieldOf(m, reg), v)]);
      }
      const filter = settings.inputFilterHz;
      if (filter !== undefined) writes.push([registerDecl(m, 'inputfilter').address, encodeFilterWord(filter, FILTER.stages, FILTER.shiftBits, FILTER.minBwHz)]);
      const paused = settings.paused;
      const done$ = writes.length ? forkJoin(writes.map(([a, w]) => this.port.write$(a, [w]))) : defer(() => [[]]);
      const sync = registerDecl(m, 'sync').address;
      const pause$ =
        paused === undefined
          ? defer(() => [[]])
          : this.port.read$(sync, 1).pipe(switchMap((w) => this.port.write$(sync, [paused ? w[0]! & ~(1 << index) & 0xff : (w[0]! | (1 << index)) & 0xff])));
      return done$.pipe(
        switchMap(() => pause$),
        switchMap(() => this.get(index)),
      );
    });
  }

  get(index: number): Observable<ResolvedPidSettings> {
    return defer(() => {
      const m = this.module(index);
      const base = registerDecl(m, 'input').address;
      return forkJoin([this.port.read$(base, 2), this.port.read$(base + 0x100, 4), this.port.read$(base + 0x120, 3), this.port.read$(base + 0xc, 1)]).pipe(
        map(([routing, gains, filterAndLimits, sync]): ResolvedPidSettings => {
          const limits = filterAndLimits.subarray(1);
          const num = (reg: string, w: number): number => decodeField(fieldOf(m, reg), w) as number;
          return Object.freeze({
            input: String(decodeField(fieldOf(m, 'input'), routing[0]!)),
            outputDirect: decodeField(fieldOf(m, 'output_direct'), routing[1]!) as PidOutputDirect,
            ival: num('ival', gains[0]!),
            setpoint: num('setpoint', gains[1]!),
            p: num('p', gains[2]!),
            i: num('i', gains[3]!),
            minVoltage: num('min_voltage', limits[0]!),
            maxVoltage: num('max_voltage', limits[1]!),
            inputFilterHz: Object.freeze(filterCutoffsHz(filterAndLimits[0]!, FILTER.stages, FILTER.shiftBits, FILTER.minBwHz)),
            paused: ((sync[0]! >> index) & 1) === 0,
          });
        }),
      );
    });
  }
}
