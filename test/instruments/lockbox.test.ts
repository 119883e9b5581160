import test from 'ava';
import { firstValueFrom, toArray, type Subscription } from 'rxjs';
import { ResourceBusyError, SettingsError } from '@labrx/core';
import { VirtualClock } from '@labrx/core/testing';
import { Board, fabryPerotPdhLock, LockError, LockboxUnavailableError, pidGains, plainLockboxConfig, resolveLockboxConfig, type LockboxConfig, type LockEvent, type LockStatus } from '@labrx/instruments';
import { FakeLoopBoard, withoutPids } from './fakeLoopBoard.js';

// A side-of-fringe lock on the fake board's Lorentzian (half width 10 mV on out1): the lock variable
// x is the detuning in half widths, so the actuator gain is 1 / 10 mV = 100 per volt.
const config = (over: Partial<LockboxConfig> = {}): LockboxConfig => ({
  inputs: { transmission: { signal: 'in1', model: 'lorentzian' } },
  outputs: { piezo: { pid: 'pid0', dac: 'out1', sweepAmplitude: 0.5, sweepOffset: 0, sweepFrequencyHz: 50, unityGainHz: 200, actuatorGain: 100 } },
  sequence: [{ name: 'side', input: 'transmission', setpoint: 1, durationS: 0.05, outputs: { piezo: { lock: true, offset: 'from-sweep' } } }],
  ...over,
});

function rig(options: { withPid?: boolean } = {}) {
  const clock = new VirtualClock();
  const fake = new FakeLoopBoard(clock);
  const rp = new Board(options.withPid === false ? withoutPids(fake) : fake);
  return { clock, fake, rp };
}

