import type { Subscription } from 'rxjs';
import { resolveScopeSettings, type BoardDriver, type RawTrace, type ResolvedScopeSettings, type TriggerSource } from '@labrx/core';
import { BUFFER_WORDS, FPGA_CLOCK_HZ, SCOPE_CONTROL } from '../map/registerMap.js';
import { fromSigned } from '../map/fieldCodec.js';

/** Scope trigger codes the simulator can fire, mapped to the board's sources ('asg' resolved per slot). */
const TRIGGERS: Readonly<Record<number, TriggerSource | 'asg0' | 'asg1'>> = {
  1: 'immediate',
  2: 'ch1-rising',
  3: 'ch1-falling',
  4: 'ch2-rising',
  5: 'ch2-falling',
  6: 'ext-rising',
  7: 'ext-falling',
  8: 'asg0',
  9: 'asg1',
};

/** 14-bit two's-complement code of a voltage (2^13 = 1 V), saturated. */
export function voltsToCode(v: number): number {
  const c = Math.max(-8192, Math.min(8191, Math.round(v * 8192)));
  return fromSigned(c, 14);
}

/**
 * PyRPL's scope (red_pitaya_scope.v:270-345, 600-918; scope.py:607-643) over a BoardDriver: the
 * registers, the arm/trigger/delay state machine and the two circular buffers.
 *
 * Arming (control bit 0) starts writing; a trigger source (0x4) then fires: 1 at once when
 * `pretrig_ok` (at least 16384 − delay samples written since arming, or delay ≥ 16384), else the
 * software trigger is lost as on the FPGA; 2-9 subscribe `board.acquire` with the matching trigger
 * and triggerDelay = (delay − 8192)·dt. When the trace arrives it is written into the buffers so
 * that PyRPL's roll(buffer, −(wp_trig + delay + 1)) gives it back: the first post-trigger sample at
 * trace index 16384 − delay. Then control bits 0 and 2 and the trigger source read 0.
 * Changing a setting while an edge trigger is armed restarts the acquisition with it.
 */
export class ScopeModel {
  private control = 0;
  private source = 0;
  private threshold = 0;
  private hysteresis = 0;
  private delay = 0;
  private decimation = 1;
  private average = 1;
  private debounce = 0;
  private armed = false;
  private armMs = 0;
  private running: Subscription | null = null;
  private epoch = 0;
  private wpTrigger = 0;
  private triggerMs = 0;
  readonly ch1 = new Uint32Array(BUFFER_WORDS);
  readonly ch2 = new Uint32Array(BUFFER_WORDS);

  constructor(
    private readonly board: BoardDriver,
    /** The simulator generator slot playing PyRPL's asg0 / asg1 now (for triggers 8 and 9), or null. */
    private readonly slotOfAsg: (asg: 0 | 1) => number | null,
    private readonly warn: (message: string) => void,
    private readonly originMs: number,
    /** The DSP signals the scope's channels record now (the asg0/asg1 slots' input registers: PyRPL's scope input1/input2). */
    private readonly sources: () => readonly [string, string] = () => ['in1', 'in2'],
  ) {}

  /** True while an acquisition is subscribed on the board. */
  get acquiring(): boolean {
    return this.running !== null;
  }

  private get dtMs(): number {
    return (this.decimation * 1000) / FPGA_CLOCK_HZ;
  }

  private cycles(ms: number): number {
    return Math.max(0, Math.round(((ms - this.originMs) * FPGA_CLOCK_HZ) / 1000));
  }

  private pretrigOk(nowMs: number): boolean {
    if (this.delay >= BUFFER_WORDS) return true;
    return (nowMs - this.armMs) / this.dtMs > BUFFER_WORDS - this.delay;
  }

  private position(ms: number): number {
    const periodMs = BUFFER_WORDS * this.dtMs;
    const phase = (((ms - this.originMs) % periodMs) + periodMs) % periodMs;
    return Math.floor((phase / periodMs) * BUFFER_WORDS) % BUFFER_WORDS;
  }

  /** The word at scope offset `offset`. */
  read(offset: number): number {
    const now = this.board.scheduler.now();
    if (offset >= 0x10000 && offset < 0x10000 + 4 * BUFFER_WORDS) return this.ch1[(offset - 0x10000) >>> 2]!;
    if (offset >= 0x20000 && offset < 0x20000 + 4 * BUFFER_WORDS) return this.ch2[(offset - 0x20000) >>> 2]!;
    switch (offset) {
      case 0x0:
        return ((this.armed ? 1 : 0) << SCOPE_CONTROL.armed) | (this.control & (1 << SCOPE_CONTROL.keepWriting));
      case 0x4:
        return this.source;
      case 0x8:
        return this.threshold;
      case 0x10:
        return this.delay >>> 0;
      case 0x14:
        return this.decimation;
      case 0x18:
        return this.armed ? this.position(now) : (this.wpTrigger + this.delay) % BUFFER_WORDS;
      case 0x1c:
        return this.wpTrigger;
      case 0x20:
        return this.hysteresis;
      case 0x28:
        return this.average;
      case 0x2c:
        return this.armed ? Math.min(0xffffffff, Math.floor((now - this.armMs) / this.dtMs)) : 0;
      case 0x90:
        return this.debounce;
      case 0x15c:
        return this.cycles(now) % 2 ** 32;
      case 0x160:
        return Math.floor(this.cycles(now) / 2 ** 32);
      case 0x164:
        return this.cycles(this.triggerMs) % 2 ** 32;
      case 0x168:
        return Math.floor(this.cycles(this.triggerMs) / 2 ** 32);
      case 0x16c:
        return this.pretrigOk(now) ? 1 : 0;
      default:
        return 0;
    }
  }

