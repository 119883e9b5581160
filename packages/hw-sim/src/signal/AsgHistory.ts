import { ASG_DEFAULTS, type ResolvedAsgSettings } from '@labrx/core';

/** One stretch of time during which a generator ran with fixed settings. */
export interface AsgSegment {
  /** Board time (s) from which these settings are in force. */
  readonly fromS: number;
  /** Board time (s) at which the next settings took over (Infinity while in force). */
  readonly toS: number;
  readonly settings: ResolvedAsgSettings;
  /** Board time (s) of the generator's phase origin: its periods start at originS + k/frequency. */
  readonly originS: number;
  /** A number unique to this segment within its generator's history (seeds the 'noise' waveform's realisation). */
  readonly serial: number;
}

/**
 * Segments kept per generator, at most: 4096. A trace shows at most 16384 samples, and a script
 * over SCPI changes a generator at most ~1000 times a second, so the 8.6 s of the longest trace hold
 * fewer changes than this in normal use; a flood of `set()` calls (660k in 4 s) no longer grows the
 * history, and the oldest changes are forgotten first.
 */
export const MAX_ASG_SEGMENTS = 4096;
/**
 * Bytes of settings kept per generator, at most (16 MiB): an 'arbitrary' waveform holds up to 16384
 * doubles (128 KiB) per change, so a flood of those is bounded by size before count.
 */
export const MAX_ASG_HISTORY_BYTES = 16 << 20;
/** Bytes counted for one segment besides its waveform data. */
const SEGMENT_BYTES = 256;

const segmentBytes = (s: ResolvedAsgSettings): number => SEGMENT_BYTES + 8 * (s.data?.length ?? 0);

/**
 * What one generator did over time, so that samples of any past or future instant are computed
 * with the settings in force at that instant (a change in the middle of an 8-second acquisition
 * shows up in the middle of the trace, as on hardware).
 *
 * Bounded by time (what no trace can reach any more is dropped) and by size (`MAX_ASG_SEGMENTS`,
 * `MAX_ASG_HISTORY_BYTES`): past either bound the oldest segments are forgotten and the earliest one
 * kept stands for all earlier time.
 */
export class AsgHistory {
  private segments: AsgSegment[];
  private serials = 0;
  private bytes: number;

  constructor() {
    // the power-on settings, running since board time 0
    this.segments = [{ fromS: -Infinity, toS: Infinity, settings: ASG_DEFAULTS, originS: 0, serial: this.serials++ }];
    this.bytes = segmentBytes(ASG_DEFAULTS);
  }

  /** Segments kept now (at most `MAX_ASG_SEGMENTS`). */
  get length(): number {
    return this.segments.length;
  }

  /** Bytes of settings kept now, as counted against `MAX_ASG_HISTORY_BYTES`. */
  get keptBytes(): number {
    return this.bytes;
  }

  /** Settings in force now (the last applied). */
  current(): AsgSegment {
    return this.segments[this.segments.length - 1]!;
  }

  /**
   * Applies `settings` from board time `atS` on; the phase origin restarts at `atS`.
   * Segments that ended before `forgetBeforeS` are dropped (nothing will ask for them again).
   */
  apply(settings: ResolvedAsgSettings, atS: number, forgetBeforeS: number): void {
    const last = this.current();
    const next: AsgSegment = { fromS: atS, toS: Infinity, settings, originS: atS, serial: this.serials++ };
    // a change at the very instant of the previous one replaces it (a zero-length segment is invisible)
    if (last.fromS >= atS) {
      this.segments[this.segments.length - 1] = next;
      this.bytes -= segmentBytes(last.settings);
    } else {
      this.segments[this.segments.length - 1] = { ...last, toS: atS };
      this.segments.push(next);
    }
    this.bytes += segmentBytes(settings);
    let drop = 0;
    while (this.segments.length - drop > 1 && this.segments[drop]!.toS < forgetBeforeS) this.bytes -= segmentBytes(this.segments[drop++]!.settings);
    // past the count bound, an eighth goes at once, so that a flood costs one splice per 512 changes
    const keep = this.segments.length - drop > MAX_ASG_SEGMENTS ? MAX_ASG_SEGMENTS - MAX_ASG_SEGMENTS / 8 : MAX_ASG_SEGMENTS;
    while (this.segments.length - drop > 1 && (this.segments.length - drop > keep || this.bytes > MAX_ASG_HISTORY_BYTES)) {
      this.bytes -= segmentBytes(this.segments[drop++]!.settings);
    }
    if (drop === 0) return;
    this.segments.splice(0, drop);
    // the earliest segment kept stands for all earlier time (as the power-on one did)
    const first = this.segments[0]!;
    if (first.fromS !== -Infinity) this.segments[0] = { ...first, fromS: -Infinity };
  }

  /** The segment in force at board time `tS`. */
  at(tS: number): AsgSegment {
    for (let i = this.segments.length - 1; i > 0; i--) if (this.segments[i]!.fromS <= tS) return this.segments[i]!;
    return this.segments[0]!;
  }

  /** The segments overlapping board times [fromS, toS), oldest first. */
  overlapping(fromS: number, toS: number): AsgSegment[] {
    return this.segments.filter((s) => s.fromS < toS && s.toS > fromS);
  }
}
