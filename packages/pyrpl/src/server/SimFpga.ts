import type { Subscription } from 'rxjs';
import { ASG_BURST_PERIOD_MAX_S, ASG_DEFAULTS, ASG_MAX_BURST_CYCLES, asgBurstLengthS, resolveAsgSettings, type AsgSettings, type AsgTrigger, type BoardDriver, type ResolvedAsgSettings } from '@labrx/core';
import { BUFFER_WORDS, DSP_SIGNALS, FPGA_CLOCK_HZ, PYRPL_MODULES, asgControlBits } from '../map/registerMap.js';
import { decodeField, toSigned } from '../map/fieldCodec.js';
import { IQ_INPUT_FILTER, fieldOf, type DspSignal } from '../map/registerMap.js';
import { filterCutoffsHz, filterResponse } from './filterResponse.js';
import { acBandwidthOf } from '../map/iqInputFilter.js';
import { ScopeModel } from './ScopeModel.js';
import { dspBase } from '../map/registerMap.js';
import { tableShape, type TableShape } from './tableShape.js';

const SCOPE_BASE = 0x40100000;
const ASG_BASE = 0x40200000;
const DSP_BASE = 0x40300000;
const IQ_FIRST = DSP_SIGNALS.iq0;
const TWO_PI = 2 * Math.PI;

interface AsgChannel {
  readonly table: Int16Array;
  tableVersion: number;
  shape: { version: number; shape: TableShape } | null;
  /** Increments whenever the generator (re)starts: a new phase origin. */
  starts: number;
  /** Released from reset and not switched off (`on`). */
  playing: boolean;
  /**
   * The labrx trigger the board plays (see `writeAsgControl`): set from the trigger field when the
   * generator (re)starts or the field selects another source; a software pulse leaves it.
   */
  trigger: AsgTrigger;
  /** A software trigger (the field set to 'immediately' while running) waits for the next reconcile. */
  pulse: boolean;
}

/**
 * PyRPL's trigger_source codes (asg.py:216-223, red_pitaya_asg_ch.v:185-193) as labrx triggers: 'ext_raw'
 * (4) re-triggers while DIO0_P is high and 'high' (5) after every sequence; the simulator plays them as a
 * rising edge and as 'immediately' (one sequence) and says so.
 */
const ASG_TRIGGER_OF_CODE: readonly AsgTrigger[] = ['off', 'immediately', 'ext-rising', 'ext-falling', 'ext-rising', 'immediately', 'off', 'off'];

interface IqState {
  /** Oscillator frequency (Hz) and phase (cycles) at tRefMs; the phase runs only while the sync bit is 1. */
  frequencyHz: number;
  tRefMs: number;
  phaseRef: number;
  running: boolean;
  /** Restarts of the oscillator (a new phase reference). */
  epoch: number;
  averaging: boolean;
  sumI: bigint;
  sumQ: bigint;
  measurement: Subscription | null;
}

/** One of the simulator's two generators, and what it plays for the FPGA. */
interface Slot {
  key: string;
  /** When an IQ oscillator plays here: its oscillator's key and phase (cycles) at the slot's phase origin. */
  lo: { readonly key: string; readonly cycles: number } | null;
  /** Scheduler times (ms) at which settings were applied (the generator's phase origins), newest last. */
  readonly origins: number[];
  owner: string | null;
}

/**
 * PyRPL's FPGA (register map in registerMap.ts) simulated over a `BoardDriver` with the
 * simulator's capabilities: the scope (ScopeModel), the two generators and the IQ modules' oscillators
 * as sources on the board's generator slots, the IQ modules' network-analyzer sums computed by the
 * board's IQ modules (noise included), the DSP routing, and every other register stored and read
 * back; read-only constants answer as the FPGA's synthesis parameters do; unmapped addresses read 0.
 *
 * The board has two generators: PyRPL's asg0 and asg1 play on slots 0 and 1; an IQ module whose
 * oscillator drives an output (amplitude ≠ 0, output_direct ≠ off) takes a slot no asg is using.
 * PID modules act on the board's closed loop (docs/architecture.md, "Closed loop"): each batch of
 * writes to a PID's registers (or the sync register's pause bits) is forwarded whole to
 * `board.pid.set` (values decoded from the registers, so within the declared `PID_SETTINGS` ranges by
 * construction; an input the simulator does not compute reads 'off'), a write of `ival` included only when it was written, and `ival` reads the
 * board's integrator. IQ modules' demodulator registers (input, frequency, phase, output_signal,
 * g1 = 8·gain, bandwidth) go to `board.iq.configure`, while their oscillator keeps playing on a
 * generator slot, in phase with the board's IQ oscillator (both 2π·f·t in board time). IIR and
 * trigger modules keep their registers but do not act on the signals. The sampler's `signal`
 * registers read the board's sampler for every signal it has (one fresh sample per read), others 0.
 */
