import test from 'ava';
import { firstValueFrom } from 'rxjs';
import { ConnectionLostError, SettingsError, type IqMeasureRequest } from '@labrx/core';
import { resonator } from '@labrx/hw-sim';
import { FS, LSB, setAsg, virtualSim } from './simHelpers.js';

const request = (over: Partial<IqMeasureRequest> = {}): IqMeasureRequest => ({ input: 'in1', frequencyHz: 1e6, lockToAsg: 0, settleS: 0, integrationS: 1e-3, ...over });
/** Noise per quadrature of a lock-in over T at 125 MS/s: √(2(ρ²·fs/2 + LSB²/12)/(T·fs)) (V). */
const sigmaQ = (rho: number, T: number) => Math.sqrt((2 * (rho * rho * (FS / 2) + (LSB * LSB) / 12)) / (T * FS));

test('an IQ module reads a sine through the DUT as A·H(f)·e^(jφ) (locked to its generator)', async (t) => {
  const dut = resonator({ f0: 1e6, q: 20, gain: 0.5 });
  const { clock, board } = virtualSim({ seed: 4, dut });
  await clock.advanceBy(0.731); // the generator starts at an arbitrary board time
  for (const [f, phaseDeg] of [[1e6, 0], [1.03e6, 40], [0.97e6, -120]] as const) {
    await setAsg(board, 0, { frequency: f, amplitude: 0.4, phase: phaseDeg, output: 'out1' });
    // T = 1 ms makes 2fT whole, so the negative-frequency image integrates to exactly 0
    const z1 = await clock.run(firstValueFrom(board.iq.measure(0, request({ frequencyHz: f }))));
    const z2 = await clock.run(firstValueFrom(board.iq.measure(1, request({ frequencyHz: f, input: 'in2' }))));
    const h = dut.response(f);
    const p = (phaseDeg * Math.PI) / 180;
    const want1 = { re: 0.4 * (h.re * Math.cos(p) - h.im * Math.sin(p)), im: 0.4 * (h.re * Math.sin(p) + h.im * Math.cos(p)) };
    // σ per quadrature = 3.2e-6 V at ρ = 1e-7 V/√Hz, T = 1 ms: 5σ bounds
    const tol = 5 * sigmaQ(1e-7, 1e-3);
    t.true(Math.abs(z1.re - want1.re) < tol && Math.abs(z1.im - want1.im) < tol, `in1 at ${f}: ${z1.re}, ${z1.im} vs ${want1.re}, ${want1.im}`);
    t.true(Math.abs(z2.re - 0.4 * Math.cos(p)) < tol && Math.abs(z2.im - 0.4 * Math.sin(p)) < tol, `in2 at ${f}`);
  }
});

test('IQ noise per quadrature is √(2(ρ²·fs/2 + LSB²/12)/N) over N = T·fs samples', async (t) => {
  const rho = 1e-6, T = 1e-4;
  const { clock, board } = virtualSim({ seed: 8, noiseDensity: rho });
  const n = 2000;
  const re: number[] = [], im: number[] = [];
  for (let i = 0; i < n; i++) {
    const z = await clock.run(firstValueFrom(board.iq.measure(2, request({ integrationS: T }))));
    re.push(z.re);
    im.push(z.im);
  }
  const std = (x: number[]) => Math.sqrt(x.reduce((s, v) => s + v * v, 0) / x.length);
  // the std of 2000 Gaussians has relative standard error 1/√4000 = 1.6 %: 8 % is 5σ
  for (const x of [re, im]) t.true(Math.abs(std(x) / sigmaQ(rho, T) - 1) < 0.08, `${std(x)} vs ${sigmaQ(rho, T)}`);
});

test('a tone off the LO frequency leaks in with sinc(π·Δf·T) (rectangular integration)', async (t) => {
  const T = 1e-3, f = 2e6, df = 1.5 / T;
  const { clock, board } = virtualSim({ noiseDensity: 0, tones: [{ input: 'in2', frequency: f + df, amplitude: 0.3 }] });
  const z = await clock.run(firstValueFrom(board.iq.measure(0, request({ input: 'in2', frequencyHz: f, integrationS: T }))));
  const expected = 0.3 * Math.abs(Math.sin(Math.PI * 1.5) / (Math.PI * 1.5)); // 0.0637 V
  // noiseless except the LSB²/12 term (σ = 2.8e-7 V); the tone's image at −(f + Δf) leaks in
  // with |sinc(π(2f + Δf)T)| ≤ 1/(π·4001.5): at most 2.4e-5 V on top
  const image = 0.3 / (Math.PI * (2 * f + df) * T);
  t.true(Math.abs(Math.hypot(z.re, z.im) - expected) < image + 5 * 2.8e-7, `${Math.hypot(z.re, z.im)} vs ${expected}`);
  // and at an LO 1/T away it cancels to the image alone
  const z0 = await clock.run(firstValueFrom(board.iq.measure(0, request({ input: 'in2', frequencyHz: f + df - 1 / T, integrationS: T }))));
  t.true(Math.hypot(z0.re, z0.im) < image + 5 * 2.8e-7);
});

test('a generator change mid-integration weighs each part by its duration', async (t) => {
  const { clock, board } = virtualSim({ noiseDensity: 0 });
  await setAsg(board, 0, { frequency: 1e6, amplitude: 0.2, output: 'out1' });
  const pending = firstValueFrom(board.iq.measure(0, request({ input: 'in2', integrationS: 1e-3 })));
  await clock.advanceBy(0.25);
  // the same tone at twice the amplitude, restarted in phase: a quarter of the time at 0.2 V, the rest at 0.4 V
  await setAsg(board, 0, { frequency: 1e6, amplitude: 0.4, output: 'out1' });
  const z = await clock.run(pending);
  // after 0.25 ms of a 1 MHz LO (250 whole cycles) the restart keeps the phase: the mean is 0.35 V
  t.true(Math.abs(z.re - 0.35) < 1e-5 && Math.abs(z.im) < 1e-5, `${z.re}, ${z.im}`);
});

test('IQ timing, cancellation, close and validation', async (t) => {
  const { clock, board } = virtualSim();
  const z = await clock.run(firstValueFrom(board.iq.measure(0, request({ settleS: 2e-3, integrationS: 3e-3 }))));
  t.true(Math.abs(clock.now() - 5) < 1e-9 && Math.abs(z.timestamp - 5) < 1e-9);
  const sub = board.iq.measure(1, request()).subscribe(() => t.fail());
  t.is(board.activeIqMeasurements, 1);
  sub.unsubscribe();
  t.is(board.activeIqMeasurements, 0);
  t.is(clock.nextFrame(), undefined);
  for (const [index, over, setting] of [[3, {}, 'index'], [0, { lockToAsg: 2 }, 'lockToAsg'], [0, { integrationS: 0 }, 'integrationS'], [0, { input: 'in3' }, 'input']] as const) {
    const e = await t.throwsAsync(firstValueFrom(board.iq.measure(index, request(over as never))), { instanceOf: SettingsError });
    t.is(e?.setting, setting);
  }
  const pending = firstValueFrom(board.iq.measure(0, request({ integrationS: 1 })));
  await clock.advanceBy(10);
  await board.close();
  await t.throwsAsync(pending, { instanceOf: ConnectionLostError });
  t.is(clock.nextFrame(), undefined);
  await t.throwsAsync(firstValueFrom(board.iq.measure(0, request())), { instanceOf: ConnectionLostError });
});
