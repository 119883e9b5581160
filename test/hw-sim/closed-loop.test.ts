import test from 'ava';
import { firstValueFrom } from 'rxjs';
import { SettingsError } from '@labrx/core';
import { VirtualClock } from '@labrx/core/testing';
import { createSimBoard, lowpass, resonator, type SimBoard } from '@labrx/hw-sim';
import { Board, connect } from 'labrx';

// The closed loop (docs/architecture.md, "Closed loop"; docs/decisions/0018-closed-loop-rate.md):
// PyRPL's PID around the simulator's first-order low-pass, H(f) = 1/(1 + j f/fc). The PID's error is
// input − setpoint (red_pitaya_pid_block.v), so negative feedback through H > 0 takes p < 0 and i < 0;
// with g = −p and fi = −i its transfer from in1 to its output is −C(f), C(f) = g + fi/(j f).

const FC = 1e3;
type C = { re: number; im: number };
const cdiv = (a: C, b: C): C => {
  const d = b.re * b.re + b.im * b.im;
  return { re: (a.re * b.re + a.im * b.im) / d, im: (a.im * b.re - a.re * b.im) / d };
};
const cmul = (a: C, b: C): C => ({ re: a.re * b.re - a.im * b.im, im: a.re * b.im + a.im * b.re });
const H = (f: number): C => cdiv({ re: 1, im: 0 }, { re: 1, im: f / FC });
const Cpi = (f: number, g: number, fi: number): C => ({ re: g, im: -fi / f });
/** in1 / x for x injected at out1 (summed with the PID there): T = H / (1 + H·C). */
const closedLoop = (f: number, g: number, fi: number): C => {
  const L = cmul(H(f), Cpi(f, g, fi));
  return cdiv(H(f), { re: 1 + L.re, im: L.im });
};
const db = (z: C) => 20 * Math.log10(Math.hypot(z.re, z.im));
const deg = (z: C) => (Math.atan2(z.im, z.re) * 180) / Math.PI;
const wrap = (d: number) => ((((d + 180) % 360) + 360) % 360) - 180;

async function rig(options: Record<string, unknown> = {}) {
  const clock = new VirtualClock();
  const rp = await connect({ sim: { seed: 5, dut: lowpass({ cutoff: FC }), noiseDensity: 1e-7, scheduler: clock, ...options } });
  return { clock, rp, sim: rp.driver as SimBoard };
}

test('NA through a P+I loop around a 1 kHz low-pass: in1/x matches H/(1 + H·C) within 1 dB and 5° up to the unity-gain frequency', async (t) => {
  const { clock, rp, sim } = await rig();
  t.teardown(() => rp.close());
  const g = 5, fi = 5000;
  await rp.pid0!.set({ input: 'in1', outputDirect: 'out1', p: -g, i: -fi, setpoint: 0 });
  t.true(sim.loopRunning);
  // unity-gain frequency of L = H·C: |L| falls through 1 near 5 kHz
  let fu = FC;
  while (Math.hypot(cmul(H(fu), Cpi(fu, g, fi)).re, cmul(H(fu), Cpi(fu, g, fi)).im) > 1) fu *= 1.001;
  t.true(fu > 4e3 && fu < 6e3, `unity gain at ${fu} Hz`);
  // The NA injects on out1 (asg0, summed with the PID's output at the DAC) and divides in1 by the
  // excitation amplitude ('amplitude' reference): the closed-loop transfer from the actuator input to
  // the plant's output, as a PyRPL user measures it with na.output_direct = 'out1'.
  const h = await clock.run(rp.na.single({ start: 500, stop: fu, points: 10, rbw: 50, amplitude: 0.1, input: 'in1', reference: 'amplitude' }));
  // Theory's deviations: the loop's sample-and-hold at 1.95 MHz delays P by ≈ 256 ns and I by ≈ 512 ns
  // (docs/decisions/0018), ≤ 0.9° of L at fu, which moves T by |L/(1+L)|·0.9° < 1°; the 14-bit
  // registers (p exact, i = 5000.0002 Hz) far less; the NA's rectangular window leaks the
  // negative-frequency image by ≤ 1/(π·2f/rbw) = 1.6 % (0.14 dB, 0.9°) at 500 Hz; the input noise
  // 1e-7 V/√Hz over 50 Hz is ~1e-6 V against the weakest point's 10 mV. 1 dB and 5° (the task's
  // tolerance) hold with room; the worst seen is logged.
  let worstDb = 0, worstDeg = 0;
  for (let k = 0; k < h.frequencies.length; k++) {
    const f = h.frequencies[k]!;
    const z = { re: h.re[k]!, im: h.im[k]! };
    const e = closedLoop(f, g, fi);
    worstDb = Math.max(worstDb, Math.abs(db(z) - db(e)));
    worstDeg = Math.max(worstDeg, Math.abs(wrap(deg(z) - deg(e))));
    t.true(Math.abs(db(z) - db(e)) < 1, `${f.toFixed(0)} Hz: ${db(z).toFixed(2)} dB, theory ${db(e).toFixed(2)} dB`);
    t.true(Math.abs(wrap(deg(z) - deg(e))) < 5, `${f.toFixed(0)} Hz: ${deg(z).toFixed(2)}°, theory ${deg(e).toFixed(2)}°`);
  }
  t.log(`worst deviation from theory: ${worstDb.toFixed(3)} dB, ${worstDeg.toFixed(2)}°`);
});