export class SimFpga {
  private readonly store = new Map<number, number>();
  private readonly constants = new Map<number, number>();
  private readonly asg: AsgChannel[] = [0, 1].map((): AsgChannel => ({ table: new Int16Array(BUFFER_WORDS), tableVersion: 0, shape: null, starts: 0, playing: false, trigger: 'off', pulse: false }));
  private asgControl = 0;
  private sync = 0xff;
  private readonly iq: IqState[];
  private readonly slots: Slot[] = [0, 1].map(() => ({ key: '', lo: null, origins: [], owner: null }));
  private readonly pendingStarts: number[] = [];
  private readonly applying = new Set<Subscription>();
  readonly scope: ScopeModel;
  private readonly warned = new Set<string>();
  private disposed = false;
  private dirty = false;
  /** PIDs whose registers were written since the last flush, and whether their ival was. */
  private readonly pidDirty = new Set<number>();
  /** Scheduler time (ms) at the board's time 0. */
  private readonly originMs: number;
  private readonly ivalWritten = new Set<number>();
  private readonly iqDirty = new Set<number>();

  constructor(
    private readonly board: BoardDriver,
    private readonly onError: (err: unknown) => void,
  ) {
    const originMs = board.scheduler.now();
    // the simulator's own time origin (its board time 0), read at one held instant so that it is exact
    const sim = board as { timeS?: () => number };
    const boardTimeMs = (now: number): number => now - 1000 * sim.timeS!();
    this.originMs = sim.timeS ? (board.atOneInstant ? board.atOneInstant(boardTimeMs) : boardTimeMs(originMs)) : originMs;
    for (const m of PYRPL_MODULES) {
      for (const r of m.registers) {
        if (r.constant !== undefined) this.constants.set(m.base + r.offset, r.constant);
        else if (r.reset !== undefined && r.name !== 'sync') this.store.set(m.base + r.offset, r.reset);
      }
    }
    this.iq = [0, 1, 2].map(() => ({ frequencyHz: 0, tRefMs: originMs, phaseRef: 0, running: true, epoch: 0, averaging: false, sumI: 0n, sumQ: 0n, measurement: null }));
    this.scope = new ScopeModel(board, (a) => this.slotOf(`asg${a}`), (m) => this.warn(m), originMs, () => [this.scopeInput(0), this.scopeInput(1)]);
    // Known phase origins for both generator slots from the start.
    for (let s = 0; s < 2; s++) this.apply(s, null, 'off', originMs);
  }

  /** The DSP signal scope channel `ch` records: the input register of the asg0/asg1 multiplexer slot (scope.py:245-255; in1/in2 until written). */
  private scopeInput(ch: 0 | 1): string {
    const word = this.store.get(dspBase(ch === 0 ? 'asg0' : 'asg1'));
    if (word === undefined) return ch === 0 ? 'in1' : 'in2';
    return (Object.keys(DSP_SIGNALS) as DspSignal[]).find((k) => DSP_SIGNALS[k] === (word & 0xf)) ?? 'off';
  }

  /** Reports a condition the simulator cannot reproduce, once per message. */
  private warn(message: string): void {
    if (this.warned.has(message)) return;
    this.warned.add(message);
    this.onError(new Error(`PyRPL simulator: ${message}`));
  }

  /** Reads `count` words from `address` (FPGA space, word-aligned). */
  read(address: number, count: number): Uint32Array {
    // the scope buffers in one copy (PyRPL reads them whole)
    for (const [base, buf] of [[SCOPE_BASE + 0x10000, this.scope.ch1], [SCOPE_BASE + 0x20000, this.scope.ch2]] as const) {
      if (address >= base && address + 4 * count <= base + 4 * BUFFER_WORDS) return buf.slice((address - base) >>> 2, ((address - base) >>> 2) + count);
    }
    const out = new Uint32Array(count);
    for (let i = 0; i < count; i++) out[i] = this.readWord(address + 4 * i) >>> 0;
    return out;
  }

  /** Writes `words` from `address` (FPGA space, word-aligned). */
  write(address: number, words: Uint32Array): void {
    for (let i = 0; i < words.length; i++) this.writeWord(address + 4 * i, words[i]!);
    this.dirty = true;
  }

