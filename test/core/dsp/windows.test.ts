import test from 'ava';
import { SettingsError, WINDOW_NAMES, isWindowName, makeWindow, type WindowName } from '@labrx/core';

// Textbook coherent gain (mean of w) and ENBW in bins for the periodic windows, e.g. Harris 1978
// table 1 and Heinzel, Rüdiger & Schilling 2002; for a periodic cosine-sum window these are exactly
// a0 and (a0² + Σ_{k≥1} a_k²/2) / a0², so the table is also the closed form.
const TEXTBOOK: Record<WindowName, { gain: number; enbw: number }> = {
  boxcar: { gain: 1, enbw: 1 },
  hann: { gain: 0.5, enbw: 1.5 },
  hamming: { gain: 0.54, enbw: 1.3628 },
  blackman: { gain: 0.42, enbw: 1.7268 },
  'blackman-harris': { gain: 0.35875, enbw: 2.0044 },
  flattop: { gain: 0.2156, enbw: 3.7702 },
};

for (const name of WINDOW_NAMES) {
  for (const n of [64, 16384]) {
    test(`${name}(${n}): coherent gain and ENBW match the textbook within 0.1 %`, (t) => {
      const w = makeWindow(name, n);
      // Recompute from the samples rather than trusting the stored figures.
      let sum = 0;
      let sumSq = 0;
      for (const v of w.values) {
        sum += v;
        sumSq += v * v;
      }
      t.is(w.values.length, n);
      // 0.1 %: the textbook values are rounded to 4–5 digits; for periodic windows finite n changes nothing.
      t.true(Math.abs(sum / n / TEXTBOOK[name].gain - 1) < 1e-3, `gain ${sum / n}`);
      t.true(Math.abs((n * sumSq) / (sum * sum) / TEXTBOOK[name].enbw - 1) < 1e-3, `enbw ${(n * sumSq) / (sum * sum)}`);
      t.true(Math.abs(w.coherentGain - sum / n) < 1e-12);
      t.true(Math.abs(w.enbwBins - (n * sumSq) / (sum * sum)) < 1e-12);
    });
  }
}

test('windows are periodic (DFT-even): w[n−i] = w[i], peak at n/2, and w[0] is the window edge', (t) => {
  const n = 1024;
  for (const name of WINDOW_NAMES) {
    const w = makeWindow(name, n).values;
    for (let i = 1; i < n; i++) t.true(Math.abs(w[i]! - w[n - i]!) < 1e-15, `${name} symmetric about n/2`);
    t.true(Math.abs(w[n / 2]! - Math.max(...w)) < 1e-15, `${name} peak at n/2`);
  }
  // Hann of length n is 0 at i = 0 and 1 at i = n/2 (a symmetric window of length n would not hit 1).
  const hann = makeWindow('hann', n).values;
  t.is(hann[0], 0);
  t.true(Math.abs(hann[n / 2]! - 1) < 1e-15);
});

test('makeWindow caches one window per (name, n)', (t) => {
  t.is(makeWindow('hann', 256), makeWindow('hann', 256));
  t.not(makeWindow('hann', 256), makeWindow('hann', 512));
});

test("an unknown window name or a bad length throws SettingsError", (t) => {
  const e = t.throws(() => makeWindow('triangle' as WindowName, 64), { instanceOf: SettingsError });
  t.regex(e!.message, /triangle.*boxcar/);
  t.throws(() => makeWindow('hann', 0), { instanceOf: SettingsError });
  t.throws(() => makeWindow('hann', 1.5), { instanceOf: SettingsError });
  t.true(isWindowName('flattop'));
  t.false(isWindowName('triangle'));
});
