import test from 'ava';
import { firstValueFrom, take, toArray } from 'rxjs';
import { connect, SettingsError, type RealtimeSpectrum } from 'labrx';
import { ASG_DEFAULTS, createFftPlan, initFftBackend, makeWindow, resolveAsgSettings } from '@labrx/core';
import { VirtualClock } from '@labrx/core/testing';
import type { SimBoard } from '@labrx/hw-sim';

const FS = 125e6;
const LSB = 2 / 2 ** 14;

async function board(sim: Record<string, unknown> = {}) {
  const clock = new VirtualClock();
  const rp = await connect({ sim: { seed: 11, ...sim, scheduler: clock } });
  return { clock, rp, sim: rp.driver as SimBoard };
}

const median = (x: ArrayLike<number>) => Float64Array.from(x).sort()[x.length >>> 1]!;

test('a 1 ms tone burst once per second is seen in every real-time spectrum window that contains it, at the level theory gives for its place in the window, and nowhere else', async (t) => {
  // compile the WebAssembly FFT first: virtual time would otherwise run through the bursts
  // scheduled below while it compiles, before the stream starts
  await initFftBackend('pffft');
  const { clock, rp, sim } = await board({ noiseDensity: 1e-7 });
  const decimation = 64;
  const fsD = FS / decimation; // 1.95 MS/s
  const points = 16384; // 8.4 ms segments, every 4.2 ms (50 % overlap)
  const k0 = 1000;
  const f0 = (k0 * fsD) / points; // 119.2 kHz, a bin centre
  const A = 0.2;
  const on = resolveAsgSettings({ waveform: 'sine', frequency: f0, amplitude: A, output: 'out1' }, sim.info, ASG_DEFAULTS, 'asg0');
  const off = resolveAsgSettings({ waveform: 'sine', frequency: f0, amplitude: 0, output: 'out1' }, sim.info, ASG_DEFAULTS, 'asg0');
  // bursts at board time 0.3 s, 1.3 s, 2.3 s, each 1 ms long, switched on the board's own clock
  const burstsS = [0.3, 1.3, 2.3];
  for (const b of burstsS) {
    clock.schedule(() => sim.setAsg(0, on).subscribe(), b * 1000 - clock.now());
    clock.schedule(() => sim.setAsg(0, off).subscribe(), (b + 1e-3) * 1000 - clock.now());
  }
  const count = Math.floor(2.5 / ((points / 2) / fsD));
  const spectra = await clock.run(firstValueFrom(rp.specan.realtime$({ decimation, points, overlap: 0.5, window: 'hann', input: 'in2', averages: 1 }).pipe(take(count), toArray())));
  t.is(spectra.length, count);
  t.is(rp.leases.holderOf('scope'), undefined, 'lease released when take() unsubscribed');
  t.is(clock.nextFrame(), undefined, 'no timer left');
  t.is(sim.activeAcquisitions, 0);

  const w = makeWindow('hann', points).values;
  let wSum = 0;
  for (const v of w) wSum += v;
  const dt = 1 / fsD;
  const startS = spectra[0]!.timestamp / 1000; // the board was created at virtual time 0
  const seenPerBurst = burstsS.map(() => 0);
  let quiet = 0;
  for (const s of spectra) {
    t.is(s.averages, 1);
    const floor = median(s.ch2);
    const p = s.ch2[k0]!;
    // the burst's samples in this window: board times startS + (index + n)·dt in [b, b + 1 ms)
    let expectedAmp = 0;
    let contains = -1;
    let touches = false;
    burstsS.forEach((b, i) => {
      const first = Math.ceil((b - startS) / dt - 1e-9) - s.index;
      const last = Math.ceil((b + 1e-3 - startS) / dt - 1e-9) - s.index; // exclusive
      let sum = 0;
      for (let n = Math.max(0, first); n < Math.min(points, last); n++) sum += w[n]!;
      if (last > 0 && first < points) touches = true;
      if (first >= 0 && last <= points) contains = i;
      expectedAmp += sum / wSum;
    });
    if (!touches) {
      // no burst sample in the window: bin k0 is noise, like its neighbours (a noise bin exceeds
      // 20× the median with probability e^(−20·ln2) ≈ 1e-6)
      t.true(p < 20 * floor, `window at ${s.startS.toFixed(4)} s: ${p} against a floor of ${floor}`);
      quiet++;
      continue;
    }
    // Theory: a tone at bin k0 gated to the window's samples n ∈ burst gives |X_k0| = A/2·Σ_burst w,
    // i.e. A²·(Σ_burst w / Σ w)² Vpk²; the burst's edges, its image at −f0 (238 cycles away in a
    // 1 ms gate: 1e-3 relative) and the 1-sample uncertainty of its edges (5e-4) stay far inside ±0.5 dB.
    const expected = A * A * expectedAmp * expectedAmp;
    if (expected > 1e4 * floor) {
      const db = 10 * Math.log10(p / expected);
      t.true(Math.abs(db) < 0.5, `window at ${s.startS.toFixed(4)} s: ${db.toFixed(3)} dB from theory`);
    }
    if (contains >= 0) {
      t.true(p > 1e4 * floor, `burst ${contains} inside the window at ${s.startS.toFixed(4)} s stands ${p / floor}× above the floor`);
      seenPerBurst[contains]!++;
    }
  }
  // 100 % probability of intercept: with 50 % overlap every 1 ms burst lies whole in at least one 8.4 ms window
  for (const [i, n] of seenPerBurst.entries()) t.true(n >= 1, `burst ${i} seen whole in ${n} windows`);
  t.true(quiet > spectra.length - 12, `${quiet} quiet windows`);
  await rp.close();
});