  /**
   * Applies what the writes since the last flush changed: the generator slots first, then the IQ
   * averages those writes started (so that they see the oscillators in place). The server flushes
   * once per batch of requests that arrived together, so a burst of register writes restarts each
   * simulated generator once, as the FPGA's settings take effect together.
   */
  flush(): void {
    if (!this.dirty || this.disposed) return;
    this.dirty = false;
    this.reconcile();
    this.forwardModules();
    for (const index of this.pendingStarts.splice(0)) this.startMeasurement(index);
  }

  /** The name of DSP signal code `code`, or 'off' for one the board does not have. */
  private signalName(code: number, module: string): string {
    const name = (Object.keys(DSP_SIGNALS) as DspSignal[]).find((k) => DSP_SIGNALS[k] === code) ?? 'off';
    if (name === 'off') return 'off';
    const known = this.board.pid?.inputs ?? [];
    if (!known.includes(name)) {
      this.warn(`${module} reads ${name}, which the simulator does not compute: it reads 0`);
      return 'off';
    }
    return name;
  }

  /** Sends the PID and IQ registers written since the last flush to the board's modules. */
  private forwardModules(): void {
    const fail = (m: string) => (err: unknown) => this.warn(`${m}: ${(err as Error)?.message ?? String(err)}`);
    for (const index of [...this.pidDirty].sort()) {
      const m = `pid${index}`;
      const base = DSP_BASE + index * 0x10000;
      const word = (off: number) => this.store.get(base + off) ?? 0;
      const num = (reg: string, off: number) => decodeField(fieldOf(m, reg), word(off)) as number;
      const directs = ['off', 'out1', 'out2', 'both'] as const;
      const settings = {
        input: this.signalName(word(0x0) & 0xf, m),
        outputDirect: directs[word(0x4) & 3]!,
        setpoint: num('setpoint', 0x104),
        p: num('p', 0x108),
        i: num('i', 0x10c),
        minVoltage: num('min_voltage', 0x124),
        maxVoltage: Math.max(num('min_voltage', 0x124), num('max_voltage', 0x128)),
        inputFilterHz: filterCutoffsHz(word(0x120), 4, 5, 10),
        paused: ((this.sync >> index) & 1) === 0,
        ...(this.ivalWritten.has(index) ? { ival: num('ival', 0x100) } : {}),
      };
      this.board.pid?.set(index, settings).subscribe({ error: fail(m) });
    }
    this.pidDirty.clear();
    this.ivalWritten.clear();
    const configure = this.board.iq?.configure;
    for (const index of [...this.iqDirty].sort()) {
      if (!configure) break;
      const m = `iq${index}`;
      const base = DSP_BASE + (IQ_FIRST + index) * 0x10000;
      const word = (off: number) => this.store.get(base + off) ?? 0;
      const signals = ['quadrature', 'output_direct', 'off', 'off', 'quadrature'] as const;
      const phaseDeg = -((word(0x104) >>> 0) * 360) / 2 ** 32; // PyRPL writes −phase (PhaseRegister invert)
      if ((word(0x110) & 0x3ffff) !== 0 || (word(0x11c) & 0x3ffff) !== 0) this.warn(`${m} g1/g4 (PyRPL's gain: the filtered quadratures re-modulated onto output_direct) are not simulated`);
      configure
        .call(this.board.iq, index, {
          input: this.signalName(word(0x0) & 0xf, m),
          frequencyHz: ((word(0x108) >>> 0) * FPGA_CLOCK_HZ) / 2 ** 32,
          phaseDeg: phaseDeg <= -180 ? phaseDeg + 360 : phaseDeg,
          bandwidthHz: filterCutoffsHz(word(0x124), index === 2 ? 4 : 2, 5, 10),
          acBandwidthHz: acBandwidthOf(word(0x120)),
          // labrx's gain scales the quadrature outputs: g3 (quadrature_factor) / 2
          gain: toSigned(word(0x118) & 0x3ffff, 18) / 2,
          outputSignal: signals[word(0x10c) & 0xf] ?? 'off',
          // the oscillator plays on a generator slot (reconcile), not through the board's IQ output
          amplitudeV: 0,
          outputDirect: 'off',
        })
        .subscribe({ error: fail(m) });
    }
    this.iqDirty.clear();
  }

