import { SettingsError } from '@labrx/core';
import type { Dut, DutSpec } from '../dut/Dut.js';
import type { Plant, PlantDrive, PlantSense, PlantSpecBase, Tone } from '../plant/Plant.js';

/** A linear block stepped with its input held for each step. */
interface Block {
  /** Output at the end of a step of `dtS` with input `u` held. */
  step(u: number): number;
  /** Sets the steady state for a constant input `u`; returns the steady output. */
  settle(u: number): number;
}

/**
 * A sum of first-order complex sections r/(s − P) (a partial-fraction form), each discretised
 * exactly for an input held over the step (zero-order hold): x ← e^{P·dt}·x + (e^{P·dt} − 1)/P·u;
 * the output is Re Σ r·x (conjugate poles come in pairs, so the imaginary parts cancel).
 */
class PoleSum implements Block {
  private readonly aRe: Float64Array;
  private readonly aIm: Float64Array;
  private readonly bRe: Float64Array;
  private readonly bIm: Float64Array;
  private readonly xRe: Float64Array;
  private readonly xIm: Float64Array;

  constructor(
    private readonly poles: readonly { re: number; im: number }[],
    private readonly residues: readonly { re: number; im: number }[],
    dtS: number,
  ) {
    const n = poles.length;
    this.aRe = new Float64Array(n);
    this.aIm = new Float64Array(n);
    this.bRe = new Float64Array(n);
    this.bIm = new Float64Array(n);
    this.xRe = new Float64Array(n);
    this.xIm = new Float64Array(n);
    poles.forEach((p, k) => {
      const m = Math.exp(p.re * dtS);
      const ar = m * Math.cos(p.im * dtS), ai = m * Math.sin(p.im * dtS);
      this.aRe[k] = ar;
      this.aIm[k] = ai;
      // (a − 1)/P
      const d = p.re * p.re + p.im * p.im;
      this.bRe[k] = ((ar - 1) * p.re + ai * p.im) / d;
      this.bIm[k] = (ai * p.re - (ar - 1) * p.im) / d;
    });
  }

  step(u: number): number {
    let y = 0;
    for (let k = 0; k < this.aRe.length; k++) {
      const xr = this.xRe[k]!, xi = this.xIm[k]!;
      const nr = this.aRe[k]! * xr - this.aIm[k]! * xi + this.bRe[k]! * u;
      const ni = this.aRe[k]! * xi + this.aIm[k]! * xr + this.bIm[k]! * u;
      this.xRe[k] = nr;
      this.xIm[k] = ni;
      y += this.residues[k]!.re * nr - this.residues[k]!.im * ni;
    }
    return y;
  }

  settle(u: number): number {
    // x' = P x + u = 0 → x = −u/P
    let y = 0;
    this.poles.forEach((p, k) => {
      const d = p.re * p.re + p.im * p.im;
      this.xRe[k] = (-u * p.re) / d;
      this.xIm[k] = (u * p.im) / d;
      y += this.residues[k]!.re * this.xRe[k] - this.residues[k]!.im * this.xIm[k];
    });
    return y;
  }
}

/** A delay of `steps` loop steps (fractional: linear interpolation between the two nearest). */
class DelayBlock implements Block {
  private readonly ring: Float64Array;
  private pos = 0;
  private readonly whole: number;
  private readonly part: number;
  constructor(steps: number) {
    this.whole = Math.floor(steps);
    this.part = steps - this.whole;
    this.ring = new Float64Array(this.whole + 2);
  }
  step(u: number): number {
    const n = this.ring.length;
    this.pos = (this.pos + 1) % n;
    this.ring[this.pos] = u;
    const a = this.ring[(this.pos - this.whole + n) % n]!;
    const b = this.ring[(this.pos - this.whole - 1 + 2 * n) % n]!;
    return a + (b - a) * this.part;
  }
  settle(u: number): number {
    this.ring.fill(u);
    return u;
  }
}

class Cascade implements Block {
  constructor(private readonly parts: readonly Block[]) {}
  step(u: number): number {
    let v = u;
    for (const p of this.parts) v = p.step(v);
    return v;
  }
  settle(u: number): number {
    let v = u;
    for (const p of this.parts) v = p.settle(v);
    return v;
  }
}

const c = (re: number, im = 0) => ({ re, im });
function cmul(a: { re: number; im: number }, b: { re: number; im: number }) {
  return c(a.re * b.re - a.im * b.im, a.re * b.im + a.im * b.re);
}
function cdiv(a: { re: number; im: number }, b: { re: number; im: number }) {
  const d = b.re * b.re + b.im * b.im;
  return c((a.re * b.re + a.im * b.im) / d, (a.im * b.re - a.re * b.im) / d);
}

