import test from 'ava';
import { SettingsError } from '@labrx/core';
import { fabryPerot, type FabryPerotSpec, type Tone } from '@labrx/hw-sim';
import { meanStd, run, stepOnce } from './plantHelpers.js';

// Tabulated Bessel values (Abramowitz & Stegun, table 9.1), independent of the plant's own J0/J1.
const J0_1 = 0.7651976865579666;
const J1_1 = 0.4400505857449335;
const J0_ZERO = 2.404825557695773; // first zero of J0

const FINESSE = 3000;
const FSR = 1.5e9;
const LW = FSR / FINESSE; // 500 kHz FWHM
const OMEGA = 20e6; // modulation frequency, 40 linewidths
const DT = 1e-6;

type Spec = Omit<FabryPerotSpec, 'kind'>;
const base: Spec = { finesse: FINESSE, fsrHz: FSR };

/** What the plant shows after one step at resonance − laser = δ (a fresh plant, so no cavity transient). */
function at(deltaHz: number, spec: Partial<Spec> = {}, eomTone: Tone | null = null) {
  const p = fabryPerot({ ...base, ...spec, detuningHz: deltaHz });
  const s = stepOnce(p, DT, DT, { tones2: eomTone ? [eomTone] : [] });
  return { refl: s.in1, trans: s.in2, pdh: s.tones1[0] ?? { frequencyHz: 0, re: 0, im: 0 }, tones: s.tones1.length, state: p.state() };
}
const pdhAt = (d: number, tone: Tone = { frequencyHz: OMEGA, re: 1, im: 0 }, spec: Partial<Spec> = {}) => at(d, spec, tone).pdh;

test('Airy transmission: 1 at resonance (matched mirrors), 1/2 at ±linewidth/2, periodic in the FSR, and the Airy function between', (t) => {
  t.true(Math.abs(at(0).trans - 1) < 1e-12, `${at(0).trans}`);
  // finesse is defined as FSR/FWHM exactly, so T(±δν/2) = 1/2 up to rounding (sin of a small angle, ~1e-12)
  for (const d of [LW / 2, -LW / 2]) t.true(Math.abs(at(d).trans - 0.5) < 1e-9, `${d}: ${at(d).trans}`);
  // T(δ + m·FSR) = T(δ): the phase 2πδ/FSR loses ~1e-16·2πm of absolute precision; 1e-9 is generous
  for (const d of [0, 0.3 * LW, 2.7 * LW, 0.4 * FSR]) for (const m of [-3, 1, 17]) t.true(Math.abs(at(d + m * FSR).trans - at(d).trans) < 1e-9, `${d} + ${m}·FSR`);
  // independent closed form T = 1/(1 + sin²(πδ/FSR)/sin²(π/(2F))), and the Lorentzian 1/(1 + (2δ/δν)²) near the peak
  for (const d of [0.1 * LW, 3.7 * LW, 123.4 * LW, 0.5 * FSR]) {
    const airy = 1 / (1 + Math.sin((Math.PI * d) / FSR) ** 2 / Math.sin(Math.PI / (2 * FINESSE)) ** 2);
    t.true(Math.abs(at(d).trans - airy) < 1e-12, `${d}: ${at(d).trans} vs ${airy}`);
  }
  // Lorentzian vs Airy at 3.7 linewidths: relative difference of order (πδ/FSR)² ≈ 4e-6
  t.true(Math.abs(at(3.7 * LW).trans / (1 / (1 + (2 * 3.7) ** 2)) - 1) < 1e-5);
  // the FWHM measured by bisection on the plant's own output is the linewidth
  let lo = 0, hi = LW;
  for (let i = 0; i < 60; i++) {
    const mid = (lo + hi) / 2;
    if (at(mid).trans > 0.5) lo = mid;
    else hi = mid;
  }
  t.true(Math.abs((2 * lo) / LW - 1) < 1e-9, `FWHM ${2 * lo}`);
  t.is(at(0).state.linewidthHz, LW);
});

