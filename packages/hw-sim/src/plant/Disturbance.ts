import { GaussianStream } from '../prng/GaussianStream.js';
import { Xoshiro128 } from '../prng/xoshiro128.js';

/**
 * A slow disturbance of a plant's length or resonance, in the plant's unit U (Hz for a cavity's
 * resonance, m for an interferometer's arm): a linear drift, a random walk and acoustic kicks.
 */
export interface DisturbanceParams {
  /** Linear drift (U/s): the offset is `driftPerS·t` at board time t (s). */
  readonly driftPerS: number;
  /** Random walk (U/√s): after a time T its rms is `randomWalkPerRtS·√T`; each step adds a normal draw of rms `randomWalkPerRtS·√dt`. */
  readonly randomWalkPerRtS: number;
  /** Mean rate of kicks at random (Poisson) times (Hz; 0 for none). Their sign is random, their size `kickSize`. */
  readonly kickRateHz: number;
  /** Board times (s) of further kicks, each of size +`kickSize`. */
  readonly kicksAtS: readonly number[];
  /** Size of a kick (U): the height of a step, or the amplitude scale of a ring. */
  readonly kickSize: number;
  /** 'step': the offset jumps by the size and stays; 'ring': size·e^{−t/kickDecayS}·sin(2π·kickRingHz·t) after the kick. */
  readonly kickShape: 'step' | 'ring';
  /** Frequency of a ring (Hz). */
  readonly kickRingHz: number;
  /** 1/e amplitude decay time of a ring (s). */
  readonly kickDecayS: number;
}

/** No drift, no walk, no kicks. */
export const NO_DISTURBANCE: DisturbanceParams = Object.freeze({
  driftPerS: 0,
  randomWalkPerRtS: 0,
  kickRateHz: 0,
  kicksAtS: Object.freeze([]),
  kickSize: 0,
  kickShape: 'step',
  kickRingHz: 1000,
  kickDecayS: 0.005,
});

/**
 * The disturbance as a function of board time, advanced one loop step at a time. Deterministic for
 * a seed: the random walk and the kicks each draw from their own generator (seeded with the seed
 * and a stream id), so enabling one does not change the other's draws. O(1) per step however many
 * rings overlap: the rings are the imaginary part of one complex damped oscillator to which each
 * kick adds its (exactly phase-advanced) share.
 */
export class Disturbance {
  private readonly walk: GaussianStream | null;
  private readonly kickRng: Xoshiro128;
  private readonly explicitKicks: number[];
  private explicitIndex = 0;
  private nextRandomKickS = Number.NaN;
  private walkOffset = 0;
  private stepOffset = 0;
  private ringRe = 0;
  private ringIm = 0;
  private ringDtS = Number.NaN;
  private ringDecayRe = 0;
  private ringDecayIm = 0;
  private kicks = 0;
  private lastTS = Number.NaN;
  private last = 0;

  /**
   * @param p what to apply (validated by the plant, which knows the settings' names and units)
   * @param seed 32-bit seed of the plant
   * @param streamBase first of the two stream ids this disturbance draws from
   */
  constructor(
    private readonly p: DisturbanceParams,
    seed: number,
    streamBase: number,
  ) {
    this.walk = p.randomWalkPerRtS > 0 ? new GaussianStream(seed, streamBase) : null;
    this.kickRng = new Xoshiro128(seed, streamBase + 1);
    this.explicitKicks = [...p.kicksAtS].sort((a, b) => a - b);
  }

  /** Number of kicks applied so far (random and explicit). */
  get kickCount(): number {
    return this.kicks;
  }

  /** The offset (U) at the last `advance`. */
  get offset(): number {
    return this.last;
  }

  /**
   * Advances to board time `tS` (s), a step of `dtS` s after the previous call, and returns the
   * offset (U) at `tS`. A kick at time t_k is applied in the step whose end is the first after t_k.
   */
  advance(tS: number, dtS: number): number {
    const p = this.p;
    if (Number.isNaN(this.lastTS)) {
      if (p.kickRateHz > 0) this.nextRandomKickS = tS - dtS + this.exponentialS();
    }
    this.lastTS = tS;
    if (this.walk) this.walkOffset += p.randomWalkPerRtS * Math.sqrt(dtS) * this.walk.draw();
    if (p.kickShape === 'ring') this.decayRing(dtS);
    while (this.explicitIndex < this.explicitKicks.length && this.explicitKicks[this.explicitIndex]! < tS) {
      this.kick(tS, this.explicitKicks[this.explicitIndex++]!, p.kickSize);
    }
    while (this.nextRandomKickS < tS) {
      const sign = this.kickRng.nextFloat() < 0.5 ? -1 : 1;
      this.kick(tS, this.nextRandomKickS, sign * p.kickSize);
      this.nextRandomKickS += this.exponentialS();
    }
    this.last = p.driftPerS * tS + this.walkOffset + this.stepOffset + this.ringIm;
    return this.last;
  }

  private exponentialS(): number {
    return -Math.log(1 - this.kickRng.nextFloat()) / this.p.kickRateHz;
  }

  private kick(tS: number, atS: number, size: number): void {
    this.kicks++;
    if (this.p.kickShape === 'step') {
      this.stepOffset += size;
      return;
    }
    // size·e^{(−1/τ + jω)(t − t_k)}: the ring as if it had started at t_k
    const age = tS - atS;
    const a = size * Math.exp(-age / this.p.kickDecayS);
    const w = 2 * Math.PI * this.p.kickRingHz * age;
    this.ringRe += a * Math.cos(w);
    this.ringIm += a * Math.sin(w);
  }

  private decayRing(dtS: number): void {
    if (dtS !== this.ringDtS) {
      this.ringDtS = dtS;
      const a = Math.exp(-dtS / this.p.kickDecayS);
      const w = 2 * Math.PI * this.p.kickRingHz * dtS;
      this.ringDecayRe = a * Math.cos(w);
      this.ringDecayIm = a * Math.sin(w);
    }
    const re = this.ringRe * this.ringDecayRe - this.ringIm * this.ringDecayIm;
    this.ringIm = this.ringRe * this.ringDecayIm + this.ringIm * this.ringDecayRe;
    this.ringRe = re;
  }
}