/** The time-domain block of a DUT description, or a reason why there is none. */
function blockOf(spec: DutSpec, dtS: number): { block: Block } | string {
  switch (spec.kind) {
    case 'wire':
      return { block: new Cascade([]) };
    case 'lowpass': {
      const order = spec.order ?? 1;
      const wc = 2 * Math.PI * spec.cutoff;
      const poles: { re: number; im: number }[] = [];
      for (let k = 1; k <= order; k++) {
        const a = (Math.PI * (2 * k + order - 1)) / (2 * order);
        poles.push(c(wc * Math.cos(a), wc * Math.sin(a)));
      }
      // H(s) = Π(−P_j) / Π(s − P_j); residue at P_k: Π(−P_j) / Π_{j≠k}(P_k − P_j)
      let num = c(1);
      for (const p of poles) num = cmul(num, c(-p.re, -p.im));
      const residues = poles.map((pk, k) => {
        let den = c(1);
        poles.forEach((pj, j) => {
          if (j !== k) den = cmul(den, c(pk.re - pj.re, pk.im - pj.im));
        });
        return cdiv(num, den);
      });
      return { block: new PoleSum(poles, residues, dtS) };
    }
    case 'resonator': {
      // H(s) = g·(ω0/q)·s / (s² + (ω0/q)·s + ω0²)
      const w0 = 2 * Math.PI * spec.f0;
      const g = spec.gain ?? 1;
      const b = w0 / spec.q;
      let disc = b * b - 4 * w0 * w0;
      if (disc === 0) disc = -1e-9 * w0 * w0; // q = 0.5 exactly: split the double pole a hair
      const root = disc > 0 ? c(Math.sqrt(disc) / 2) : c(0, Math.sqrt(-disc) / 2);
      const p1 = c(-b / 2 + root.re, root.im), p2 = c(-b / 2 - root.re, -root.im);
      const r1 = cdiv(cmul(c(g * b), p1), c(p1.re - p2.re, p1.im - p2.im));
      const r2 = cdiv(cmul(c(g * b), p2), c(p2.re - p1.re, p2.im - p1.im));
      return { block: new PoleSum([p1, p2], [r1, r2], dtS) };
    }
    case 'delay':
      return { block: new DelayBlock(spec.seconds / dtS) };
    case 'chain': {
      const parts: Block[] = [];
      for (const p of spec.parts) {
        const b = blockOf(p, dtS);
        if (typeof b === 'string') return b;
        parts.push(b.block);
      }
      return { block: new Cascade(parts) };
    }
    default:
      return `no time-domain model for DUT kind '${(spec as { kind?: unknown }).kind}'`;
  }
}

/** The plain-data description of a linear plant: the DUT it stands for. */
export interface LinearPlantSpec extends PlantSpecBase {
  readonly kind: 'linear';
  readonly dut: DutSpec;
}

/**
 * The board's linear DUT as a plant in the closed loop (docs/architecture.md, "Closed loop"): out1
 * drives the DUT, whose output is in1; in2 sees out1 directly — the simulator's wiring. The DUT's
 * description is turned into a sum of first-order sections (its partial fractions), each exact for
 * an input held over a loop step: a first-order low-pass and a resonator are exact; a Butterworth of
 * higher order is exact too (its sections run in parallel); parts of a chain run in series, where
 * the signal between two parts is not held within a step (an error of order f/loopRate); a delay is
 * rounded to linear interpolation between loop steps. Fast tones at out1 reach in1 through H(f)
 * exactly (steady state) and in2 directly.
 */
export class LinearPlant implements Plant {
  readonly name: string;
  readonly spec: LinearPlantSpec;
  private readonly block: Block;
  private readonly responses = new Map<number, { re: number; im: number }>();
  private last = 0;

  /** @throws SettingsError when the DUT has no description or no time-domain model */
  constructor(
    private readonly dut: Dut,
    dtS: number,
  ) {
    if (!dut.spec) throw new SettingsError('sim', 'dut', dut.name, 'a DUT given as plain data (lowpass(), resonator(), delay(), wire(), chain()) to run in closed loop');
    const b = blockOf(dut.spec, dtS);
    if (typeof b === 'string') throw new SettingsError('sim', 'dut', dut.name, `a DUT with a time-domain model in closed loop (${b})`);
    this.block = b.block;
    this.name = `linear(${dut.name})`;
    this.spec = { kind: 'linear', dut: dut.spec };
  }

  /** Puts the DUT in its steady state for a constant out1 of `u` volts. */
  settle(u: number): void {
    this.last = this.block.settle(u);
  }

  step(_tS: number, _dtS: number, drive: PlantDrive, sense: PlantSense): void {
    this.last = this.block.step(drive.out1);
    sense.in1 = this.last;
    sense.in2 = drive.out1;
    if (drive.tones1.length === 0 && sense.tones1.length === 0 && sense.tones2.length === 0) return;
    copyTones(drive.tones1, sense.tones1, this.responseOf);
    copyTones(drive.tones1, sense.tones2, null);
  }

  private readonly responseOf = (f: number) => this.response(f);

  private response(f: number): { re: number; im: number } {
    let h = this.responses.get(f);
    if (!h) {
      h = this.dut.response(f);
      if (this.responses.size > 64) this.responses.clear();
      this.responses.set(f, h);
    }
    return h;
  }

  state(): Readonly<Record<string, number>> {
    return { in1V: this.last };
  }
}

/** Copies tones into `out` (reusing its objects), each multiplied by h(f) when given. */
function copyTones(from: readonly Tone[], out: Tone[], h: ((f: number) => { re: number; im: number }) | null): void {
  if (out.length > from.length) out.length = from.length;
  for (let k = 0; k < from.length; k++) {
    const t = from[k]!;
    const o = out[k] ?? (out[k] = { frequencyHz: 0, re: 0, im: 0 });
    o.frequencyHz = t.frequencyHz;
    if (h) {
      const g = h(t.frequencyHz);
      o.re = t.re * g.re - t.im * g.im;
      o.im = t.re * g.im + t.im * g.re;
    } else {
      o.re = t.re;
      o.im = t.im;
    }
  }
}