test('setpoint step of 20 mV through P+I whose zero cancels the low-pass pole: in1 rises as 1 − e^(−t/τ), τ = 1/(2π·g·fc) within 5 %', async (t) => {
  const { clock, rp, sim } = await rig({ noiseDensity: 1e-8 });
  t.teardown(() => rp.close());
  // C = g(1 + fc/(j f)) (fi = g·fc) cancels H's pole: L = g·fc/(j f), T = 1/(1 + j f/(g·fc)): first order
  const g = 10, fi = g * FC, tau = 1 / (2 * Math.PI * g * FC); // 15.9 µs
  await rp.pid0!.set({ input: 'in1', outputDirect: 'out1', p: -g, i: -fi, setpoint: 0 });
  const trace = rp.scope.single({ decimation: 8, trigger: 'ch1-rising', threshold: 0.01, hysteresis: 0.002, triggerDelay: 0 });
  await clock.advanceBy(2); // the pre-trigger half of the buffer (0.5 ms) is in, the loop settled at 0
  const stepS = sim.timeS();
  await rp.pid0!.set({ setpoint: 0.02 });
  const tr = await clock.run(trace);
  const endS = sim.timeS();
  // 10 % and 90 % crossings (noise 1e-8 V/√Hz ≪ 1 LSB; the ADC's 122 µV steps are 0.6 % of 20 mV,
  // interpolated between samples): t90 − t10 = τ·ln 9
  const cross = (level: number) => {
    for (let i = 1; i < tr.ch1.length; i++) if (tr.ch1[i - 1]! < level && tr.ch1[i]! >= level) return tr.t0 + (i - 1 + (level - tr.ch1[i - 1]!) / (tr.ch1[i]! - tr.ch1[i - 1]!)) * tr.dt;
    return NaN;
  };
  const rise = cross(0.018) - cross(0.002);
  // The loop's discretisation at 512 ns per step (dt/τ = 3 %) shifts the discrete pole by O(dt/(2τ)) =
  // 1.6 %; crossing times to ±64 ns/35 µs: 5 % holds.
  t.true(Math.abs(rise / (tau * Math.log(9)) - 1) < 0.05, `10–90 % rise ${rise * 1e6} µs, theory ${(tau * Math.log(9) * 1e6).toFixed(2)} µs`);
  // the trigger (50 %) fires τ·ln 2 after the step, within a loop step and the arming's sample grid
  // the trace's timestamp is the trigger's scheduler time (ms; the clock and the board start at 0).
  // (It is emitted up to one buffer later than on hardware: with the loop running the trigger is
  // searched once a chunk is in the past, acquireTrace's `causal`.)
  const fireS = tr.timestamp / 1000;
  t.true(endS >= fireS);
  t.true(Math.abs(fireS - stepS - tau * Math.log(2)) < 2e-6, `50 % at ${(fireS - stepS) * 1e6} µs after the step`);
  // and it settles at the setpoint: the integrator removes the error (last 100 samples, within 2 LSB)
  const tail = tr.ch1.subarray(tr.ch1.length - 100);
  const mean = tail.reduce((a, b) => a + b, 0) / tail.length;
  t.true(Math.abs(mean - 0.02) < 2 / 8192, `settled at ${mean} V`);
});

