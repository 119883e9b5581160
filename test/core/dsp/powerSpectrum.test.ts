import test from 'ava';
import {
  FFT_BACKENDS,
  SettingsError,
  SpectrumKernel,
  WINDOW_NAMES,
  addToExponentialMean,
  addToRunningMean,
  convertSpectrumUnit,
  initFftBackend,
  type FftBackend,
} from '@labrx/core';
import { fillGaussian, uniformSource } from './_gaussian.js';

test.before(async () => {
  await initFftBackend('pffft');
});

const FS = 125e6; // Hz, the board's ADC rate; the physics below holds at any rate
const DT = 1 / FS;

// Relative tolerance on a power reading that should be exact:
// - fftjs (Float64): rounding ~ 1e-15 × log2 N; the brief's 1e-9 leaves a wide margin.
// - pffft (Float32): amplitude error ≲ 6e-8 × (1 + log2 N) ≈ 1e-6, doubled for a power: we allow 1e-5.
const EXACT: Record<FftBackend, number> = { fftjs: 1e-9, pffft: 1e-5 };

function tone(n: number, amplitude: number, bins: number, phase: number): Float64Array {
  const x = new Float64Array(n);
  for (let i = 0; i < n; i++) x[i] = amplitude * Math.cos((2 * Math.PI * bins * i) / n + phase);
  return x;
}

const db = (ratio: number): number => 10 * Math.log10(ratio);

