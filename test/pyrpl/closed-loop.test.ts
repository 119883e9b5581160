import test from 'ava';
import { firstValueFrom } from 'rxjs';
import { VirtualClock } from '@labrx/core/testing';
import { lowpass, type SimBoard } from '@labrx/hw-sim';
import type { PyrplBoard } from '@labrx/pyrpl';
import { connect } from 'labrx';
import { connectPyrplSim } from './pyrplSim.js';

// Serial: each served simulator runs its loop in real time in this process.
// The same closed loop embedded (virtual time) and over pyrpl:// against the simulated
// monitor_server (real time): a P+I around a 1 kHz low-pass. The register server forwards the PID's
// registers to the simulator's PID, so both run the same loop.

// 256 FPGA cycles per loop step (488 kHz) in both: the served one runs in real time on a shared machine
const SIM = { seed: 11, dut: lowpass({ cutoff: 1e3 }), noiseDensity: 1e-7, loopDecimation: 256 };
const PID = { input: 'in1', outputDirect: 'out1', setpoint: 0.15, p: -5, i: -5000, inputFilterHz: [20e3] } as const;

test.serial('P+I around a low-pass: settings, steady state and closed-loop response agree embedded and over pyrpl://', async (t) => {
  const clock = new VirtualClock();
  const local = await connect({ sim: { ...SIM, scheduler: clock } });
  t.teardown(() => local.close());
  const served = await connectPyrplSim(SIM);
  t.teardown(served.close);
  const a = await local.pid0!.set(PID);
  const b = await served.rp.pid0!.set(PID);
  // the same registers: the driver's quantisation is the simulator's (PyRPL's field declarations)
  t.deepEqual({ ...b, ival: 0 }, { ...a, ival: 0 });
  t.true((served.server as unknown as { fpga?: unknown }) !== undefined);

  // steady state: in1 at the setpoint (integrator), out1 = in1 (H(0) = 1), ival = out1 (P sees no error).
  // In-loop ADC noise 1e-7·√(0.98 MHz) = 0.1 mV rms per loop sample, one sample read: 1 mV covers 10σ.
  await clock.advanceBy(20);
  const localSim = local.driver as SimBoard;
  const l1 = await firstValueFrom(localSim.sampler.sample('in1'));
  await new Promise((r) => setTimeout(r, 30)); // real time: 30 ms is 190 time constants of the slowest pole
  const remote = served.rp.driver as PyrplBoard;
  const r1 = await firstValueFrom(remote.sampler.sample('in1'));
  const rOut = await firstValueFrom(remote.sampler.sample('out1'));
  const rIval = (await served.rp.pid0!.get()).ival;
  const lIval = (await local.pid0!.get()).ival;
  for (const [name, v] of [['embedded in1', l1], ['served in1', r1], ['served out1', rOut], ['served ival', rIval], ['embedded ival', lIval]] as const) {
    t.true(Math.abs(v - a.setpoint) < 1e-3, `${name} ${v} V, setpoint ${a.setpoint} V`);
  }

  // the closed-loop response measured by the NA (as a PyRPL user does): the same within 0.5 dB and 3°
  // (the two NAs excite differently: the embedded one with asg0, the served one with the IQ module's
  // own oscillator; both on out1, amplitude reference)
  const na = { start: 500, stop: 4000, points: 4, rbw: 100, amplitude: 0.05, input: 'in1', reference: 'amplitude' } as const;
  await local.pid0!.set({ setpoint: 0 });
  await served.rp.pid0!.set({ setpoint: 0 });
  const hl = await clock.run(local.na.single(na));
  const hr = await served.rp.na.single(na);
  for (let k = 0; k < na.points; k++) {
    const dDb = 20 * Math.log10(Math.hypot(hr.re[k]!, hr.im[k]!) / Math.hypot(hl.re[k]!, hl.im[k]!));
    const dDeg = ((Math.atan2(hr.im[k]!, hr.re[k]!) - Math.atan2(hl.im[k]!, hl.re[k]!)) * 180) / Math.PI;
    const wrapped = ((((dDeg + 180) % 360) + 360) % 360) - 180;
    t.true(Math.abs(dDb) < 0.5 && Math.abs(wrapped) < 3, `${hl.frequencies[k]} Hz: ${dDb.toFixed(2)} dB, ${wrapped.toFixed(2)}°`);
  }
});

test.serial('IQ module as a continuous demodulator: configure() reads back alike and demodulates alike embedded and over pyrpl://', async (t) => {
  // The oscillator's frequency is a 32-bit phase step, f = step·125 MHz/2^32 (0.029 Hz apart): a tone off
  // that grid beats against it (0.023 Hz at 100 kHz turns I by 0.15 rad a second), so the tone sits on it and
  // I is the same however late the served board, running in real time, is read.
  const f = (Math.round((100e3 * 2 ** 32) / 125e6) * 125e6) / 2 ** 32;
  const sim = { seed: 12, noiseDensity: 1e-8, loopDecimation: 256, tones: [{ input: 'in1' as const, frequency: f, amplitude: 0.2, phase: 30 }] };
  const clock = new VirtualClock();
  const local = await connect({ sim: { ...sim, scheduler: clock } });
  t.teardown(() => local.close());
  const served = await connectPyrplSim(sim);
  t.teardown(served.close);
  // acbandwidth 50 Hz (the input's high-pass, register +0x120): 100 kHz passes it as 1 − 1.3e-7 at 0.03°
  const settings = { input: 'in1', frequencyHz: f, phaseDeg: 10, bandwidthHz: [1000, 1000], gain: 1, outputSignal: 'quadrature', acBandwidthHz: 50 } as const;
  const a = await firstValueFrom(local.driver.iq!.configure!(0, settings));
  const b = await firstValueFrom(served.rp.driver.iq!.configure!(0, settings));
  t.deepEqual(b, a);
  // held as a power of two: 50 Hz is α = 2^−18.6 of a cycle, rounded to 2^−19: −ln(1 − α)·125 MHz/2π = 37.94 Hz
  t.true(Math.abs(a.acBandwidthHz - 37.94) < 0.01, `acbandwidth read back ${a.acBandwidthHz} Hz`);
  await clock.advanceBy(30);
  await new Promise((r) => setTimeout(r, 300));
  // I = 0.2·cos(30° − 10°) = 0.188 V once two 1 kHz stages settled (a few ms); the 2f ripple at 200 kHz
  // is attenuated by (1 kHz/200 kHz)² to 8e-6 V; the 14-bit signal register rounds to 1.2e-4 V
  const expected = 0.2 * Math.cos((20 * Math.PI) / 180);
  const li = await firstValueFrom(local.driver.sampler!.sample('iq0'));
  const ri = await firstValueFrom(served.rp.driver.sampler!.sample('iq0'));
  t.true(Math.abs(li - expected) < 1e-3, `embedded I ${li}`);
  t.true(Math.abs(ri - expected) < 1e-3, `served I ${ri}`);
});