  /** Applies a write of `value` at scope offset `offset`. */
  write(offset: number, value: number): void {
    const now = this.board.scheduler.now();
    switch (offset) {
      case 0x0:
        this.control = value & (1 << SCOPE_CONTROL.keepWriting);
        if (value & (1 << SCOPE_CONTROL.reset)) {
          this.cancel();
          this.armed = false;
          this.source = 0;
          this.wpTrigger = 0;
          this.triggerMs = now;
        }
        if (value & (1 << SCOPE_CONTROL.armed)) {
          this.cancel();
          this.armed = true;
          this.armMs = now;
          if (this.source >= 2) this.start();
        }
        return;
      case 0x4:
        this.source = value & 0xf;
        this.cancel();
        if (!this.armed) return;
        if (this.source === 1) {
          // the software trigger is a one-cycle pulse: accepted only once the pre-trigger part is written
          if (this.pretrigOk(now)) this.start();
        } else if (this.source >= 2) this.start();
        return;
      case 0x8:
        this.threshold = value & 0x3fff;
        break;
      case 0x10:
        this.delay = value >>> 0;
        break;
      case 0x14:
        this.decimation = value & 0x1ffff;
        break;
      case 0x20:
        this.hysteresis = value & 0x3fff;
        break;
      case 0x28:
        this.average = value & 1;
        break;
      case 0x90:
        this.debounce = value & 0xfffff;
        return;
      default:
        return;
    }
    // a setting changed: an armed edge trigger restarts with it, as the FPGA applies writes at once
    if (this.running && this.source >= 2) this.start();
  }

  /** Stops everything (server close). */
  dispose(): void {
    this.cancel();
  }

  private cancel(): void {
    this.epoch++;
    const r = this.running;
    this.running = null;
    r?.unsubscribe();
  }

  private settings(): Omit<ResolvedScopeSettings, 'averages'> | null {
    const t = TRIGGERS[this.source];
    if (t === undefined) {
      this.warn(`scope trigger source ${this.source} ('dsp') is not simulated: the scope stays armed`);
      return null;
    }
    let trigger: TriggerSource = t;
    if (t === 'asg0' || t === 'asg1') {
      const slot = this.slotOfAsg(t === 'asg0' ? 0 : 1);
      if (slot === null) {
        this.warn(`scope trigger on ${t}, which is not playing: the scope stays armed`);
        return null;
      }
      trigger = slot === 0 ? 'asg0' : 'asg1';
    }
    const d = this.decimation;
    if (!(d >= 1 && d <= 65536 && (d & (d - 1)) === 0)) {
      this.warn(`scope decimation ${d} is not a power of 2 from 1 to 65536 (the simulator's): the scope stays armed`);
      return null;
    }
    const dt = d / FPGA_CLOCK_HZ;
    const toVolts = (code: number): number => (code >= 8192 ? code - 16384 : code) / 8192;
    try {
      const { averages: _a, ...s } = resolveScopeSettings(
        {
          decimation: d,
          trigger,
          threshold: Math.max(-1, Math.min(1, toVolts(this.threshold))),
          hysteresis: Math.min(2, Math.abs(toVolts(this.hysteresis))),
          triggerDelay: (this.delay - BUFFER_WORDS / 2) * dt,
          boxcar: this.average === 1,
        },
        this.board.info,
      );
      return s;
    } catch (err) {
      this.warn(`scope settings not simulated: ${(err as Error).message}`);
      return null;
    }
  }

  private start(): void {
    this.cancel();
    const settings = this.settings();
    if (!settings) return;
    const sources = this.sources();
    const routed = sources[0] !== 'in1' || sources[1] !== 'in2';
    const known = this.board.scopeSources ?? [];
    const missing = sources.find((x) => x !== 'in1' && x !== 'in2' && !known.includes(x));
    if (missing !== undefined) {
      this.warn(`scope input ${missing} is not simulated (the board's scope records in1, in2${known.map((x) => `, ${x}`).join('')}): the scope stays armed`);
      return;
    }
    const epoch = this.epoch;
    let done = false;
    const sub = this.board.acquire(settings, routed ? { sources } : {}).subscribe({
      next: (trace) => {
        if (epoch === this.epoch) this.capture(trace);
      },
      error: (err: unknown) => {
        done = true;
        if (epoch !== this.epoch) return;
        this.running = null;
        this.warn(`scope acquisition failed: ${(err as Error)?.message ?? String(err)}`);
      },
      complete: () => {
        done = true;
        if (epoch === this.epoch) this.running = null;
      },
    });
    if (!done && epoch === this.epoch) this.running = sub;
  }

  private capture(trace: RawTrace): void {
    const n = BUFFER_WORDS;
    const wp = this.position(trace.timestamp);
    const first = (wp + this.delay + 1) % n;
    for (let i = 0; i < n; i++) {
      const k = (first + i) % n;
      this.ch1[k] = voltsToCode(trace.ch1[i]!);
      this.ch2[k] = voltsToCode(trace.ch2[i]!);
    }
    this.wpTrigger = wp;
    this.triggerMs = trace.timestamp;
    this.armed = false;
    this.source = 0;
  }
}