  private readWord(a: number): number {
    const c = this.constants.get(a);
    if (c !== undefined) return c;
    if (a >= SCOPE_BASE && a < SCOPE_BASE + 0x100000) return this.scope.read(a - SCOPE_BASE);
    if (a >= ASG_BASE && a < ASG_BASE + 0x100000) {
      const off = a - ASG_BASE;
      if (off === 0) return this.asgControl;
      if (off >= 0x10000 && off < 0x30000) {
        const ch = off < 0x20000 ? 0 : 1;
        const k = ((off - 0x10000 * (ch + 1)) >>> 2) % BUFFER_WORDS;
        return this.asg[ch]!.table[k]! & 0x3fff;
      }
      return this.store.get(a) ?? 0;
    }
    if (a >= DSP_BASE && a < DSP_BASE + 0x100000) {
      const n = (a - DSP_BASE) >>> 16;
      const off = a & 0xffff;
      if (off === 0xc) return this.sync;
      if (off === 0x10) return this.signalNow(n);
      if (off === 0x8) return 0;
      if (n <= 2 && off === 0x100 && this.board.pid) {
        let ival = 0;
        this.board.pid.get(n).subscribe({ next: (r) => (ival = r.ival), error: () => undefined });
        const code = Math.max(-32768, Math.min(32767, Math.round(ival * 8192)));
        return code < 0 ? code + 65536 : code;
      }
      if (n >= IQ_FIRST && n < IQ_FIRST + 3) {
        const q = this.iq[n - IQ_FIRST]!;
        if (off === 0x100) return ((this.store.get(a) ?? 0) & 0x3e) | ((this.sync >> n) & 1);
        if (off >= 0x140 && off <= 0x14c) {
          const sum = off < 0x148 ? q.sumI : q.sumQ;
          const bits = BigInt.asUintN(62, sum);
          const part = off === 0x140 || off === 0x148 ? bits & 0x7fffffffn : bits >> 31n;
          return (Number(part) | (q.averaging ? 0x80000000 : 0)) >>> 0;
        }
        if (off === 0x150) return 0;
      }
      return this.store.get(a) ?? 0;
    }
    return this.store.get(a) ?? 0;
  }

  private writeWord(a: number, v: number): void {
    if (this.constants.has(a)) return;
    if (a >= SCOPE_BASE && a < SCOPE_BASE + 0x100000) return this.scope.write(a - SCOPE_BASE, v);
    if (a >= ASG_BASE && a < ASG_BASE + 0x100000) {
      const off = a - ASG_BASE;
      if (off === 0) return this.writeAsgControl(v >>> 0);
      if (off >= 0x10000 && off < 0x30000) {
        const ch = off < 0x20000 ? 0 : 1;
        const k = ((off - 0x10000 * (ch + 1)) >>> 2) % BUFFER_WORDS;
        const g = this.asg[ch]!;
        g.table[k] = toSigned(v & 0x3fff, 14);
        g.tableVersion++;
        return;
      }
      this.store.set(a, v >>> 0);
      return;
    }
    if (a >= DSP_BASE && a < DSP_BASE + 0x100000) {
      const n = (a - DSP_BASE) >>> 16;
      const off = a & 0xffff;
      if (off === 0xc) {
        if (((v ^ this.sync) & 7) !== 0) for (let p = 0; p < 3; p++) if ((((v ^ this.sync) >> p) & 1) !== 0) this.pidDirty.add(p);
        return this.writeSync(v & 0xff);
      }
      if (off === 0x8 || off === 0x10) return;
      if (n <= 2 && off < 0x200) {
        this.pidDirty.add(n);
        if (off === 0x100) this.ivalWritten.add(n);
      }
      if (n >= IQ_FIRST && n < IQ_FIRST + 3) {
        if (off >= 0x140 && off <= 0x150) return;
        this.store.set(a, v >>> 0);
        if (off === 0x0 || off === 0x104 || off === 0x108 || off === 0x10c || off === 0x110 || off === 0x120 || off === 0x124) this.iqDirty.add(n - IQ_FIRST);
        if (off === 0x108) this.iqFrequencyWritten(n - IQ_FIRST);
        return;
      }
    }
    this.store.set(a, v >>> 0);
  }

  /** The `signal` register of DSP slot `n` (what PyRPL's sampler reads): from the board's sampler when it has that signal, else 0. */
  private signalNow(n: number): number {
    const name = (Object.keys(DSP_SIGNALS) as DspSignal[]).find((k) => DSP_SIGNALS[k] === n) ?? null;
    const sampler = this.board.sampler;
    if (!name || !sampler?.signals.includes(name)) return 0;
    let v = 0;
    sampler.sample(name).subscribe({ next: (x) => (v = x), error: () => undefined });
    const code = Math.max(-8192, Math.min(8191, Math.round(v * 8191)));
    return code < 0 ? code + 16384 : code;
  }

  // ---- generators ------------------------------------------------------------------------------

