import { configurePyrplIq, readPyrplIq } from './PyrplIqConfig.js';
import { Observable, concat, defer, firstValueFrom, forkJoin, lastValueFrom, map, of, repeat, switchMap, tap, timer, first, type SchedulerLike } from 'rxjs';
import {
  LabrxError,
  asgBurstLengthS,
  asgIsContinuous,
  type AsgTrigger,
  preciseScheduler,
  RED_PITAYA_125_14,
  SettingsError,
  type AcquireOptions,
  type BoardDriver,
  type BoardInfo,
  type IqDriver,
  type IqMeasureRequest,
  type IqModuleSettings,
  type IqResult,
  type PidDriver,
  type RawTrace,
  type SamplerDriver,
  type ResolvedAsgSettings,
  type ResolvedScopeSettings,
  type TriggerSource,
  raceLinkLoss,
} from '@labrx/core';
import { BUFFER_WORDS, DSP_SIGNALS, FPGA_CLOCK_HZ, SCOPE_CONTROL, SCOPE_TRIGGER_SOURCES, VOLTS_14, addressOf, asgControlBits, dspBase, fieldOf, registerDecl } from '../map/registerMap.js';
import { encodeField, encodeFixed, type FixedPointField } from '../map/fieldCodec.js';
import { TrafficRecorder } from '@labrx/core/net';
import { MonitorTransport } from '../protocol/MonitorTransport.js';
import { asgTable, NOISE_TABLE_RMS } from './asgTable.js';
import { PyrplPids } from './PyrplPids.js';
import { pyrplIqModuleLimits, pyrplPidLimits } from '../map/moduleLimits.js';
import { PyrplSampler } from './PyrplSampler.js';

/** How to reach a board running PyRPL's FPGA image and monitor_server. */
export interface PyrplBoardOptions {
  readonly host: string;
  /** TCP port of monitor_server (default 2222). */
  readonly port?: number;
  /** Per-request limit in ms, from sending to the complete reply (default 2000). */
  readonly timeoutMs?: number;
  /**
   * Clock of timeouts, polling and the IQ modules' waits (default `preciseScheduler` from @labrx/core:
   * an NA point waits (settle + averagePerPoint)/rbw, 150 µs at rbw 10 kHz, which asyncScheduler would
   * round up to whole milliseconds; docs/decisions/0004).
   */
  readonly scheduler?: SchedulerLike;
  /** Longest wait between scope-state polls in ms (default 20). */
  readonly maxPollIntervalMs?: number;
  /**
   * Record the session's register traffic (every request and reply, timed on `scheduler`) into this
   * `.labrx-rec` file, closed with the board; `labrx-sim --replay FILE` serves it back
   * (`startPyrplReplayServer`).
   */
  readonly record?: string;
}

/** The default port of PyRPL's monitor_server. */
export const PYRPL_DEFAULT_PORT = 2222;

/** The FPGA at the address does not answer as PyRPL's image does (its constants read otherwise). */
export class FpgaImageError extends LabrxError {
  constructor(
    readonly target: string,
    detail: string,
  ) {
    super(`${target} does not run PyRPL's FPGA image: ${detail}`);
  }
}