/**
 * Welch (1967): averaging K segments of white noise, the relative variance of a bin is
 * (1/K)·[1 + 2·Σ_{j=1}^{K−1} (1 − j/K)·c(j)²], c(j) = Σ w_n w_{n+j·hop} / Σ w_n² the window's
 * overlap correlation (Harris 1978, table 1: Hann 16.7 % at 50 % overlap, 65.9 % at 75 %).
 */
function welchVarianceRatio(w: Float64Array, hop: number, K: number): { ratio: number; c1: number } {
  let w2 = 0;
  for (const v of w) w2 += v * v;
  const c = (j: number) => {
    let s = 0;
    for (let n = 0; n + j * hop < w.length; n++) s += w[n]! * w[n + j * hop]!;
    return s / w2;
  };
  let sum = 0;
  for (let j = 1; j < K; j++) sum += (1 - j / K) * c(j) ** 2;
  return { ratio: (1 + 2 * sum) / K, c1: c(1) };
}

for (const overlap of [0, 0.5, 0.75]) {
  test(`Welch with ${overlap * 100} % overlap (Hann): the noise floor reads the input's density, rbw is 1.5 bins, and the variance falls as Welch 1967 says`, async (t) => {
    const rho = 1e-6; // V/√Hz: 7.9 mV rms per sample at decimation 1, 65× the LSB
    const { clock, rp } = await board({ noiseDensity: rho });
    const points = 4096;
    const K = 8;
    const M = 32;
    const spectra: RealtimeSpectrum[] = await clock.run(
      firstValueFrom(rp.specan.realtime$({ decimation: 1, points, overlap, averages: K, window: 'hann', unit: 'Vrms^2/Hz', input: 'in1' }).pipe(take(M), toArray())),
    );
    await rp.close();
    const binHz = FS / points;
    t.true(Math.abs(spectra[0]!.rbw / binHz - 1.5) < 1e-9, `rbw ${spectra[0]!.rbw / binHz} bins`);
    // expected density: ρ² plus the ADC's quantisation noise, LSB²/12 over fs/2 (2e-5 of ρ²)
    const density = rho * rho + (LSB * LSB) / 12 / (FS / 2);
    let sum = 0;
    let sumSq = 0;
    let n = 0;
    for (const s of spectra) {
      for (let k = 1; k < points / 2; k++) {
        const r = s.ch1[k]! / density;
        sum += r;
        sumSq += (r - 1) ** 2;
        n++;
      }
    }
    const mean = sum / n;
    const variance = sumSq / n;
    // 32 × 2047 bins, each with relative variance ≤ 0.23, adjacent Hann bins correlated (0.44 in
    // power): the mean's relative standard deviation is ≤ 0.3 %; 1.5 % is five of them
    t.true(Math.abs(mean - 1) < 0.015, `floor ${mean} × ρ²`);
    const hop = Math.round(points * (1 - overlap));
    const theory = welchVarianceRatio(makeWindow('hann', points).values, hop, K);
    if (overlap === 0.5) t.true(Math.abs(theory.c1 - 0.167) < 0.001, `Harris: 16.7 %, here ${theory.c1}`);
    if (overlap === 0.75) t.true(Math.abs(theory.c1 - 0.659) < 0.001, `Harris: 65.9 %, here ${theory.c1}`);
    // the variance estimate from 65k correlated values (kurtosis ≈ 3.75) has a relative standard
    // deviation of about 0.8 %; 4 % is five of them
    t.true(Math.abs(variance / theory.ratio - 1) < 0.04, `variance ${variance} against Welch's ${theory.ratio} (K = ${K})`);
    t.log(`overlap ${overlap}: floor ${mean.toFixed(4)} ρ², variance ${variance.toFixed(4)} (theory ${theory.ratio.toFixed(4)}, c(1) = ${theory.c1.toFixed(4)})`);
  });
}