  /**
   * The control word (asg.py:171-256, red_pitaya_asg.v:276-286): a generator (re)starts when it is
   * released from reset or switched on; its trigger field then sets the trigger it plays. While it runs,
   * setting the field to 'immediately' (1) is a software trigger (PyRPL's `trig()`, red_pitaya_asg.v:276:
   * a write with bit 0 set pulses `trig_sw`), played as `board.triggerAsg`; selecting another source
   * changes the trigger for later sequences (re-applied: the generator then waits), except that 'off'
   * after 'immediately' leaves the sequence running, as the FPGA does.
   */
  private writeAsgControl(v: number): void {
    const before = this.asgControl;
    this.asgControl = v;
    for (const ch of [0, 1] as const) {
      const bits = asgControlBits(ch);
      const playing = this.asgPlaying(ch, v);
      const g = this.asg[ch]!;
      const wasReset = ((before >> bits.smReset) & 1) === 1;
      const field = (v >> bits.trigger) & 7;
      const was = (before >> bits.trigger) & 7;
      if (playing && (!g.playing || wasReset)) {
        // a (re)start
        g.starts++;
        g.trigger = ASG_TRIGGER_OF_CODE[field]!;
        if (field === 4 || field === 5) this.warn(`asg${ch} trigger_source ${field === 4 ? "'ext_raw' is played as 'ext_positive_edge'" : "'high' is played as 'immediately' (one sequence)"}`);
      } else if (playing && field !== was) {
        if (field === 1) g.pulse = true;
        else if (!(field === 0 && g.trigger === 'immediately')) g.trigger = ASG_TRIGGER_OF_CODE[field]!;
      }
      g.playing = playing;
    }
  }

  private asgPlaying(ch: 0 | 1, control = this.asgControl): boolean {
    const bits = asgControlBits(ch);
    return ((control >> bits.smReset) & 1) === 0 && ((control >> bits.off) & 1) === 0;
  }

  private outputOf(signal: keyof typeof DSP_SIGNALS): 'off' | 'out1' | 'out2' {
    const code = (this.store.get(DSP_BASE + DSP_SIGNALS[signal] * 0x10000 + 4) ?? 0) & 3;
    return code === 0 ? 'off' : code === 2 ? 'out2' : 'out1';
  }

  /** What PyRPL's asg `ch` plays, as board settings, with a key that changes when it restarts. */
  private asgSource(ch: 0 | 1): { settings: AsgSettings; key: string } | null {
    const bits = asgControlBits(ch);
    if ((this.asgControl >> bits.off) & 1) return null;
    const output = this.outputOf(ch === 0 ? 'asg0' : 'asg1');
    if (output === 'off') return null;
    const v = ch * 0x20;
    const word = this.store.get(ASG_BASE + 0x4 + v) ?? 0;
    const amplitude = (word & 0x3fff) / 8192;
    const offset = toSigned((word >>> 16) & 0x3fff, 14) / 8192;
    const g = this.asg[ch]!;
    if (!g.playing) return offset === 0 ? null : { settings: { waveform: 'dc', offset, output }, key: `dc|${offset}|${output}` };
    const step = this.store.get(ASG_BASE + 0x10 + v) ?? 0;
    const frequency = Math.min(FPGA_CLOCK_HZ / 2, (step * FPGA_CLOCK_HZ) / 2 ** 30);
    const phase = (((this.store.get(ASG_BASE + 0xc + v) ?? 0) % 2 ** 30) * 360) / 2 ** 30;
    const burst = this.asgBurst(ch, frequency, phase);
    const base = `${g.starts}|${frequency}|${phase}|${output}|${amplitude}|${offset}|${g.tableVersion}|${burst.key}`;
    if ((this.asgControl >> bits.randomPhase) & 1) {
      let sq = 0;
      for (const c of g.table) sq += (c / 8192) ** 2;
      const rms = amplitude * Math.sqrt(sq / BUFFER_WORDS);
      if (burst.settings.burstCycles !== 0) this.warn(`asg${ch} 'noise' (random phase) is played continuously: the simulator counts no cycles of it`);
      return { settings: { waveform: 'noise', amplitude: rms, offset, output, trigger: burst.settings.trigger }, key: `noise|${base}` };
    }
    if (g.shape?.version !== g.tableVersion) g.shape = { version: g.tableVersion, shape: tableShape(g.table) };
    const shape = g.shape.shape;
    if (shape.waveform === 'dc') return offset === 0 ? null : { settings: { waveform: 'dc', offset, output }, key: `dc|${offset}|${output}` };
    if (shape.waveform === 'arbitrary') return { settings: { waveform: 'arbitrary', data: shape.data, amplitude, offset, frequency, phase, output, ...burst.settings }, key: `arb|${base}` };
    return { settings: { waveform: shape.waveform, amplitude: amplitude * shape.peak, offset, frequency, phase, output, ...burst.settings }, key: `${shape.waveform}|${base}` };
  }