test('reflection: a dip to 0 at resonance for matched mirrors, R + T = 1 (lossless), and the dip of an unmatched cavity', (t) => {
  t.true(at(0).refl < 1e-12);
  for (const d of [0.2 * LW, 5 * LW, 0.5 * FSR]) t.true(Math.abs(at(d).refl + at(d).trans - 1) < 1e-12);
  t.true(at(0.5 * FSR).refl > 1 - 1e-6, 'anti-resonance reflects (1 − T_min ≈ 1 − (π/2F)²)');
  // R1 = 0.9995 with finesse 3000 (under-coupled: the input mirror transmits less than the output): g = r1·r2, dip = ((r1 − r2)/(1 − g))², peak T = (1 − R1)(1 − R2)/(1 − g)²
  const g = (Math.sqrt(Math.sin(Math.PI / 6000) ** 2 + 1) - Math.sin(Math.PI / 6000)) ** 2;
  const r1 = Math.sqrt(0.9995), r2 = g / r1;
  const dip = ((r1 - r2) / (1 - g)) ** 2;
  const peak = ((1 - r1 * r1) * (1 - r2 * r2)) / (1 - g) ** 2;
  const u = at(0, { inputMirrorReflectivity: 0.9995 });
  t.true(Math.abs(u.refl - dip) < 1e-12 && Math.abs(u.trans - peak) < 1e-12, `${u.refl} ${u.trans}`);
  t.true(dip > 0.01, 'an undercoupled cavity reflects at resonance');
  // the linewidth is the finesse's whatever the coupling
  t.true(Math.abs(at(LW / 2, { inputMirrorReflectivity: 0.9995 }).trans / peak - 0.5) < 1e-9);
});

test('modulation: carrier J0² and sidebands J1² of the power (β = 1 rad), higher orders reflected', (t) => {
  const tone = { frequencyHz: OMEGA, re: 0.5, im: 0 }; // 0.5 V at 2 rad/V: β = 1
  const r = at(0, { modulationRadPerV: 2 }, tone);
  // at the carrier's resonance the transmission is the carrier (sidebands 40 linewidths off: T ≈ 1/(1+80²) each)
  const side = 2 * J1_1 ** 2 * (1 / (1 + 80 ** 2));
  t.true(Math.abs(r.trans - (J0_1 ** 2 + side)) < 1e-6, `${r.trans}`);
  t.true(Math.abs(r.refl - (1 - J0_1 ** 2 - side)) < 1e-6, `${r.refl}`);
  // β at the first zero of J0: no carrier, so nothing is transmitted at the carrier's resonance
  const z = at(0, { modulationRadPerV: 1 }, { frequencyHz: OMEGA, re: 0, im: J0_ZERO });
  t.true(z.trans < 1e-3, `${z.trans}`);
  t.true(Math.abs(z.pdh.re) < 1e-8 && Math.abs(z.pdh.im) < 1e-8, 'no carrier, no PDH beat');
});

test('PDH: zero at resonance, odd in the detuning, and the small-detuning slope 8·J0·J1·P/δν', (t) => {
  t.is(at(0, {}, { frequencyHz: OMEGA, re: 1, im: 0 }).tones, 1, 'one tone at Ω on the reflection input');
  t.is(pdhAt(0).frequencyHz, OMEGA);
  t.true(Math.abs(pdhAt(0).re) < 1e-15 && Math.abs(pdhAt(0).im) < 1e-15);
  for (const d of [1e3, 0.3 * LW, 2 * LW, 0.3 * OMEGA]) {
    t.true(pdhAt(d).re > 0 && pdhAt(-d).re < 0, `sign at ±${d}`);
    t.true(Math.abs(pdhAt(d).re + pdhAt(-d).re) < 1e-12, `odd at ${d}`);
  }
  /*
   * Derivation (Black 2001, §IV): near resonance a matched cavity has F(Δ) ≈ i·2Δ/δν (Δ = laser −
   * resonance) and, Ω away, F(±Ω) ≈ −1 ∓ i·δν/(2Ω). Then χ = F(Δ)F*(Δ+Ω) − F*(Δ)F(Δ−Ω)
   * ≈ 2·x·X/(1 + iX) with x = 2Δ/δν, X = 2Ω/δν, so Im χ = −(4Δ/δν)·X²/(1 + X²) and
   * Re χ = (4Δ/δν)·X/(1 + X²). The sine (I) part 2√(PcPs)·Im χ, with √(PcPs) = J0·J1·P and δ = −Δ:
   *
   *   I ≈ +(8·J0·J1·P/δν)·δ · 1/(1 + (δν/2Ω)²),   Q/I = −δν/(2Ω).
   *
   * With Ω = 40 δν the finite-Ω factor is 1 − 1.6e-4. What is left is the Airy F(±Ω) against its
   * Lorentzian form, of relative order (πΩ/FSR)²/3 ≈ 6e-4 at most; allowed: 1e-4 after the factor
   * (measured 4e-6). The slope is a central difference over ±δν/1000, whose error is of order
   * (2h/δν)² = 4e-6.
   */
  const h = LW / 1000;
  const slopeI = (pdhAt(h).re - pdhAt(-h).re) / (2 * h);
  const slopeQ = (pdhAt(h).im - pdhAt(-h).im) / (2 * h);
  const X = (2 * OMEGA) / LW;
  const d = (8 * J0_1 * J1_1) / LW; // V/Hz for powerV = 1, β = 1
  t.true(Math.abs(slopeI / d - 1) < 1 / X ** 2 + 1e-4, `slope ${slopeI} vs ${d}`);
  t.true(Math.abs(slopeI / (d / (1 + 1 / X ** 2)) - 1) < 1e-4);
  t.true(Math.abs(slopeQ / slopeI + 1 / X) < 1e-3 / X, `Q/I ${slopeQ / slopeI}`);
  // scales with powerV and with the piezo gain (the slope per volt of piezo is piezoHzPerV times this)
  t.true(Math.abs(pdhAt(h, undefined, { powerV: 0.25 }).re / pdhAt(h).re - 0.25) < 1e-12);
});