test('configure validates the whole configuration: SettingsError names the part, setting and what is allowed; the one in force stays', (t) => {
  const { rp } = rig();
  const good = rp.lockbox.configure(config());
  t.is(good.sweepOutput, 'piezo');
  t.is(good.lockedInput, 'transmission');
  t.is(good.outputs.piezo!.minVoltage, -1);
  const cases: Array<[LockboxConfig, RegExp]> = [
    [config({ outputs: { piezo: { pid: 'pid7' } } as never }), /lockbox\.outputs\.piezo\.pid = "pid7" is not allowed: one of 'pid0', 'pid1', 'pid2'/],
    [config({ outputs: { piezo: { sweepAmplitude: 0.8, sweepOffset: 0.5 } } }), /lockbox\.outputs\.piezo\.sweepAmplitude = 0\.8 .*inside the limits/],
    [config({ outputs: { piezo: { actuatorGain: 0 } } }), /actuatorGain = 0 .*non-zero/],
    [config({ sequence: [{ name: 'a', input: 'reflection' }] }), /lockbox\.sequence\[0\]\.input = "reflection" .*one of the inputs: transmission/],
    [config({ sequence: [{ name: 'a', input: 'transmission', outputs: { laser: { lock: true } } }] }), /lockbox\.sequence\[0\]\.outputs\.laser .*one of the outputs: piezo/],
    [config({ sequence: [{ name: 'a', input: 'transmission', outputs: { piezo: { lock: true, offset: 3 } } }] }), /offset = 3 .*from -1 to 0\.99987\d* \(V\), or 'from-sweep'/],
    [config({ sequence: [] }), /lockbox\.sequence = \[\] .*at least one stage/],
    [config({ inputs: { transmission: { signal: 'in1', model: 'lorentzian' }, pdh: { signal: 'iq0', model: 'dispersive', locateWith: 'transmission' } } }), /lockbox\.inputs\.pdh\.signal = "iq0" is not allowed: a signal this board's sampler reads/],
    [{ ...config(), lockStatusIntervalS: 0 } as LockboxConfig, /lockbox\.lockStatusIntervalS = 0 .*from 0\.001 to 10/],
    [{ ...config(), autorelock: true } as unknown as LockboxConfig, /lockbox\.autorelock .*a known setting: .*autoRelock/],
  ];
  for (const [bad, message] of cases) {
    const e = t.throws(() => rp.lockbox.configure(bad), { instanceOf: SettingsError });
    t.regex(e!.message, message);
  }
  t.is(rp.lockbox.config, good);
});

test('config$ reports the configuration in force on every change, not a refused one; plainLockboxConfig gives it back as a user would (the same once resolved)', (t) => {
  const { rp } = rig();
  const seen: (number | null)[] = [];
  const sub = rp.lockbox.config$.subscribe((c) => seen.push(c === null ? null : c.outputs.piezo!.unityGainHz));
  rp.lockbox.configure(config());
  t.throws(() => rp.lockbox.configure(config({ outputs: { piezo: { unityGainHz: -1 } } })), { instanceOf: SettingsError });
  rp.lockbox.configure(config({ outputs: { piezo: { ...config().outputs.piezo, unityGainHz: 300 } } }));
  sub.unsubscribe();
  t.deepEqual(seen, [null, 200, 300]);
  const plain = plainLockboxConfig(rp.lockbox.config!);
  t.false('name' in plain.inputs.transmission!, "an input's name is its key");
  t.is(plain.outputs.piezo!.minVoltage, -1, 'every setting explicit');
  t.deepEqual(resolveLockboxConfig(plain, rp.info), rp.lockbox.config);
  // a configuration with every kind of part: the PDH preset (an IQ input located by another)
  const pdh = resolveLockboxConfig(fabryPerotPdhLock({ linewidthHz: 5e5, piezoHzPerV: 5e6, modulationHz: 2e7 }), rp.info);
  t.deepEqual(resolveLockboxConfig(JSON.parse(JSON.stringify(plainLockboxConfig(pdh))), rp.info), pdh);
});

test('a sampler-read input needs an input on in1/in2 to locate its feature (SettingsError names the candidates)', (t) => {
  const { fake } = rig();
  (fake.sampler.signals as string[]).push('iq0');
  const rp = new Board(fake);
  const e = t.throws(() => rp.lockbox.configure(config({ inputs: { transmission: { signal: 'in1', model: 'lorentzian' }, pdh: { signal: 'iq0', model: 'dispersive' } } })), { instanceOf: SettingsError });
  t.regex(e!.message, /lockbox\.inputs\.pdh\.locateWith = "" .*the scope does not show iq0/);
  t.notThrows(() => rp.lockbox.configure(config({ inputs: { transmission: { signal: 'in1', model: 'lorentzian' }, pdh: { signal: 'iq0', model: 'dispersive', locateWith: 'transmission' } } })));
});

test('a board without PIDs: every lockbox call throws LockboxUnavailableError saying what to use instead', async (t) => {
  const { rp } = rig({ withPid: false });
  const e = t.throws(() => rp.lockbox.configure(config()), { instanceOf: LockboxUnavailableError });
  t.regex(e!.message, /needs PID modules.*fake:loop.*stock Red Pitaya SCPI.*pyrpl:\/\/.*sim:\/\//);
  await t.throwsAsync(rp.lockbox.lock(config()), { instanceOf: LockboxUnavailableError });
});

test('lock$ calibrates from the sweep, emits each stage, then locked, and completes; the lock holds with the designed gains', async (t) => {
  const { clock, fake, rp } = rig();
  const events = await clock.run(firstValueFrom(rp.lockbox.lock$(config()).pipe(toArray())));
  t.deepEqual(
    events.map((e) => e.kind + (e.kind === 'stage' ? `:${e.stage}` : e.kind === 'calibration' ? `:${e.input}` : '')),
    ['calibration:transmission', 'stage:side', 'locked'],
  );
  const cal = (events[0] as Extract<LockEvent, { kind: 'calibration' }>).calibration;
  // the sweep crosses the peak: max within 1 % of 0.8 V (the trace samples it every 2 µs of a 10 ms
  // pass over 1 V, 0.2 mV steps on a 10 mV half width); its centre within one sample step of 0.1 V
  t.true(Math.abs(cal.max - 0.8) < 0.008, `max ${cal.max}`);
  t.true(cal.min < 0.01, `min ${cal.min}`);
  t.true(Math.abs(cal.centerV! - 0.1) < 5e-4, `centre ${cal.centerV}`);
  // gains: slope of the Lorentzian at x = 1 is −(max − min)/2 per half width; times 100 per volt
  const expected = pidGains({ slope: -(cal.max - cal.min) / 2, actuatorGain: 100, unityGainHz: 200, proportionalGain: 0, gainFactor: 1 })!;
  t.true(Math.abs(fake.pids[0]!.i - expected.i) < 1e-9, `i ${fake.pids[0]!.i} vs ${expected.i}`);
  t.true(fake.pids[0]!.i > 0, 'negative feedback on the falling side: error = input − setpoint falls as the output rises');
  // locked at half the peak; the modules are leased to the lockbox
  t.is(rp.lockbox.status.state, 'locked');
  t.true(rp.lockbox.status.locked);
  t.true(Math.abs(fake.in1Of(fake.out1()) - (cal.min + (cal.max - cal.min) / 2)) < 0.01);
  t.is(rp.leases.holderOf('pid0')?.owner, 'lockbox');
  t.is(rp.leases.holderOf('asg1')?.owner, 'lockbox');
  await t.throwsAsync(rp.pid0!.set({ p: 1 }), { instanceOf: ResourceBusyError });
  await clock.run(rp.lockbox.unlock());
  // unlocked = safe: PID off, integrator at 0 V, sweep off, leases released, nothing scheduled
  t.like(fake.pids[0], { p: 0, i: 0, ival: 0 });
  t.is(rp.asg1.settings.output, 'off');
  t.is(rp.leases.holderOf('pid0'), undefined);
  t.is(rp.lockbox.status.state, 'unlocked');
  t.is(clock.nextFrame(), undefined);
});

test('a stage that cannot lock fails with LockError naming it; the outputs are safe and the leases free by then', async (t) => {
  const { clock, fake, rp } = rig();
  // the side of fringe (0.04 V) lies beyond the output's upper limit (0.035 V): the PID rails there
  fake.resonanceV = 0.03;
  const e = await t.throwsAsync(
    clock.run(rp.lockbox.lock(config({ outputs: { piezo: { maxVoltage: 0.035, sweepOffset: -0.0825, sweepAmplitude: 0.1175, unityGainHz: 200, actuatorGain: 100 } } }))),
    { instanceOf: LockError },
  );
  t.is(e!.stage, 'side');
  t.regex(e!.message, /lockbox stage 'side' failed: not locked after the stage: output piezo is saturated at 0\.03\d+ V \(limits -1 to 0\.035 V\)/);
  t.like(fake.pids[0], { p: 0, i: 0, ival: 0 });
  t.is(rp.asg1.settings.output, 'off');
  t.is(rp.leases.holderOf('pid0'), undefined);
  t.is(rp.lockbox.status.state, 'unlocked');
  t.is(clock.nextFrame(), undefined);
});

test('gains outside the PID range fail the stage with LockError, the SettingsError as its cause', async (t) => {
  const { clock, rp } = rig();
  const e = await t.throwsAsync(clock.run(rp.lockbox.lock(config({ outputs: { piezo: { unityGainHz: 1e6, actuatorGain: 1e-3 } } }))), { instanceOf: LockError });
  t.regex(e!.message, /stage 'side' failed: output piezo: the gains for a 1000000 Hz loop do not fit the PID/);
  t.true(e!.cause instanceof SettingsError);
  t.is(rp.leases.holderOf('pid0'), undefined);
});

test('unsubscribing from lock$ before the lock unlocks: outputs safe, leases released, nothing left scheduled', async (t) => {
  const { clock, fake, rp } = rig();
  const seen: LockEvent[] = [];
  const sub: Subscription = rp.lockbox.lock$(config({ sequence: [{ name: 'side', input: 'transmission', setpoint: 1, durationS: 1, outputs: { piezo: { lock: true, offset: 'from-sweep' } } }] })).subscribe((e) => seen.push(e));
  await clock.advanceBy(200); // calibrated, in the 1 s stage
  t.deepEqual(seen.map((e) => e.kind), ['calibration', 'stage']);
  t.not(fake.pids[0]!.i, 0);
  sub.unsubscribe();
  await clock.run(rp.lockbox.unlock());
  t.like(fake.pids[0], { p: 0, i: 0, ival: 0 });
  t.is(rp.asg1.settings.output, 'off');
  t.is(rp.leases.holderOf('pid0'), undefined);
  t.is(clock.nextFrame(), undefined);
});

test('the modules are leased: a lock while another pipeline holds the sweep generator fails with ResourceBusyError', async (t) => {
  const { clock, rp } = rig();
  const held = rp.leases.lease$(['asg1'], 'someone').subscribe();
  await t.throwsAsync(clock.run(rp.lockbox.lock(config())), { instanceOf: ResourceBusyError, message: /asg1.*someone/ });
  held.unsubscribe();
});

test('a kick that unlocks: locked$ reports the loss within lossSamples samples, autoRelock relocks and says so', async (t) => {
  const { clock, fake, rp } = rig();
  await clock.run(rp.lockbox.lock(config({ autoRelock: true })));
  const statuses: LockStatus[] = [];
  const sub = rp.lockbox.locked$.subscribe((s) => statuses.push(s));
  await clock.advanceBy(100);
  t.true(statuses.every((s) => s.locked));
  // a kick of 0.2 V (20 half widths) on the resonance: far outside the lock's reach
  fake.resonanceV = 0.3;
  const kickS = rp.lockbox.status.timeS;
  await clock.advanceBy(100);
  const loss = statuses.find((s) => !s.locked)!;
  t.truthy(loss);
  // reported within lossSamples (3) × 20 ms of the kick, with the reason
  t.true(loss.timeS - kickS <= 3 * 0.02 + 1e-9, `${loss.timeS - kickS} s`);
  t.regex(loss.reason ?? '', /outside the locked window|saturated/);
  await clock.advanceBy(500);
  t.true(statuses.some((s) => s.state === 'relocking'));
  const back = statuses.filter((s) => s.locked && s.relocks === 1);
  t.true(back.length > 0, 'locked again after one relock');
  t.true(Math.abs(fake.out1() - (0.3 + 0.01)) < 0.001, `out1 ${fake.out1()} on the new side of fringe`);
  sub.unsubscribe();
  await clock.run(rp.lockbox.unlock());
  t.is(clock.nextFrame(), undefined);
  t.is(rp.leases.holderOf('pid0'), undefined);
});

test('calibrate$ reports progress and each input, and leaves the outputs safe', async (t) => {
  const { clock, fake, rp } = rig();
  const events = await clock.run(firstValueFrom(rp.lockbox.calibrate$(config()).pipe(toArray())));
  t.deepEqual(events.map((e) => e.kind + ':' + (e.kind === 'progress' ? e.step : e.input)), ['progress:sweep', 'progress:trace', 'calibration:transmission']);
  t.is(rp.asg1.settings.output, 'off');
  t.like(fake.pids[0], { p: 0, i: 0 });
  t.deepEqual(Object.keys(rp.lockbox.calibration), ['transmission']);
  t.is(clock.nextFrame(), undefined);
});

test('a feature outside the sweep fails the calibration with LockError (nothing to lock to)', async (t) => {
  const { clock, fake, rp } = rig();
  fake.resonanceV = 0.7; // the sweep covers -0.5 … 0.5 V
  const e = await t.throwsAsync(clock.run(rp.lockbox.lock(config())), { instanceOf: LockError });
  t.is(e!.stage, 'calibration');
  t.regex(e!.message, /input transmission: its feature is at the edge of the sweep \(0\.(5|4999)\d* V of -0\.5 … 0\.5 V\)/);
  t.is(rp.leases.holderOf('pid0'), undefined);
});

test('the lockbox\'s IQ gain and amplitude take their ranges from the board\'s IQ modules (info.iqModule)', async (t) => {
  const { createSimBoard } = await import('@labrx/hw-sim');
  const rp = new Board(createSimBoard({ seed: 1 }));
  t.teardown(() => rp.close());
  const iq = rp.info.iqModule!;
  const pdh = (over: object): LockboxConfig => config({ inputs: { transmission: { signal: 'in1', model: 'lorentzian' }, pdh: { signal: 'iq0', model: 'dispersive', locateWith: 'transmission', iqFrequencyHz: 1e6, ...over } } } as never);
  t.notThrows(() => rp.lockbox.configure(pdh({ iqGain: iq.gain[1] })));
  const e = t.throws(() => rp.lockbox.configure(pdh({ iqGain: iq.gain[1] * 2 })), { instanceOf: SettingsError });
  t.regex(e!.message, new RegExp(`iqGain = ${iq.gain[1] * 2} .*from ${iq.gain[0]} to ${iq.gain[1]}`));
  const a = t.throws(() => rp.lockbox.configure(pdh({ iqAmplitudeV: 1.5 })), { instanceOf: SettingsError });
  // the modulation's 18-bit amplitude register stops one step short of 1 V (2^17 = 1 V)
  t.regex(a!.message, new RegExp(`iqAmplitudeV = 1\\.5 .*from 0 to ${iq.amplitudeV[1]} \\(V\\)`));
  t.is(iq.amplitudeV[1], 1 - 2 ** -17);
});
