import {
  Observable,
  asyncScheduler,
  defer,
  first,
  firstValueFrom,
  map,
  of,
  repeat,
  switchMap,
  timer,
  zip,
  type SchedulerLike,
} from 'rxjs';
import {
  asgHoldLevels,
  asgIsContinuous,
  RED_PITAYA_125_14,
  SCOPE_SETTINGS,
  ScpiError,
  SettingsError,
  TimeoutError,
  type BoardDriver,
  type BoardInfo,
  type DeepMemoryDriver,
  type RawTrace,
  type ResolvedAsgSettings,
  type ResolvedScopeSettings,
  type ResolvedStreamSettings,
  type StreamBlock,
  raceLinkLoss,
} from '@labrx/core';
import { RP_COMMANDS, RP_SCPI, type AcqGain, GEN_TRIGGER_NAMES, TRIGGER_SOURCE_NAMES, WAVEFORM_NAMES, chain, fill, setLine } from '../protocol/redPitayaScpi.js';
import type { ScpiResponse } from './ScpiResponseParser.js';
import { ScpiTransport } from './ScpiTransport.js';
import { ScpiRecorder } from '../recording/ScpiRecorder.js';
import { ScpiDeepMemory, deepMemorySamplesOf, type DeepMemoryRegion, type ScpiDeepMemoryLink } from './ScpiDeepMemory.js';
import { scpiRingStream$ } from './scpiRingStream.js';
import { decodeFloat32Block } from './decodeFloat32Block.js';

/** How to reach an SCPI board. */
export interface ScpiBoardOptions {
  /** Host name or address of the board (or of labrx-sim). */
  readonly host: string;
  /** TCP port (default 5000). */
  readonly port?: number;
  /** Per-command limit in ms, from sending to the complete reply (default 5000). */
  readonly timeoutMs?: number;
  /** Limit in ms of the whole connect: socket, `*IDN?` and the option queries together (default `timeoutMs`). */
  readonly connectTimeoutMs?: number;
  /** Clock of timeouts and trigger polling (default asyncScheduler). */
  readonly scheduler?: SchedulerLike;
  /**
   * Ask the server to answer failed queries with an empty line at once (`RP:RET_ON_ERROR ON`,
   * firmware 2.07-43 and labrx-sim) instead of leaving them to time out (default true). On real
   * firmware the flag is global to the board: other clients see it too.
   */
  readonly retOnError?: boolean;
  /** Longest wait between trigger-state polls in ms (default 50). */
  readonly maxPollIntervalMs?: number;
  /**
   * Record the session's traffic (lines sent, bytes received, with times) into this `.labrx-rec`
   * file, written as it goes and closed with the board; `labrx-sim --replay FILE` serves it back.
   */
  readonly record?: string;
}

/** The default port of a Red Pitaya's SCPI server. */
export const SCPI_DEFAULT_PORT = 5000;