test('integrator: winds up to its ±4 V register while the output sits at maxVoltage (as red_pitaya_pid_block.v), pause holds it, ival 0 resets it', async (t) => {
  const { clock, sim } = await rig({ noiseDensity: 0 });
  // No plant in the way: pid0 reads asg0 (a 0.1 V DC level), output to out2 (nothing listens)
  await firstValueFrom(sim.setAsg(0, { ...(await import('@labrx/core')).ASG_DEFAULTS, waveform: 'dc', offset: 0.1, output: 'off' }));
  await firstValueFrom(sim.pid.set(0, { input: 'asg0', outputDirect: 'out2', p: 0, i: 1000, maxVoltage: 0.5, minVoltage: -0.5 }));
  // error 0.1 V · 2π·1000 Hz = 628 V/s: 0.5 V after 0.8 ms
  await clock.advanceBy(0.5);
  let s = await firstValueFrom(sim.pid.get(0));
  // the integrator reads ⌊integral⌋ in 1/8192 V: 0.1·2π·1000·0.5e-3 = 0.314 V, to a loop step (512 ns: 0.3 mV)
  t.true(Math.abs(s.ival - 0.1 * 2 * Math.PI * 1000 * 0.5e-3) < 1e-3, `ival ${s.ival}`);
  // the output is the integrator before the step's addition (int_shr of int_reg): one step behind ival
  const step = 0.1 * 2 * Math.PI * 1000 * sim.options.loopDecimation * 8e-9;
  t.true(Math.abs((await firstValueFrom(sim.sampler.sample('pid0'))) - s.ival) <= step + 1 / 8192);
  await clock.advanceBy(10);
  s = await firstValueFrom(sim.pid.get(0));
  t.is(await firstValueFrom(sim.sampler.sample('pid0')), 0.5, 'output clamped at maxVoltage');
  t.is(await firstValueFrom(sim.sampler.sample('out2')), 0.5);
  t.is(s.ival, 32767 / 8192, 'the integrator saturates at its 16-bit register (≈ 4 V), not at maxVoltage');
  // pause: the integrator holds
  await firstValueFrom(sim.pid.set(0, { ival: 0.2, paused: true }));
  await clock.advanceBy(5);
  s = await firstValueFrom(sim.pid.get(0));
  t.true(s.paused);
  t.is(s.ival, Math.round(0.2 * 8192) / 8192, 'ival holds its 16-bit value');
  t.is(await firstValueFrom(sim.sampler.sample('pid0')), Math.round(0.2 * 8192) / 8192);
  // resume: it integrates again; reset: ival 0
  await firstValueFrom(sim.pid.set(0, { paused: false }));
  await clock.advanceBy(0.1);
  t.true((await firstValueFrom(sim.pid.get(0))).ival > 0.2);
  await firstValueFrom(sim.pid.set(0, { ival: 0, i: 0 }));
  t.is((await firstValueFrom(sim.pid.get(0))).ival, 0);
  await clock.advanceBy(0.001); // a change shows at the next loop step (512 ns)
  t.is(await firstValueFrom(sim.sampler.sample('pid0')), 0);
  await sim.close();
});