test('PDH: the modulation phase rotates the tone, and J0(β)·J1(β) sets its size', (t) => {
  const h = 2e3;
  const i0 = pdhAt(h).re;
  // a cosine drive (phase 90°) puts the error in the quadrature of the IQ convention
  const c = pdhAt(h, { frequencyHz: OMEGA, re: 0, im: 1 });
  t.true(Math.abs(c.im - i0) < 1e-12 && Math.abs(c.re + pdhAt(h).im) < 1e-12);
  // any phase: the complex amplitude turns with the drive's
  const phi = 0.7;
  const r = pdhAt(h, { frequencyHz: OMEGA, re: Math.cos(phi), im: Math.sin(phi) });
  const r0 = pdhAt(h);
  t.true(Math.abs(r.re - (r0.re * Math.cos(phi) - r0.im * Math.sin(phi))) < 1e-12 && Math.abs(r.im - (r0.re * Math.sin(phi) + r0.im * Math.cos(phi))) < 1e-12);
  // β = 0.5 rad against 1 rad: the slope ratio is J0(.5)J1(.5)/(J0(1)J1(1)) (tabulated J0(.5) = 0.9384698072408129, J1(.5) = 0.2422684576748739)
  const half = pdhAt(h, { frequencyHz: OMEGA, re: 0.5, im: 0 }).re;
  t.true(Math.abs(half / i0 - (0.9384698072408129 * 0.2422684576748739) / (J0_1 * J1_1)) < 1e-7);
});

test('PDH: the sidebands give the extra zero crossings near δ = ±Ω, of opposite sign and half the slope', (t) => {
  /*
   * With the upper sideband resonant (δ = +Ω + y) the same expansion gives Im χ ≈ 2y'/δν + 1/(2X)
   * (the carrier, Ω off resonance, is −1 − i/X), so the crossing sits at δ = ±(Ω + δν²/(8Ω)) and
   * the slope there is −1/2 of the carrier's. Corrections are of relative order 1/X = 1.25 %; allowed
   * 5 % of the δν²/(8Ω) = 1.56 kHz shift and 1 % of the slope.
   */
  const shift = LW ** 2 / (8 * OMEGA);
  for (const sign of [1, -1]) {
    const guess = sign * (OMEGA + shift);
    let lo = guess - 0.2 * LW, hi = guess + 0.2 * LW;
    const sLo = Math.sign(pdhAt(lo).re);
    t.true(sLo !== Math.sign(pdhAt(hi).re), 'a sign change around the sideband');
    for (let i = 0; i < 50; i++) {
      const mid = (lo + hi) / 2;
      if (Math.sign(pdhAt(mid).re) === sLo) lo = mid;
      else hi = mid;
    }
    t.true(Math.abs(lo - guess) < 0.05 * shift, `crossing at ${lo} vs ${guess}`);
    const h = LW / 1000;
    const slope = (pdhAt(lo + h).re - pdhAt(lo - h).re) / (2 * h);
    const carrier = (pdhAt(h).re - pdhAt(-h).re) / (2 * h);
    t.true(Math.abs(slope / carrier + 0.5) < 0.01, `slope ratio ${slope / carrier}`);
  }
});