for (const backend of FFT_BACKENDS) {
  test(`${backend}: a tone at a bin centre reads A² Vpk² at that bin, for every window`, (t) => {
    const n = 4096;
    const a = 0.3;
    for (const window of WINDOW_NAMES) {
      const k = new SpectrumKernel(n, window, backend);
      const out = new Float64Array(k.bins);
      k.powerVpk2(tone(n, a, 1234, 0.7), out);
      t.true(Math.abs(out[1234]! / (a * a) - 1) < EXACT[backend], `${window}: ${out[1234]}`);
      // A periodic K-term cosine window spreads a bin-centred tone over exactly 2K−1 bins; beyond,
      // only rounding remains (relative 1e-20 in power for Float64, ~1e-13 for Float32).
      const far = backend === 'fftjs' ? 1e-20 : 1e-12;
      t.true(out[1234 + 6]! < far * a * a && out[1234 - 6]! < far * a * a, `${window}: leakage beyond 5 bins`);
    }
  });

  test(`${backend}: DC and Nyquist read A² Vpk² for every window`, (t) => {
    const n = 1024;
    for (const window of WINDOW_NAMES) {
      const k = new SpectrumKernel(n, window, backend);
      const out = new Float64Array(k.bins);
      k.powerVpk2(new Float64Array(n).fill(0.25), out);
      t.true(Math.abs(out[0]! / 0.0625 - 1) < EXACT[backend], `${window} DC ${out[0]}`);
      k.powerVpk2(tone(n, 0.25, n / 2, 0), out);
      t.true(Math.abs(out[n / 2]! / 0.0625 - 1) < EXACT[backend], `${window} Nyquist ${out[n / 2]}`);
    }
  });

  test(`${backend}: with 'flattop' a tone anywhere between bins reads A² within 0.01 dB; 'hann' scallops by −1.42 dB`, (t) => {
    const n = 4096;
    const a = 0.3;
    const flat = new SpectrumKernel(n, 'flattop', backend);
    const hann = new SpectrumKernel(n, 'hann', backend);
    const out = new Float64Array(flat.bins);
    const peak = (): number => {
      let m = 0;
      for (let j = 990; j < 1010; j++) m = Math.max(m, out[j]!);
      return m;
    };
    let worstFlat = 0;
    for (let offset = 0; offset <= 1.0001; offset += 0.025) {
      flat.powerVpk2(tone(n, a, 1000 + offset, 1.1), out);
      const e = db(peak() / (a * a));
      if (Math.abs(e) > Math.abs(worstFlat)) worstFlat = e;
    }
    // Theory: this window's normalised transform |W(ν)|/W(0) over 0 ≤ ν ≤ 1/2 lies between
    // −0.00978 dB (at ν = 1/2) and +0.00234 dB; the tone's negative-frequency image, 2000 bins
    // away under sidelobes below −90 dB, moves that by < 3e-4 dB.
    t.true(Math.abs(worstFlat) < 0.01, `flattop worst ${worstFlat} dB`);
    t.true(Math.abs(worstFlat - -0.00978) < 5e-4, `flattop worst ${worstFlat} dB, theory −0.00978 dB`);
    t.log(`${backend}: flattop worst scalloping ${worstFlat.toFixed(5)} dB`);

    hann.powerVpk2(tone(n, a, 1000.5, 1.1), out);
    // Hann at half a bin: |W(1/2)|/W(0) = (2/π)/(1 − 1/4) = 0.84883 → −1.4236 dB (finite-n and image
    // corrections are O(1/n²) and < 1e-4 dB here).
    const hannLoss = db(peak() / (a * a));
    t.true(Math.abs(hannLoss - -1.4236) < 0.005, `hann half-bin reading ${hannLoss} dB`);
  });

  test(`${backend}: Parseval — the boxcar Vrms²/Hz spectrum integrates to the block's mean square`, (t) => {
    const n = 4096;
    const x = fillGaussian(new Float64Array(n), 0.1, uniformSource(7));
    for (let i = 0; i < n; i++) x[i]! += 0.05 + 0.2 * Math.sin(0.01 * i); // a DC part and a tone off the bins
    let meanSquare = 0;
    for (const v of x) meanSquare += (v * v) / n;
    const k = new SpectrumKernel(n, 'boxcar', backend);
    const vpk2 = new Float64Array(k.bins);
    k.powerVpk2(x, vpk2);
    const density = new Float64Array(k.bins);
    convertSpectrumUnit(vpk2, 'Vrms^2/Hz', k.rbwHz(DT), density);
    const binWidth = FS / n;
    let integral = 0;
    for (const d of density) integral += d * binWidth;
    t.true(Math.abs(integral / meanSquare - 1) < EXACT[backend], `∫ = ${integral}, mean square = ${meanSquare}`);
  });

  test(`${backend}: for every window the noise power Σ (Vpk²/2)/ENBW equals the window-weighted mean square exactly, and the variance of white noise within 3 %`, (t) => {
    const n = 16384;
    const sigma = 0.01;
    const blocks = 16;
    const uniform = uniformSource(99);
    const data = Array.from({ length: blocks }, () => fillGaussian(new Float64Array(n), sigma, uniform));
    for (const window of WINDOW_NAMES) {
      const k = new SpectrumKernel(n, window, backend);
      const out = new Float64Array(k.bins);
      const w = k.window.values;
      let estimate = 0;
      for (const x of data) {
        k.powerVpk2(x, out);
        // Vrms² per bin (edges: Vrms² = Vpk²), summed, divided by the ENBW in bins.
        convertSpectrumUnit(out, 'Vrms^2/Hz', 1, out);
        let power = 0;
        for (const p of out) power += p;
        power /= k.window.enbwBins;
        // Parseval on the windowed block: the sum equals Σ w²x² / Σ w², to rounding.
        let weighted = 0;
        for (let i = 0; i < n; i++) weighted += w[i]! * w[i]! * x[i]! * x[i]!;
        weighted /= k.window.sumSquares;
        t.true(Math.abs(power / weighted - 1) < EXACT[backend], `${window}: ${power} vs ${weighted}`);
        estimate += power / blocks;
      }
      // Statistics: Var(Σw²x²/Σw²) = 2σ⁴ Σw⁴/(Σw²)²; n·Σw⁴/(Σw²)² is at most 4.11 (flattop), so the
      // relative standard deviation over 16 blocks of 16384 is √(2·4.11/16384/16) = 0.56 %: 3 % is > 5σ.
      t.true(Math.abs(estimate / (sigma * sigma) - 1) < 0.03, `${window}: ${estimate / (sigma * sigma)} σ²`);
    }
  });

  test(`${backend}: white noise of density ρ reads ρ in Vrms/√Hz (64 averages) within 3 % for every window`, (t) => {
    const n = 4096;
    const rho = 1e-7; // V/√Hz, one-sided
    const sigma = rho * Math.sqrt(FS / 2); // V: a one-sided density ρ over 0…fs/2
    const uniform = uniformSource(2024);
    const averages = 64;
    const blocks = Array.from({ length: averages }, () => fillGaussian(new Float64Array(n), sigma, uniform));
    for (const window of WINDOW_NAMES) {
      const k = new SpectrumKernel(n, window, backend);
      const rbw = k.rbwHz(DT);
      const one = new Float64Array(k.bins);
      const mean = new Float64Array(k.bins);
      blocks.forEach((x, i) => {
        k.powerVpk2(x, one);
        addToRunningMean(mean, one, i + 1); // average powers, as the spectrum analyzer does
      });
      convertSpectrumUnit(mean, 'Vrms/sqrt(Hz)', rbw, mean);
      // Bins 1…N/2−1 (DC and Nyquist carry half the one-sided density by construction).
      let floor = 0;
      for (let j = 1; j < n / 2; j++) floor += mean[j]! / (n / 2 - 1);
      // Statistics: after 64 averages each bin's power scatters by 1/√64 = 12.5 %; neighbouring bins
      // are correlated over ~ENBW bins, so the 2047 bins hold ≥ 2047/3.77 = 543 independent values and
      // the mean power scatters by ≤ 0.54 %, the amplitude by half that; √ of an average has a bias
      // of −(1/8)·(1/64) ≈ −0.2 %. 3 % is > 10σ.
      t.true(Math.abs(floor / rho - 1) < 0.03, `${window}: floor ${floor} V/√Hz`);
      t.log(`${backend} ${window}: floor / ρ = ${(floor / rho).toFixed(4)}`);
    }
  });

  test(`${backend}: cross-spectrum of two bin-centred tones is A1·A2·e^{j(φ2−φ1)}; of a block with itself, its power spectrum`, (t) => {
    const n = 2048;
    for (const window of WINDOW_NAMES) {
      const k = new SpectrumKernel(n, window, backend);
      const x1 = tone(n, 0.5, 300, 0.2);
      const x2 = tone(n, 0.1, 300, 1.3);
      for (let i = 0; i < n; i++) x2[i]! += 0.3 * Math.cos((2 * Math.PI * 700 * i) / n); // only in ch2
      const re = new Float64Array(k.bins);
      const im = new Float64Array(k.bins);
      k.crossSpectrum(x1, x2, re, im);
      const tol = EXACT[backend];
      t.true(Math.abs(Math.hypot(re[300]!, im[300]!) / 0.05 - 1) < tol, `${window}: |cross| ${Math.hypot(re[300]!, im[300]!)}`);
      t.true(Math.abs(Math.atan2(im[300]!, re[300]!) - 1.1) < tol, `${window}: arg cross`);
      // A component in one channel only has no cross power.
      t.true(Math.hypot(re[700]!, im[700]!) < 1e-6 * 0.05, `${window}: no cross power at bin 700`);

      const p1 = new Float64Array(k.bins);
      const p2 = new Float64Array(k.bins);
      const cr = new Float64Array(k.bins);
      const ci = new Float64Array(k.bins);
      k.powerPair(x1, x1, p1, p2, cr, ci);
      const alone = new Float64Array(k.bins);
      k.powerVpk2(x1, alone);
      for (let j = 0; j < k.bins; j++) {
        t.true(p1[j] === alone[j] && p2[j] === alone[j], 'powerPair equals powerVpk2');
        t.true(Math.abs(cr[j]! - alone[j]!) <= 1e-12 * alone[300]! && ci[j] === 0, 'cross of x with x is |X|²');
      }
    }
  });
}