test('bad PID settings: SettingsError names module, setting and value, and nothing changes', async (t) => {
  const { rp } = await rig();
  t.teardown(() => rp.close());
  const before = await rp.pid1!.set({ input: 'in2', p: 0.25, inputFilterHz: [1000] });
  const cases: [Record<string, unknown>, string, RegExp][] = [
    [{ p: 0.5, input: 'in3' }, 'input', /pid1\.input = "in3".*'in1', 'in2'/],
    [{ p: 1e4 }, 'p', /a number from -2048 to 2047\.99/],
    [{ i: 1e6 }, 'i', /\(Hz\)/],
    [{ setpoint: 2 }, 'setpoint', /\(V\)/],
    [{ minVoltage: 0.5, maxVoltage: 0.1 }, 'minVoltage', /minVoltage ≤ maxVoltage/],
    [{ inputFilterHz: [1, 2, 3, 4, 5] }, 'inputFilterHz', /up to 4 cutoffs/],
    [{ inputFilterHz: [NaN] }, 'inputFilterHz', /cutoffs/],
    [{ paused: 'yes' }, 'paused', /true or false/],
    [{ outputDirect: 'out3' }, 'outputDirect', /'off', 'out1'/],
  ];
  for (const [settings, setting, message] of cases) {
    const e = await t.throwsAsync(rp.pid1!.set(settings as never), { instanceOf: SettingsError });
    t.is(e!.setting, setting);
    t.is(e!.instrument, 'pid1');
    t.regex(e!.message, message);
  }
  t.deepEqual(await rp.pid1!.get(), before);
  // the read-back shows the FPGA's quantisation: 1 kHz is the nearest power-of-two filter stage
  t.is(before.inputFilterHz.length, 4);
  t.true(before.inputFilterHz[0]! > 500 && before.inputFilterHz[0]! < 2000, `inputfilter ${before.inputFilterHz}`);
});

test('a PID on a board whose DUT has no time-domain model is refused with SettingsError naming the DUT; the loop stays off', async (t) => {
  const sim = createSimBoard({ seed: 1, dut: { name: 'custom', response: () => ({ re: 1, im: 0 }) } });
  t.teardown(() => sim.close());
  const e = await t.throwsAsync(firstValueFrom(sim.pid.set(0, { outputDirect: 'out1', p: -1 })), { instanceOf: SettingsError });
  t.regex(e!.message, /custom/);
  t.false(sim.loopRunning);
  t.is((await firstValueFrom(sim.pid.get(0))).p, 0);
  // a resonator does have one (exact two-pole sections)
  const ok = createSimBoard({ seed: 1, dut: resonator({ f0: 1e4, q: 5 }) });
  await firstValueFrom(ok.pid.set(0, { outputDirect: 'out1', p: -0.1 }));
  t.true(ok.loopRunning);
  await ok.close();
});

test('no PID acting: the board stays on its analytic model (the loop is off) and reads exactly as before', async (t) => {
  const a = createSimBoard({ seed: 3, dut: lowpass({ cutoff: FC }) });
  const b = createSimBoard({ seed: 3, dut: lowpass({ cutoff: FC }) });
  t.teardown(async () => {
    await a.close();
    await b.close();
  });
  // setting a PID's input or setpoint alone does not start the loop; both boards then sample alike
  await firstValueFrom(b.pid.set(0, { input: 'in1', setpoint: 0.1 }));
  t.false(b.loopRunning);
  const xa = new Float64Array(64), ya = new Float64Array(64), xb = new Float64Array(64), yb = new Float64Array(64);
  a.sampleInputs({ startS: 0, realisation: 1 }, xa, ya);
  b.sampleInputs({ startS: 0, realisation: 1 }, xb, yb);
  t.deepEqual(xa, xb);
  // a gain starts it; taking every gain and output away stops it again
  await firstValueFrom(b.pid.set(0, { p: -1 }));
  t.true(b.loopRunning);
  await firstValueFrom(b.pid.set(0, { p: 0 }));
  t.false(b.loopRunning);
});

