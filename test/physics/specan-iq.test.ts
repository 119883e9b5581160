import test from 'ava';
import { SettingsError } from 'labrx';
import type { SimBoardOptions } from '@labrx/hw-sim';
import { VirtualClock } from '@labrx/core/testing';
import { DRIVERS, type Driver } from '../helpers/driverRigs.js';

// The spectrum analyzer's iq mode (PyRPL's SpectrumAnalyzer with baseband False) against theory, on
// the embedded simulator and over pyrpl:// against the simulated register server: iq2 demodulates in1
// at `center`, the scope records iq2 (I) and iq2_2 (Q), a complex FFT of I + jQ gives the spectrum
// center − span … center + span (span = fs/2/decimation: 244 kHz at decimation 256).
//
// Gain convention (stated once, checked by the amplitude tests): PyRPL's FPGA demodulates
// x = A·sin(2π(f_c + Δf)t + φ) into I = x·sin θ, Q = x·cos θ, low-passed, times quadrature_factor
// (g3, red_pitaya_iq_modulator_block.v); with quadrature_factor 1 (what PyRPL's spectrum analyzer
// writes) I + jQ = (A/2)·e^{j(2πΔf t + φ)}. labrx sets the same (IQ module gain 0.5, g3 = 1) and
// normalises |Z|² by (0.5·Σw)², so a tone reads A² Vpk² at +Δf — as in baseband mode — and its
// image at −Δf reads nothing: the quadratures are exact in the simulator (and on the FPGA up to its
// LUT's 17 bits), so the mirror bin holds only the noise floor, 2·S·rbw Vpk² (S the input's one-sided
// density): −76 dB below a 0.2 V tone here. We require 50 dB.

const DECIMATION = 256;
const spanOf = (decimation: number) => 125e6 / 2 / decimation;

/** The largest bin within ±3 bins of `f`: [frequency, value]. */
function peakNear(s: { frequencies: Float64Array; ch1: Float64Array }, f: number): [number, number] {
  const df = s.frequencies[1]! - s.frequencies[0]!;
  const c = Math.round((f - s.frequencies[0]!) / df);
  let k = c;
  for (let i = c - 3; i <= c + 3; i++) if (s.ch1[i]! > s.ch1[k]!) k = i;
  return [s.frequencies[k]!, s.ch1[k]!];
}

/**
 * The embedded simulator runs in virtual time (a VirtualClock: the loop is computed as fast as the
 * CPU goes, without holding the event loop in real time); pyrpl:// is real time (real sockets, the
 * served simulator computing the closed loop as the clock passes), its tests one at a time and its
 * loop at 125 MHz / 256 (488 kHz, as the real-time lockbox tests: decision 0018) so that the served
 * loop keeps up with the clock on a busy machine; its band is scaled down with it (the IQ module
 * mixes sampled inputs below the loop's fast-tone limit, 122 kHz there).
 */
interface Rig {
  readonly name: string;
  readonly driver: Driver;
  readonly test: typeof test | typeof test.serial;
  /** Scope decimation, centre frequencies (Hz; the first below the fast-tone limit) and the tones' (offset Hz, amplitude V). */
  readonly decimation: number;
  readonly centers: readonly number[];
  readonly tones: readonly (readonly [number, number])[];
  /** Board options (a scheduler for the embedded one) and how to await a promise on its clock. */
  setup(): { options: Partial<SimBoardOptions>; run<T>(p: Promise<T>): Promise<T> };
}

const rigs: readonly Rig[] = [
  {
    name: 'embedded',
    driver: DRIVERS.embedded,
    test,
    decimation: DECIMATION,
    // 200 kHz: the loop samples in1 and mixes it (below its 488 kHz fast-tone limit);
    // 5 MHz: the IQ module reads the input's fast tones (docs/decisions/0018)
    centers: [200e3, 5e6],
    tones: [
      [37e3, 0.2],
      [-61e3, 0.1],
    ],
    setup: () => {
      const clock = new VirtualClock();
      return { options: { scheduler: clock }, run: (p) => clock.run(p) };
    },
  },
  {
    name: 'pyrpl://',
    driver: DRIVERS.pyrpl,
    test: test.serial,
    decimation: 1024,
    centers: [60e3],
    // closer in than on the embedded board: at a 488 kHz loop the held loop samples and the
    // continuous filter model differ by (f/loop rate)², 0.13 dB at 23 kHz, 0.03 dB at 11 kHz, 0.04 dB at 13 kHz
    tones: [
      [11e3, 0.2],
      [-13e3, 0.1],
    ],
    setup: () => ({ options: { loopDecimation: 256 }, run: (p) => p }),
  },
];