  /**
   * Generator `ch`'s trigger and burst registers as labrx settings (asg.py:240-250; red_pitaya_asg.v:293-304,
   * red_pitaya_asg_ch.v:156-209): `cycles_per_burst` (0x18, 32 bits; 0 continuous), `bursts` (0x1c, 16 bits:
   * repetitions after the first burst) and `delay_between_bursts` (0x20, µs from a burst's end to the next
   * start). A delay of 0 with repetitions re-triggers inside the burst (the FPGA then plays continuously),
   * as does a count beyond 65535 periods here (labrx's range); both are played continuously and reported.
   */
  private asgBurst(ch: 0 | 1, frequency: number, phase: number): { settings: { trigger: AsgTrigger; burstCycles: number; burstCount: number; burstPeriod: number }; key: string } {
    const v = ch * 0x20;
    const trigger = this.asg[ch]!.trigger;
    let cycles = this.store.get(ASG_BASE + 0x18 + v) ?? 0;
    const repeats = (this.store.get(ASG_BASE + 0x1c + v) ?? 0) & 0xffff;
    const delayUs = this.store.get(ASG_BASE + 0x20 + v) ?? 0;
    if (cycles > ASG_MAX_BURST_CYCLES || (cycles > 0 && repeats > 0 && delayUs === 0) || (cycles > 0 && !(frequency > 0))) {
      this.warn(`asg${ch} cycles_per_burst ${cycles} with bursts ${repeats} and delay_between_bursts ${delayUs} µs is played continuously`);
      cycles = 0;
    }
    const count = cycles > 0 ? repeats + 1 : 1;
    let period = count > 1 ? asgBurstLengthS({ frequency, phase, burstCycles: cycles }) + delayUs * 1e-6 : ASG_DEFAULTS.burstPeriod;
    if (period > ASG_BURST_PERIOD_MAX_S) {
      this.warn(`asg${ch} bursts more than ${ASG_BURST_PERIOD_MAX_S} s apart are played ${ASG_BURST_PERIOD_MAX_S} s apart`);
      period = ASG_BURST_PERIOD_MAX_S;
    }
    return { settings: { trigger, burstCycles: cycles, burstCount: count, burstPeriod: period }, key: `${trigger}|${cycles}|${count}|${period}` };
  }

  // ---- IQ modules ------------------------------------------------------------------------------

  private iqReg(index: number, off: number): number {
    return this.store.get(DSP_BASE + (IQ_FIRST + index) * 0x10000 + off) ?? 0;
  }

  /** Oscillator phase of iq `index` at scheduler time `ms`, in cycles. */
  private iqPhase(q: IqState, ms: number): number {
    return q.running ? q.phaseRef + (q.frequencyHz * (ms - q.tRefMs)) / 1000 : 0;
  }

  private writeSync(v: number): void {
    const now = this.board.scheduler.now();
    for (let i = 0; i < 3; i++) {
      const q = this.iq[i]!;
      const on = ((v >> (IQ_FIRST + i)) & 1) === 1;
      if (on === q.running) continue;
      // off: the phase accumulator is held at 0; on: it starts again from 0
      q.running = on;
      q.phaseRef = 0;
      q.tRefMs = now;
      q.epoch++;
    }
    this.sync = v;
  }

  /** A write of the phase step: the oscillator continues at the new frequency, and a new average starts (red_pitaya_iq_block.v:314-320). */
  private iqFrequencyWritten(index: number): void {
    const q = this.iq[index]!;
    const now = this.board.scheduler.now();
    const frequencyHz = (this.iqReg(index, 0x108) * FPGA_CLOCK_HZ) / 2 ** 32;
    if (frequencyHz !== q.frequencyHz) {
      q.phaseRef = this.iqPhase(q, now);
      q.tRefMs = now;
      q.frequencyHz = frequencyHz;
      q.epoch++;
    }
    q.measurement?.unsubscribe();
    q.measurement = null;
    q.sumI = 0n;
    q.sumQ = 0n;
    q.averaging = this.iqReg(index, 0x130) !== 0;
    if (q.averaging && !this.pendingStarts.includes(index)) this.pendingStarts.push(index);
  }

