import test from 'ava';
import { connect, SettingsError, type Board } from 'labrx';
import { VirtualClock } from '@labrx/core/testing';
import { WINDOW_NAMES } from '@labrx/core';
import type { SimBoard } from '@labrx/hw-sim';

async function board(sim: Record<string, unknown> = {}) {
  const clock = new VirtualClock();
  const rp = await connect({ sim: { seed: 5, ...sim, scheduler: clock } });
  return { clock, rp };
}
const simOf = (rp: Board) => rp.driver as SimBoard;

const argmax = (x: Float64Array, from = 1) => {
  let k = from;
  for (let i = from; i < x.length; i++) if (x[i]! > x[k]!) k = i;
  return k;
};

for (const decimation of [8, 64]) {
  test(`a 0.3 V tone at 123.456 kHz reads 0.09 Vpk² within 0.05 dB with 'flattop' at decimation ${decimation}, in the right bin`, async (t) => {
    const { clock, rp } = await board({ noiseDensity: 1e-7 });
    const f = 123.456e3;
    await rp.asg0.set({ frequency: f, amplitude: 0.3, output: 'out1' });
    const s = await clock.run(rp.specan.single({ decimation, window: 'flattop', unit: 'Vpk^2' }));
    const k = argmax(s.ch2);
    const binHz = s.frequencies[1]! - s.frequencies[0]!;
    t.true(Math.abs(s.frequencies[k]! - f) <= binHz, `peak at ${s.frequencies[k]} Hz, bin ${binHz} Hz`);
    // flattop scalloping < 0.01 dB; the boxcar decimation filter (−0.02 dB at dec 64 here) is divided
    // out; noise in the bin (1e-14 V²/Hz × rbw ≈ 1e-11 V²) is 1e-10 of the tone. 0.05 dB is the bound.
    for (const ch of [s.ch1, s.ch2]) {
      const db = 10 * Math.log10(ch[argmax(ch)]! / 0.09);
      t.true(Math.abs(db) < 0.05, `${db} dB`);
    }
    t.is(s.unit, 'Vpk^2');
    t.is(s.window, 'flattop');
    // rbw = ENBW (flattop 3.77 bins) × bin width
    t.true(Math.abs(s.rbw / binHz - 3.77) < 0.01, `rbw ${s.rbw} Hz = ${s.rbw / binHz} bins`);
    await rp.close();
  });
}

test("'Vpk^2' and 'dBm' agree with a hand calculation (50 Ω)", async (t) => {
  const { clock, rp } = await board();
  await rp.asg0.set({ frequency: 50e3, amplitude: 0.3, output: 'out1' });
  const vpk2 = await clock.run(rp.specan.single({ decimation: 64, window: 'flattop', unit: 'Vpk^2' }));
  const dbm = await clock.run(rp.specan.single({ decimation: 64, window: 'flattop', unit: 'dBm' }));
  const k = argmax(vpk2.ch1);
  // P = Vrms² / R = (Vpk² / 2) / 50 Ω, in mW: 0.09 / 2 / 50 / 1e-3 = 0.9 mW → −0.4576 dBm
  const hand = 10 * Math.log10(vpk2.ch1[k]! / 2 / 50 / 1e-3);
  t.true(Math.abs(dbm.ch1[k]! - hand) < 0.05, `${dbm.ch1[k]} vs ${hand}`); // different acquisitions: noise only
  t.true(Math.abs(hand - 10 * Math.log10(0.09 / 2 / 50 / 1e-3)) < 0.05);
  await rp.close();
});

for (const window of WINDOW_NAMES) {
  test(`noise of 1e-7 V/√Hz reads 1e-7 'Vrms/sqrt(Hz)' within 3 % after 64 averages with '${window}'; Parseval within 1 %`, async (t) => {
    // Decimation 1: σ = 1e-7·√(62.5 MHz) = 0.79 mV = 6.5 LSB, so quantisation adds LSB²/12, 0.2 % of
    // the power (0.1 % in amplitude). Over the lowest fifth of the band (1638 bins × 64 averages) the
    // statistical error of the mean is ~0.1 %; the bias of √(mean of 64) is ~0.2 %. 3 % is loose.
    const rho = 1e-7;
    const { clock, rp } = await board({ noiseDensity: rho });
    const s = await clock.run(rp.specan.single({ decimation: 1, window, unit: 'Vrms/sqrt(Hz)', averages: 64 }));
    t.is(s.averages, 64);
    const upTo = Math.floor(s.frequencies.length / 5);
    for (const ch of [s.ch1, s.ch2]) {
      let sum = 0;
      for (let k = 1; k < upTo; k++) sum += ch[k]!;
      const floor = sum / (upTo - 1);
      t.true(Math.abs(floor / rho - 1) < 0.03, `floor ${floor}`);
    }
    // Parseval: ∫ PSD df over 0…fs/2 = variance = ρ²·fs/2 (+ quantisation LSB²/12 = 0.2 %)
    const psd = await clock.run(rp.specan.single({ decimation: 1, window, unit: 'Vrms^2/Hz', averages: 64 }));
    const df = psd.frequencies[1]! - psd.frequencies[0]!;
    let total = 0;
    for (let k = 1; k < psd.ch1.length; k++) total += psd.ch1[k]! * df;
    const lsb = 2 / 2 ** 14;
    const expected = rho * rho * 62.5e6 + (lsb * lsb) / 12;
    t.true(Math.abs(total / expected - 1) < 0.01, `Parseval ${total} vs ${expected}`);
    await rp.close();
  });
}