test('accumulatePair (power and mean fused) equals powerPair + addToRunningMean, arithmetic and exponential', (t) => {
  const n = 1024;
  const uniform = uniformSource(3);
  const k = new SpectrumKernel(n, 'blackman-harris');
  const blocks = Array.from({ length: 5 }, () => [fillGaussian(new Float64Array(n), 0.1, uniform), fillGaussian(new Float64Array(n), 0.2, uniform)] as const);
  for (const weightOf of [(i: number) => 1 / (i + 1), () => 0.25]) {
    const fused = [new Float64Array(k.bins), new Float64Array(k.bins)] as const;
    const stepwise = [new Float64Array(k.bins), new Float64Array(k.bins)] as const;
    const p = [new Float64Array(k.bins), new Float64Array(k.bins)] as const;
    blocks.forEach(([x1, x2], i) => {
      k.accumulatePair(x1, x2, fused[0], fused[1], weightOf(i));
      k.powerPair(x1, x2, p[0], p[1]);
      addToExponentialMean(stepwise[0], p[0], weightOf(i));
      addToExponentialMean(stepwise[1], p[1], weightOf(i));
    });
    // The same arithmetic in the same order: identical to the last bit.
    t.deepEqual(fused, stepwise);
  }
  // With weight 1/count it is the arithmetic mean of the spectra.
  const mean = new Float64Array(k.bins);
  const sum = new Float64Array(k.bins);
  const one = new Float64Array(k.bins);
  blocks.forEach(([x1], i) => {
    k.accumulatePair(x1, x1, mean, new Float64Array(k.bins), 1 / (i + 1));
    k.powerVpk2(x1, one);
    for (let j = 0; j < k.bins; j++) sum[j]! += one[j]! / blocks.length;
  });
  for (let j = 0; j < k.bins; j++) t.true(Math.abs(mean[j]! - sum[j]!) <= 1e-12 * sum[j]!);
});

