const TWO_PI = 2 * Math.PI;

/**
 * sin and cos of 2π·f·t for times that advance in equal steps (a loop's), by rotating a unit phasor
 * one step at a time (4 multiplies) instead of calling Math.sin/cos; re-evaluated exactly every 1024
 * steps (drift below 1024·2^−52) and whenever the step or the frequency changes.
 */
export class Phasor {
  /** sin 2πft and cos 2πft at the last time given. */
  sin = 0;
  cos = 1;
  private t = NaN;
  private f = NaN;
  private dt = 0;
  private rotS = 0;
  private rotC = 1;
  private n = 0;

  /** Moves to board time tS (s) at frequency f (Hz). */
  at(f: number, tS: number): void {
    if (tS === this.t && f === this.f) return;
    const dt = tS - this.t;
    if (f === this.f && this.n < 1024 && dt > 0 && Math.abs(dt - this.dt) <= 1e-12 * dt) {
      const s = this.sin * this.rotC + this.cos * this.rotS;
      this.cos = this.cos * this.rotC - this.sin * this.rotS;
      this.sin = s;
      this.n++;
    } else {
      const c = f * tS;
      const th = TWO_PI * (c - Math.floor(c));
      this.sin = Math.sin(th);
      this.cos = Math.cos(th);
      if (dt > 0) {
        const d = f * dt;
        const a = TWO_PI * (d - Math.floor(d));
        this.rotS = Math.sin(a);
        this.rotC = Math.cos(a);
        this.dt = dt;
      }
      this.f = f;
      this.n = 0;
    }
    this.t = tS;
  }
}