test('IQ module as a continuous demodulator: a 200 kHz tone of 0.2 V at 30° on in1 reads I = 0.2·cos(30° − phase) after its 1 kHz filter', async (t) => {
  const clock = new VirtualClock();
  const sim = createSimBoard({ seed: 2, noiseDensity: 1e-8, scheduler: clock, tones: [{ input: 'in1', frequency: 200e3, amplitude: 0.2, phase: 30 }] });
  t.teardown(() => sim.close());
  const r = await firstValueFrom(sim.iq.configure!(0, { input: 'in1', frequencyHz: 200e3, phaseDeg: 10, bandwidthHz: [1000, 1000], gain: 1, outputSignal: 'quadrature' }));
  t.is(r.outputSignal, 'quadrature');
  t.true(Math.abs(r.frequencyHz - 200e3) < 0.03, `frequency quantised to 125 MHz/2^32: ${r.frequencyHz}`);
  t.true(sim.loopRunning);
  await clock.advanceBy(20); // two 1 kHz stages settle in ~ 10·160 µs
  const v = await firstValueFrom(sim.sampler.sample('iq0'));
  // the sampled tone (200 kHz ≪ the 488 kHz fast-tone limit) is mixed at 1.95 MHz: its 2f ripple
  // (400 kHz) is attenuated by two 1 kHz stages to ~(1/400)² of 0.2 V; noise 1e-8 V/√Hz: nothing
  const expected = 0.2 * Math.cos(((30 - 10) * Math.PI) / 180);
  t.true(Math.abs(v - expected) < 1e-3, `I ${v}, expected ${expected}`);
});

/** The closed loop's in1/x through the NA at `loopDecimation` (no noise: only the rate differs). */
async function measureAtRate(loopDecimation: number, g: number, fi: number, frequencies: { start: number; stop: number; points: number }) {
  const clock = new VirtualClock();
  const rp = await connect({ sim: { seed: 5, dut: lowpass({ cutoff: FC }), noiseDensity: 0, scheduler: clock, loopDecimation } });
  try {
    await rp.pid0!.set({ input: 'in1', outputDirect: 'out1', p: -g, i: -fi, setpoint: 0 });
    return await clock.run(rp.na.single({ ...frequencies, rbw: 50, amplitude: 0.1, input: 'in1', reference: 'amplitude' }));
  } finally {
    await rp.close();
  }
}

test('rate bound (decision 0018): the loop at 125 MHz/64 and at 8× that rate agree within the sample-and-hold bound |ΔL|/|1 + L|', async (t) => {
  // A faster loop (fu ≈ 13 kHz) so that the rate matters: g = 10, fi = 20 kHz around the 1 kHz low-pass.
  const g = 10, fi = 20e3;
  const sweep = { start: 2e3, stop: 13e3, points: 6 };
  const [coarse, fine] = await Promise.all([measureAtRate(64, g, fi, sweep), measureAtRate(8, g, fi, sweep)]);
  // Theory (docs/decisions/0018-closed-loop-rate.md): a loop step of dt delays P by dt/2 and I by dt
  // beyond the FPGA, so between the two rates L changes by ΔL ≈ −jω·Δ·(g/2·H + (fi/(j f))·H) with
  // Δ = (64 − 8)·8 ns, and T = H/(1 + L) by ΔT/T = −ΔL/(1 + L). Second-order terms (ω·dt)² ≈ 1e-3
  // are covered by a factor 1.5; the same frequencies and windows in both runs cancel the NA's leakage.
  const delta = (64 - 8) * 8e-9;
  let worst = 0;
  for (let k = 0; k < coarse.frequencies.length; k++) {
    const f = coarse.frequencies[k]!;
    const w = 2 * Math.PI * f;
    const h = H(f);
    const L = cmul(h, Cpi(f, g, fi));
    const dL = w * delta * Math.hypot(h.re, h.im) * (g / 2 + fi / f);
    const bound = (1.5 * dL) / Math.hypot(1 + L.re, L.im);
    const a = { re: coarse.re[k]!, im: coarse.im[k]! };
    const b = { re: fine.re[k]!, im: fine.im[k]! };
    const rel = Math.hypot(a.re - b.re, a.im - b.im) / Math.hypot(b.re, b.im);
    worst = Math.max(worst, rel / bound);
    t.true(rel <= bound, `${f.toFixed(0)} Hz: |ΔT/T| = ${rel.toExponential(2)}, bound ${bound.toExponential(2)}`);
    // and the bound is not vacuous: it is a few degrees at most here
    t.true(bound < 0.06, `bound ${bound} at ${f} Hz`);
  }
  t.log(`largest |ΔT/T| / bound: ${worst.toFixed(2)}`);
});

