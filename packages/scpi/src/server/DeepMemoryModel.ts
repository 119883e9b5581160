import { Subject, type Subscription } from 'rxjs';
import { lsbVolts, type BoardDriver, type DeepCaptureChunk, type InputGain, type ResolvedScopeSettings } from '@labrx/core';
import type { ScpiErrorSink } from './errorSink.js';
import { ScpiApiError, ScpiCommandError, RP_API_ERROR, RP_API_ERROR_TEXT } from './scpiErrors.js';
import type { AcqSamples, AcqUnits } from './acqSamples.js';

/** Where the simulated DDR region starts: 0x1000000, as the Red Pitaya OS reserves it (`monitor -r`). */
export const DEEP_MEMORY_START = 0x1000000;

/** Bytes per stored sample: the DMA writes int16 ADC counts. */
const BYTES_PER_SAMPLE = 2;

/**
 * The most samples one data query may ask for (2^21: 8 MiB BIN float32, ~21 MiB ASCII): the reply is
 * one unit the server holds whole (docs/reliability.md). The firmware allocates `new float[n]` and
 * fails with −200 when it cannot; larger asks fail the same way here. Red Pitaya's own examples read
 * at most 838,860 samples at once (a 40th of the 32 MiB region).
 */
export const MAX_DEEP_READ_SAMPLES = 1 << 21;

/** One input's DMA channel: its DDR buffer, trigger delay and what it recorded. */
interface DeepChannel {
  /** Buffer start address in bytes (ACQ:AXI:SOUR<n>:SET:Buffer). */
  start: number;
  /** Buffer length in samples. */
  samples: number;
  /** Samples written after the trigger (ACQ:AXI:SOUR<n>:Trig:Dly). */
  delay: number;
  /** ACQ:AXI:SOUR<n>:ENable: the reserved memory, or null while disabled. */
  memory: Int16Array | null;
  /** Ring position of the trigger sample. */
  triggerPos: number;
  /** Ring position of the next sample to write (where the writer stopped). */
  writePos: number;
  /** All `delay` post-trigger samples written (TRIG:FILL?). */
  filled: boolean;
}

function freshChannel(start: number): DeepChannel {
  // ACQ:RST (acq_SetDefault): disabled, an empty buffer at the region start, delay 1
  return { start, samples: 0, delay: 1, memory: null, triggerPos: 0, writePos: 0, filled: false };
}

const fail = (what: string) => new ScpiApiError(RP_API_ERROR.EOOR, `${what}: ${RP_API_ERROR_TEXT[RP_API_ERROR.EOOR]}`);

/**
 * Deep-memory acquisition (the FPGA's DMA into the DDR region, `ACQ:AXI:*`) as the Red Pitaya server
 * sees it, over the board's `deepMemory` driver.
 *
 * The region starts at 0x1000000 and holds `4 · info.deepMemorySamples` bytes (the simulator's
 * `deepMemoryBytes`, 32 MiB by default). Each input has a buffer inside it (start address, size in
 * bytes: a multiple of 16, not past the region; checked as rp-api's `acq_axi_SetBufferSamples`), and
 * `ENable ON` reserves it (overlapping reservations fail, as `axi_reserveMemory` refuses them). When
 * the scope is armed with a trigger source (`ACQ:START` + `ACQ:TRig`) and a channel is enabled, one
 * capture of both inputs runs: the writer fills each buffer as a ring from position 0, the trigger
 * position is recorded, `Trig:Dly` more samples are written, then the channel stops and `TRIG:FILL?`
 * reads 1. Every sample is written as the writer passes, so with a delay beyond the buffer (up to
 * 2^32 − 1) it wraps lap after lap and the ring can be read while it runs (`Write:Pos?` moves round):
 * the SCPI driver's gapless stream; ACQ:STOP, a new START or the session's end stops it. Every
 * query of the writer's state (`Write:Pos?`, `Trig:Pos?`, `Trig:Fill?`) first has the board write
 * every sample due on its clock (`capture$`'s catchUp$), so the writer never lags the board's time
 * when it is looked at, however late the event loop runs: as the DMA. (A data read does not: it sees
 * the ring as the last look left it, which is all a reader that asks where the writer is can rely on.) The buffer then holds the last `size` samples written; `DATA:Start:N? pos,n` reads n from
 * ring position pos, wrapping, in `ACQ:AXI:DATA:UNITS` (VOLTS or RAW, separate from `ACQ:DATA:UNITS`)
 * and the connection's format.
 *
 * Differences from the hardware, all in the direction of fewer surprises: the simulated writer
 * starts at `ACQ:TRig` (with the trigger source), not at `ACQ:START`, and waits with the trigger until
 * the part of each buffer before it has been written (the hardware records from START and accepts
 * the trigger earlier, leaving stale data there; a client that waits between START and TRig, as the
 * labrx driver does, therefore waits twice as long for the pre-trigger part here); the standard 16384-sample buffer is a separate
 * capture with its own trigger (on the FPGA both share one trigger event); a data query asks for at
 * most the channel's buffer length.
 */