/** Parses `scpi://host[:port]` (IPv6 hosts in brackets). */
export function parseScpiUrl(url: string): { host: string; port: number } {
  const m = /^scpi:\/\/(\[[^\]]+\]|[^:/?#]+)(?::(\d+))?\/?$/.exec(url);
  if (!m) throw new SettingsError('connect', 'url', url, "'scpi://host' or 'scpi://host:port'");
  const port = m[2] === undefined ? SCPI_DEFAULT_PORT : Number(m[2]);
  if (!(port >= 1 && port <= 65535)) throw new SettingsError('connect', 'port', port, 'a TCP port from 1 to 65535');
  return { host: m[1]!.replace(/^\[|\]$/g, ''), port };
}

function text(message: ScpiResponse, i = 0): string {
  const u = message[i];
  return typeof u === 'string' ? u : '';
}

/** Decodes a big-endian float32 block payload of `expected` samples into fresh volts. */
function decodeFloatsBE(payload: Buffer | string | undefined, expected: number, target: string): Float64Array {
  const out = new Float64Array(expected);
  decodeFloat32Block(payload, expected, out, new Float32Array(expected), target);
  return out;
}

/**
 * A `BoardDriver` for a Red Pitaya — or `labrx-sim` — over SCPI on TCP: the same instruments run on
 * it as on the embedded simulator. Commands go one at a time (see ScpiTransport); traces travel as
 * big-endian float32 blocks. Plain SCPI has no IQ modules (`info.iqCount` is 0): the network analyzer
 * demodulates scope traces in software.
 *
 * `acquire` sets the scope up in one line (format, units, gains, DEC, AVG, LEV, HYST, DLY, START,
 * TRig), checks the error count, polls `ACQ:TRig:STAT?;FILL?` on the scheduler until `TD;1`, then
 * reads both channels; unsubscribing before the trace sends `ACQ:STOP`. The trigger delay travels in
 * whole samples (DLY), so `t0` is exact to one sample; 'asg1' has no SCPI trigger source (SettingsError).
 *
 * `setAsg` sends one line per generator (with `VOLT 0` before the offset, so that
 * |amplitude| + |offset| ≤ 1 V holds at every step) and checks the error count. Triggers map to
 * `SOUR<n>:TRig:SOUR` INT / EXT_PE / EXT_NE ('off' has no source: SettingsError); bursts to `BURS:NCYC`,
 * `:NOR`, `:INT:PER` (µs) and `BURS:STAT BURST`, with `INITValue` / `BURS:LASTValue` at the levels PyRPL's
 * FPGA holds (`asgHoldLevels`); `triggerAsg` is `SOUR<n>:TRig:INT`. Over SCPI generator
 * n drives output n only, the Red Pitaya plays no 'noise' (both SettingsError), and labrx's 'dc' (the
 * offset alone) is sent as `FUNC DC` with `VOLT 0`, since the DAC adds VOLT to the offset.
 *
 * Use `connectScpiBoard`.
 */
export class ScpiBoard implements BoardDriver {
  readonly id: string;
  readonly scheduler: SchedulerLike;
  /** Deep-memory captures (`ACQ:AXI:*`), present when the board reported a region at connect. */
  readonly deepMemory?: DeepMemoryDriver;
  /** The gapless stream over deep memory used as a ring (`scpiRingStream$`), on a board with deep memory. */
  readonly stream?: (settings: Omit<ResolvedStreamSettings, 'onOverflow'>) => Observable<StreamBlock>;
  /** 'ring' with `stream`: gaps are reported when the writer overtakes the reader. */
  readonly streamGuarantee?: 'ring';
  private running = 0;

  /** @internal use connectScpiBoard */
  constructor(
    private readonly transport: ScpiTransport,
    readonly info: BoardInfo,
    /** The server's `*IDN?` reply. */
    readonly idn: string,
    scheduler: SchedulerLike,
    private readonly maxPollIntervalMs: number,
    /** Closed after the transport (the session's recording). */
    private readonly recorder?: ScpiRecorder,
    /** The deep-memory region the board reported (`ACQ:AXI:START?`, `ACQ:AXI:SIZE?`), if any. */
    region?: DeepMemoryRegion,
  ) {
    this.id = transport.target;
    this.scheduler = scheduler;
    if (region) {
      const link: ScpiDeepMemoryLink = {
          info,
          scheduler,
          target: transport.target,
          maxPollIntervalMs,
          lost$: transport.lost$,
          request: (line) => transport.request(line, true),
          checked$: (commands) => this.checked$(commands),
          stopQuietly: (lines) => {
            if (this.transport.open) this.transport.request(chain(lines), false).subscribe({ error: () => undefined });
          },
          running: (delta) => (this.running += delta),
      };
      this.deepMemory = new ScpiDeepMemory(link, region);
      this.stream = (settings) => scpiRingStream$(link, region, settings);
      this.streamGuarantee = 'ring';
    }
  }

  /** True while an acquisition is armed or running. */
  get scopeRunning(): boolean {
    return this.running > 0;
  }

  /** Commands queued or awaiting replies (0 when idle). */
  get pendingCommands(): number {
    return this.transport.pending;
  }

  /** Sends one command line that has no reply. */
  send(line: string): Promise<void> {
    return firstValueFrom(this.transport.request(line, false).pipe(map(() => undefined)), { defaultValue: undefined });
  }

  /** Sends a query line and resolves with its reply (text units joined by `;`). */
  async query(line: string): Promise<string> {
    const message = await firstValueFrom(this.transport.request(line, true));
    return message.map((u) => (typeof u === 'string' ? u : u.toString('latin1'))).join(';');
  }

  /** Sends a query line and emits the reply message (text units and block payloads). */
  query$(line: string): Observable<ScpiResponse> {
    return this.transport.request(line, true);
  }

  /**
   * Sends `commands` joined in one line followed by `SYST:ERR:COUN?`; errors with the first queued
   * `ScpiError` (after draining the queue) when the count is not 0.
   */
  private checked$(commands: readonly string[]): Observable<void> {
    const line = chain([...commands, RP_COMMANDS.errorCount]);
    return this.transport.request(line, true).pipe(
      switchMap((reply) => {
        const count = Number.parseInt(text(reply, reply.length - 1), 10);
        if (count === 0) return of(undefined);
        return this.drainErrors$(Number.isFinite(count) ? count : 1).pipe(
          map((errors) => {
            const first = errors[0] ?? { code: -200, text: `unexpected error count reply ${JSON.stringify(reply)}` };
            throw new ScpiError(first.code, first.text, line.length > 200 ? `${line.slice(0, 200)}…` : line);
          }),
        );
      }),
    );
  }

  /** Reads `count` entries of the error queue (at most 32). */
  private drainErrors$(count: number): Observable<{ code: number; text: string }[]> {
    const n = Math.max(1, Math.min(32, count));
    return this.transport.request(chain(Array.from({ length: n }, () => RP_COMMANDS.nextError)), true).pipe(
      map((reply) =>
        reply
          .map((u) => (typeof u === 'string' ? u : ''))
          .map((u) => {
            const m = /^\s*([+-]?\d+)\s*,\s*"([\s\S]*)"\s*$/.exec(u);
            return m ? { code: Number(m[1]), text: m[2]!.split('""').join('"') } : { code: -200, text: u };
          })
          .filter((e) => e.code !== 0),
      ),
    );
  }

  setAsg(index: number, settings: ResolvedAsgSettings): Observable<ResolvedAsgSettings> {
    return defer(() => {
      if (!(index === 0 || index === 1)) throw new SettingsError('asg', 'index', index, 'an integer from 0 to 1');
      const instrument = `asg${index}`;
      const func = WAVEFORM_NAMES[settings.waveform];
      if (func === undefined) throw new SettingsError(instrument, 'waveform', settings.waveform, 'a waveform the Red Pitaya generator plays (not noise) over SCPI');
      const ch = index + 1;
      const outputName = `out${ch}`;
      if (settings.output !== 'off' && settings.output !== outputName) {
        throw new SettingsError(instrument, 'output', settings.output, `'off' or '${outputName}': over SCPI generator ${ch} drives output ${ch} only`);
      }
      const source = GEN_TRIGGER_NAMES[settings.trigger];
      if (source === undefined) {
        throw new SettingsError(instrument, 'trigger', settings.trigger, "'immediately', 'ext-rising' or 'ext-falling' over SCPI (its INT source starts at OUTPUT ON; use 'immediately' and asg.trigger())");
      }
      const on = settings.output !== 'off';
      const cmds: string[] = [
        setLine(RP_SCPI.genTriggerSource, source, ch),
        setLine(RP_SCPI.genBurstMode, 'CONTINUOUS', ch),
        setLine(RP_SCPI.genFunction, func as never, ch),
      ];
      if (settings.waveform === 'arbitrary' && settings.data) {
        cmds.push(fill(RP_COMMANDS.genArbitrary, Array.from(settings.data, (v) => String(v)).join(','), ch));
      }
      // The DAC outputs amplitude + offset for DC; labrx's 'dc' is the offset alone.
      const amplitude = settings.waveform === 'dc' ? 0 : settings.amplitude;
      cmds.push(
        setLine(RP_SCPI.genFrequency, settings.frequency, ch),
        setLine(RP_SCPI.genAmplitude, 0, ch),
        setLine(RP_SCPI.genOffset, settings.offset, ch),
        setLine(RP_SCPI.genAmplitude, amplitude, ch),
        setLine(RP_SCPI.genPhase, settings.phase, ch),
      );
      if (!asgIsContinuous(settings)) {
        // the levels PyRPL's FPGA holds before the first trigger and after a burst (asgHoldLevels), and the
        // burst's shape, all while CONTINUOUS (so every step is valid), then BURST once
        const holds = asgHoldLevels(settings);
        cmds.push(setLine(RP_SCPI.genInitValue, holds.beforeV, ch));
        if (settings.burstCycles > 0) {
          cmds.push(
            setLine(RP_SCPI.genBurstCount, 1, ch),
            setLine(RP_SCPI.genBurstCycles, settings.burstCycles, ch),
            setLine(RP_SCPI.genBurstPeriod, settings.burstPeriod * 1e6, ch),
            setLine(RP_SCPI.genBurstCount, settings.burstCount, ch),
            setLine(RP_SCPI.genLastValue, holds.afterV, ch),
            setLine(RP_SCPI.genBurstMode, 'BURST', ch),
          );
        }
      }
      cmds.push(setLine(RP_SCPI.genOutput, on, ch));
      if (on && settings.trigger === 'immediately') cmds.push(fill(RP_COMMANDS.genTrigger, undefined, ch));
      return this.checked$(cmds).pipe(map(() => settings));
    });
  }

  /** `SOUR<n>:TRig:INT`: a software trigger (the generator restarts its waveform or burst sequence), error count checked. */
  triggerAsg(index: number): Observable<void> {
    return defer(() => {
      if (!(index === 0 || index === 1)) throw new SettingsError('asg', 'index', index, 'an integer from 0 to 1');
      return this.checked$([fill(RP_COMMANDS.genTrigger, undefined, index + 1)]).pipe(map(() => undefined));
    });
  }

  acquire(settings: Omit<ResolvedScopeSettings, 'averages'>): Observable<RawTrace> {
    return new Observable<RawTrace>((subscriber) => {
      const source = TRIGGER_SOURCE_NAMES[settings.trigger];
      if (source === undefined) {
        subscriber.error(new SettingsError('scope', 'trigger', settings.trigger, "a trigger the Red Pitaya has over SCPI (generator 2 has no trigger of its own; use 'asg0')"));
        return;
      }
      const n = this.info.bufferSize;
      const dt = settings.decimation / this.info.sampleRateHz;
      const delaySamples = Math.round(settings.triggerDelay / dt);
      const gain = SCOPE_SETTINGS.wireValue('scpi', 'gain', settings.gain) as AcqGain;
      const bufferMs = n * dt * 1e3;
      const setup = [
        setLine(RP_SCPI.dataFormat, 'BIN'),
        setLine(RP_SCPI.dataUnits, 'VOLTS'),
        setLine(RP_SCPI.gain, gain, 1),
        setLine(RP_SCPI.gain, gain, 2),
        setLine(RP_SCPI.decimation, settings.decimation),
        setLine(RP_SCPI.averaging, settings.boxcar),
        setLine(RP_SCPI.triggerLevel, settings.threshold),
        setLine(RP_SCPI.triggerHysteresis, settings.hysteresis),
        setLine(RP_SCPI.triggerDelay, delaySamples),
        RP_COMMANDS.start,
        fill(RP_COMMANDS.trigger, source),
      ];
      // Polls: the first after the shortest possible acquisition (one buffer, and at least 1 ms, the
      // shortest timer: earlier polls would only load the server), then at most every
      // maxPollIntervalMs; intervals under 1 ms poll at once, as a timer would cost more than the round trip.
      const wait = (ms: number): Observable<unknown> => (ms < 1 ? of(0) : timer(ms, this.scheduler));
      const interval = Math.min(this.maxPollIntervalMs, Math.max(bufferMs / 4, 0));
      // One query per poll, repeated flat (no nesting however long the trigger takes).
      const poll$ = defer(() => this.transport.request(RP_COMMANDS.triggerState, true)).pipe(
        repeat({ delay: () => wait(interval) }),
        first((reply) => text(reply, 0).trim() === 'TD' && text(reply, 1).trim() === '1'),
        map(() => this.scheduler.now()),
      );
      // The wait before the first poll runs from the moment the setup is sent, not from its reply:
      // the setup's round trip then costs nothing when it is shorter than the acquisition.
      const pipeline$ = zip(this.checked$(setup), wait(Math.max(bufferMs, 1))).pipe(
        switchMap(() => poll$),
        switchMap((timestamp) =>
          this.transport.request(chain([fill(RP_COMMANDS.data, undefined, 1), fill(RP_COMMANDS.data, undefined, 2)]), true).pipe(
            map(
              (reply): RawTrace => ({
                dt,
                t0: (delaySamples - n / 2) * dt,
                ch1: decodeFloatsBE(reply[0], n, this.id),
                ch2: decodeFloatsBE(reply[1], n, this.id),
                timestamp,
              }),
            ),
          ),
        ),
      );
      // Done once the trace is read (the FPGA stopped writing at TD): a consumer that unsubscribes on
      // it (firstValueFrom) triggers no ACQ:STOP; a failure or an early unsubscribe does.
      return raceLinkLoss(pipeline$, this.transport.lost$, {
        start: () => this.running++,
        end: () => this.running--,
        abort: () => this.stopQuietly(),
      }).subscribe(subscriber);
    });
  }

  /** Sends ACQ:STOP without waiting; a lost link has nothing left to stop. */
  private stopQuietly(): void {
    if (this.transport.open) this.transport.request(RP_COMMANDS.stop, false).subscribe({ error: () => undefined });
  }

  async close(): Promise<void> {
    try {
      await this.transport.close();
    } finally {
      await this.recorder?.close();
    }
  }
}

/**
 * Connects to a Red Pitaya or `labrx-sim` at `scpi://host:port` (or `{ host, port, timeoutMs,
 * scheduler }`): opens the socket, reads `*IDN?`, asks for empty replies on failed queries and
 * big-endian blocks (each skipped quietly on firmware without them), and reads the board name.
 *
 * @example
 * const board = await connectScpiBoard('scpi://127.0.0.1:5000');
 * const trace = await firstValueFrom(board.acquire({ ...SCOPE_DEFAULTS, decimation: 8 }));
 * await board.close();
 * @throws TimeoutError when the server does not answer within timeoutMs; ConnectionLostError when it refuses or drops the connection
 */
export async function connectScpiBoard(target: string | ScpiBoardOptions): Promise<ScpiBoard> {
  const options: ScpiBoardOptions = typeof target === 'string' ? parseScpiUrl(target) : target;
  const scheduler = options.scheduler ?? asyncScheduler;
  const timeoutMs = options.timeoutMs ?? 5000;
  const connectTimeoutMs = options.connectTimeoutMs ?? timeoutMs;
  const port = options.port ?? SCPI_DEFAULT_PORT;
  const recorder = options.record === undefined ? undefined : new ScpiRecorder(options.record, `scpi://${options.host}:${port}`, scheduler);
  // One deadline for the whole handshake (socket, *IDN?, options): a server that accepts and never
  // answers fails the connect after timeoutMs, not after a per-command timeout plus a graceful close.
  const started = scheduler.now();
  let transport: ScpiTransport;
  try {
    await recorder?.opened();
    transport = await ScpiTransport.open({ host: options.host, port, timeoutMs, connectTimeoutMs, scheduler, ...(recorder ? { tap: recorder } : {}) });
  } catch (err) {
    // The first failure is the one to report; the recording's own is secondary.
    await recorder?.close().catch(() => undefined);
    throw err;
  }
  let timedOut = false;
  const deadline = scheduler.schedule(
    () => {
      timedOut = true;
      void transport.abort();
    },
    Math.max(0, connectTimeoutMs - (scheduler.now() - started)),
  );
  try {
    const ask = (line: string) => firstValueFrom(transport.request(line, true));
    const idn = text(await ask(RP_COMMANDS.idn));
    // Each optional command is followed by an error count: firmware without it queues −113, cleared by *CLS.
    const optional = async (line: string): Promise<boolean> => {
      const reply = await ask(chain([line, RP_COMMANDS.errorCount]));
      if (text(reply, reply.length - 1).trim() === '0') return true;
      await firstValueFrom(transport.request(RP_COMMANDS.clearStatus, false), { defaultValue: undefined });
      return false;
    };
    const repliesOnError = (options.retOnError ?? true) && (await optional(setLine(RP_SCPI.retOnError, true)));
    await optional(setLine(RP_SCPI.byteOrder, 'BEND'));
    let model = RED_PITAYA_125_14.model;
    if (repliesOnError) {
      const name = text(await ask(RP_COMMANDS.boardName)).trim();
      if (name) model = name;
    }
    // Deep memory (firmware 2.00-18 and later): the region's start and size, or an error count on older firmware.
    let region: DeepMemoryRegion | undefined;
    const axi = await ask(chain([RP_COMMANDS.axiStart, RP_COMMANDS.axiSize, RP_COMMANDS.errorCount]));
    if (axi.length === 3 && text(axi, 2).trim() === '0') {
      const start = Number.parseInt(text(axi, 0), 10);
      const bytes = Number.parseInt(text(axi, 1), 10);
      if (Number.isSafeInteger(start) && Number.isSafeInteger(bytes) && deepMemorySamplesOf({ start, bytes }) > RED_PITAYA_125_14.bufferSize) region = { start, bytes };
    } else if (text(axi, axi.length - 1).trim() !== '0') {
      await firstValueFrom(transport.request(RP_COMMANDS.clearStatus, false), { defaultValue: undefined });
    }
    const info: BoardInfo = Object.freeze({ ...RED_PITAYA_125_14, model, iqCount: 0, ...(region ? { deepMemorySamples: deepMemorySamplesOf(region) } : {}) });
    deadline.unsubscribe();
    return new ScpiBoard(transport, info, idn, scheduler, options.maxPollIntervalMs ?? 50, recorder, region);
  } catch (err) {
    deadline.unsubscribe();
    // a server that failed the handshake gets no graceful close to wait for either
    await transport.abort();
    await recorder?.close().catch(() => undefined);
    throw timedOut ? new TimeoutError(`connect ${transport.target}`, connectTimeoutMs) : err;
  }
}

