import type { BoardInfo } from '@labrx/core';
import type { ScpiErrorSink } from './errorSink.js';
import type { GeneratorModel } from './GeneratorModel.js';
import { ScpiApiError, RP_API_ERROR, RP_API_ERROR_TEXT } from './scpiErrors.js';

/** One output's deep-memory generation state. */
interface DeepGenChannel {
  /** Reserved bytes [start, end) in the DDR region, or null. */
  reserved: { start: number; end: number } | null;
  /** The reserved buffer's samples as the DAC plays them (−1…1 on the 14-bit grid). */
  memory: Float32Array | null;
  /** SOUR<n>:AXI:DEC: each sample is held for this many DAC clocks (1…65535). */
  decimation: number;
  /** SOUR<n>:AXI:ENable */
  enabled: boolean;
}

const fresh = (): DeepGenChannel => ({ reserved: null, memory: null, decimation: 1, enabled: false });
const fail = (what: string, code: number = RP_API_ERROR.EOOR) => new ScpiApiError(code, `${what}: ${RP_API_ERROR_TEXT[code]}`);

/**
 * Deep-memory generation (`GEN:AXI:*`, `SOUR<n>:AXI:*`, firmware 2.07-48) over the generator model:
 * a reserved part of the DDR region per output (`RESERVE start,end`, size a multiple of 128 bytes,
 * inside the region, not overlapping another reservation), written in portions
 * (`OFFSET<o>:DATA<n> v1,…`, values −1…1, else 9517 "Data not normalized"), played when enabled as
 * one period repeating at DAC rate / (decimation · buffer samples), scaled by `SOUR<n>:VOLT` and
 * shifted by `VOLT:OFFS`, in whatever mode `BURS:STAT` says.
 *
 * Not modelled: the simulator's generator plays one table of at most `bufferSize` (16384) samples, so
 * a longer buffer is resampled to 16384 points by linear interpolation (content above 8192 cycles
 * per buffer is lost, and the zero-order hold of each DDR sample becomes a straight line); the
 * calibration (`SET:CALIB`) is exact already. In BURST mode the buffer is one period of the
 * standard generator's bursts (`genToBoardSettings`: NCYC buffers per burst, NOR bursts, or one burst
 * period repeated as a table when the held levels differ from the FPGA's).
 */
export class DeepGenerationModel {
  private readonly channels: DeepGenChannel[];

  constructor(
    private readonly info: BoardInfo,
    private readonly gens: readonly GeneratorModel[],
    /** Byte ranges the acquisition side has reserved (they may not overlap a generation buffer). */
    private readonly acquisitionReserved: () => readonly { start: number; end: number }[],
    /** The DDR region in bytes, shared with deep-memory acquisition. */
    private readonly region: () => { start: number; bytes: number },
  ) {
    this.channels = gens.map(() => fresh());
  }

  /** False on a board without deep memory: every command fails with 9524 (Command not supported). */
  requireAvailable(what: string): void {
    if (this.region().bytes <= 0) throw new ScpiApiError(RP_API_ERROR.NOTS, `${what}: ${RP_API_ERROR_TEXT[RP_API_ERROR.NOTS]} (this board has no deep memory)`);
  }

  /** SOUR<n>:AXI:RESERVE start,end (bytes, end exclusive). */
  reserve(ch: number, start: number, end: number): void {
    const what = 'Failed to reserve memory';
    this.requireAvailable(what);
    const c = this.channels[ch]!;
    c.reserved = null;
    c.memory = null;
    const { start: r0, bytes } = this.region();
    if (start + 8 >= end || (end - start) % 0x80 !== 0 || start < 8 || start < r0 || end > r0 + bytes) throw fail(what);
    const others = [...this.acquisitionReserved(), ...this.channels.filter((o, i) => i !== ch && o.reserved).map((o) => o.reserved!)];
    if (others.some((o) => start < o.end && o.start < end)) throw fail(`${what} (overlaps another reservation)`);
    c.reserved = { start, end };
    c.memory = new Float32Array((end - start) / 2);
  }