test('the piezo moves the resonance by piezoHzPerV, and the cavity responds with its field decay time 1/(π·δν)', (t) => {
  const p = fabryPerot({ ...base, piezoHzPerV: 2e6, detuningHz: -1e6 });
  stepOnce(p, DT, DT, { out1: 0.5 });
  t.is(p.state().detuningHz, 0);
  t.true(Math.abs(p.state().transmissionV - 1) < 1e-12);
  /*
   * A small step of the resonance (δν/100, where the PDH error is linear to (2δ/δν)² = 4e-4) seen
   * through the first-order low-pass: the error reaches 1 − e^{−t/τ} of its final value, τ = 1/(π·δν).
   * The discretisation is exact for a held input, so the only error is the nonlinearity.
   */
  const tau = 1 / (Math.PI * LW);
  const dt = tau / 10;
  const step = LW / 100;
  const q = fabryPerot({ ...base, piezoHzPerV: step });
  const tone = [{ frequencyHz: OMEGA, re: 1, im: 0 }];
  const final = pdhAt(step).re;
  const errors: number[] = [];
  run(q, 200, dt, (s, _p, tS) => {
    if (tS <= dt) return;
    errors.push(Math.abs(s.tones1[0]!.re / final - (1 - Math.exp(-(tS - dt) / tau))));
  }, (tS) => ({ out1: tS <= dt ? 0 : 1, tones2: tone }));
  t.true(Math.max(...errors) < 1e-3, `${Math.max(...errors)}`);
  t.true(Math.abs(q.state().cavityDetuningHz - step) < 1e-6 * step, 'settled after 20 τ (e^{−20} ≈ 2e-9)');
});

test('a fast tone on the piezo: tones at both inputs from the slope, through the cavity pole at δν/2', (t) => {
  const d0 = LW / 4; // on the side of the fringe
  const gain = 1e5; // Hz/V
  const a = 1e-3; // V: moves the resonance by 100 Hz ≪ δν
  const tone = (f: number) => {
    const p = fabryPerot({ ...base, piezoHzPerV: gain, detuningHz: d0 });
    return stepOnce(p, DT, DT, { tones1: [{ frequencyHz: f, re: a, im: 0 }] });
  };
  const h = 10;
  const dT = (at(d0 + h).trans - at(d0 - h).trans) / (2 * h);
  const dR = (at(d0 + h).refl - at(d0 - h).refl) / (2 * h);
  /*
   * tone / (slope·gain·a) must be the cavity's low-pass H(f) = 1/(1 + j·f/(δν/2)). The plant's slope is a
   * central difference over ±δν/1000 and ours over ±10 Hz: relative errors of order (2h/δν)² ≤ 4e-6.
   */
  for (const f of [1e3, LW / 2, 3 * LW]) {
    const x = f / (LW / 2);
    const hRe = 1 / (1 + x * x), hIm = -x / (1 + x * x);
    const s = tone(f);
    for (const [got, slope] of [[s.tones2[0]!, dT], [s.tones1[0]!, dR]] as const) {
      const k = slope * gain * a;
      t.true(Math.hypot(got.re / k - hRe, got.im / k - hIm) < 1e-5 * Math.hypot(hRe, hIm), `${f} Hz: ${got.re / k}, ${got.im / k} vs ${hRe}, ${hIm}`);
    }
  }
  t.true(Math.abs(dR + dT) < 1e-12, 'lossless: what leaves the reflection goes to the transmission');
});

test('noise: frequency noise rms = density·√(1/(2·dt)), intensity noise rms = powerV·RIN·√(1/(2·dt)), deterministic for a seed', (t) => {
  const n = 20000;
  const fn = 300; // Hz/√Hz
  const fp = fabryPerot({ ...base, frequencyNoiseHzPerRtHz: fn, seed: 11 });
  const det = new Float64Array(n);
  let i = 0;
  run(fp, n, DT, () => (det[i++] = fp.state().detuningHz));
  // the sample variance of n Gaussian draws has relative standard error √(2/n) = 1 %; its root half that: allowed 3σ = 1.5 %
  const expected = fn * Math.sqrt(1 / (2 * DT));
  const m = meanStd(det);
  t.true(Math.abs(m.std / expected - 1) < 3 * Math.sqrt(0.5 / n), `rms ${m.std} vs ${expected}`);
  t.true(Math.abs(m.mean) < (3 * expected) / Math.sqrt(n));

  const rin = 1e-5; // 1/√Hz: 0.7 % rms over 500 kHz
  const ip = fabryPerot({ ...base, relativeIntensityNoise: rin, powerV: 0.8, seed: 12 });
  const tr = new Float64Array(n);
  i = 0;
  run(ip, n, DT, (s) => (tr[i++] = s.in2));
  const mi = meanStd(tr);
  t.true(Math.abs(mi.std / (0.8 * rin * Math.sqrt(1 / (2 * DT))) - 1) < 3 * Math.sqrt(0.5 / n), `rin ${mi.std}`);

  // same seed, same sequence; another seed, another
  const again = fabryPerot({ ...base, frequencyNoiseHzPerRtHz: fn, seed: 11 });
  const other = fabryPerot({ ...base, frequencyNoiseHzPerRtHz: fn, seed: 12 });
  i = 0;
  let same = true, differs = false;
  run(again, 100, DT, (_s, p) => (same &&= p.state().detuningHz === det[i++]));
  i = 0;
  run(other, 100, DT, (_s, p) => (differs ||= p.state().detuningHz !== det[i++]));
  t.true(same && differs);
});