test('a Fabry–Perot plant in the loop: iq0 demodulates the reflection at 25 MHz into the PDH error the plant computes, and pid0 on iq0 locks the cavity', async (t) => {
  const { fabryPerot } = await import('@labrx/hw-sim');
  const { ASG_DEFAULTS } = await import('@labrx/core');
  const clock = new VirtualClock();
  // linewidth 1.5 GHz / 3000 = 500 kHz; the piezo (out1) moves the resonance 5 MHz/V; start 150 kHz off
  const sim = createSimBoard({ seed: 4, scheduler: clock, noiseDensity: 1e-8, dut: fabryPerot({ finesse: 3000, fsrHz: 1.5e9, piezoHzPerV: 5e6, detuningHz: 150e3 }) });
  t.teardown(() => sim.close());
  t.true(sim.loopRunning, 'a plant runs the loop from the start');
  // iq0: 0.5 V at 25 MHz on the EOM (out2, a fast tone), demodulating in1 (the reflection) through two 100 kHz stages
  await firstValueFrom(sim.iq.configure!(0, { input: 'in1', frequencyHz: 25e6, bandwidthHz: [1e5, 1e5], gain: 1, amplitudeV: 0.5, outputDirect: 'out2', outputSignal: 'quadrature' }));
  for (const v of [-0.05, -0.01, 0.02]) {
    await firstValueFrom(sim.setAsg(0, { ...ASG_DEFAULTS, waveform: 'dc', offset: v, output: 'out1' }));
    await clock.advanceBy(0.2); // 20 time constants of the 100 kHz stages and of the cavity
    const iq = await firstValueFrom(sim.sampler.sample('iq0'));
    const st = sim.plantState();
    // the demodulated in-phase part is the plant's own PDH component (phase 0), up to the filters' settling (e^−20)
    t.true(Math.abs(iq - st.pdhReV!) < 1e-3, `offset ${v} V: iq0 ${iq}, plant ${st.pdhReV}`);
  }
  await firstValueFrom(sim.setAsg(0, { ...ASG_DEFAULTS, output: 'off' }));
  // lock: error = iq0 − 0 rises with out1 (slope ≈ 16 V/V near resonance), so negative i; unity gain ≈ 16·1 kHz
  await firstValueFrom(sim.pid.set(0, { input: 'iq0', outputDirect: 'out1', p: 0, i: -1000 }));
  await clock.advanceBy(5);
  const st = sim.plantState();
  // the integrator removes the 150 kHz offset: what is left is the ADC's and the integrator's rounding
  // (1 LSB of error = 122 µV ↔ 122 µV/16 V/V·5 MHz/V ≈ 40 Hz): within 200 Hz of the 500 kHz line
  t.true(Math.abs(st.detuningHz!) < 200, `locked at ${st.detuningHz} Hz`);
  t.true(Math.abs((await firstValueFrom(sim.pid.get(0))).ival - -150e3 / 5e6) < 2e-3, 'the piezo holds −30 mV');
});

