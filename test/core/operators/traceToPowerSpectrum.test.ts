import test from 'ava';
import { map, Observable, of, toArray, firstValueFrom } from 'rxjs';
import { decimationResponse, LabrxError, makeWindow, SCOPE_DEFAULTS, SettingsError, traceToPowerSpectrum, type PowerSpectrumVpk2, type Trace } from '@labrx/core';
import { marbles } from '@labrx/core/testing';

const FS = 125e6;

/** A trace of n samples: ch1 = a1·cos(2π k1 i / n) + dc1, ch2 likewise; decimation and boxcar as given. */
function toneTrace(n: number, tone: { k1: number; a1: number; k2?: number; a2?: number; dc1?: number }, opts: { decimation?: number; boxcar?: boolean; timestamp?: number } = {}): Trace {
  const decimation = opts.decimation ?? 1;
  const ch1 = new Float64Array(n);
  const ch2 = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    ch1[i] = tone.a1 * Math.cos((2 * Math.PI * tone.k1 * i) / n) + (tone.dc1 ?? 0);
    ch2[i] = (tone.a2 ?? 0) * Math.cos((2 * Math.PI * (tone.k2 ?? 0) * i) / n);
  }
  const dt = decimation / FS;
  return { dt, t0: 0, ch1, ch2, averages: 1, settings: { ...SCOPE_DEFAULTS, decimation, boxcar: opts.boxcar ?? false }, timestamp: opts.timestamp ?? 0 };
}

/** What marble tests compare: the bins where power is, rounded (1e-9 Vpk²), and the timestamp. */
function summary(p: PowerSpectrumVpk2) {
  const lines = (a: Float64Array) => [...a].map((v, k) => [k, Math.round(v * 1e9) / 1e9] as const).filter(([, v]) => v !== 0);
  return { ch1: lines(p.ch1), ch2: lines(p.ch2), t: p.timestamp };
}

test('one spectrum per trace, at the trace\'s time; completes with the source and unsubscribes it', (t) =>
  marbles(t, ({ cold, expectObservable, expectSubscriptions }) => {
    // Hann at the centre of bin k: |X_k| = A·Σw/2 reads A², and the two neighbours X_{k±1} = −A·Σw/4
    // read A²/4; every other bin is 0 (the window's only other Fourier terms). A = 0.5: 0.25, 0.0625.
    const a = toneTrace(16, { k1: 3, a1: 0.5 }, { timestamp: 1 });
    const b = toneTrace(16, { k1: 5, a1: 0.5, k2: 2, a2: 0.1 }, { timestamp: 2 });
    const source = cold('-a---b--|', { a, b });
    expectObservable(source.pipe(traceToPowerSpectrum({ window: 'hann' }), map(summary))).toBe('-A---B--|', {
      A: { ch1: [[2, 0.0625], [3, 0.25], [4, 0.0625]], ch2: [], t: 1 },
      B: { ch1: [[4, 0.0625], [5, 0.25], [6, 0.0625]], ch2: [[1, 0.0025], [2, 0.01], [3, 0.0025]], t: 2 },
    });
    expectSubscriptions(source.subscriptions).toBe('^-------!');
  }));

test('unsubscribed early: unsubscribes the source', (t) =>
  marbles(t, ({ hot, expectObservable, expectSubscriptions }) => {
    const a = toneTrace(8, { k1: 1, a1: 1 });
    const source = hot('-a--a--a--|', { a });
    expectObservable(source.pipe(traceToPowerSpectrum({ window: 'boxcar' }), map(() => 's')), '^---!').toBe('-s--');
    expectSubscriptions(source.subscriptions).toBe('^---!');
  }));

test('errors pass through unchanged; a bad window errors at the first trace and unsubscribes the source', (t) =>
  marbles(t, ({ cold, expectObservable, expectSubscriptions }) => {
    const boom = new LabrxError('lost');
    const a = toneTrace(8, { k1: 1, a1: 1 });
    const failing = cold('-a-#', { a }, boom);
    expectObservable(failing.pipe(traceToPowerSpectrum({ window: 'boxcar' }), map(() => 's'))).toBe('-s-#', undefined, boom);
    expectSubscriptions(failing.subscriptions).toBe('^--!');
    const fine = cold('--a--a--|', { a });
    const bad = new SettingsError('dsp', 'window', 'square', "one of 'boxcar', 'hann', 'hamming', 'blackman', 'blackman-harris', 'flattop'");
    expectObservable(fine.pipe(traceToPowerSpectrum({ window: 'square' as never }))).toBe('--#', undefined, bad);
    expectSubscriptions(fine.subscriptions).toBe('^-!');
  }));

