import test, { type ExecutionContext } from 'ava';
import { firstValueFrom } from 'rxjs';
import { VirtualClock } from '@labrx/core/testing';
import { createSimBoard, fabryPerot, michelson, type Plant } from '@labrx/hw-sim';
import { Board, fabryPerotPdhLock, michelsonMidFringeLock, sideOfFringeLock, type LockboxConfig, type LockStatus } from '@labrx/instruments';

/**
 * Lock acquisition on the simulator's closed loop (PIDs and IQ modules at 1.95 MHz, the plant
 * stepped with them), in virtual time.
 *
 * Lock time. Each preset sweeps at 100 Hz (period P = 10 ms); a lock takes: one period for the
 * sweep to settle, the scope's wait for the generator's trigger (≤ P) and its trace (16384 · 128 /
 * 125 MHz = 16.8 ms, the smallest decimation spanning P), [PDH only: one period, then 200 sampler
 * readings 0.0618·P apart: 10 + 199·0.618 = 133.0 ms], the stage's 10 ms, and the check's 5 samples
 * 20 ms apart (the first at once: 80 ms). Bounds: side of fringe and mid-fringe ≤ 10 + 10 + 16.8 +
 * 10 + 80 = 126.8 ms; PDH ≤ 126.8 + 133.0 = 259.8 ms.
 *
 * Residual. With p = 0 the open loop is L = f_u / (j·f) (the gains follow from the calibrated
 * slope and the actuator gain), so a disturbance d of the lock variable is left as S·d with
 * |S|² = f² / (f² + f_u²). A random walk of diffusion σ (unit/√s) has the one-sided spectrum
 * σ² / (2π²·f²), so the residual's variance is ∫ σ²/(2π²) · df / (f² + f_u²) = σ² / (4π·f_u):
 * rms = σ / √(4π·f_u). Sensor noise (the ADC's 1e-9 V/√Hz and its quantisation, 4.4e-9 V/√Hz)
 * adds e/|slope| · √(π·f_u/2), below 1 % of that here; the cavity pole (250 kHz), the IQ filter
 * (≥ 62 kHz) and the loop's delay (µs) change |S| below f_u by under 1 %. The rms of N readings 1 ms
 * apart (the residual's correlation time is 1/(2π·f_u) ≪ 1 ms, so they are independent) scatters
 * by 1/√(2N) = 4.1 % for N = 300; the random walk during the 300 ms adds its own scatter, so the
 * measured rms (about the mean) must be within 20 % of theory (about 3σ of the estimate, with the
 * model's 1 % terms). The mean is where the calibration put the setpoint: the integrator leaves no
 * static error.
 */

const LINEWIDTH_HZ = 500e3; // FSR 1.5 GHz / finesse 3000
const PIEZO_HZ_PER_V = 5e6;

interface Rig {
  clock: VirtualClock;
  rp: Board;
  plant: Plant;
  read(): Promise<Readonly<Record<string, number>>>;
}

function rig(plant: Plant, seed = 5): Rig {
  const clock = new VirtualClock();
  const sim = createSimBoard({ seed, dut: plant, scheduler: clock, noiseDensity: 1e-9 });
  const rp = new Board(sim);
  return {
    clock,
    rp,
    plant,
    // a sampler read brings the lazily stepped loop (and the plant) up to now
    read: async () => {
      await firstValueFrom(sim.sampler.sample('in2'));
      return sim.plantState();
    },
  };
}

/** Mean and rms about the mean of `key` over `n` readings 1 ms apart. */
async function residual(r: Rig, key: string, n = 300): Promise<{ mean: number; rms: number }> {
  const v: number[] = [];
  for (let k = 0; k < n; k++) {
    await r.clock.advanceBy(1);
    v.push((await r.read())[key]!);
  }
  const mean = v.reduce((a, b) => a + b, 0) / n;
  return { mean, rms: Math.sqrt(v.reduce((a, b) => a + (b - mean) ** 2, 0) / n) };
}

async function lockAndMeasure(t: ExecutionContext, r: Rig, config: LockboxConfig, maxLockS: number): Promise<void> {
  const result = await r.clock.run(r.rp.lockbox.lock(config));
  t.log(`locked in ${(result.durationS * 1e3).toFixed(1)} ms (bound ${(maxLockS * 1e3).toFixed(1)} ms); stages ${result.stages.join(', ')}`);
  t.true(result.durationS <= maxLockS, `lock took ${result.durationS} s`);
  t.true(r.rp.lockbox.status.locked);
}

