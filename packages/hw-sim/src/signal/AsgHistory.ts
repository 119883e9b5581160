import { ASG_DEFAULTS, asgBurstLengthS, asgHoldLevels, asgIsContinuous, asgSequenceLengthS, type ResolvedAsgSettings } from '@labrx/core';
import { nextExtEdge, type ExtTriggerModel } from './extTriggerEdges.js';

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
  /** A software trigger (`asg.trigger()`) at `originS` starts a burst sequence whatever the trigger setting. */
  readonly softTrigger?: boolean;
  /**
   * For a piece of a triggered or bursting segment (see `AsgHistory.at`): the applied segment it is
   * part of. Absent on applied segments.
   */
  readonly raw?: AsgSegment;
}

/** What a triggered or bursting generator plays, piece by piece, cached per applied settings. */
interface BurstParts {
  /** The waveform as a continuous generator (each burst's piece has its own origin). */
  readonly run: ResolvedAsgSettings;
  /** Holding the value at `phase` (before the first trigger). */
  readonly before: ResolvedAsgSettings;
  /** Holding the value at phase 0 (after a burst). */
  readonly after: ResolvedAsgSettings;
  /** s, one burst (Infinity when continuous). */
  readonly burstS: number;
  /** s, one sequence of `burstCount` bursts (Infinity when continuous). */
  readonly sequenceS: number;
}

/** Pieces one `overlapping` call returns per applied segment, at most (only an unbounded range over an endless repetition reaches it). */
const MAX_PIECES = 1 << 20;

const partsCache = new WeakMap<ResolvedAsgSettings, BurstParts>();