export class DeepMemoryModel {
  /** ACQ:AXI:DATA:UNITS: a global of the firmware's SCPI server (default VOLTS). */
  units: AcqUnits = 'VOLTS';
  private readonly channels: [DeepChannel, DeepChannel];
  private running: Subscription | null = null;
  /** Asks the running capture to write everything due on the board's clock (DeepMemoryDriver.capture$'s catchUp$). */
  private readonly catchUp = new Subject<void>();
  private gain: InputGain = 'lv';
  /** Byte ranges deep-memory generation has reserved (a buffer may not overlap them). */
  generationReserved: () => readonly { start: number; end: number }[] = () => [];

  constructor(private readonly board: BoardDriver) {
    this.channels = [freshChannel(this.regionStart), freshChannel(this.regionStart)];
  }

  /** True when the board has deep memory (else every ACQ:AXI command fails as on an FPGA without it). */
  get available(): boolean {
    return this.board.deepMemory !== undefined && (this.board.info.deepMemorySamples ?? 0) > 0;
  }

  /** ACQ:AXI:START?: the region's first byte address. */
  get regionStart(): number {
    return DEEP_MEMORY_START;
  }

  /** ACQ:AXI:SIZE?: the region's length in bytes. */
  get regionBytes(): number {
    return 2 * BYTES_PER_SAMPLE * (this.board.info.deepMemorySamples ?? 0);
  }

  /** Fails with RP_NOTS (9524 "Command not supported"), as the rp-api does on an FPGA without the DMA, when the board has no deep memory. */
  requireAvailable(what: string): void {
    if (!this.available) throw new ScpiApiError(RP_API_ERROR.NOTS, `${what}: ${RP_API_ERROR_TEXT[RP_API_ERROR.NOTS]} (this board has no deep memory)`);
  }

  private channel(ch: number): DeepChannel {
    return this.channels[ch]!;
  }

  /** ACQ:AXI:SOUR<n>:SET:Buffer start,size (bytes). */
  setBuffer(ch: number, start: number, sizeBytes: number): void {
    this.requireAvailable('Failed to set write addresses');
    const what = 'Failed to set write addresses';
    if (!Number.isInteger(start) || !Number.isInteger(sizeBytes) || start < 0 || sizeBytes < 0 || start > 0xffffffff || sizeBytes > 0xffffffff) throw fail(what);
    if (sizeBytes % 16 !== 0) throw fail(what);
    const samples = sizeBytes / BYTES_PER_SAMPLE;
    // rp-api: address ≥ 8, inside the region, and the last sample's address at most the region end − 8
    if (start < 8 || start < this.regionStart || start + (samples - 4) * BYTES_PER_SAMPLE > this.regionStart + this.regionBytes) throw fail(what);
    const c = this.channel(ch);
    c.start = start;
    c.samples = samples;
  }