test('Fabry–Perot PDH lock: locked from a sweep within 260 ms; residual detuning rms within 20 % of σ/√(4π·f_u)', async (t) => {
  const sigma = 1e5; // Hz/√s
  const r = rig(fabryPerot({ finesse: 3000, fsrHz: 1.5e9, piezoHzPerV: PIEZO_HZ_PER_V, detuningHz: 1e6, powerV: 0.8, randomWalkHzPerRtS: sigma, seed: 11 }));
  const config = fabryPerotPdhLock({ linewidthHz: LINEWIDTH_HZ, piezoHzPerV: PIEZO_HZ_PER_V, modulationHz: 20e6, unityGainHz: 2000 });
  await lockAndMeasure(t, r, config, 0.2598);
  // the PDH error's peak-to-peak, calibrated with the sampler: 4·J0(β)·J1(β)·P for β = 0.5 rad, P = 0.8 V (Black 2001), within 2 %
  const pdh = r.rp.lockbox.calibration.pdh!;
  // its IQ module's input is AC-coupled at 20 MHz/128 = 156 kHz, as PyRPL's InputIq does: held as the
  // FPGA's power of two, α = 2^−7, read as PyRPL does: 1.01 · (−ln(1 − α)·125 MHz/2π) = 157.6 kHz
  const iq = await r.rp.iq0.get();
  t.true(Math.abs(iq.acBandwidthHz - (1.01 * -Math.log(1 - 2 ** -7) * 125e6) / (2 * Math.PI)) < 1e-6, `acbandwidth ${iq.acBandwidthHz} Hz`);
  const theory = 4 * 0.938470 * 0.242268 * 0.8;
  t.true(Math.abs(pdh.max - pdh.min - theory) < 0.02 * theory, `pdh p-p ${pdh.max - pdh.min} V vs ${theory} V`);
  const { mean, rms } = await residual(r, 'detuningHz');
  const expected = sigma / Math.sqrt(4 * Math.PI * 2000);
  t.log(`residual detuning ${rms.toFixed(1)} Hz rms about ${mean.toFixed(1)} Hz; theory ${expected.toFixed(1)} Hz rms about 0 (linewidth ${LINEWIDTH_HZ} Hz)`);
  // the setpoint is the centre of the sampled extremes, each within 1 % of its peak (200 readings
  // over ±3 half widths): at most 0.5 % of a half width off the zero crossing
  t.true(Math.abs(mean) < 0.005 * (LINEWIDTH_HZ / 2), `mean ${mean} Hz`);
  t.true(Math.abs(rms / expected - 1) < 0.2, `ratio ${rms / expected}`);
  await r.clock.run(r.rp.lockbox.unlock());
  await r.rp.close();
});

test('side-of-fringe lock on the transmission: locked within 127 ms half a linewidth off resonance; residual within 20 % of σ/√(4π·f_u)', async (t) => {
  const sigma = 1e5;
  const r = rig(fabryPerot({ finesse: 3000, fsrHz: 1.5e9, piezoHzPerV: PIEZO_HZ_PER_V, detuningHz: 1e6, powerV: 0.8, randomWalkHzPerRtS: sigma, seed: 12 }));
  await lockAndMeasure(t, r, sideOfFringeLock({ linewidthHz: LINEWIDTH_HZ, piezoHzPerV: PIEZO_HZ_PER_V, unityGainHz: 1000 }), 0.1268);
  const { mean, rms } = await residual(r, 'detuningHz');
  const expected = sigma / Math.sqrt(4 * Math.PI * 1000);
  // the setpoint is min + (max − min)/2 of the sweep, whose min is the Lorentzian's tail at the
  // sweep's edge, not 0: the lock sits where peak/(1 + x²) equals it
  const cal = r.rp.lockbox.calibration.transmission!;
  const x = Math.sqrt(cal.max / (cal.min + (cal.max - cal.min) / 2) - 1);
  t.log(`residual detuning ${rms.toFixed(1)} Hz rms about ${mean.toFixed(0)} Hz; theory ${expected.toFixed(1)} Hz about ${(x * LINEWIDTH_HZ / 2).toFixed(0)} Hz`);
  t.true(Math.abs(mean - (x * LINEWIDTH_HZ) / 2) < 0.005 * (LINEWIDTH_HZ / 2), `mean ${mean} Hz`);
  t.true(Math.abs(rms / expected - 1) < 0.2, `ratio ${rms / expected}`);
  await r.clock.run(r.rp.lockbox.unlock());
  await r.rp.close();
});