test('physics: a tone at a bin centre reads A² in Vpk² for every window; DC reads its square; frequencies and rbw from dt', async (t) => {
  // At a bin centre every window's normalisation (4/(Σw)², see powerSpectrumVpk2) gives exactly A²;
  // DC has no mirror image and reads c². Float rounding over 1024 points: relative 1e-12.
  const n = 1024, k = 100, a = 0.3, c = 0.2, decimation = 8;
  for (const window of ['boxcar', 'hann', 'flattop', 'blackman-harris'] as const) {
    const [p] = await firstValueFrom(of(toneTrace(n, { k1: k, a1: a, dc1: c }, { decimation })).pipe(traceToPowerSpectrum({ window }), toArray()));
    t.true(Math.abs(p!.ch1[k]! / (a * a) - 1) < 1e-12, `${window}: bin ${k} ${p!.ch1[k]}`);
    t.true(Math.abs(p!.ch1[0]! / (c * c) - 1) < 1e-12, `${window}: DC ${p!.ch1[0]}`);
    const dt = decimation / FS;
    t.is(p!.frequencies.length, n / 2 + 1);
    t.true(Math.abs(p!.frequencies[k]! - k / (n * dt)) < 1e-6, 'bin k sits at k / (n·dt) Hz');
    t.true(Math.abs(p!.rbw - makeWindow(window, n).enbwBins / (n * dt)) < 1e-9, 'rbw = ENBW / (n·dt)');
    t.is(p!.window, window);
    t.is(p!.decimation, decimation);
    t.is(p!.averages, 1);
  }
});

test("boxcar traces are corrected for the decimation filter: a tone attenuated by H(f) reads its true A²; without boxcar nothing is corrected", async (t) => {
  // The scope's boxcar averages D samples: a tone of amplitude A arrives as A·H(f) with H the
  // Dirichlet kernel (decimationResponse). Dividing by H² must give A² back (to rounding, 1e-12).
  const n = 256, k = 100, a = 0.4, decimation = 64;
  const f = k / (n * (decimation / FS));
  const h = decimationResponse(f, decimation, FS);
  t.true(h < 0.8, `a tone near the band edge is visibly attenuated (H = ${h})`);
  const attenuated = toneTrace(n, { k1: k, a1: a * h }, { decimation, boxcar: true });
  const [corrected] = await firstValueFrom(of(attenuated).pipe(traceToPowerSpectrum({ window: 'hann', sampleRateHz: FS }), toArray()));
  t.true(Math.abs(corrected!.ch1[k]! / (a * a) - 1) < 1e-12, `${corrected!.ch1[k]}`);
  const plain = toneTrace(n, { k1: k, a1: a * h }, { decimation, boxcar: false });
  const [raw] = await firstValueFrom(of(plain).pipe(traceToPowerSpectrum({ window: 'hann', sampleRateHz: FS }), toArray()));
  t.true(Math.abs(raw!.ch1[k]! / (a * a * h * h) - 1) < 1e-12, 'no boxcar: the attenuated power as measured');
});

test("input 'in1' / 'in2' analyses one channel (the other is empty); zeroPad interpolates n·zeroPad/2 + 1 bins", async (t) => {
  const tr = toneTrace(64, { k1: 4, a1: 1, k2: 8, a2: 0.5 });
  const [one] = await firstValueFrom(of(tr).pipe(traceToPowerSpectrum({ window: 'hann', input: 'in1' }), toArray()));
  t.is(one!.ch2.length, 0);
  t.true(Math.abs(one!.ch1[4]! - 1) < 1e-12);
  const [two] = await firstValueFrom(of(tr).pipe(traceToPowerSpectrum({ window: 'hann', input: 'in2' }), toArray()));
  t.is(two!.ch1.length, 0);
  t.true(Math.abs(two!.ch2[8]! - 0.25) < 1e-12);
  // zero-padding ×4: bin k of the unpadded grid is bin 4k; a tone at a bin centre still reads A²
  const [padded] = await firstValueFrom(of(tr).pipe(traceToPowerSpectrum({ window: 'hann', zeroPad: 4 }), toArray()));
  t.is(padded!.ch1.length, (64 * 4) / 2 + 1);
  t.true(Math.abs(padded!.ch1[16]! - 1) < 1e-12, `${padded!.ch1[16]}`);
  t.true(Math.abs(padded!.frequencies[16]! - one!.frequencies[4]!) < 1e-6, 'the same frequency');
});

test('each emission has its own arrays (consumers may keep them); a change of trace length rebuilds the kernel', async (t) => {
  const traces = [toneTrace(32, { k1: 2, a1: 1 }), toneTrace(32, { k1: 3, a1: 1 }), toneTrace(64, { k1: 5, a1: 1 })];
  const out = await firstValueFrom(new Observable<Trace>((s) => { traces.forEach((x) => s.next(x)); s.complete(); }).pipe(traceToPowerSpectrum({ window: 'hann' }), toArray()));
  t.not(out[0]!.ch1, out[1]!.ch1);
  t.true(Math.abs(out[0]!.ch1[2]! - 1) < 1e-12 && Math.abs(out[1]!.ch1[3]! - 1) < 1e-12, 'the first result was not overwritten by the second');
  t.is(out[2]!.ch1.length, 33);
  t.true(Math.abs(out[2]!.ch1[5]! - 1) < 1e-12);
});