test('single with averages n takes n acquisitions of the scope (virtual time)', async (t) => {
  const { clock, rp } = await board();
  const t0 = clock.now();
  await clock.run(rp.specan.single({ decimation: 1024, averages: 4 }));
  const oneMs = (16384 * 1024) / 125e6 * 1e3;
  t.true(Math.abs(clock.now() - t0 - 4 * oneMs) < 1e-6, `${clock.now() - t0} ms`);
  t.is(simOf(rp).activeAcquisitions, 0);
  await rp.close();
});

test('span chooses the decimation; the spectrum reaches the span', async (t) => {
  const { clock, rp } = await board();
  const s = await clock.run(rp.specan.single({ span: 1e6 }));
  t.is(s.settings.decimation, 32); // 62.5 MHz / 32 = 1.95 MHz ≥ 1 MHz; /64 would be 0.98 MHz
  t.true(s.frequencies[s.frequencies.length - 1]! >= 1e6);
  await rp.close();
});

test('stream$ averages as PyRPL continuous mode and says how many', async (t) => {
  const { clock, rp } = await board();
  const counts: number[] = [];
  await clock.run(
    new Promise<void>((resolve, reject) => {
      const sub = rp.specan.stream$({ decimation: 64, averages: 3 }).subscribe({
        next: (s) => {
          counts.push(s.averages);
          if (counts.length === 5) {
            sub.unsubscribe();
            resolve();
          }
        },
        error: reject,
      });
    }),
  );
  t.deepEqual(counts, [1, 2, 3, 3, 3]);
  t.is(simOf(rp).activeAcquisitions, 0);
  await rp.close();
});

test('bad input throws SettingsError and changes nothing', async (t) => {
  const { rp } = await board();
  const before = rp.specan.settings;
  for (const [settings, name] of [
    [{ window: 'triangle' }, 'window'],
    [{ unit: 'furlongs' }, 'unit'],
    [{ span: 70e6 }, 'span'],
    [{ averages: 0 }, 'averages'],
  ] as const) {
    const e = t.throws(() => rp.specan.single$(settings as never), { instanceOf: SettingsError });
    t.is((e as SettingsError).setting, name);
    await t.throwsAsync(rp.specan.single(settings as never), { instanceOf: SettingsError });
  }
  t.deepEqual(rp.specan.settings, before);
  t.is(simOf(rp).acquisitionsStarted, 0);
  await rp.close();
});

test("backend 'pffft' (Float32 SIMD) passes the same physics: tone within 0.05 dB, noise floor within 3 %", async (t) => {
  // Float32 carries ~1e-7 relative rounding per bin (×log2 N through the FFT): far below both bounds.
  const { clock, rp } = await board({ noiseDensity: 1e-7 });
  await rp.asg0.set({ frequency: 123.456e3, amplitude: 0.3, output: 'out1' });
  const s = await clock.run(rp.specan.single({ decimation: 64, window: 'flattop', unit: 'Vpk^2', backend: 'pffft' }));
  t.true(Math.abs(10 * Math.log10(s.ch2[argmax(s.ch2)]! / 0.09)) < 0.05);
  await rp.asg0.set({ output: 'off' });
  const n = await clock.run(rp.specan.single({ decimation: 1, window: 'hann', unit: 'Vrms/sqrt(Hz)', averages: 64, backend: 'pffft' }));
  const upTo = Math.floor(n.frequencies.length / 5);
  let sum = 0;
  for (let k = 1; k < upTo; k++) sum += n.ch1[k]!;
  t.true(Math.abs(sum / (upTo - 1) / 1e-7 - 1) < 0.03, `floor ${sum / (upTo - 1)}`);
  t.is(n.settings.backend, 'pffft');
  await rp.close();
});

test('zeroPad 16 (as PyRPL) shows a tone half-way between bins at its true peak: hann scalloping −1.42 dB → under 0.01 dB', async (t) => {
  // A tone half a bin off reads |W(½)|² = (sinc(½)/(1 − ¼))² → −1.424 dB with hann. With ×16
  // padding the nearest padded bin is at most 1/32 of a bin away: (sinc(δ)/(1 − δ²))² → −0.0055 dB.
  const { clock, rp } = await board({ noiseDensity: 1e-8 });
  const binHz = 125e6 / 64 / 16384;
  const f = (1000 + 0.5) * binHz;
  await rp.asg0.set({ frequency: f, amplitude: 0.3, output: 'out1' });
  const plain = await clock.run(rp.specan.single({ decimation: 64, window: 'hann', unit: 'Vpk^2' }));
  const padded = await clock.run(rp.specan.single({ decimation: 64, window: 'hann', unit: 'Vpk^2', zeroPad: 16 }));
  const db = (x: number) => 10 * Math.log10(x / 0.09);
  t.true(Math.abs(db(plain.ch2[argmax(plain.ch2)]!) + 1.424) < 0.02, `plain ${db(plain.ch2[argmax(plain.ch2)]!)} dB`);
  t.true(Math.abs(db(padded.ch2[argmax(padded.ch2)]!)) < 0.01, `padded ${db(padded.ch2[argmax(padded.ch2)]!)} dB`);
  t.is(padded.frequencies.length, 16 * 8192 + 1);
  t.true(Math.abs(padded.frequencies[argmax(padded.ch2)]! - f) <= binHz / 32 + 1e-9, 'the padded peak sits on the tone');
  t.is(padded.rbw, plain.rbw, 'padding interpolates; it does not change the resolution');
  await rp.close();
});