for (const backend of FFT_BACKENDS) {
  test(`${backend}: accumulate with a per-bin scale (binScale(gain)) equals powerVpk2 × gain folded into the mean; weight 1 overwrites what the mean held; zero padding too`, (t) => {
    const uniform = uniformSource(7);
    for (const zeroPad of [1, 4]) {
      const n = 512;
      const k = new SpectrumKernel(n, 'hann', backend, zeroPad);
      const gain = Float64Array.from({ length: k.bins }, (_, i) => 1 + i / k.bins);
      const scale = k.binScale(gain);
      const blocks = Array.from({ length: 3 }, () => fillGaussian(new Float64Array(n), 0.3, uniform));
      // garbage in the mean: the first segment (weight 1) must overwrite it, not average with it
      const fused = new Float64Array(k.bins).fill(123);
      const stepwise = new Float64Array(k.bins);
      const p = new Float64Array(k.bins);
      blocks.forEach((x, i) => {
        k.accumulate(x, fused, 1 / (i + 1), scale);
        k.powerVpk2(x, p);
        for (let j = 0; j < k.bins; j++) p[j]! *= gain[j]!;
        addToRunningMean(stepwise, p, i + 1);
      });
      // the same products in a different order (scale·|X|² against (4/(Σw)²·|X|²)·gain): last-bit differences only
      for (let j = 0; j < k.bins; j++) t.true(Math.abs(fused[j]! - stepwise[j]!) <= 1e-12 * stepwise[j]!, `zeroPad ${zeroPad}, bin ${j}: ${fused[j]} vs ${stepwise[j]}`);
    }
    t.throws(() => new SpectrumKernel(64, 'hann', backend).binScale(new Float64Array(3)), { instanceOf: SettingsError });
  });
}

test('SpectrumKernel rejects a block of the wrong length with SettingsError', (t) => {
  const k = new SpectrumKernel(256, 'hann');
  t.throws(() => k.powerVpk2(new Float64Array(255), new Float64Array(k.bins)), { instanceOf: SettingsError });
});