  /** ACQ:AXI:SOUR<n>:Trig:Dly in samples (the register is unsigned 32-bit: negative values wrap). */
  setDelay(ch: number, samples: number): void {
    this.requireAvailable('Failed to set trigger delay');
    this.channel(ch).delay = samples >>> 0;
  }

  /** ACQ:AXI:SOUR<n>:Trig:Dly? */
  delay(ch: number): number {
    this.requireAvailable('Failed to get trigger delay');
    return this.channel(ch).delay;
  }

  /** ACQ:AXI:SOUR<n>:ENable ON|OFF: reserves (or releases) the channel's buffer. */
  enable(ch: number, on: boolean): void {
    this.requireAvailable('Failed to start data capture');
    const c = this.channel(ch);
    c.memory = null;
    if (!on) return;
    if (c.samples === 0) throw fail('Failed to start data capture');
    const end = c.start + c.samples * BYTES_PER_SAMPLE;
    const others = [...this.reservedRanges(), ...this.generationReserved()];
    if (others.some((o) => c.start < o.end && o.start < end)) throw new ScpiApiError(RP_API_ERROR.EOOR, `Failed to start data capture: ${RP_API_ERROR_TEXT[RP_API_ERROR.EOOR]} (the buffer overlaps another reservation)`);
    c.memory = new Int16Array(c.samples);
    c.writePos = 0;
    c.triggerPos = 0;
    c.filled = false;
  }

  /** Byte ranges of the enabled (reserved) acquisition buffers. */
  reservedRanges(): { start: number; end: number }[] {
    return this.channels.filter((c) => c.memory !== null).map((c) => ({ start: c.start, end: c.start + c.samples * BYTES_PER_SAMPLE }));
  }

  /** ACQ:AXI:SOUR<n>:ENable? (not in the firmware; for tests). */
  enabled(ch: number): boolean {
    return this.channel(ch).memory !== null;
  }

  /** ACQ:AXI:SOUR<n>:TRIG:FILL? */
  filled(ch: number): boolean {
    this.requireAvailable('Failed to get trigger fill state');
    this.catchUp.next();
    return this.channel(ch).filled;
  }

  /** ACQ:AXI:SOUR<n>:Write:Pos?: ring position of the next write. */
  writePosition(ch: number): number {
    this.requireAvailable('Failed to get writer position');
    this.catchUp.next();
    return this.channel(ch).writePos;
  }

  /** ACQ:AXI:SOUR<n>:Trig:Pos?: ring position of the trigger sample. */
  triggerPosition(ch: number): number {
    this.requireAvailable('Failed to get writer position at trigger');
    this.catchUp.next();
    return this.channel(ch).triggerPos;
  }

  /**
   * ACQ:AXI:SOUR<n>:DATA:Start:N? pos,n: n samples from ring position pos (wrapping), in the AXI
   * units. Fails (EOOR) on a channel whose memory is not reserved.
   */
  samples(ch: number, pos: number, count: number): AcqSamples {
    this.requireAvailable(this.units === 'RAW' ? 'Failed to get raw data' : 'Failed to get data in volts');
    const c = this.channel(ch);
    if (count > MAX_DEEP_READ_SAMPLES) throw new ScpiCommandError(-200, 'Failed allocate buffer');
    if (!c.memory || count > c.samples) throw fail(this.units === 'RAW' ? 'Failed to get raw data' : 'Failed to get data in volts');
    const mem = c.memory;
    const n = c.samples;
    const first = pos % n;
    if (this.units === 'RAW') {
      const out = new Int16Array(count);
      for (let done = 0; done < count; ) {
        const from = (first + done) % n;
        const k = Math.min(count - done, n - from);
        out.set(mem.subarray(from, from + k), done);
        done += k;
      }
      return { units: 'RAW', values: out };
    }
    const lsb = lsbVolts(this.board.info, this.gain);
    const out = new Float32Array(count);
    for (let i = 0, j = first; i < count; i++, j = j + 1 === n ? 0 : j + 1) out[i] = mem[j]! * lsb;
    return { units: 'VOLTS', values: out };
  }