test('Michelson mid-fringe lock: locked within 127 ms at φ = π/2; residual phase within 20 % of (4π/λ)·σ/√(4π·f_u)', async (t) => {
  const sigmaM = 1e-8; // m/√s
  const r = rig(michelson({ piezoMPerV: 1e-6, powerV: 0.8, lengthOffsetM: 50e-9, randomWalkMPerRtS: sigmaM, seed: 13 }));
  await lockAndMeasure(t, r, michelsonMidFringeLock({ piezoMPerV: 1e-6, unityGainHz: 1000 }), 0.1268);
  const s = await r.read();
  // which mid-fringe point the sweep picked: φ ≡ π/2 (mod 2π), the falling side against the piezo
  const phase = s.fringePhaseRad!;
  const wrapped = phase - 2 * Math.PI * Math.round((phase - Math.PI / 2) / (2 * Math.PI));
  const { mean, rms } = await residual(r, 'fringePhaseRad');
  const expected = ((4 * Math.PI) / 1064e-9) * (sigmaM / Math.sqrt(4 * Math.PI * 1000));
  t.log(`phase ${phase} rad; residual ${rms.toExponential(3)} rad rms about ${(mean - phase + wrapped).toFixed(4)} (mod 2π); theory ${expected.toExponential(3)} rad about π/2`);
  // the mid level (max + min)/2 of a fully swept fringe is its exact middle: φ = π/2 within 0.01 rad
  t.true(Math.abs(mean - phase + wrapped - Math.PI / 2) < 0.01, `mean ${mean}`);
  t.true(Math.abs(rms / expected - 1) < 0.2, `ratio ${rms / expected}`);
  await r.clock.run(r.rp.lockbox.unlock());
  await r.rp.close();
});

test('a kick that unlocks: locked$ reports the loss, autoRelock relocks and says so, and unlock leaves nothing running', async (t) => {
  // a step of −1 MHz (two linewidths) at t = 0.3 s throws the side-of-fringe lock across the resonance,
  // where its feedback has the wrong sign
  const r = rig(fabryPerot({ finesse: 3000, fsrHz: 1.5e9, piezoHzPerV: PIEZO_HZ_PER_V, detuningHz: 1e6, powerV: 0.8, kicksAtS: [0.3], kickHz: -1e6, seed: 14 }));
  await r.clock.run(r.rp.lockbox.lock(sideOfFringeLock({ linewidthHz: LINEWIDTH_HZ, piezoHzPerV: PIEZO_HZ_PER_V, autoRelock: true })));
  const statuses: LockStatus[] = [];
  const sub = r.rp.lockbox.locked$.subscribe((s) => statuses.push(s));
  await r.clock.advanceBy(700);
  const loss = statuses.find((s) => !s.locked);
  t.truthy(loss, 'the loss is reported');
  t.log(`loss reported at ${loss!.timeS.toFixed(3)} s: ${loss!.reason}`);
  // within lossSamples (3) samples of 20 ms after the kick
  t.true(loss!.timeS >= 0.3 && loss!.timeS <= 0.3 + 3 * 0.02 + 1e-6, `loss at ${loss!.timeS}`);
  t.true(statuses.some((s) => s.state === 'relocking'));
  const relocked = statuses.find((s) => s.locked && s.relocks === 1);
  t.truthy(relocked, 'relocked');
  t.log(`relocked at ${relocked!.timeS.toFixed(3)} s`);
  const state = await r.read();
  t.true(Math.abs(state.detuningHz! - LINEWIDTH_HZ / 2) < 0.1 * LINEWIDTH_HZ, `detuning ${state.detuningHz} Hz after the relock`);
  sub.unsubscribe();
  await r.clock.run(r.rp.lockbox.unlock());
  t.is(r.rp.leases.holderOf('pid0'), undefined);
  t.false(r.rp.lockbox.status.locked);
  t.is(r.clock.nextFrame(), undefined, 'nothing left scheduled');
  await r.rp.close();
});
