import { Observable, defer, of, timer, map } from 'rxjs';
import { RED_PITAYA_125_14, type BoardDriver, type PidDriver, type PidSettings, type RawTrace, type ResolvedAsgSettings, type ResolvedPidSettings, type SamplerDriver } from '@labrx/core';
import type { VirtualClock } from '@labrx/core/testing';
import { pyrplPidLimits } from '@labrx/pyrpl';

/**
 * A test double for the lockbox's state machine (not a physics model; the physics tests use the
 * simulator's closed loop): one PID (pid0) driving out1, a sweep generator (asg1) on out1, and a
 * plant whose in1 is a Lorentzian of out1: in1 = peakV / (1 + ((out1 − resonanceV)/hwhmV)²). The PID
 * is integrated with Euler steps of 10 µs between reads (lazily, up to the clock's time), as PyRPL's
 * FPGA's PID computes it (red_pitaya_pid_block.v): error = in1 − setpoint, output = p·error + ival, ival += 2π·i·error·dt, clipped to
 * the limits. The scope shows in1 on ch1 for a generator-triggered trace.
 */
export class FakeLoopBoard implements BoardDriver {
  readonly id = 'fake:loop';
  /** PyRPL's FPGA's PID limits (the lockbox's gains are validated against them), reading in1 or in2. */
  readonly info = Object.freeze({ ...RED_PITAYA_125_14, pid: pyrplPidLimits(['in1', 'in2']) });
  scopeRunning = false;
  resonanceV = 0.1;
  readonly hwhmV: number;
  readonly peakV: number;
  /** Sampler reads of in1 add this (V), e.g. to fake a noisy input. */
  offsetV = 0;
  private asg: (ResolvedAsgSettings & { startMs: number }) | null = null;
  readonly pids: ResolvedPidSettings[];
  private lastMs: number;
  readonly writes: Array<{ index: number; settings: PidSettings }> = [];

  constructor(
    readonly scheduler: VirtualClock,
    options: { hwhmV?: number; peakV?: number } = {},
  ) {
    this.hwhmV = options.hwhmV ?? 0.01;
    this.peakV = options.peakV ?? 0.8;
    this.lastMs = scheduler.now();
    this.pids = [0, 1, 2].map(() => ({ input: 'in1', outputDirect: 'off' as const, setpoint: 0, p: 0, i: 0, ival: 0, minVoltage: -1, maxVoltage: 1, inputFilterHz: [0, 0, 0, 0], paused: false }));
  }

  /** in1 for a given out1 (V). */
  in1Of(out1: number): number {
    const x = (out1 - this.resonanceV) / this.hwhmV;
    return this.peakV / (1 + x * x);
  }

  private asgV(tMs: number): number {
    const a = this.asg;
    if (!a || a.output !== 'out1') return 0;
    const theta = 2 * Math.PI * a.frequency * ((tMs - a.startMs) / 1000);
    return a.offset + a.amplitude * (2 / Math.PI) * Math.asin(Math.sin(theta));
  }

  private pidOut(k: number): number {
    const s = this.pids[k]!;
    if (s.outputDirect !== 'out1') return 0;
    const e = this.in1Of(this.asgV(this.lastMs) + s.ival) - s.setpoint;
    return Math.min(s.maxVoltage, Math.max(s.minVoltage, s.ival + s.p * e));
  }

  /** Integrates the PIDs up to the clock's time. */
  advance(): void {
    const now = this.scheduler.now();
    const dtS = 1e-5;
    while (this.lastMs + dtS * 1000 <= now) {
      this.lastMs += dtS * 1000;
      for (let k = 0; k < 3; k++) {
        const s = this.pids[k]!;
        if (s.i === 0 || s.outputDirect !== 'out1') continue;
        const e = this.in1Of(this.asgV(this.lastMs) + s.ival + s.p * (this.in1Of(this.asgV(this.lastMs) + s.ival) - s.setpoint)) - s.setpoint;
        const ival = s.ival + 2 * Math.PI * s.i * e * dtS;
        this.pids[k] = { ...s, ival: Math.min(s.maxVoltage, Math.max(s.minVoltage, ival)) };
      }
    }
    this.lastMs = now;
  }

  out1(): number {
    this.advance();
    return this.asgV(this.scheduler.now()) + this.pidOut(0);
  }

  setAsg(index: number, settings: ResolvedAsgSettings): Observable<ResolvedAsgSettings> {
    return defer(() => {
      this.advance();
      if (index === 1) this.asg = { ...settings, startMs: this.scheduler.now() };
      return of(settings);
    });
  }

  acquire(settings: { decimation: number; triggerDelay: number }): Observable<RawTrace> {
    const n = this.info.bufferSize;
    const dt = settings.decimation / this.info.sampleRateHz;
    const t0 = -(n / 2) * dt + settings.triggerDelay;
    return timer(n * dt * 1000, this.scheduler).pipe(
      map(() => {
        this.advance();
        const a = this.asg!;
        const ch1 = new Float64Array(n);
        const pid = this.pidOut(0);
        // triggered at a period start of the generator
        const trigMs = a.startMs;
        for (let i = 0; i < n; i++) ch1[i] = this.in1Of(this.asgV(trigMs + (t0 + i * dt) * 1000) + pid);
        return { dt, t0, ch1, ch2: new Float64Array(n), timestamp: this.scheduler.now() };
      }),
    );
  }

  readonly pid: PidDriver = {
    count: 3,
    inputs: ['in1', 'in2'],
    set: (index: number, settings: PidSettings) =>
      defer(() => {
        this.advance();
        this.writes.push({ index, settings });
        const s = this.pids[index]!;
        this.pids[index] = { ...s, ...Object.fromEntries(Object.entries(settings).filter(([, v]) => v !== undefined)) } as ResolvedPidSettings;
        return of(this.pids[index]!);
      }),
    get: (index: number) => defer(() => of(this.pids[index]!)),
  };

  readonly sampler: SamplerDriver = {
    signals: ['in1', 'in2', 'pid0', 'pid1', 'pid2'],
    sample: (signal: string) =>
      defer(() => {
        this.advance();
        if (signal === 'in1') return of(this.in1Of(this.out1()) + this.offsetV);
        if (signal.startsWith('pid')) return of(this.pidOut(Number(signal.slice(3))));
        return of(0);
      }),
  };

  async close(): Promise<void> {}
}

/** The same board seen through a driver without PID modules (as stock SCPI firmware). */
export function withoutPids(board: BoardDriver): BoardDriver {
  return new Proxy(board, { get: (target, key) => (key === 'pid' ? undefined : Reflect.get(target, key, target) as unknown) });
}
