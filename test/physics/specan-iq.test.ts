import test from 'ava';
import { SettingsError } from 'labrx';
import type { SimBoardOptions } from '@labrx/hw-sim';
import { DRIVERS } from '../helpers/driverRigs.js';

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

const CENTER = 200e3;
const DECIMATION = 256;
const SPAN = 125e6 / 2 / DECIMATION;

/** The largest bin within ±3 bins of `f`: [frequency, value]. */
function peakNear(s: { frequencies: Float64Array; ch1: Float64Array }, f: number): [number, number] {
  const df = s.frequencies[1]! - s.frequencies[0]!;
  const c = Math.round((f - s.frequencies[0]!) / df);
  let k = c;
  for (let i = c - 3; i <= c + 3; i++) if (s.ch1[i]! > s.ch1[k]!) k = i;
  return [s.frequencies[k]!, s.ch1[k]!];
}

const rigs = [
  ['embedded', DRIVERS.embedded],
  ['pyrpl://', DRIVERS.pyrpl],
] as const;

for (const [name, driver] of rigs) {
  for (const center of [CENTER, 5e6]) {
    test(`${name}: tones at center ${center / 1e3} kHz + 37 kHz (0.2 V) and − 61 kHz (0.1 V) read A² at +Δf and −Δf within 0.1 dB; their images are 50 dB down`, async (t) => {
      // center 200 kHz: the loop samples in1 and mixes it (below its 488 kHz fast-tone limit);
      // center 5 MHz: the IQ module reads the input's fast tones (docs/decisions/0018).
      const tones: SimBoardOptions['tones'] = [
        { input: 'in1', frequency: center + 37e3, amplitude: 0.2 },
        { input: 'in1', frequency: center - 61e3, amplitude: 0.1 },
      ];
      const rig = await driver.open({ seed: 11, noiseDensity: 2e-6, tones });
      try {
        const s = await rig.rp.specan.single({ mode: 'iq', center, decimation: DECIMATION, window: 'flattop', unit: 'Vpk^2' }, { timeoutMs: 30_000 });
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
        // (4 stages at 657 kHz as quantised) are divided out with PyRPL's continuous model, within
        // 0.05 dB of the simulated filters at |Δf| ≤ 61 kHz; the noise in the bin is −76 dB.
        for (const [df0, a] of [[37e3, 0.2], [-61e3, 0.1]] as const) {
          const [f, p] = peakNear(s, center + df0);
          t.true(Math.abs(f - (center + df0)) <= df, `peak at ${f} Hz`);
          const db = 10 * Math.log10(p / (a * a));
          t.true(Math.abs(db) < 0.1, `${df0} Hz: ${db} dB`);
          const [, mirror] = peakNear(s, center - df0);
          const rejection = 10 * Math.log10(p / mirror);
          t.true(rejection > 50, `image of ${df0} Hz: ${rejection} dB down`);
        }
      } finally {
        await rig.close();
      }
    });
  }

  test(`${name}: white noise of 2 µV/√Hz reads 4e-12 'Vrms^2/Hz' within 5 % near the centre, as in baseband mode`, async (t) => {
    // The demodulated noise is complex white noise of two-sided density 2·g²·S (g = 0.5), which the
    // normalisation turns back into S per Hz. Near the centre (|Δf| < span/8) the statistical error of
    // the mean over 2048 bins × 32 averages is ~0.5 % (1/√32 per bin, ENBW-correlated bins); the noise
    // aliased from outside ±span through the quadrature filters and the boxcar (which PyRPL warns of)
    // adds up to ~2.5 % there (it grows towards the band edges). 5 % covers both.
    const rig = await driver.open({ seed: 12, noiseDensity: 2e-6 });
    try {
      const averages = 32;
      const s = await rig.rp.specan.single({ mode: 'iq', center: CENTER, decimation: DECIMATION, window: 'hann', unit: 'Vrms^2/Hz', averages }, { timeoutMs: 60_000 });
      t.is(s.averages, averages);
      let sum = 0;
      let count = 0;
      for (let k = 0; k < s.frequencies.length; k++) {
        if (Math.abs(s.frequencies[k]! - CENTER) >= SPAN / 8) continue;
        sum += s.ch1[k]!;
        count++;
      }
      const ratio = sum / count / 4e-12;
      t.true(Math.abs(ratio - 1) < 0.05, `density ${ratio} × 4e-12 V²/Hz over ${count} bins`);
    } finally {
      await rig.close();
    }
  });
}

test('embedded: iq2 is turned off when the iq-mode acquisitions end (the closed loop stops)', async (t) => {
  const rig = await DRIVERS.embedded.open({ seed: 13 });
  try {
    const rp = rig.rp;
    const sim = rp.driver as unknown as { loopRunning: boolean; iq: { get(i: number): { subscribe(f: (v: { input: string; gain: number }) => void): void } } };
    await rp.specan.single({ mode: 'iq', center: 1e6, decimation: DECIMATION });
    const config = await new Promise<{ input: string; gain: number }>((resolve) => sim.iq.get(2).subscribe(resolve));
    t.is(config.input, 'off');
    t.is(config.gain, 0);
    t.false(sim.loopRunning);
  } finally {
    await rig.close();
  }
});

test("SCPI board: mode 'iq' is a SettingsError naming the setting and what is allowed, and nothing runs", async (t) => {
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