test("ENBW per window measured on white noise matches Harris's figures: boxcar 1.00, Blackman-Harris 2.00, flat top 3.77 bins", async (t) => {
  const rho = 1e-6;
  for (const [window, enbw] of [['boxcar', 1.0], ['blackman-harris', 2.0044], ['flattop', 3.7702]] as const) {
    const { clock, rp } = await board({ noiseDensity: rho });
    const points = 4096;
    const spectra = await clock.run(firstValueFrom(rp.specan.realtime$({ decimation: 1, points, overlap: 0.5, averages: 16, window, unit: 'Vpk^2', input: 'in1' }).pipe(take(16), toArray())));
    await rp.close();
    const binHz = FS / points;
    const density = rho * rho + (LSB * LSB) / 12 / (FS / 2);
    // a bin of white noise holds 2·density·ENBW·binHz in Vpk² (Vpk² = 2 Vrms² for each bin's sinusoid)
    let sum = 0;
    let n = 0;
    for (const s of spectra) for (let k = 1; k < points / 2; k++, n++) sum += s.ch1[k]!;
    const measured = sum / n / (2 * density * binHz);
    t.true(Math.abs(measured / enbw - 1) < 0.015, `${window}: ENBW ${measured} bins, theory ${enbw}`);
    t.true(Math.abs(spectra[0]!.rbw / binHz / enbw - 1) < 1e-3, `${window}: rbw ${spectra[0]!.rbw / binHz} bins`);
  }
});