for (const { name, driver, test: runTest, setup, decimation, centers, tones: offsets } of rigs) {
  const SPAN = spanOf(decimation);
  const CENTER = centers[0]!;
  for (const center of centers) {
    const what = offsets.map(([df, a]) => `${df > 0 ? '+' : '−'} ${Math.abs(df) / 1e3} kHz (${a} V)`).join(' and ');
    runTest(`${name}: tones at center ${center / 1e3} kHz ${what} read A² at +Δf and −Δf within 0.1 dB; their images are 50 dB down`, async (t) => {
      const tones: SimBoardOptions['tones'] = offsets.map(([df, amplitude]) => ({ input: 'in1' as const, frequency: center + df, amplitude }));
      const { options, run } = setup();
      const rig = await driver.open({ seed: 11, noiseDensity: 2e-6, tones, ...options });
      try {
        const s = await run(rig.rp.specan.single({ mode: 'iq', center, decimation, window: 'flattop', unit: 'Vpk^2' }, { timeoutMs: 60_000 }));
        // the axis: center − span … center + span − bin, the centre at bin n/2
        const n = s.frequencies.length;
        const df = s.frequencies[1]! - s.frequencies[0]!;
        t.is(n, 16384);
        t.true(Math.abs(df - (2 * SPAN) / n) < 1e-9);
        t.true(Math.abs(s.frequencies[n / 2]! - center) < 1e-6, `${s.frequencies[n / 2]}`);
        t.true(Math.abs(s.frequencies[0]! - (center - SPAN)) < 1e-6);
        t.is(s.ch2.length, 0);
        t.is(s.settings.mode, 'iq');
        t.is(s.settings.input, 'in1');
        // amplitude: flattop scalloping ≤ 0.01 dB; the decimation sinc and the quadrature filters
        // (4 stages at fs/decimation, as quantised) are divided out with PyRPL's continuous model,
        // within 0.05 dB of the simulated filters at |Δf| ≤ span/4; the noise in the bin is −70 dB or less.
        for (const [df0, a] of offsets) {
          const [f, p] = peakNear(s, center + df0);
          t.true(Math.abs(f - (center + df0)) <= df, `peak at ${f} Hz`);
          const db = 10 * Math.log10(p / (a * a));
          t.true(Math.abs(db) < 0.1, `${df0} Hz: ${db} dB`);
          const [, mirror] = peakNear(s, center - df0);
          const rejection = 10 * Math.log10(p / mirror);
          t.log(`${df0} Hz: ${db.toFixed(4)} dB, image ${rejection.toFixed(1)} dB down`);
          t.true(rejection > 50, `image of ${df0} Hz: ${rejection} dB down`);
        }
      } finally {
        await rig.close();
      }
    });
  }

  runTest(`${name}: white noise of 2 µV/√Hz reads 4e-12 'Vrms^2/Hz' within 5 % near the centre, as in baseband mode`, async (t) => {
    // The demodulated noise is complex white noise of two-sided density 2·g²·S (g = 0.5), which the
    // normalisation turns back into S per Hz. Near the centre (|Δf| < span/8) the statistical error of
    // the mean over 2048 bins × 16 averages is ~0.7 % (1/√16 per bin, ENBW-correlated bins); the noise
    // aliased from outside ±span through the quadrature filters and the boxcar (which PyRPL warns of)
    // adds up to ~2.5 % there (it grows towards the band edges). 5 % covers both.
    const { options, run } = setup();
    const rig = await driver.open({ seed: 12, noiseDensity: 2e-6, ...options });
    try {
      const averages = 16;
      const s = await run(rig.rp.specan.single({ mode: 'iq', center: CENTER, decimation, window: 'hann', unit: 'Vrms^2/Hz', averages }, { timeoutMs: 120_000 }));
      t.is(s.averages, averages);
      let sum = 0;
      let count = 0;
      for (let k = 0; k < s.frequencies.length; k++) {
        if (Math.abs(s.frequencies[k]! - CENTER) >= SPAN / 8) continue;
        sum += s.ch1[k]!;
        count++;
      }
      const ratio = sum / count / 4e-12;
      t.log(`density ${ratio.toFixed(4)} × 4e-12 V²/Hz`);
      t.true(Math.abs(ratio - 1) < 0.05, `density ${ratio} × 4e-12 V²/Hz over ${count} bins`);
    } finally {
      await rig.close();
    }
  });
}

test('embedded: iq2 is turned off when the iq-mode acquisitions end (the closed loop stops)', async (t) => {
  const clock = new VirtualClock();
  const rig = await DRIVERS.embedded.open({ seed: 13, scheduler: clock });
  try {
    const rp = rig.rp;
    const sim = rp.driver as unknown as { loopRunning: boolean; iq: { get(i: number): { subscribe(f: (v: { input: string; gain: number }) => void): void } } };
    await clock.run(rp.specan.single({ mode: 'iq', center: 1e6, decimation: DECIMATION }));
    const config = await new Promise<{ input: string; gain: number }>((resolve) => sim.iq.get(2).subscribe(resolve));
    t.is(config.input, 'off');
    t.is(config.gain, 0);
    t.false(sim.loopRunning);
  } finally {
    await rig.close();
  }
});

test.serial("SCPI board: mode 'iq' is a SettingsError naming the setting and what is allowed, and nothing runs", async (t) => {
  const rig = await DRIVERS['SCPI over TCP'].open({ seed: 14 });
  try {
    const err = t.throws(() => rig.rp.specan.single$({ mode: 'iq', center: 1e6 }), { instanceOf: SettingsError });
    t.regex(err!.message, /specan\.mode = "iq" is not allowed: 'baseband'.*iq2/);
    t.false(rig.rp.driver.scopeRunning);
    // baseband still works there
    const s = await rig.rp.specan.single({ decimation: 64 });
    t.is(s.frequencies[0], 0);
  } finally {
    await rig.close();
  }
});