  /** SOUR<n>:AXI:RELEASE */
  release(ch: number): void {
    this.requireAvailable('Failed to release memory');
    const c = this.channels[ch]!;
    c.reserved = null;
    c.memory = null;
  }

  /** Ranges reserved for generation (for the acquisition side's overlap check). */
  reservedRanges(): { start: number; end: number }[] {
    return this.channels.filter((c) => c.reserved).map((c) => c.reserved!);
  }

  /** SOUR<n>:AXI:DEC (1…65535). */
  setDecimation(ch: number, decimation: number, sink: ScpiErrorSink, command: string): void {
    this.requireAvailable('Failed to set decimation');
    if (!(Number.isInteger(decimation) && decimation >= 1 && decimation < 65536)) throw fail('Failed to set decimation');
    this.channels[ch]!.decimation = decimation;
    this.apply(ch, sink, command);
  }

  /** SOUR<n>:AXI:DEC? */
  decimation(ch: number): number {
    this.requireAvailable('Failed to get decimation');
    return this.channels[ch]!.decimation;
  }

  /** SOUR<n>:AXI:ENable ON|OFF: the output plays the DDR buffer (zeros where nothing was written) or its standard waveform. */
  setEnabled(ch: number, on: boolean, sink: ScpiErrorSink, command: string): void {
    this.requireAvailable('Failed to set AXI gen state');
    this.channels[ch]!.enabled = on;
    this.apply(ch, sink, command);
  }

  /** SOUR<n>:AXI:ENable? */
  enabled(ch: number): boolean {
    this.requireAvailable('Failed to get AXI gen state');
    return this.channels[ch]!.enabled;
  }

  /** SOUR<n>:AXI:OFFSET<o>:DATA<n> v1,…: `values` (−1…1) into the buffer from sample `offset`. */
  write(ch: number, offset: number, values: readonly number[], sink: ScpiErrorSink, command: string): void {
    const what = 'Failed to set AXI gen waveform data';
    this.requireAvailable(what);
    const c = this.channels[ch]!;
    if (!c.memory || offset + values.length > c.memory.length) throw fail(what);
    if (values.some((v) => !(v >= -1 && v <= 1))) throw fail(what, RP_API_ERROR.ENN);
    const hi = 2 ** (this.info.adcBits - 1) - 1; // the DAC's 14-bit grid
    for (let i = 0; i < values.length; i++) c.memory[offset + i] = Math.round(values[i]! * hi) / hi;
    this.apply(ch, sink, command);
  }

  /** SOUR<n>:AXI:SET:CALIB: the simulated DAC is calibrated already; only checks the channel has memory. */
  calibrate(ch: number): void {
    this.requireAvailable('Failed set amplitude and offset for AXI gen');
    void ch;
  }

  /** GEN:RST: generation from DDR off, decimation 1 (reservations are kept, as rp-api keeps them). */
  reset(): void {
    for (const c of this.channels) {
      c.enabled = false;
      c.decimation = 1;
    }
  }

  /** Sends the playback (or its end) to the generator model. */
  private apply(ch: number, sink: ScpiErrorSink, command: string): void {
    const c = this.channels[ch]!;
    const gen = this.gens[ch]!;
    if (!c.enabled) {
      if (gen.state.axiTable) gen.update({ axiTable: null, axiFrequency: 0 }, 'AXI gen state', sink, command);
      return;
    }
    const memory = c.memory ?? new Float32Array(1);
    const table = resample(memory, this.info.bufferSize);
    gen.update({ axiTable: table, axiFrequency: this.info.sampleRateHz / (c.decimation * memory.length) }, 'AXI gen state', sink, command);
  }
}

/** `x` as at most `n` points over the same period: itself when short enough, else linear interpolation. */
function resample(x: Float32Array, n: number): Float32Array {
  if (x.length <= n) return Float32Array.from(x);
  const out = new Float32Array(n);
  const step = x.length / n;
  for (let i = 0; i < n; i++) {
    const p = i * step;
    const j = Math.floor(p);
    const f = p - j;
    out[i] = x[j]! * (1 - f) + x[(j + 1) % x.length]! * f;
  }
  return out;
}
