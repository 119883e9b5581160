import test from 'ava';
import { SettingsError } from '@labrx/core';
import { michelson, type MichelsonSpec } from '@labrx/hw-sim';
import { meanStd, run, stepOnce } from './plantHelpers.js';

const LAMBDA = 1064e-9;
const DT = 1e-6;
type Spec = Omit<MichelsonSpec, 'kind'>;
const out = (spec: Spec, piezoV = 0) => stepOnce(michelson(spec), DT, DT, { out1: piezoV }).in1;

test('fringe: P/2·(1 + V·cos(4π·ΔL/λ)), period λ/2 in length, extremes P/2·(1 ± V)', (t) => {
  const P = 0.9, V = 0.8;
  for (const dL of [0, 1e-7, 3.3e-7, 2.1e-6]) {
    const expected = (P / 2) * (1 + V * Math.cos((4 * Math.PI * dL) / LAMBDA));
    t.true(Math.abs(out({ powerV: P, visibility: V, lengthOffsetM: dL }) - expected) < 1e-12, `${dL}`);
    // one period of the fringe is λ/2 of arm-length difference; λ/4 moves it by half a period
    t.true(Math.abs(out({ powerV: P, visibility: V, lengthOffsetM: dL + LAMBDA / 2 }) - out({ powerV: P, visibility: V, lengthOffsetM: dL })) < 1e-12);
  }
  const max = out({ powerV: P, visibility: V });
  const min = out({ powerV: P, visibility: V, lengthOffsetM: LAMBDA / 4 });
  t.true(Math.abs(max - (P / 2) * (1 + V)) < 1e-12 && Math.abs(min - (P / 2) * (1 - V)) < 1e-12);
  t.true(Math.abs((max - min) / (max + min) - V) < 1e-12, 'visibility (max − min)/(max + min)');
  t.true(Math.abs(out({ lengthOffsetM: LAMBDA / 8 }) - 0.5) < 1e-12, 'mid-fringe at λ/8, default P = 1 V, V = 1');
});

test('the piezo: a sweep of ±1 V moves ΔL by ±piezoMPerV and shows a maximum every λ/2; a tone gives dP/dL at the operating point', (t) => {
  // count fringe maxima over a slow sweep: ΔL spans 2 µm = 3.76 fringe periods of λ/2
  const m = michelson({ piezoMPerV: 1e-6, lengthOffsetM: LAMBDA / 4 });
  let maxima = 0, prev2 = 0, prev1 = 0;
  const n = 20001;
  run(m, n, DT, (s, _p, tS) => {
    const i = Math.round(tS / DT);
    if (i > 2 && prev1 > prev2 && prev1 >= s.in1) maxima++;
    prev2 = prev1;
    prev1 = s.in1;
  }, (tS) => ({ out1: -1 + (2 * (tS / DT - 1)) / (n - 1) }));
  // maxima where ΔL = m·λ/2 inside (λ/4 − 1 µm, λ/4 + 1 µm): m = −1, 0, 1, 2
  const lo = LAMBDA / 4 - 1e-6, hi = LAMBDA / 4 + 1e-6;
  t.is(maxima, Math.floor(hi / (LAMBDA / 2)) - Math.ceil(lo / (LAMBDA / 2)) + 1, `${maxima} maxima over 2 µm`);
  t.is(maxima, 4);
  // a small tone at mid-fringe: amplitude P/2·V·(4π/λ)·piezoMPerV·a with the sign of −sin(phase)
  const a = 1e-4, gain = 1e-7, V = 0.7;
  const p = michelson({ piezoMPerV: gain, visibility: V, lengthOffsetM: LAMBDA / 8 });
  const s = stepOnce(p, DT, DT, { tones1: [{ frequencyHz: 1e5, re: a, im: 0 }] });
  t.is(s.tones1.length, 1);
  t.true(Math.abs(s.tones1[0]!.re - -0.5 * V * ((4 * Math.PI) / LAMBDA) * gain * a) < 1e-15);
  t.is(s.tones1[0]!.frequencyHz, 1e5);
  t.is(s.tones2.length, 0);
  // the output can be in2
  const q = stepOnce(michelson({ output: 'in2', piezo: 'out2' }), DT, DT, { out2: 0 });
  t.is(q.in2, 1);
  t.is(q.in1, 0);
});

test('noise: length noise rms = density·√(1/(2·dt)) in the state, intensity noise on the output', (t) => {
  const n = 20000;
  const density = 1e-12; // m/√Hz: 0.7 nm rms over 500 kHz
  const m = michelson({ lengthNoiseMPerRtHz: density, seed: 3 });
  const xs = new Float64Array(n);
  let i = 0;
  run(m, n, DT, () => (xs[i++] = m.state().lengthOffsetM));
  // allowed 3σ of the rms estimate, 3·√(1/(2n)) = 1.5 %
  t.true(Math.abs(meanStd(xs).std / (density * Math.sqrt(1 / (2 * DT))) - 1) < 3 * Math.sqrt(0.5 / n));
  const r = michelson({ relativeIntensityNoise: 2e-5, lengthOffsetM: LAMBDA / 4, visibility: 0.5, seed: 4 });
  i = 0;
  run(r, n, DT, (s) => (xs[i++] = s.in1));
  const ms = meanStd(xs);
  // at the dark fringe with V = 0.5 the output is P/4, and RIN scales it: rms = P/4·RIN·√(1/(2dt))
  t.true(Math.abs(ms.std / (0.25 * 2e-5 * Math.sqrt(1 / (2 * DT))) - 1) < 3 * Math.sqrt(0.5 / n), `${ms.std}`);
  t.true(Math.abs(ms.mean - 0.25) < (3 * ms.std) / Math.sqrt(n));
});

test('bad parameters: SettingsError naming the setting', (t) => {
  for (const [change, setting] of [
    [{ wavelengthM: 0 }, 'wavelengthM'],
    [{ visibility: 1.2 }, 'visibility'],
    [{ visibility: -0.1 }, 'visibility'],
    [{ powerV: 0 }, 'powerV'],
    [{ output: 'out1' }, 'output'],
    [{ lengthNoiseMPerRtHz: -1 }, 'lengthNoiseMPerRtHz'],
    [{ kickHz: 3 }, 'kickHz'], // a cavity's name, not the Michelson's kickM
  ] as const) {
    const e = t.throws(() => michelson(change as never), { instanceOf: SettingsError });
    t.is(e?.setting, setting);
    t.is(e?.instrument, 'michelson');
  }
  t.notThrows(() => michelson());
});
