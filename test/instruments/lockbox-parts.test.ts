import test from 'ava';
import { firstValueFrom, take, toArray } from 'rxjs';
import { traceTimes } from '@labrx/core';
import { VirtualClock } from '@labrx/core/testing';
import { createSimBoard } from '@labrx/hw-sim';
import { Board, expectedSignal, expectedSlope, locateCenter, lockedWindow, pidGains, sweepVoltage, SWEEP_WAVEFORMS, type ModelShape } from '@labrx/instruments';
import { FakeLoopBoard } from './fakeLoopBoard.js';

test("sweepVoltage is what the simulator's generator plays: a generator-triggered trace of out1 through a wire matches it within the noise", async (t) => {
  const clock = new VirtualClock();
  const rp = new Board(createSimBoard({ seed: 2, scheduler: clock, noiseDensity: 1e-8 }));
  t.teardown(() => rp.close());
  for (const waveform of SWEEP_WAVEFORMS) {
    const sweep = { waveform, amplitudeV: 0.4, offsetV: 0.1, frequencyHz: 100 };
    await clock.run(rp.asg1.set({ waveform, amplitude: 0.4, offset: 0.1, frequency: 100, output: 'out1' }));
    // decimation 128 spans 16.8 ms; the trace starts at the trigger (delay: half a buffer)
    const trace = await clock.run(rp.scope.single({ decimation: 128, trigger: 'asg1', triggerDelay: (16384 * 128) / 125e6 / 2 }));
    const times = traceTimes(trace);
    let worst = 0;
    for (let i = 0; i < times.length; i++) {
      // skip the ramps' jumps, where a boxcar of 128 samples straddles both ends
      const frac = (times[i]! * 100) % 1;
      if (waveform.startsWith('ramp') && (frac < 0.002 || frac > 0.998)) continue;
      worst = Math.max(worst, Math.abs(trace.ch1[i]! - sweepVoltage(sweep, times[i]!)));
    }
    // the boxcar over 1 µs on a slope of 0.4 V·4·100 Hz = 160 V/s is 80 µV of curvature at most;
    // noise 1e-8 V/√Hz · √62.5 MHz / √128 = 7 µV rms; the ADC's LSB 0.12 mV: 0.3 mV covers them
    t.true(worst < 3e-4, `${waveform}: worst ${worst} V`);
  }
});

test('the input models: slopes are the derivatives of the signals, and the locked window follows PyRPL', (t) => {
  const cal = { min: 0.1, max: 0.9 };
  for (const model of ['linear', 'lorentzian', 'dip', 'dispersive', 'fringe'] as const) {
    for (const inverted of [false, true]) {
      const shape: ModelShape = { model, inverted };
      for (const x of [-2.3, -1, -0.2, 0, 0.5, 1, 1.7]) {
        const h = 1e-6;
        const numeric = (expectedSignal(shape, cal, x + h) - expectedSignal(shape, cal, x - h)) / (2 * h);
        t.true(Math.abs(numeric - expectedSlope(shape, cal, x)) < 1e-6, `${model} ${inverted} at ${x}`);
      }
    }
  }
  // a transmission peak inside the window: no upper bound (PyRPL's is_locked)
  t.deepEqual(lockedWindow({ model: 'lorentzian', inverted: false }, cal, 0, 1), [0.5, Infinity]);
  // side of fringe at x = 1 ± 0.5: between the signals at 1.5 and 0.5
  const [lo, hi] = lockedWindow({ model: 'lorentzian', inverted: false }, cal, 1, 0.5);
  t.true(Math.abs(lo - (0.1 + 0.8 / 3.25)) < 1e-12 && Math.abs(hi - (0.1 + 0.8 / 1.25)) < 1e-12);
  // the PDH error's peaks are ±(max − min)/2 at x = ±1
  t.true(Math.abs(expectedSignal({ model: 'dispersive', inverted: false }, cal, 1) - 0.9) < 1e-12);
});

test('locateCenter finds the reference point of each model on a synthetic sweep', (t) => {
  const n = 2001;
  const v = Float64Array.from({ length: n }, (_, i) => -1 + (2 * i) / (n - 1));
  const at = (f: (x: number) => number) => Float64Array.from(v, f);
  const c = 0.237;
  const w = 0.05;
  t.true(Math.abs(locateCenter('lorentzian', v, at((x) => 1 / (1 + ((x - c) / w) ** 2)), 1, 0)! - c) < 1e-3);
  t.true(Math.abs(locateCenter('dip', v, at((x) => 1 - 1 / (1 + ((x - c) / w) ** 2)), 1, 0)! - c) < 1e-3);
  t.true(Math.abs(locateCenter('dispersive', v, at((x) => ((x - c) / w) / (1 + ((x - c) / w) ** 2)), 1, 0)! - c) < 1e-3);
  // a fringe cos(8x): mid crossings falling (against the output) at 8x = π/2 + 2πk; nearest to 0: π/16
  const fringe = at((x) => Math.cos(8 * x));
  t.true(Math.abs(locateCenter('fringe', v, fringe, -1, 0)! - Math.PI / 16) < 1e-3);
  t.true(Math.abs(locateCenter('fringe', v, fringe, 1, 0)! - -Math.PI / 16) < 1e-3);
  t.is(locateCenter('linear', v, fringe, 1, 0), null);
});

test('pidGains: an integrator loop crossing unity at f_u, negative feedback for either slope sign', (t) => {
  const g = pidGains({ slope: -0.4, actuatorGain: 20, unityGainHz: 1000, proportionalGain: 0.5, gainFactor: 2 })!;
  // loop gain outside the PID −8: i = −1000·2/(−8) = 250 Hz; p = −0.5·2/(−8) = 0.125
  t.is(g.externalGain, -8);
  t.is(g.i, 250);
  t.is(g.p, 0.125);
  t.is(pidGains({ slope: 0, actuatorGain: 20, unityGainHz: 1000, proportionalGain: 0, gainFactor: 1 }), null);
});

test('signals$ reads every input and output with the sampler at the interval asked, and stops when unsubscribed', async (t) => {
  const clock = new VirtualClock();
  const fake = new FakeLoopBoard(clock);
  const rp = new Board(fake);
  rp.lockbox.configure({
    inputs: { transmission: { signal: 'in1', model: 'lorentzian' } },
    outputs: { piezo: { pid: 'pid0', dac: 'out1', actuatorGain: 100 } },
    sequence: [{ input: 'transmission' }],
  });
  const got = await clock.run(firstValueFrom(rp.lockbox.signals$(0.01).pipe(take(3), toArray())));
  t.deepEqual(got.map((s) => Math.round(s.timeS * 1000)), [10, 20, 30]);
  t.deepEqual(Object.keys(got[0]!.inputs), ['transmission']);
  t.deepEqual(Object.keys(got[0]!.outputs), ['piezo']);
  t.true(Math.abs(got[0]!.inputs.transmission! - fake.in1Of(0)) < 1e-12);
  t.is(clock.nextFrame(), undefined);
  await t.throwsAsync(firstValueFrom(rp.lockbox.signals$(0)), { message: /lockbox\.signals\$\.intervalS = 0 is not allowed/ });
});