/** Parses `pyrpl://host[:port]` (IPv6 hosts in brackets). */
export function parsePyrplUrl(url: string): { host: string; port: number } {
  const m = /^pyrpl:\/\/(\[[^\]]+\]|[^:/?#]+)(?::(\d+))?\/?$/.exec(url);
  if (!m) throw new SettingsError('connect', 'url', url, "'pyrpl://host' or 'pyrpl://host:port'");
  const port = m[2] === undefined ? PYRPL_DEFAULT_PORT : Number(m[2]);
  if (!(port >= 1 && port <= 65535)) throw new SettingsError('connect', 'port', port, 'a TCP port from 1 to 65535');
  return { host: m[1]!.replace(/^\[|\]$/g, ''), port };
}

const SCOPE_TRIGGERS: Readonly<Record<TriggerSource, number>> = {
  immediate: SCOPE_TRIGGER_SOURCES.immediately,
  'ch1-rising': SCOPE_TRIGGER_SOURCES.ch1_positive_edge,
  'ch1-falling': SCOPE_TRIGGER_SOURCES.ch1_negative_edge,
  'ch2-rising': SCOPE_TRIGGER_SOURCES.ch2_positive_edge,
  'ch2-falling': SCOPE_TRIGGER_SOURCES.ch2_negative_edge,
  'ext-rising': SCOPE_TRIGGER_SOURCES.ext_positive_edge,
  'ext-falling': SCOPE_TRIGGER_SOURCES.ext_negative_edge,
  asg0: SCOPE_TRIGGER_SOURCES.asg0,
  asg1: SCOPE_TRIGGER_SOURCES.asg1,
};

const OUTPUT_CODE = { off: 0, out1: 1, out2: 2 } as const;
const SCOPE = 0x40100000;
const ASG = 0x40200000;
const SYNC = dspBase('pid0') + 0xc;

function signed14(word: number): number {
  const c = word & 0x3fff;
  return (c >= 8192 ? c - 16384 : c) / 8192;
}

/** One lock-in measurement in a group that starts together. */
interface IqStart {
  readonly index: number;
  readonly request: IqMeasureRequest;
  /** Resolves once its average has been (re)started on the FPGA. */
  resolve(): void;
  reject(err: unknown): void;
}

/** The excitation lent by a generator to an IQ module while measurements run at its frequency. */
interface Lending {
  readonly asg: number;
  readonly frequencyHz: number;
  readonly owner: number;
  users: number;
}

/**
 * A `BoardDriver` for a Red Pitaya running PyRPL's FPGA image and monitor_server (or the simulated
 * one, `startPyrplServer`), over PyRPL's register protocol. Every instrument runs at the FPGA's
 * speed: the scope is armed, triggered and read in two 16384-word reads; the generators play 16384-word
 * tables; the three IQ modules do the network analyzer's lock-in work as PyRPL's NA does (write the
 * phase step, wait sleep + averages cycles, read the sums), so a sweep costs (settle + averagePerPoint)
 * / rbw per point plus a few round trips. `pid` gives the three PIDs as typed modules.
 *
 * On PyRPL's FPGA an IQ module cannot follow a generator's phase: `iq.measure` locked to a generator
 * playing a sine at the measured frequency (what the network analyzer does) has the IQ module take the
 * excitation over for the measurement (its oscillator plays the generator's amplitude on the
 * generator's output; the generator is muted), with the oscillators of all IQ modules measuring at
 * that frequency restarted together (the DSP sync register), so their results share one phase
 * reference: the excitation's. Other lock requests are refused with SettingsError.
 *
 * Use `connectPyrplBoard`.
 */
export class PyrplBoard implements BoardDriver {
  readonly id: string;
  readonly scheduler: SchedulerLike;
  readonly iq: IqDriver;
  /** The three PID modules (PyRPL's pid0-pid2), typed: `pid.set(0, { input: 'in1', outputDirect: 'out1', p: 1, i: 1e3 })`. */
  readonly pid: PidDriver = new PyrplPids(this);
  /** Momentary values of every DSP signal (PyRPL's sampler). */
  readonly sampler: SamplerDriver = new PyrplSampler(this);
  private running = 0;
  private readonly asgSettings: (ResolvedAsgSettings | null)[] = [null, null];
  private readonly asgTables: (string | null)[] = [null, null];
  private asgControl = 0;
  private sync = 0xff;
  private lending: Lending | null = null;
  private starts: IqStart[] = [];
  /** IQ configuration words as this driver last wrote them (cleared when a write may not have arrived). */
  private readonly written = new Map<number, number>();

  /** @internal use connectPyrplBoard */
  constructor(
    /** The register link. */
    readonly transport: MonitorTransport,
    readonly info: BoardInfo,
    scheduler: SchedulerLike,
    private readonly maxPollIntervalMs: number,
    /** Records the session when `record` was given; closed with the board. */
    private readonly recorder?: TrafficRecorder,
  ) {
    this.id = transport.target;
    this.scheduler = scheduler;
    this.iq = Object.freeze({
      measure: (index: number, request: IqMeasureRequest) => this.measure(index, request),
      configure: (index: number, settings: IqModuleSettings) => configurePyrplIq(this, index, settings),
      get: (index: number) => readPyrplIq(this, index),
    });
  }

  /** True while an acquisition is armed or running. */
  get scopeRunning(): boolean {
    return this.running > 0;
  }

  /** Reads `count` words at `address`. */
  read$(address: number, count = 1): Observable<Uint32Array> {
    return this.transport.read(address, count);
  }

  /** Writes `words` at `address`; completes once acknowledged. */
  write$(address: number, words: ArrayLike<number>): Observable<void> {
    return this.transport.write(address, words).pipe(map(() => undefined));
  }

  /** Reads one register word (Promise face). */
  async readWord(address: number): Promise<number> {
    return (await firstValueFrom(this.read$(address, 1)))[0]!;
  }

  /** Writes several (address, words) at once, pipelined; completes when all are acknowledged. */
  private writes$(items: ReadonlyArray<readonly [number, ArrayLike<number>]>): Observable<void> {
    if (items.length === 0) return of(undefined);
    return forkJoin(items.map(([a, w]) => this.transport.write(a, w))).pipe(
      map(() => undefined),
      // a write that may not have arrived makes the record of written words unreliable
      tap({
        error: () => {
          this.written.clear();
          this.scopeInputs = [-1, -1];
        },
      }),
    );
  }

  // ---- generators -----------------------------------------------------------------------------

  setAsg(index: number, settings: ResolvedAsgSettings): Observable<ResolvedAsgSettings> {
    return defer(() => {
      if (!(index === 0 || index === 1)) throw new SettingsError('asg', 'index', index, 'an integer from 0 to 1');
      const ch = index;
      const name = `asg${ch}`;
      if (settings.waveform === 'noise' && settings.amplitude > 0.49) {
        throw new SettingsError(name, 'amplitude', settings.amplitude, "at most 0.49 V rms for 'noise' (the FPGA's amplitude register reaches 2 V on a table of rms 0.25)");
      }
      if (settings.waveform === 'arbitrary' && !(settings.data && settings.data.length > 0)) {
        throw new SettingsError(name, 'data', settings.data, "one period of samples when waveform is 'arbitrary'");
      }
      return this.applyAsg$(ch, settings).pipe(map(() => settings));
    });
  }

  /**
   * A software trigger, as PyRPL's `asg.trig()` (asg.py:272-275): the trigger field set to 'immediately' (a
   * control write with bit 0 set pulses `trig_sw`, red_pitaya_asg.v:276), then back to the source in force;
   * on a generator already 'immediately', the field goes to 'off' and back (the second write pulses). As on
   * PyRPL, the whole control word is written: the other generator, when 'immediately', is re-triggered too.
   */
  triggerAsg(index: number): Observable<void> {
    return defer(() => {
      if (!(index === 0 || index === 1)) throw new SettingsError('asg', 'index', index, 'an integer from 0 to 1');
      const bits = asgControlBits(index);
      const field = (this.asgControl >> bits.trigger) & 7;
      const withField = (code: number) => ((this.asgControl & ~(7 << bits.trigger)) | (code << bits.trigger)) >>> 0;
      const words = field === 1 ? [withField(0), withField(1)] : [withField(1), withField(field)];
      return this.writes$([
        [ASG, [words[0]!]],
        [ASG, [words[1]!]],
      ]);
    });
  }

  /** The register writes that play `s` on generator `ch` from its start (PyRPL's asg._setup order, asg.py:322-333). */
  private applyAsg$(ch: 0 | 1, s: ResolvedAsgSettings, amplitudeOverride?: number): Observable<void> {
    const v = ch * 0x20;
    const bits = asgControlBits(ch);
    const tableKey = s.waveform === 'arbitrary' ? null : s.waveform;
    const writeTable = s.waveform === 'arbitrary' || this.asgTables[ch] !== tableKey;
    const amplitude = amplitudeOverride ?? (s.waveform === 'dc' ? 0 : s.waveform === 'noise' ? s.amplitude / NOISE_TABLE_RMS : s.amplitude);
    let word = encodeField(fieldOf(`asg${ch}`, 'amplitude'), amplitude);
    word = encodeField(fieldOf(`asg${ch}`, 'offset'), s.offset, word);
    const phaseRaw = Math.round((((s.phase % 360) + 360) % 360) * (2 ** 30 / 360)) % 2 ** 30;
    const step = encodeFixed(fieldOf(`asg${ch}`, 'frequency') as FixedPointField, s.frequency);
    const clear = (c: number, bit: number): number => c & ~(1 << bit);
    const set = (c: number, bit: number): number => c | (1 << bit);
    let stop = set(set(this.asgControl, bits.smReset), bits.off);
    let go = clear(clear(stop, bits.smReset), bits.off);
    go = (go & ~(7 << bits.trigger)) | (ASG_TRIGGER_CODES[s.trigger] << bits.trigger);
    go = set(go, bits.wrapPointer);
    go = s.waveform === 'noise' ? set(go, bits.randomPhase) : clear(go, bits.randomPhase);
    stop = stop >>> 0;
    go = go >>> 0;
    const items: Array<readonly [number, ArrayLike<number>]> = [[ASG, [stop]]];
    if (writeTable) items.push([addressOf(`asg${ch}`, 'data'), asgTable(s)]);
    items.push(
      [ASG + 0x4 + v, [word, 2 ** 30 - 1, phaseRaw, step]],
      [ASG + 0x18 + v, asgBurstWords(s)],
      [dspBase(ch === 0 ? 'asg0' : 'asg1') + 0x4, [OUTPUT_CODE[s.output]]],
      [ASG, [go]],
    );
    return defer(() => {
      this.asgControl = go;
      this.asgTables[ch] = writeTable ? tableKey : this.asgTables[ch]!;
      this.asgSettings[ch] = s;
      return this.writes$(items);
    });
  }

  // ---- scope ----------------------------------------------------------------------------------

  /** Every DSP signal but in1/in2 can be recorded too (PyRPL's scope input1/input2: the asg0/asg1 multiplexer slots' input registers). */
  readonly scopeSources: readonly string[] = Object.freeze(Object.keys(DSP_SIGNALS).filter((k) => k !== 'in1' && k !== 'in2'));
  /** The scope's input registers as this driver last wrote them (init: in1, in2). */
  private scopeInputs: readonly [number, number] = [DSP_SIGNALS.in1, DSP_SIGNALS.in2];

  acquire(settings: Omit<ResolvedScopeSettings, 'averages'>, options: AcquireOptions = {}): Observable<RawTrace> {
    return new Observable<RawTrace>((subscriber) => {
      const sources = options.sources ?? (['in1', 'in2'] as const);
      const codes = sources.map((x) => (DSP_SIGNALS as Readonly<Record<string, number>>)[x]);
      if (codes.some((c) => c === undefined)) {
        subscriber.error(new SettingsError('scope', 'sources', sources, `two of ${Object.keys(DSP_SIGNALS).join(', ')}`));
        return undefined;
      }
      const inputs = [codes[0]!, codes[1]!] as const;
      const route: Array<readonly [number, ArrayLike<number>]> =
        inputs[0] === this.scopeInputs[0] && inputs[1] === this.scopeInputs[1] ? [] : [[dspBase('asg0'), [inputs[0]]], [dspBase('asg1'), [inputs[1]]]];
      if (settings.gain !== 'lv') {
        // The input range is a jumper on the board, which PyRPL's FPGA can neither set nor read: its
        // samples are in the LV calibration (±1 V). Refused rather than mislabelled.
        subscriber.error(new SettingsError('scope', 'gain', settings.gain, "'lv' on a PyRPL board (the HV jumpers are not visible to the FPGA; scale readings by 20 yourself)"));
        return undefined;
      }
      const n = BUFFER_WORDS;
      const dt = settings.decimation / FPGA_CLOCK_HZ;
      const dtMs = dt * 1000;
      const delay = Math.max(1, n / 2 + Math.round(settings.triggerDelay / dt));
      const source = SCOPE_TRIGGERS[settings.trigger];
      const wait = (ms: number): Observable<unknown> => (ms < 1 ? of(0) : timer(ms, this.scheduler));
      const setup = this.writes$([
        ...route,
        [SCOPE, [1 << SCOPE_CONTROL.reset]],
        [SCOPE + 0x8, [encodeFixed(VOLTS_14, settings.threshold)]],
        [SCOPE + 0x10, [delay, settings.decimation]],
        [SCOPE + 0x20, [encodeFixed(VOLTS_14, settings.hysteresis)]],
        [SCOPE + 0x28, [settings.boxcar ? 1 : 0]],
        [SCOPE, [1 << SCOPE_CONTROL.armed]],
      ]);
      // A software trigger is accepted only once 16384 − delay samples are written (pretrig_ok,
      // red_pitaya_scope.v:293): for an immediate trigger with pre-trigger samples, wait and poll it.
      const pretrigMs = (n - delay) * dtMs;
      const pollEvery = Math.min(this.maxPollIntervalMs, Math.max(n * dtMs / 8, 0));
      const pretrig$ =
        settings.trigger === 'immediate' && delay < n
          ? defer(() => this.read$(SCOPE + 0x16c)).pipe(
              repeat({ delay: () => wait(pollEvery) }),
              first((w) => (w[0]! & 1) === 1),
            )
          : of(0);
      const armed$ = concat(setup, wait(settings.trigger === 'immediate' && delay < n ? pretrigMs : 0).pipe(switchMap(() => pretrig$)), this.write$(SCOPE + 0x4, [source]));
      const done$ = defer(() => this.read$(SCOPE)).pipe(
        repeat({ delay: () => wait(pollEvery) }),
        first((w) => (w[0]! & ((1 << SCOPE_CONTROL.armed) | (1 << SCOPE_CONTROL.delayRunning))) === 0),
        map(() => this.scheduler.now()),
      );
      if (route.length) this.scopeInputs = inputs;
      const read$ = forkJoin([this.read$(addressOf('scope', 'ch1'), n), this.read$(SCOPE + 0x1c, 1), this.read$(addressOf('scope', 'ch2'), n)]);
      const startMs = this.scheduler.now();
      // The FPGA needs max(16384, delay) samples after arming at the least: the first poll waits for them.
      const pipeline$ = armed$.pipe(
        afterCompletion(),
        switchMap(() => wait(Math.max(0, startMs + Math.max(n, delay) * dtMs - this.scheduler.now()))),
        switchMap(() => done$),
        switchMap((timestamp) =>
          read$.pipe(
            map(([a, wp, b]): RawTrace => {
              const start = (wp[0]! + delay + 1) % n;
              const ch1 = new Float64Array(n);
              const ch2 = new Float64Array(n);
              for (let i = 0; i < n; i++) {
                const k = (start + i) % n;
                ch1[i] = signed14(a[k]!);
                ch2[i] = signed14(b[k]!);
              }
              return { dt, t0: (delay - n) * dt, ch1, ch2, timestamp };
            }),
          ),
        ),
      );
      return raceLinkLoss(pipeline$, this.transport.lost$, {
        start: () => this.running++,
        end: () => this.running--,
        // an abandoned acquisition: stop the FPGA writing; a lost link has nothing left to stop
        abort: (reason) => {
          if (reason === 'unsubscribe' && this.transport.open) this.write$(SCOPE, [1 << SCOPE_CONTROL.reset]).subscribe({ error: () => undefined });
        },
      }).subscribe(subscriber);
    });
  }

  // ---- IQ modules -----------------------------------------------------------------------------

  private measure(index: number, request: IqMeasureRequest): Observable<IqResult> {
    return new Observable<IqResult>((subscriber) => {
      const name = `iq${index}`;
      const bad = (setting: string, value: unknown, allowed: string): void => subscriber.error(new SettingsError(name, setting, value, allowed));
      if (!(index === 0 || index === 1 || index === 2)) return bad('index', index, 'an integer from 0 to 2');
      if (request.input !== 'in1' && request.input !== 'in2') return bad('input', request.input, "'in1' or 'in2'");
      if (!(request.integrationS > 0 && request.integrationS * FPGA_CLOCK_HZ < 2 ** 32)) return bad('integrationS', request.integrationS, 'more than 0 s and less than 34.3 s (2^32 cycles)');
      if (!(request.settleS >= 0 && request.settleS * FPGA_CLOCK_HZ < 2 ** 32)) return bad('settleS', request.settleS, 'from 0 s to 34.3 s (2^32 cycles)');
      const g = this.asgSettings[request.lockToAsg];
      const resolution = FPGA_CLOCK_HZ / 2 ** 30;
      if (!g || g.waveform !== 'sine' || Math.abs(g.frequency - request.frequencyHz) > resolution || !asgIsContinuous(g)) {
        return bad('lockToAsg', request.lockToAsg, `a generator playing a continuous sine ('immediately', burstCycles 0) at frequencyHz (${request.frequencyHz} Hz): on PyRPL's FPGA the IQ module's own oscillator takes the excitation over`);
      }
      const lending = this.lending;
      if (lending && (lending.asg !== request.lockToAsg || Math.abs(lending.frequencyHz - request.frequencyHz) > resolution)) {
        return bad('frequencyHz', request.frequencyHz, `${lending.frequencyHz} Hz while iq${lending.owner} measures on asg${lending.asg}`);
      }
      const averages = Math.max(1, Math.round(request.integrationS * FPGA_CLOCK_HZ));
      const sleep = Math.round(request.settleS * FPGA_CLOCK_HZ);
      const isOwner = !lending;
      this.lending = lending ?? { asg: request.lockToAsg, frequencyHz: request.frequencyHz, owner: index, users: 0 };
      this.lending.users++;
      const base = dspBase(`iq${index}` as 'iq0');
      const iqAmplitude = isOwner ? g.amplitude : 0;
      const amplitudeField = fieldOf(`iq${index}`, 'amplitude') as FixedPointField;
      // the module's configuration, each word written only when it differs from what this driver last
      // wrote there (an NA sweep then writes little more than the phase steps per point)
      const setup = this.writes$([
        // the generator muted first, so that its simulated generator is free before the module plays
        ...(isOwner ? [[ASG + 0x4 + request.lockToAsg * 0x20, [encodeField(fieldOf(`asg${request.lockToAsg}`, 'offset'), g.offset, 0)]] as const] : []),
        ...this.changed([
          [base + 0x0, DSP_SIGNALS[request.input]],
          [base + 0x4, isOwner ? OUTPUT_CODE[g.output] : 0],
          [base + 0x104, 0], // demodulation phase
          [base + 0x10c, 1], // output_signal: output_direct
          [base + 0x110, 0], // g1
          [base + 0x114, encodeFixed(amplitudeField, iqAmplitude)],
          [base + 0x118, 0], // g3
          [base + 0x11c, 0], // g4
          [base + 0x120, 0], // input filter off
          [base + 0x124, 0], // quadrature filter off: the sums average the raw quadratures
          [base + 0x130, averages],
          [base + 0x134, sleep],
        ]),
      ]);
      // Every measurement that starts in this tick joins one group: their oscillators restart together.
      const started = new Promise<void>((resolve, reject) => {
        this.starts.push({ index, request, resolve, reject });
        if (this.starts.length === 1) queueMicrotask(() => this.startGroup());
      });
      started.catch(() => undefined); // a measurement unsubscribed before its start owes no one the error
      const durationMs = ((sleep + averages) * 1000) / FPGA_CLOCK_HZ;
      const readSums$ = defer(() => this.read$(base + 0x140, 4)).pipe(
        // still averaging (the server's clock ran a little behind): read again, at once for short
        // averages as PyRPL does, else after a twentieth of the average
        repeat({ count: 50, delay: () => (durationMs / 20 < 1 ? of(0) : timer(durationMs / 20, this.scheduler)) }),
        first((w) => (w[0]! | w[1]! | w[2]! | w[3]!) >>> 31 === 0),
        map((w): IqResult => {
          const sum = (lo: number, hi: number): number => {
            const raw = (BigInt(hi & 0x7fffffff) << 31n) | BigInt(lo & 0x7fffffff);
            return Number(BigInt.asIntN(62, raw));
          };
          const scale = averages * 2 ** 22;
          return { re: sum(w[0]!, w[1]!) / scale, im: sum(w[2]!, w[3]!) / scale, timestamp: this.scheduler.now() };
        }),
      );
      const sub = concat(setup, defer(() => started)).pipe(
        afterCompletion(),
        switchMap(() => timer(durationMs, this.scheduler)),
        switchMap(() => readSums$),
      ).subscribe(subscriber);
      return () => {
        sub.unsubscribe();
        this.release();
      };
    });
  }

  /** The writes among `items` whose word differs from what this driver last wrote there (recorded as written). */
  private changed(items: ReadonlyArray<readonly [number, number]>): Array<readonly [number, number[]]> {
    const out: Array<readonly [number, number[]]> = [];
    for (const [address, word] of items) {
      if (this.written.get(address) === word) continue;
      this.written.set(address, word);
      out.push([address, [word]]);
    }
    return out;
  }

  /** Restarts the oscillators of the group together, then each one's average (a second phase-step write). */
  private startGroup(): void {
    const group = this.starts.splice(0);
    const mask = group.reduce((m, s) => m | (1 << (DSP_SIGNALS.iq0 + s.index)), 0);
    const steps = group.map((s) => [dspBase(`iq${s.index}` as 'iq0') + 0x108, [encodeFixed(fieldOf(`iq${s.index}`, 'frequency') as FixedPointField, s.request.frequencyHz)]] as const);
    // the new phase steps, then the oscillators restarted together (sync bits off and on: equal phases
    // from then on), then the phase steps again, which restart the averages after the restart
    const items: Array<readonly [number, ArrayLike<number>]> = [...steps, [SYNC, [this.sync & ~mask]], [SYNC, [this.sync | mask]], ...steps];
    this.sync |= mask;
    this.writes$(items).subscribe({ complete: () => group.forEach((s) => s.resolve()), error: (e: unknown) => group.forEach((s) => s.reject(e)) });
  }

  /** One measurement ended: the last one gives the excitation back to its generator. */
  private release(): void {
    const l = this.lending;
    if (!l) return;
    l.users--;
    if (l.users > 0) return;
    this.lending = null;
    const g = this.asgSettings[l.asg];
    if (!this.transport.open || !g) return;
    const base = dspBase(`iq${l.owner}` as 'iq0');
    const word = encodeField(fieldOf(`asg${l.asg}`, 'offset'), g.offset, encodeField(fieldOf(`asg${l.asg}`, 'amplitude'), g.amplitude));
    this.writes$([...this.changed([
      [base + 0x114, 0],
      [base + 0x4, 0],
    ]), [ASG + 0x4 + l.asg * 0x20, [word]]]).subscribe({ error: () => undefined });
  }

  /** Releases the socket; idempotent. */
  async close(): Promise<void> {
    try {
      await this.transport.close();
    } finally {
      await this.recorder?.close();
    }
  }

  /** @internal reads the constants that identify PyRPL's image and sets the generators up as PyRPL does. */
  async init(): Promise<void> {
    const expect = [11, 17, 32, 18, 14, 24, 8];
    const iq0 = await firstValueFrom(this.read$(registerDecl('iq0', 'LUTSZ').address, expect.length));
    if (expect.some((x, i) => iq0[i] !== x)) throw new FpgaImageError(this.id, `iq0 constants at 0x40350200 read [${Array.from(iq0).join(', ')}], PyRPL's are [${expect.join(', ')}]`);
    this.sync = await this.readWord(SYNC);
    this.asgControl = await this.readWord(ASG);
    await lastValueFrom(
      this.writes$([
        [ASG + 0x8, [2 ** 30 - 1]],
        [ASG + 0x28, [2 ** 30 - 1]],
        [dspBase('asg0'), [DSP_SIGNALS.in1]],
        [dspBase('asg1'), [DSP_SIGNALS.in2]],
      ]),
      { defaultValue: undefined },
    );
  }
}

/** Completes after the source completes, emitting one value (for concat chains of writes). */
function afterCompletion<T>(): (source: Observable<T>) => Observable<null> {
  return (source) =>
    new Observable<null>((subscriber) =>
      source.subscribe({
        error: (e: unknown) => subscriber.error(e),
        complete: () => {
          subscriber.next(null);
          subscriber.complete();
        },
      }),
    );
}

/**
 * Connects to a board running PyRPL's FPGA image and monitor_server at `pyrpl://host:port` (or
 * `{ host, port, timeoutMs, scheduler }`): checks the FPGA's constants, points the scope at in1/in2
 * and sets the generators' counter wraps as PyRPL does.
 *
 * @example
 * const board = await connectPyrplBoard('pyrpl://rp-f0a1b2.local:2222');
 * const trace = await firstValueFrom(board.acquire({ ...SCOPE_DEFAULTS, decimation: 8 }));
 * await board.close();
 * @throws TimeoutError, ConnectionLostError, FpgaImageError
 */
export async function connectPyrplBoard(target: string | PyrplBoardOptions): Promise<PyrplBoard> {
  const options: PyrplBoardOptions = typeof target === 'string' ? parsePyrplUrl(target) : target;
  const scheduler = options.scheduler ?? preciseScheduler;
  const port = options.port ?? PYRPL_DEFAULT_PORT;
  const recorder = options.record === undefined ? undefined : new TrafficRecorder(options.record, `pyrpl://${options.host.includes(':') ? `[${options.host}]` : options.host}:${port}`, scheduler);
  let transport: MonitorTransport;
  try {
    // a recording that cannot be written fails here, before any traffic
    await recorder?.opened();
    transport = await MonitorTransport.open({ host: options.host, port, timeoutMs: options.timeoutMs ?? 2000, scheduler, ...(recorder ? { tap: recorder } : {}) });
  } catch (err) {
    await recorder?.close().catch(() => undefined);
    throw err;
  }
  const board = new PyrplBoard(transport, Object.freeze({ ...RED_PITAYA_125_14, model: 'STEMlab 125-14 (PyRPL FPGA)', pid: pyrplPidLimits(), iqModule: pyrplIqModuleLimits() }), scheduler, options.maxPollIntervalMs ?? 20, recorder);
  try {
    await board.init();
  } catch (err) {
    await board.close().catch(() => undefined);
    throw err;
  }
  return board;
}

/** labrx generator triggers as PyRPL trigger_source codes (asg.py:216-223). */
const ASG_TRIGGER_CODES: Readonly<Record<AsgTrigger, number>> = Object.freeze({ off: 0, immediately: 1, 'ext-rising': 2, 'ext-falling': 3 });

/**
 * `cycles_per_burst`, `bursts`, `delay_between_bursts` (asg.py:240-250, at 0x18/0x1c/0x20 + 0x20·ch;
 * red_pitaya_asg.v:293-295) for `s`: the cycles, the repetitions after the first burst, and the gap from
 * a burst's end to the next start in whole µs (at least 1: red_pitaya_asg_ch.v:209 re-triggers at 0).
 */
export function asgBurstWords(s: ResolvedAsgSettings): [number, number, number] {
  if (s.burstCycles === 0) return [0, 0, 0];
  const gapUs = s.burstCount > 1 ? Math.max(1, Math.round((s.burstPeriod - asgBurstLengthS(s)) * 1e6)) : 0;
  return [s.burstCycles, s.burstCount - 1, gapUs];
}