  /**
   * Starts the capture for the scope `settings` (armed with a trigger source) when a channel is
   * enabled; failures go to `owner`'s API queue as failures of `command`.
   */
  arm(settings: Omit<ResolvedScopeSettings, 'averages'>, owner: ScpiErrorSink, command: string): void {
    this.cancel();
    const deep = this.board.deepMemory;
    const active = this.channels.filter((c) => c.memory !== null);
    if (!deep || active.length === 0) return;
    for (const c of this.channels) {
      c.filled = false;
      c.writePos = 0;
    }
    // the window covering every enabled ring: channel c keeps stream samples [s + delay − size, s + delay);
    // with a delay beyond the ring the writer starts at the trigger and wraps, lap after lap (Write:Pos?
    // moves around the ring while it runs: a client can read it as it is written, as in continuous mode)
    const triggerIndex = Math.max(0, ...active.map((c) => c.samples - c.delay));
    const samples = triggerIndex + Math.max(...active.map((c) => c.delay));
    this.gain = settings.gain;
    const lsb = lsbVolts(this.board.info, settings.gain);
    const hi = 2 ** (this.board.info.adcBits - 1);
    let sub: Subscription | null = null;
    let done = false;
    sub = deep.capture$({ ...settings, samples: Math.max(1, samples) }, { samples: Math.max(1, samples), triggerIndex }, this.catchUp).subscribe({
      next: (e) => {
        if (e.kind === 'trigger') {
          for (const c of this.channels) if (c.memory) c.triggerPos = ((triggerIndex % c.samples) + c.samples) % c.samples;
          return;
        }
        this.store(e, triggerIndex, lsb, hi);
      },
      error: (err: unknown) => {
        done = true;
        if (this.running === sub) this.running = null;
        owner.pushApiError(new ScpiApiError(RP_API_ERROR.EOOR, `Deep-memory capture failed: ${(err as Error)?.message ?? String(err)}`), command);
      },
      complete: () => {
        done = true;
        if (this.running === sub) this.running = null;
      },
    });
    if (!done) this.running = sub;
  }

  /**
   * Writes a chunk (capture indices offset…) into each enabled ring. Capture index k is stream
   * sample s − triggerIndex + k; the writer started at ring position 0 at stream sample
   * s − triggerIndex (the first sample this capture keeps), so capture index k lands at k mod size
   * after shifting each channel's ring so that its trigger sits at `triggerIndex mod size`.
   */
  private store(chunk: DeepCaptureChunk, triggerIndex: number, lsb: number, hi: number): void {
    const end = chunk.offset + chunk.ch1.length;
    for (let ch = 0; ch < 2; ch++) {
      const c = this.channels[ch]!;
      const mem = c.memory;
      if (!mem) continue;
      const src = ch === 0 ? chunk.ch1 : chunk.ch2;
      const n = c.samples;
      // this channel writes capture indices [0, triggerIndex + delay) and keeps the last `size` of them
      const keepTo = triggerIndex + c.delay;
      // every sample is written as the writer passes (earlier laps are overwritten by later ones), so
      // the ring can be read while the capture runs
      const a = Math.max(chunk.offset, 0);
      const b = Math.min(end, keepTo);
      for (let k = a; k < b; k++) {
        const v = Math.round(src[k - chunk.offset]! / lsb);
        mem[k % n] = v < -hi ? -hi : v > hi - 1 ? hi - 1 : v;
      }
      if (b > a) c.writePos = b % n;
      if (end >= keepTo) c.filled = true;
    }
  }

  /** Stops a capture in progress (ACQ:STOP, a new START, server close). */
  cancel(): void {
    const r = this.running;
    this.running = null;
    r?.unsubscribe();
  }

  /** ACQ:RST: every channel disabled, its buffer emptied, delay 1 (rp-api's acq_SetDefault). */
  reset(): void {
    this.cancel();
    this.channels[0] = freshChannel(this.regionStart);
    this.channels[1] = freshChannel(this.regionStart);
  }
}