function burstParts(s: ResolvedAsgSettings): BurstParts {
  let p = partsCache.get(s);
  if (p) return p;
  const levels = asgHoldLevels(s);
  const hold = (v: number): ResolvedAsgSettings =>
    Object.freeze({ ...s, waveform: 'dc', amplitude: 0, offset: v, frequency: 0, phase: 0, data: null, trigger: 'immediately', burstCycles: 0, burstCount: 1 });
  p = {
    run: Object.freeze({ ...s, trigger: 'immediately', burstCycles: 0, burstCount: 1 }),
    before: hold(levels.beforeV),
    after: hold(levels.afterV),
    burstS: asgBurstLengthS(s),
    sequenceS: asgSequenceLengthS(s),
  };
  partsCache.set(s, p);
  return p;
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

  constructor(
    /** The external trigger input the 'ext-rising'/'ext-falling' triggers watch. */
    private readonly ext: ExtTriggerModel = null,
  ) {
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
  apply(settings: ResolvedAsgSettings, atS: number, forgetBeforeS: number, softTrigger = false): void {
    const last = this.current();
    const next: AsgSegment = softTrigger
      ? { fromS: atS, toS: Infinity, settings, originS: atS, serial: this.serials++, softTrigger: true }
      : { fromS: atS, toS: Infinity, settings, originS: atS, serial: this.serials++ };
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

  /**
   * A software trigger at board time `atS` (`asg.trigger()`, PyRPL's `trig()`, SCPI `SOUR<n>:TRig:INT`): the
   * settings in force start a burst sequence there (a continuous generator restarts its phase).
   */
  trigger(atS: number, forgetBeforeS: number): void {
    this.apply(this.current().settings, atS, forgetBeforeS, true);
  }

  /**
   * The segment in force at board time `tS`. For a generator that is triggered or bursting, the piece
   * in force: a burst (its settings continuous, its origin at the burst's start) or a hold (a 'dc' at
   * the held value, 0 Hz), with `raw` the applied segment.
   */
  at(tS: number): AsgSegment {
    let seg = this.segments[0]!;
    for (let i = this.segments.length - 1; i > 0; i--) {
      if (this.segments[i]!.fromS <= tS) {
        seg = this.segments[i]!;
        break;
      }
    }
    if (asgIsContinuous(seg.settings) && !seg.softTrigger) return seg;
    const pieces: AsgSegment[] = [];
    this.expand(seg, tS, tS, pieces);
    return pieces[0] ?? seg;
  }

  /** The segments overlapping board times [fromS, toS), oldest first, triggered and bursting ones as their pieces (see `at`). */
  overlapping(fromS: number, toS: number): AsgSegment[] {
    const out: AsgSegment[] = [];
    for (const s of this.segments) {
      if (!(s.fromS < toS && s.toS > fromS)) continue;
      if (asgIsContinuous(s.settings) && !s.softTrigger) out.push(s);
      else this.expand(s, fromS, toS, out);
    }
    return out;
  }

  /**
   * Pushes the pieces of applied segment `seg` overlapping [a, b) (for a = b: the piece holding a). The
   * first sequence starts at the apply time for 'immediately' or a software trigger, else at the first
   * external edge; each later one at the first external edge after the previous sequence ended (edges
   * during a sequence are ignored). Within a sequence, burst j runs from start + j·burstPeriod for
   * one burst's length; between bursts and after the sequence the output holds the value at phase 0,
   * before the first sequence the value at `phase`.
   */
  private expand(seg: AsgSegment, a: number, b: number, out: AsgSegment[]): void {
    const s = seg.settings;
    const parts = burstParts(s);
    const lo = seg.fromS;
    const hi = seg.toS;
    const hit = (from: number, to: number) => to > a && (from < b || (a === b && from <= a));
    const push = (from: number, to: number, settings: ResolvedAsgSettings, originS: number) => {
      const f = Math.max(from, lo);
      const t = Math.min(to, hi);
      if (t > f && hit(f, t)) out.push({ fromS: f, toS: t, settings, originS, serial: seg.serial, raw: seg });
    };
    const rising = s.trigger === 'ext-rising';
    const ext = this.ext !== null && (s.trigger === 'ext-rising' || s.trigger === 'ext-falling') ? this.ext.frequency : 0;
    // the first sequence's start
    let start: number;
    if (seg.softTrigger || s.trigger === 'immediately') start = seg.originS;
    else if (ext > 0) start = nextExtEdge(ext, rising, seg.originS);
    else start = Infinity;
    push(-Infinity, start, parts.before, seg.originS);
    if (start === Infinity || start >= hi) return;
    // later sequences (external trigger only): S1, the first edge after the first ended, then every `step`
    const D = parts.sequenceS;
    const repeats = ext > 0 && D !== Infinity;
    const S1 = repeats ? nextExtEdge(ext, rising, start + D) : Infinity;
    const step = repeats ? nextExtEdge(ext, rising, S1 + D) - S1 : Infinity;
    const seqAt = (k: number) => (k === 0 ? start : S1 + (k - 1) * step);
    let k = 0;
    if (repeats && a >= S1) {
      k = 1 + Math.floor((a - S1) / step);
      if (seqAt(k) > a) k--;
    }
    const beyond = (t: number) => (a === b ? t > a : t >= b);
    // an unbounded question about an unbounded repetition: the pieces of the first million seconds' worth are enough
    const limit = out.length + MAX_PIECES;
    for (; out.length < limit; k++) {
      const seqStart = seqAt(k);
      if (seqStart >= hi || beyond(seqStart)) break;
      const next = repeats ? seqAt(k + 1) : Infinity;
      if (parts.burstS === Infinity) {
        push(seqStart, next, parts.run, seqStart);
      } else {
        // the bursts of this sequence from the last one starting at or before a
        const P = s.burstPeriod;
        const jFirst = Math.max(0, Math.min(s.burstCount - 1, Math.floor((a - seqStart) / P)));
        for (let j = jFirst; j < s.burstCount; j++) {
          const t0 = seqStart + j * P;
          if (t0 >= hi || beyond(t0)) break;
          const t1 = t0 + parts.burstS;
          push(t0, t1, parts.run, t0);
          push(t1, j + 1 < s.burstCount ? t0 + P : next, parts.after, t1);
        }
      }
      if (!repeats) break;
    }
  }
}