  /** The key of iq `index`'s oscillator: equal keys mean equal phases at every instant. */
  private loKey(index: number): string {
    const q = this.iq[index]!;
    return `${q.running}|${q.frequencyHz}|${q.tRefMs}|${q.phaseRef}`;
  }

  /**
   * Starts the NA average of iq `index` on the board's IQ module. The result is relative to a
   * generator slot's phase; it is turned into the module's own oscillator phase exactly when an IQ
   * oscillator in step with it plays on a slot (PyRPL's network analyzer: the module excites and
   * demodulates), else through the scheduler times of the slot's last restart (exact in virtual time).
   */
  private startMeasurement(index: number): void {
    const q = this.iq[index]!;
    const now = this.board.scheduler.now();
    const frequencyHz = q.frequencyHz;
    const averages = this.iqReg(index, 0x130);
    const sleep = this.iqReg(index, 0x134);
    const inputCode = (this.store.get(DSP_BASE + (IQ_FIRST + index) * 0x10000) ?? 0) & 0xf;
    const input = inputCode === DSP_SIGNALS.in1 ? 'in1' : inputCode === DSP_SIGNALS.in2 ? 'in2' : null;
    const iqDriver = this.board.iq;
    const finish = (re: number, im: number): void => {
      const scale = averages * 2 ** 22;
      q.sumI = BigInt(Math.round(re * scale));
      q.sumQ = BigInt(Math.round(im * scale));
      q.averaging = false;
      q.measurement = null;
    };
    if (!iqDriver || input === null) {
      this.warn(`iq${index} demodulates ${input === null ? `DSP signal ${inputCode}` : 'nothing (the board has no IQ modules)'}: only in1 and in2 are simulated; the sums read 0`);
      q.measurement = this.board.scheduler.schedule(() => finish(0, 0), ((sleep + averages) * 1000) / FPGA_CLOCK_HZ);
      return;
    }
    const key = this.loKey(index);
    const anchor = this.slots.findIndex((sl) => sl.lo?.key === key);
    const reference = anchor >= 0 ? anchor : 0;
    const anchorCycles = anchor >= 0 ? this.slots[anchor]!.lo!.cycles : null;
    const settleS = sleep / FPGA_CLOCK_HZ;
    const startMs = now + settleS * 1000;
    let done = false;
    const sub = iqDriver.measure(index, { input, frequencyHz, lockToAsg: reference, settleS, integrationS: averages / FPGA_CLOCK_HZ }).subscribe({
      next: (z) => {
        // z is relative to the reference slot's phase 2πf(t − origin); the module's oscillator leads
        // it by δ cycles; the demodulation phase register shifts it further.
        let delta: number;
        if (anchorCycles !== null) delta = anchorCycles;
        else {
          const origins = this.slots[reference]!.origins;
          let origin = origins[0] ?? now;
          for (const o of origins) if (o <= startMs) origin = o;
          delta = q.phaseRef + (frequencyHz * (origin - q.tRefMs)) / 1000;
        }
        delta += this.iqReg(index, 0x104) / 2 ** 32;
        const rot = -TWO_PI * (delta - Math.floor(delta));
        let re = z.re * Math.cos(rot) - z.im * Math.sin(rot);
        let im = z.re * Math.sin(rot) + z.im * Math.cos(rot);
        const h = filterResponse(filterCutoffsHz(this.iqReg(index, 0x120), IQ_INPUT_FILTER.stages, IQ_INPUT_FILTER.shiftBits, IQ_INPUT_FILTER.minBwHz), frequencyHz);
        [re, im] = [re * h.re - im * h.im, re * h.im + im * h.re];
        finish(re, im);
      },
      error: (err: unknown) => {
        done = true;
        q.averaging = false;
        q.measurement = null;
        this.warn(`iq${index} measurement failed: ${(err as Error)?.message ?? String(err)}`);
      },
      complete: () => (done = true),
    });
    if (!done) q.measurement = sub;
  }

