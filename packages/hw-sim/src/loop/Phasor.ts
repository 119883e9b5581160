const TWO_PI = 2 * Math.PI;
/** Steps between exact re-evaluations (the rotation's rounding grows by ~2^−52 per step). */
const REANCHOR_STEPS = 1024;

/**
 * sin and cos of 2π·f·t for times that advance in equal steps of `stepS` (a loop's), by rotating a
 * unit phasor one step at a time (4 multiplies) instead of calling Math.sin/cos; re-evaluated exactly
 * every 1024 steps (drift below 1024·2^−52) and whenever the time does not advance by one step or the
 * frequency changes. A time counts as one step on when it is within 10^−6 of a step of it: board
 * times k·dt carry rounding of order ulp(t), far below that (and far above 10^−12·dt after a few
 * seconds); the rotation is by the exact step, so that rounding does not accumulate.
 */
export class Phasor {
  /** sin 2πft and cos 2πft at the last time given. */
  sin = 0;
  cos = 1;
  private t = NaN;
  private f = NaN;
  private rotS = 0;
  private rotC = 1;
  private n = 0;
  private readonly tolS: number;

  /** @param stepS the loop's step (s), > 0 */
  constructor(private readonly stepS: number) {
    this.tolS = 1e-6 * stepS;
  }

  /** Moves to board time tS (s) at frequency f (Hz). Small, so that the loop's kernel inlines it. */
  at(f: number, tS: number): void {
    if (f === this.f && this.n < REANCHOR_STEPS && Math.abs(tS - this.t - this.stepS) <= this.tolS) {
      const s = this.sin * this.rotC + this.cos * this.rotS;
      this.cos = this.cos * this.rotC - this.sin * this.rotS;
      this.sin = s;
      this.n++;
      this.t = tS;
    } else if (tS !== this.t || f !== this.f) this.anchor(f, tS);
  }

  /** Exact evaluation at tS (and the step's rotation when f changed). */
  private anchor(f: number, tS: number): void {
    const c = f * tS;
    const th = TWO_PI * (c - Math.floor(c));
    this.sin = Math.sin(th);
    this.cos = Math.cos(th);
    if (f !== this.f) {
      const d = f * this.stepS;
      const a = TWO_PI * (d - Math.floor(d));
      this.rotS = Math.sin(a);
      this.rotC = Math.cos(a);
      this.f = f;
    }
    this.n = 0;
    this.t = tS;
  }
}
