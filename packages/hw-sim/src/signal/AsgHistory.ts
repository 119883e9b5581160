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
 * What one generator did over time, so that samples of any past or future instant are computed
 * with the settings in force at that instant (a change in the middle of an 8-second acquisition
 * shows up in the middle of the trace, as on hardware).
 */
export class AsgHistory {
  private segments: AsgSegment[];
  private serials = 0;

  constructor() {
    // the power-on settings, running since board time 0
    this.segments = [{ fromS: -Infinity, toS: Infinity, settings: ASG_DEFAULTS, originS: 0, serial: this.serials++ }];
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
    if (last.fromS >= atS) this.segments[this.segments.length - 1] = next;
    else {
      this.segments[this.segments.length - 1] = { ...last, toS: atS };
      this.segments.push(next);
    }
    while (this.segments.length > 1 && this.segments[0]!.toS < forgetBeforeS) this.segments.shift();
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
