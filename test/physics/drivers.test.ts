import test from 'ava';
import { SettingsError } from '@labrx/core';
import type { Trace } from '@labrx/core';
import { lowpass, resonator } from '@labrx/hw-sim';
import { DRIVERS } from '../helpers/driverRigs.js';
import { fitSine, rmsAc } from '../helpers/fit.js';
import { assertLowpassTone } from '../helpers/lowpassTone.js';

// One physics suite, three drivers (test/helpers/driverRigs.ts): the embedded simulator, the same
// simulator behind the SCPI server driven by ScpiBoard, and behind the simulated PyRPL monitor_server
// driven by PyrplBoard. Where a driver differs (IQ network analyzer, trigger level register) the
// table says so. The served rigs are real time; decimations stay small so every acquisition lasts ms.

for (const [name, driver] of Object.entries(DRIVERS)) {
  const { open } = driver;

  test(`${name}: a 10 kHz sine through a first-order low-pass shows |H|·0.5 and ∠H on in1, 0.5 V on in2`, async (t) => {
    const cutoff = 20e3, f = 10e3;
    const { rp, close } = await open({ seed: 3, dut: lowpass({ cutoff, order: 1 }), noiseDensity: 1e-7 });
    t.teardown(close);
    await rp.asg0.set({ waveform: 'sine', frequency: f, amplitude: 0.5, output: 'out1' });
    const tr = await rp.scope.single({ decimation: 64 });
    // Noise 1e-7 V/√Hz averaged to 1.95 MS/s: σ ≈ 1e-4 V, amplitude error σ·√(2/N) ≈ 1e-6 V; the
    // boxcar of 64 samples attenuates 10 kHz by 1.1e-5; quantisation averages out; PyRPL's table peak
    // 8191/8192 costs 1.2e-4: 1 % and 1° are loose.
    assertLowpassTone(t, tr, f, cutoff);
  });

  if (driver.hvGain) {
    test(`${name}: gain 'hv' reads the same tone on the ±20 V scale: 0.5 V within 1 %, every sample a whole number of 40 V/2^14 steps`, async (t) => {
      const { rp, close } = await open({ seed: 4, noiseDensity: 1e-7 });
      t.teardown(close);
      await rp.asg0.set({ waveform: 'sine', frequency: 10e3, amplitude: 0.5, output: 'out1' });
      const tr = await rp.scope.single({ decimation: 64, gain: 'hv', boxcar: false });
      const lsb = 40 / 2 ** 14; // 2.44 mV: the HV step, 20× the LV one
      for (const v of tr.ch2.subarray(0, 2000)) t.true(Math.abs(v / lsb - Math.round(v / lsb)) < 1e-3, `${v} V is not on the HV grid`);
      // quantisation noise lsb/√12 = 0.7 mV per sample, averaged over 16384 samples: the fit is far within 1 %
      t.true(Math.abs(fitSine(tr.ch2, tr.dt, tr.t0, 10e3).amplitude / 0.5 - 1) < 0.01);
    });
  } else {
    test(`${name}: gain 'hv' is refused with SettingsError naming the gain (the driver cannot set the input range), and the scope stays idle`, async (t) => {
      const { rp, close } = await open({ seed: 4 });
      t.teardown(close);
      const e = await t.throwsAsync(rp.scope.single({ decimation: 64, gain: 'hv' }), { instanceOf: SettingsError });
      t.like(e, { setting: 'gain', value: 'hv' });
      t.is(rp.scope.state.state, 'idle');
    });
  }

  test(`${name}: 'ch1-rising' at 0.2 V puts the crossing at t = 0 within one sample; triggerDelay shifts t0`, async (t) => {
    const { rp, close } = await open({ seed: 4, noiseDensity: 1e-8 });
    t.teardown(close);
    await rp.asg0.set({ frequency: 5e3, amplitude: 0.5, output: 'out1' });
    const around = (tr: Trace) => {
      const i0 = Math.round(-tr.t0 / tr.dt);
      return [tr.ch1[i0 - 1]!, tr.ch1[i0]!] as const;
    };
    const level = driver.triggerLevel(0.2);
    // the sample at t = 0 is the first at or above the level (noise 1e-8 V/√Hz ≪ 1 LSB)
    const tr = await rp.scope.single({ decimation: 8, trigger: 'ch1-rising', threshold: 0.2, hysteresis: 0.01 });
    const [b0, a0] = around(tr);
    t.true(b0 < level && a0 >= level, `${b0} ${a0}`);
    t.is(tr.t0, -8192 * tr.dt);
    // 20 µs is 312.5 samples of 64 ns: SCPI sends whole samples (DLY 312), PyRPL's delay register
    // counts whole samples, so t0 agrees within one sample
    const tr2 = await rp.scope.single({ decimation: 8, trigger: 'ch1-rising', threshold: 0.2, triggerDelay: 20e-6 });
    t.true(Math.abs(tr2.t0 - (-8192 * tr2.dt + 20e-6)) <= tr2.dt, `t0 ${tr2.t0}`);
    const [b2, a2] = around(tr2);
    t.true(b2 < level && a2 >= level, `${b2} ${a2}`);
  });

  test(`${name}: white noise of 1e-5 V/√Hz reads an rms of 1e-5·√(62.5 MHz) = 79 mV at decimation 1`, async (t) => {
    const { rp, close } = await open({ seed: 6, noiseDensity: 1e-5 });
    t.teardown(close);
    const tr = await rp.scope.single({ decimation: 1 });
    const expected = 1e-5 * Math.sqrt(62.5e6);
    // 16384 independent samples estimate an rms to 1/√(2N) = 0.55 % (1σ); the ADC's LSB²/12 adds 1e-9 V²
    for (const x of [tr.ch1, tr.ch2]) t.true(Math.abs(rmsAc(x) / expected - 1) < 0.03, `rms ${rmsAc(x)}`);
  });

  test(`${name}: the spectrum analyzer shows a 100 kHz, 0.5 V tone as 0.25 Vpk² in the right bin`, async (t) => {
    const { rp, close } = await open({ seed: 7, noiseDensity: 1e-7 });
    t.teardown(close);
    await rp.asg0.set({ frequency: 1e5, amplitude: 0.5, output: 'out1' });
    const s = await rp.specan.single({ decimation: 8, window: 'flattop', unit: 'Vpk^2' });
    let k = 0;
    for (let i = 1; i < s.ch2.length; i++) if (s.ch2[i]! > s.ch2[k]!) k = i;
    // bins are 125 MHz / 8 / 16384 = 954 Hz wide; the flat-top window reads a tone's peak power within
    // 0.01 dB wherever it falls; the boxcar of 8 samples loses 7e-5 at 100 kHz; PyRPL's table peak
    // 8191/8192 is −2.4e-4 in power: 1 % is loose
    t.true(Math.abs(s.frequencies[k]! - 1e5) <= 954, `peak at ${s.frequencies[k]} Hz`);
    t.true(Math.abs(s.ch2[k]! / 0.25 - 1) < 0.01, `peak ${s.ch2[k]} Vpk²`);
  });

  test(`${name}: the network analyzer measures a resonator (f0 1 MHz, Q 20, gain 0.5) at and beside f0`, async (t) => {
    const f0 = 1e6, q = 20, gain = 0.5;
    const { rp, close } = await open({ seed: 8, dut: resonator({ f0, q, gain }), noiseDensity: 1e-7 });
    t.teardown(close);
    // On IQ modules the rbw is the demodulator's own and the frequency step (0.03 Hz) moves x by 1e-6:
    // 1 % and 1°; demodulating scope traces in software leaves 2 % and 2°.
    const [magTol, degTol] = driver.iqNetworkAnalyzer ? [0.01, 1] : [0.02, 2];
    t.is(rp.na.usesIqModules, driver.iqNetworkAnalyzer);
    for (const reference of driver.iqNetworkAnalyzer ? (['in2', 'amplitude'] as const) : ([undefined] as const)) {
      const h = await rp.na.single({ start: f0 * (1 - 1 / (2 * q)), stop: f0 * (1 + 1 / (2 * q)), points: 3, rbw: 1e3, amplitude: 0.2, ...(reference && { reference }) });
      const mag = h.magnitude();
      const phase = h.phaseDeg();
      for (let i = 0; i < 3; i++) {
        const f = h.frequencies[i]!;
        const x = q * (f / f0 - f0 / f);
        // H = gain / (1 + j·x): |H| = gain/√(1+x²), ∠H = −atan(x); ±1/(2Q) off f0 gives x ≈ ±1 (−3 dB, ∓45°).
        // rbw 1 kHz over 0.2 V: noise 1e-7 V/√Hz · √1 kHz = 3 µV against 0.1 V (1e-4 rad), far below the bounds.
        t.true(Math.abs(mag[i]! / (gain / Math.hypot(1, x)) - 1) < magTol, `${reference ?? ''} |H(${f})| = ${mag[i]}`);
        t.true(Math.abs(phase[i]! + (Math.atan(x) * 180) / Math.PI) < degTol, `${reference ?? ''} ∠H(${f}) = ${phase[i]}°`);
      }
    }
  });
}