test('the scope reads the loop history as the analytic model would: a 5 kHz sine through the low-pass agrees at decimations 8, 64 and 1024 within 0.5 % and 0.5°', async (t) => {
  const { fitSine } = await import('../helpers/fit.js');
  const { ASG_DEFAULTS } = await import('@labrx/core');
  const f = 5e3;
  const fits: Record<string, { amplitude: number; phase: number }[]> = {};
  for (const loop of [false, true]) {
    const clock = new VirtualClock();
    const sim = createSimBoard({ seed: 8, dut: lowpass({ cutoff: FC }), noiseDensity: 1e-7, scheduler: clock });
    await firstValueFrom(sim.setAsg(0, { ...ASG_DEFAULTS, waveform: 'sine', frequency: f, amplitude: 0.4, output: 'out1' }));
    // a PID that only writes out2 (nothing listens): the loop runs, in1 is the same physics
    if (loop) await firstValueFrom(sim.pid.set(0, { input: 'in1', outputDirect: 'out2', p: 0.001 }));
    t.is(sim.loopRunning, loop);
    await clock.advanceBy(5); // the low-pass settles (5 time constants of 160 µs… and more)
    fits[String(loop)] = [];
    for (const decimation of [8, 64, 1024]) {
      const tr = await clock.run(firstValueFrom(sim.acquire({ ...(await import('@labrx/core')).SCOPE_DEFAULTS, decimation, trigger: 'immediate' })));
      // tr.timestamp / 1000 + tr.t0: board time of the first sample (the clock and the board start at 0)
      fits[String(loop)]!.push(fitSine(tr.ch1, tr.dt, tr.timestamp / 1000 + tr.t0, f));
    }
    await sim.close();
  }
  // Both see |H(5 kHz)|·0.4 V = 78 mV through the boxcar; the loop's history is sampled every 512 ns and
  // interpolated (error (2π·5 kHz·512 ns)²/8 ≈ 3e-5) or averaged per window (exact for the samples in it);
  // the noise differs (different draws): 1e-7 V/√Hz over 16384 samples moves a fit by < 1e-5 V.
  for (let k = 0; k < 3; k++) {
    const a = fits.false![k]!, b = fits.true![k]!;
    t.true(Math.abs(b.amplitude / a.amplitude - 1) < 0.005, `decimation ${[8, 64, 1024][k]}: ${b.amplitude} vs ${a.amplitude}`);
    const dphi = ((b.phase - a.phase) * 180) / Math.PI;
    t.true(Math.abs(((dphi + 540) % 360) - 180) < 0.5, `decimation ${[8, 64, 1024][k]}: phase differs by ${dphi}°`);
  }
});

// The IQ module's input filter (PyRPL's acbandwidth, iq.py: inputfilter = −acbandwidth): a first-order
// stage before the mixer, y += α·(x − y) per 8 ns cycle with α a power of two, the high-pass passing x − y.
// Two modules at phases 0° and 90° read the demodulated tone as Z = I(0°) + j·I(90°) = A·H(f)·e^{jψ}.
async function demodulatedThroughAc(frequencyHz: number, acBandwidthHz: number) {
  const clock = new VirtualClock();
  // the tone on the oscillator's 32-bit grid (125 MHz/2^32): no beat between them
  const f = (Math.round((frequencyHz * 2 ** 32) / 125e6) * 125e6) / 2 ** 32;
  const sim = createSimBoard({ seed: 2, noiseDensity: 1e-8, scheduler: clock, tones: [{ input: 'in1', frequency: f, amplitude: 0.2, phase: 30 }] });
  try {
    const base = { input: 'in1', frequencyHz: f, bandwidthHz: [100, 100], gain: 1, outputSignal: 'quadrature', acBandwidthHz } as const;
    const r = await firstValueFrom(sim.iq.configure!(0, { ...base, phaseDeg: 0 }));
    await firstValueFrom(sim.iq.configure!(1, { ...base, phaseDeg: 90 }));
    // two 100 Hz quadrature stages settle to 1e-4 in ~ 25 ms; their 2f ripple is below (100 Hz/2f)²
    await clock.advanceBy(60);
    const i0 = await firstValueFrom(sim.sampler.sample('iq0'));
    const i90 = await firstValueFrom(sim.sampler.sample('iq1'));
    return { f, readBackHz: r.acBandwidthHz, z: { re: i0 / 0.2, im: i90 / 0.2 } };
  } finally {
    await sim.close();
  }
}
const rotate = (z: C, deg: number): C => cmul(z, { re: Math.cos((deg * Math.PI) / 180), im: Math.sin((deg * Math.PI) / 180) });