test("Float32 FFT (pffft) against Float64 (fft.js) on a simulated full-scale trace: the rounding error's power is far below the 14-bit ADC's noise floor in every bin", async (t) => {
  await initFftBackend('pffft');
  const { clock, rp } = await board({ noiseDensity: 1e-8 });
  await rp.asg0.set({ frequency: 1.234567e6, amplitude: 0.95, output: 'out1' });
  const trace = await clock.run(rp.scope.single({ decimation: 1 }));
  await rp.close();
  const n = trace.ch1.length;
  const w = makeWindow('hann', n);
  const bins = n / 2 + 1;
  const re64 = new Float64Array(bins);
  const im64 = new Float64Array(bins);
  const re32 = new Float64Array(bins);
  const im32 = new Float64Array(bins);
  createFftPlan(n, 'fftjs').forward(trace.ch1, re64, im64, w.values);
  createFftPlan(n, 'pffft').forward(trace.ch1, re32, im32, w.values);
  // Vpk² per bin as the spectrum analyzer normalises it: 4|X|²/(Σw)²
  const scale = 4 / (w.sum * w.sum);
  // the ADC's quantisation noise alone (LSB²/12 per sample, white) gives 4·σ²·Σw²/(Σw)² per bin
  const adcFloor = (4 * ((LSB * LSB) / 12) * w.sumSquares) / (w.sum * w.sum);
  let worst = 0;
  let peak = 0;
  const errors = new Float64Array(bins);
  for (let k = 0; k < bins; k++) {
    const err = scale * ((re32[k]! - re64[k]!) ** 2 + (im32[k]! - im64[k]!) ** 2);
    errors[k] = err;
    worst = Math.max(worst, err);
    peak = Math.max(peak, scale * (re64[k]! ** 2 + im64[k]! ** 2));
  }
  const typical = median(errors);
  const dB = (x: number) => (10 * Math.log10(x / adcFloor)).toFixed(1);
  t.log(`peak ${peak.toExponential(3)} Vpk², ADC quantisation floor ${adcFloor.toExponential(3)} Vpk²/bin; Float32 error: worst bin ${dB(worst)} dB, median bin ${dB(typical)} dB re floor`);
  t.true(peak > 0.8, 'a near full-scale tone');
  // Theory: Float32 keeps 24 bits, so a radix-2 FFT's rounding error power is about
  // 2^-48 · log2(N) · (the bin's own power plus what leaks from the largest): at the 0.9 Vpk² peak
  // that is 3.6e-15 · 14 · 0.9 = 4.5e-14 Vpk², a tenth of the ideal 14-bit floor (4.5e-13), and
  // away from the peak it falls with the bin's power. The real ADC's floor (noise of several LSB)
  // is higher still. So: every bin ≥ 10 dB below the floor, the median bin ≥ 40 dB below.
  t.true(worst < adcFloor / 10, `worst bin ${dB(worst)} dB re the ADC floor`);
  t.true(typical < adcFloor / 1e4, `median bin ${dB(typical)} dB re the ADC floor`);
});

test('realtime$ settings: SettingsError at once, naming the setting', async (t) => {
  const { rp } = await board();
  t.throws(() => rp.specan.realtime$({ overlap: 1 }), { instanceOf: SettingsError, message: /overlap/ });
  t.throws(() => rp.specan.realtime$({ points: 1000 }), { instanceOf: SettingsError, message: /points/ });
  t.throws(() => rp.specan.realtime$({ span: 1e6, decimation: 8 }), { instanceOf: SettingsError, message: /span/ });
  t.is(rp.scope.state.state, 'idle');
  await rp.close();
});

test('spectrogram$ rows carry consecutive start times, one row per segment, in dBm', async (t) => {
  const { clock, rp } = await board({ noiseDensity: 1e-7 });
  await rp.asg0.set({ frequency: 50e3, amplitude: 0.1, output: 'out1' });
  const rows = await clock.run(firstValueFrom(rp.specan.spectrogram$({ decimation: 32, points: 2048, overlap: 0.75 }).pipe(take(10), toArray())));
  await rp.close();
  const dt = 32 / FS;
  rows.forEach((r, i) => {
    t.is(r.unit, 'dBm');
    t.is(r.settings.backend, 'pffft', 'the fast FFT is the default');
    t.is(r.index, i * 512);
    t.true(Math.abs(r.startS - i * 512 * dt) < 1e-12);
    t.true(Math.abs(r.durationS - 2048 * dt) < 1e-12);
  });
  // a 0.1 V peak tone is 10·log10(0.1²/2/50 Ω/1 mW) = −10 dBm; Hann scalloping at most −1.42 dB
  const peak = Math.max(...rows[5]!.ch2);
  t.true(peak < -10 + 0.05 && peak > -10 - 1.5, `${peak} dBm`);
});