  /** What iq `index`'s oscillator plays on an output, if anything. */
  private iqSource(index: number, now: number): { settings: AsgSettings; key: string; lo: { key: string; cycles: number } } | null {
    const q = this.iq[index]!;
    const output = this.outputOf(`iq${index}` as 'iq0');
    const amplitude = toSigned(this.iqReg(index, 0x114) & 0x3ffff, 18) / 2 ** 17;
    if (output === 'off' || amplitude === 0 || !q.running) return null;
    // in phase with the board's IQ oscillator, 2π·f·t in board time (so that a demodulator configured
    // on the board sees its own modulation at a fixed phase, as on the FPGA)
    const cycles = (q.frequencyHz * (now - this.originMs)) / 1000;
    // amplitude·sin(θ): a negative amplitude is a phase flip
    // the phase in degrees is what the slot is given: its phase origin then holds exactly these cycles
    const frac = Math.round(360 * (cycles - Math.floor(cycles)) * 1e9) / 1e9 / 360;
    const phase = 360 * frac + (amplitude < 0 ? 180 : 0);
    return {
      settings: { waveform: 'sine', frequency: q.frequencyHz, amplitude: Math.abs(amplitude), offset: 0, phase: phase % 360, output },
      key: `iq${index}|${q.epoch}|${q.frequencyHz}|${amplitude}|${output}`,
      lo: { key: this.loKey(index), cycles: frac },
    };
  }

  // ---- generator slots -------------------------------------------------------------------------

  private slotOf(owner: string): number | null {
    const i = this.slots.findIndex((s) => s.owner === owner);
    return i < 0 ? null : i;
  }

  /**
   * Puts every active source on a generator slot: asg n on slot n, IQ oscillators on free slots. On a
   * board that can hold its clock (`atOneInstant`), the oscillators' phases, the slots' origins and the
   * generators' restarts are all one instant, so an IQ oscillator plays exactly in phase with the
   * module's demodulation on any clock (on a sub-millisecond clock two readings would differ by
   * microseconds: tens of cycles at 20 MHz).
   */
  reconcile(): void {
    if (this.board.atOneInstant) this.board.atOneInstant((now) => this.reconcileAt(now));
    else this.reconcileAt(this.board.scheduler.now());
  }

  private reconcileAt(now: number): void {
    const wanted: Array<{ owner: string; settings: AsgSettings; key: string; lo?: { key: string; cycles: number } } | null> = [null, null];
    for (const ch of [0, 1] as const) {
      const s = this.asgSource(ch);
      if (s) wanted[ch] = { owner: `asg${ch}`, ...s };
    }
    for (let i = 0; i < 3; i++) {
      const s = this.iqSource(i, now);
      if (!s) continue;
      const owner = `iq${i}`;
      const previous = this.slotOf(owner);
      const free = previous !== null && wanted[previous] === null ? previous : wanted.findIndex((w) => w === null);
      if (free < 0) {
        this.warn(`${owner} drives an output while both simulated generators are in use: it is not played`);
        continue;
      }
      wanted[free] = { owner, ...s };
    }
    for (let slot = 0; slot < 2; slot++) {
      const w = wanted[slot] ?? null;
      const key = w ? `${w.owner}|${w.key}` : 'off';
      if (this.slots[slot]!.key !== key) this.apply(slot, w, key, now);
    }
    for (const ch of [0, 1] as const) {
      const g = this.asg[ch]!;
      if (!g.pulse) continue;
      g.pulse = false;
      const slot = this.slotOf(`asg${ch}`);
      if (slot === null) continue;
      if (!this.board.triggerAsg) {
        this.warn(`asg${ch} software trigger: the board has no triggerAsg`);
        continue;
      }
      this.board.triggerAsg(slot).subscribe({ error: (err: unknown) => this.warn(`asg${ch} trigger: ${(err as Error)?.message ?? String(err)}`) });
    }
  }

  private apply(slot: number, w: { owner: string; settings: AsgSettings; lo?: { key: string; cycles: number } } | null, key: string, now: number): void {
    let settings: ResolvedAsgSettings;
    try {
      settings = w ? resolveAsgSettings(w.settings, this.board.info, ASG_DEFAULTS, w.owner) : ASG_DEFAULTS;
    } catch (err) {
      this.warn(`${w?.owner ?? 'generator'} not simulated: ${(err as Error).message}`);
      return;
    }
    const s = this.slots[slot]!;
    s.key = key;
    s.owner = w?.owner ?? null;
    s.lo = w?.lo ?? null;
    s.origins.push(now);
    if (s.origins.length > 64) s.origins.splice(0, s.origins.length - 64);
    let done = false;
    const sub = this.board.setAsg(slot, settings).subscribe({
      error: (err: unknown) => {
        done = true;
        this.warn(`generator ${slot}: ${(err as Error)?.message ?? String(err)}`);
      },
      complete: () => (done = true),
    });
    if (!done) {
      this.applying.add(sub);
      sub.add(() => this.applying.delete(sub));
    }
  }

  /** Stops all board work (server close). */
  dispose(): void {
    this.disposed = true;
    this.scope.dispose();
    for (const q of this.iq) q.measurement?.unsubscribe();
    for (const s of this.applying) s.unsubscribe();
    this.applying.clear();
  }
}