test("IQ input filter (acbandwidth), slow input: a 5 kHz tone through a ~5 kHz high-pass reads H = jx/(1 + jx), x = f/fc, within 0.2 % and 0.2°", async (t) => {
  const { f, readBackHz, z } = await demodulatedThroughAc(5e3, 5e3);
  // α = 2^−12 (5 kHz asked: the FPGA's nearest power of two): fc = −ln(1 − α)·125 MHz/2π = 4857 Hz
  t.true(Math.abs(readBackHz - (-Math.log(1 - 2 ** -12) * 125e6) / (2 * Math.PI)) < 1e-6, `read back ${readBackHz} Hz`);
  const x = f / readBackHz;
  const h = cdiv({ re: 0, im: x }, { re: 1, im: x });
  const measured = rotate(z, -30);
  // loop steps of 0.512 µs, each stage fed the step's mean input: within 2e-5 of the continuous stage
  // (InputFilter); the 14-bit sampler register rounds each reading by up to 6e-5 V of 0.2 V (3e-4)
  t.true(Math.abs(Math.hypot(measured.re, measured.im) / Math.hypot(h.re, h.im) - 1) < 0.002, `|H| ${Math.hypot(measured.re, measured.im)}, theory ${Math.hypot(h.re, h.im)}`);
  t.true(Math.abs(wrap(deg(measured) - deg(h))) < 0.2, `arg H ${deg(measured)}°, theory ${deg(h)}°`);
  // off: the tone as it is
  const off = await demodulatedThroughAc(5e3, 0);
  t.is(off.readBackHz, 0);
  t.true(Math.abs(Math.hypot(off.z.re, off.z.im) - 1) < 0.01 && Math.abs(wrap(deg(off.z) - 30)) < 1, `off: ${JSON.stringify(off.z)}`);
});

test('IQ input filter (acbandwidth), fast input: a 3 MHz tone reads the per-cycle stage 1 − α/(1 − (1 − α)e^{−jω}) within 0.1 % and 0.1°; a low-pass (negative) too', async (t) => {
  for (const ac of [3e6, -3e6]) {
    const { f, readBackHz, z } = await demodulatedThroughAc(3e6, ac);
    // PyRPL's corner of α = 1/8 is 1.17 · (−ln(7/8)·125 MHz/2π) = 3.108 MHz (its empirical factor for 1/8)
    const alpha = 2 ** Math.round(Math.log2(1 - Math.exp((-2 * Math.PI * Math.abs(readBackHz)) / 1.17 / 125e6)));
    t.is(alpha, 1 / 8, `read back ${readBackHz} Hz`);
    t.is(Math.sign(readBackHz), Math.sign(ac));
    const w = (2 * Math.PI * f) / 125e6;
    const lp = cdiv({ re: alpha, im: 0 }, { re: 1 - (1 - alpha) * Math.cos(w), im: (1 - alpha) * Math.sin(w) });
    const h = ac > 0 ? { re: 1 - lp.re, im: -lp.im } : lp;
    const measured = rotate(z, -30);
    // fast tones are demodulated from their phasors: the stage's response applies exactly (noise 1e-8 V/√Hz: nothing)
    t.true(Math.abs(Math.hypot(measured.re, measured.im) / Math.hypot(h.re, h.im) - 1) < 0.001, `${ac} Hz: |H| ${Math.hypot(measured.re, measured.im)}, theory ${Math.hypot(h.re, h.im)}`);
    t.true(Math.abs(wrap(deg(measured) - deg(h))) < 0.1, `${ac} Hz: arg H ${deg(measured)}°, theory ${deg(h)}°`);
  }
});