test('bad parameters: SettingsError naming the setting and what is allowed', (t) => {
  const bad: [Record<string, unknown>, string][] = [
    [{ finesse: 1 }, 'finesse'],
    [{ finesse: Number.NaN }, 'finesse'],
    [{ fsrHz: 0 }, 'fsrHz'],
    [{ powerV: -1 }, 'powerV'],
    [{ modulationRadPerV: -1 }, 'modulationRadPerV'],
    [{ piezo: 'out3' }, 'piezo'],
    [{ reflection: 'in2' }, 'transmission'],
    [{ inputMirrorReflectivity: 1 }, 'inputMirrorReflectivity'],
    [{ inputMirrorReflectivity: 0.5 }, 'inputMirrorReflectivity'],
    [{ frequencyNoiseHzPerRtHz: -3 }, 'frequencyNoiseHzPerRtHz'],
    [{ kickShape: 'wobble' }, 'kickShape'],
    [{ kicksAtS: [0.1, 'x'] }, 'kicksAtS'],
    [{ kickRingHz: 0 }, 'kickRingHz'],
    [{ seed: 1.5 }, 'seed'],
    [{ finese: 3000 }, 'finese'],
  ];
  for (const [change, setting] of bad) {
    const e = t.throws(() => fabryPerot({ ...base, ...change } as never), { instanceOf: SettingsError }, JSON.stringify(change));
    t.is(e?.setting, setting);
    t.is(e?.instrument, 'fabryPerot');
    t.true(e!.allowed.length > 0);
  }
  t.throws(() => fabryPerot({ fsrHz: 1e9 } as never), { instanceOf: SettingsError, message: /finesse/ });
});

test('two modulation tones: the carrier keeps J0(β1)²·J0(β2)²; equal frequencies add as one; the sense objects are reused', (t) => {
  const tones = [
    { frequencyHz: 20e6, re: 1, im: 0 }, // β = 1
    { frequencyHz: 33e6, re: 0, im: 0.5 }, // β = 0.5
  ];
  const p = fabryPerot({ ...base });
  const s = stepOnce(p, DT, DT, { tones2: tones });
  // sidebands 80 and 132 half-linewidths away transmit 1/(1 + X²) of their power: < 2e-4·J1² each
  t.true(Math.abs(s.in2 - J0_1 ** 2 * 0.9384698072408129 ** 2) < 1e-4, `${s.in2}`);
  t.deepEqual(s.tones1.map((x) => x.frequencyHz), [20e6, 33e6]);
  // two tones at one frequency are one modulation of the summed amplitude
  const split = stepOnce(fabryPerot({ ...base, detuningHz: 3e4 }), DT, DT, { tones2: [{ frequencyHz: OMEGA, re: 0.25, im: 0 }, { frequencyHz: OMEGA, re: 0.75, im: 0 }] });
  t.is(split.tones1.length, 1);
  t.true(Math.abs(split.tones1[0]!.re - pdhAt(3e4).re) < 1e-15);
  // the plant writes into the objects already there (no allocation per step)
  const first = s.tones1[0];
  stepOnce(p, 2 * DT, DT, { tones2: tones }, s);
  t.is(s.tones1[0], first);
  stepOnce(p, 3 * DT, DT, {}, s);
  t.is(s.tones1.length, 0);
  // piezo and EOM on one output: its tones are the modulation, its slow part the piezo
  const same = stepOnce(fabryPerot({ ...base, eom: 'out1', piezoHzPerV: 1e6 }), DT, DT, { out1: 0.1, tones1: [{ frequencyHz: OMEGA, re: 1, im: 0 }] });
  t.is(same.tones1.length, 1);
  t.true(Math.abs(same.tones1[0]!.re - pdhAt(1e5).re) < 1e-15);
  t.is(same.tones2.length, 0);
});
