import test from 'ava';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { firstValueFrom } from 'rxjs';
import { VirtualClock } from '@labrx/core/testing';
import { plainLockboxConfig, resolveLockboxConfig, type LockboxConfig } from '@labrx/instruments';
import { connect, fabryPerotPdhLock, loadProfile, ProfileError, saveProfile, type Board, type BoardProfile } from 'labrx';
import { DRIVERS } from '../helpers/driverRigs.js';

// Profiles carry the IQ modules (iq0…iq2, continuous demodulators) and the lockbox's configuration
// (docs/decisions/0015-profiles.md): snapshot → YAML → restore on a fresh board gives the same
// snapshot; bad values in either section are refused with every other module left as it was.

/** On the 32-bit oscillator grid (125 MHz / 2^32 steps), so a tone there does not beat against it. */
const onGrid = (hz: number) => (Math.round((hz * 2 ** 32) / 125e6) * 125e6) / 2 ** 32;
const F = onGrid(100e3);
/** A 0.2 V tone at F on in1 with phase 30° (A·sin(2πFt + 30°)); quiet inputs. */
const SIM = { seed: 12, noiseDensity: 1e-8, loopDecimation: 256, tones: [{ input: 'in1' as const, frequency: F, amplitude: 0.2, phase: 30 }] };

const tmp = () => mkdtemp(join(tmpdir(), 'labrx-profiles-iq-'));

/** A PDH lock for a 1 MHz-linewidth cavity, edited as a user would: a slower loop, a second stage, iq1. */
function editedLock(rp: Board): LockboxConfig {
  const preset = plainLockboxConfig(resolveLockboxConfig(fabryPerotPdhLock({ linewidthHz: 1e6, piezoHzPerV: 5e7, modulationHz: 10e6, iq: 'iq1' }), rp.info));
  const stage = preset.sequence[0]!;
  return {
    ...preset,
    lossSamples: 5,
    outputs: { piezo: { ...preset.outputs.piezo, unityGainHz: 400 } },
    inputs: { ...preset.inputs, pdh: { ...preset.inputs.pdh, iqPhaseDeg: 35 } },
    sequence: [stage, { ...stage, name: 'tight', gainFactor: 2, outputs: { piezo: { lock: true } } }],
  };
}

async function configured(clock = new VirtualClock()) {
  const rp = await connect({ sim: { ...SIM, scheduler: clock } });
  await rp.iq0.set({ input: 'in1', frequencyHz: F, phaseDeg: 70, bandwidthHz: [1000, 1000], gain: 1, outputSignal: 'quadrature' });
  await rp.iq2.set({ input: 'in2', frequencyHz: 250e3, bandwidthHz: [2000, 2000, -10, 0], gain: 0.5, amplitudeV: 0.1, outputDirect: 'out2', outputSignal: 'output_direct' });
  rp.lockbox.configure(editedLock(rp));
  return rp;
}

test('IQ modules and a lockbox configuration: snapshot → YAML → restore on a fresh board → the same snapshot; restoring configures, it does not lock', async (t) => {
  const dir = await tmp();
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  const rp = await configured();
  t.teardown(() => rp.close());
  const before = await rp.snapshot();
  t.deepEqual(before.iq0, { ...(await rp.iq0.get()) });
  t.deepEqual(before.iq2!.bandwidthHz, (await rp.iq2.get()).bandwidthHz);
  t.deepEqual(before.lockbox, editedLock(rp), 'the configuration in force, as the user gave it (every setting explicit)');
  const file = join(dir, 'lock.yaml');
  await saveProfile(file, before);
  const text = await readFile(file, 'utf8');
  t.regex(text, /^iq2:\n {2}input: in2$/m);
  t.regex(text, /^lockbox:\n/m);
  t.regex(text, /^ {4}pdh:\n(?: {6}.*\n)*? {6}iqPhaseDeg: 35$/m);

  const fresh = await connect({ sim: { ...SIM, scheduler: new VirtualClock() } });
  t.teardown(() => fresh.close());
  const blank = await fresh.snapshot();
  t.false('lockbox' in blank, 'no lockbox section before one is configured');
  t.notDeepEqual(blank.iq0, before.iq0);
  await fresh.restore(await loadProfile(file));
  t.deepEqual(await fresh.snapshot(), before);
  // written to the modules, not remembered: read back from the board's registers
  t.deepEqual({ ...(await fresh.iq2.get()) }, before.iq2);
  t.is(fresh.lockbox.config!.sequence[1]!.name, 'tight');
  t.is(fresh.lockbox.status.state, 'unlocked');
  t.false(fresh.lockbox.busy);
  // the lockbox only configured: its PID and its IQ module were not touched by it
  t.is((await fresh.pid0!.get()).i, 0);
  t.is((await fresh.iq1.get()).amplitudeV, 0);
});

test('a profile without the new sections (an older file) restores as before and leaves the IQ modules and the lockbox alone', async (t) => {
  const rp = await configured();
  t.teardown(() => rp.close());
  const before = await rp.snapshot();
  const { iq0: _iq0, iq1: _iq1, iq2: _iq2, lockbox: _lockbox, ...old } = before;
  await rp.restore({ ...old, scope: { decimation: 256 } });
  const after = await rp.snapshot();
  t.is(after.scope!.decimation, 256);
  t.deepEqual([after.iq0, after.iq1, after.iq2, after.lockbox], [before.iq0, before.iq1, before.iq2, before.lockbox]);
});

test('physics: after a restore, iq0 demodulates a known tone with the restored frequency and phase, as after the same settings set by hand', async (t) => {
  // A·sin(2πFt + ψ) reads A·e^{jψ}; the module turns it by −phase and outputs gain·I:
  // I = 0.2·cos(30° − 70°) = 0.153 V once two 1 kHz stages settled (a few ms; 30 ms waited). The 2F
  // ripple is attenuated by (1 kHz / 200 kHz)² to 1e-5 V and the 14-bit register rounds to 1.2e-4 V,
  // so 1e-3 V; the default phase (0°) would read 0.173 V, 0.02 V away.
  const source = await configured();
  t.teardown(() => source.close());
  const profile = await source.snapshot();
  const clocks = { restored: new VirtualClock(), manual: new VirtualClock() };
  const restored = await connect({ sim: { ...SIM, scheduler: clocks.restored } });
  const manual = await connect({ sim: { ...SIM, scheduler: clocks.manual } });
  t.teardown(() => Promise.all([restored.close(), manual.close()]));
  await restored.restore({ schema: profile.schema, iq0: profile.iq0 });
  await manual.iq0.set({ input: 'in1', frequencyHz: F, phaseDeg: 70, bandwidthHz: [1000, 1000], gain: 1, outputSignal: 'quadrature' });
  const read: Record<string, number> = {};
  for (const [name, rp] of [['restored', restored], ['manual', manual]] as const) {
    await clocks[name].advanceBy(30);
    read[name] = await firstValueFrom(rp.driver.sampler!.sample('iq0'));
  }
  const expected = 0.2 * Math.cos((-40 * Math.PI) / 180);
  t.log(`I restored ${read.restored!.toFixed(5)} V, by hand ${read.manual!.toFixed(5)} V, theory ${expected.toFixed(5)} V`);
  t.true(Math.abs(read.restored! - expected) < 1e-3, `restored I ${read.restored}`);
  t.true(Math.abs(read.manual! - expected) < 1e-3, `manual I ${read.manual}`);
  t.true(Math.abs(read.restored! - read.manual!) < 2.5e-4, 'the same demodulation within two register steps');
});

test('bad values in the IQ and lockbox sections are all named, and nothing on the board changes', async (t) => {
  const rp = await configured();
  t.teardown(() => rp.close());
  const before = await rp.snapshot();
  const lock = before.lockbox!;
  const bad = {
    ...before,
    asg0: { waveform: 'sine', frequency: 777, output: 'out1' }, // valid: must not be applied either
    iq0: { ...before.iq0, bandwidthHz: [100, 100, 100] },
    iq1: { ...before.iq1, frequencyHz: -5, gain: 1000, freq: 1 },
    iq2: { phaseDeg: 'north' },
    lockbox: { ...lock, outputs: { piezo: { ...lock.outputs.piezo, unityGainHz: -400 } } },
  };
  const e = await t.throwsAsync(rp.restore(bad), { instanceOf: ProfileError });
  t.deepEqual(
    e!.problems.map((p) => `${p.instrument}.${p.setting}=${JSON.stringify(p.value)}`),
    ['iq0.bandwidthHz=[100,100,100]', 'iq1.frequencyHz=-5', 'iq1.gain=1000', 'iq1.freq=1', 'iq2.phaseDeg="north"', 'lockbox.outputs.piezo.unityGainHz=-400'],
  );
  t.regex(e!.message, /iq0\.bandwidthHz = \[100,100,100\]: a list of up to 2 cutoffs/);
  t.regex(e!.message, /iq1\.gain = 1000: a number from -?\d/);
  t.regex(e!.message, /lockbox\.outputs\.piezo\.unityGainHz = -400: a number above 0/);
  t.deepEqual(await rp.snapshot(), before);
  // a reference between the lockbox's parts is checked too: a stage following an input that is not there
  const e2 = await t.throwsAsync(rp.restore({ schema: 1, asg0: { frequency: 5 }, lockbox: { ...lock, sequence: [{ ...lock.sequence[0], input: 'reflection' }] } }), { instanceOf: ProfileError });
  t.deepEqual(e2!.problems.map((p) => `${p.instrument}.${p.setting}`), ['lockbox.sequence[0].input']);
  t.regex(e2!.problems[0]!.allowed, /one of the inputs: transmission, pdh/);
  t.deepEqual(await rp.snapshot(), before);
});

test('while a lock runs the lockbox section is refused (unlock first), and so are the modules the lock leases; nothing changes', async (t) => {
  const clock = new VirtualClock();
  const rp = await configured(clock);
  t.teardown(() => rp.close());
  const before = await rp.snapshot();
  // the lock sequence starts (it leases pid0, asg1 and iq1) and waits on board time, which the test holds
  const sub = rp.lockbox.lock$().subscribe({ error: () => undefined });
  t.true(rp.lockbox.busy);
  const e = await t.throwsAsync(rp.restore({ ...before, asg0: { frequency: 5 } }), { instanceOf: ProfileError });
  t.deepEqual(e!.problems.map((p) => `${p.instrument}.${p.setting}`), ['asg1.(module)', 'pid0.(module)', 'iq1.(module)', 'lockbox.(module)']);
  t.regex(e!.message, /asg1\.\(module\) = .*: a free generator \(leased by lockbox\)/);
  t.regex(e!.message, /iq1\.\(module\) = .*: a free IQ module \(leased by lockbox\)/);
  t.regex(e!.message, /lockbox\.\(module\) = .*: an unlocked lockbox: unlock\(\) before restoring/);
  t.is(rp.asg0.settings.frequency, 1000);
  sub.unsubscribe();
  await clock.run(rp.lockbox.unlock());
  t.false(rp.lockbox.busy);
  // unlocked: the same profile applies
  await rp.restore(before);
  t.deepEqual(await rp.snapshot(), before);
});

test('a board that cannot configure IQ modules and has no lockbox (plain SCPI): the snapshot leaves them out, and a profile with them is refused naming each', async (t) => {
  const { rp, close } = await DRIVERS['SCPI over TCP'].open({ seed: 1 });
  t.teardown(close);
  const snap = await rp.snapshot();
  for (const m of ['iq0', 'iq1', 'iq2', 'lockbox', 'pid0']) t.false(m in snap, m);
  const sim = await connect({ sim: { seed: 1 } });
  t.teardown(() => sim.close());
  sim.lockbox.configure(editedLock(sim));
  const full: BoardProfile = await sim.snapshot();
  const e = await t.throwsAsync(rp.restore({ schema: 1, iq0: full.iq0, lockbox: full.lockbox, scope: { decimation: 8 } }), { instanceOf: ProfileError });
  t.deepEqual(e!.problems.map((p) => `${p.instrument}.${p.setting}`), ['iq0.(module)', 'lockbox.(module)']);
  t.regex(e!.problems[0]!.allowed, /^a module of this board: scope, specan, na, asg0, asg1$/);
  t.deepEqual(await rp.snapshot(), snap);
});

test("regression: lockbox names that Object.prototype has ('toString', 'constructor') name nothing unless given; '__proto__' is a name like any other, through YAML", async (t) => {
  const dir = await tmp();
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  const rp = await connect({ sim: { seed: 2 } });
  t.teardown(() => rp.close());
  const lock = editedLock(rp);
  // a stage naming an output that is not there, whose name Object.prototype has: refused, not taken for an output
  for (const name of ['toString', 'constructor']) {
    const e = await t.throwsAsync(rp.restore({ schema: 1, lockbox: { ...lock, sequence: [{ ...lock.sequence[0], outputs: { [name]: { lock: true } } }] } }), { instanceOf: ProfileError });
    t.deepEqual(e!.problems.map((p) => `${p.instrument}.${p.setting}: ${p.allowed}`), [`lockbox.sequence[0].outputs.${name}: one of the outputs: piezo`]);
  }
  t.is(rp.lockbox.config, null);
  // '__proto__' as an input's name: an own entry (an assignment would have set the prototype and lost it)
  const text = JSON.stringify({ schema: 1, lockbox: { ...lock, inputs: { ['__proto__']: lock.inputs.transmission, pdh: { ...lock.inputs.pdh, locateWith: '__proto__' } }, lockedInput: '__proto__' } });
  const file = join(dir, 'proto.yaml');
  await writeFile(file, text);
  await rp.restore(await loadProfile(file));
  t.deepEqual(Object.keys(rp.lockbox.config!.inputs), ['__proto__', 'pdh']);
  t.is(Object.getPrototypeOf(rp.lockbox.config!.inputs), Object.prototype);
  const again = join(dir, 'again.yaml');
  await saveProfile(again, await rp.snapshot());
  t.deepEqual(Object.keys((await loadProfile(again)).lockbox!.inputs), ['__proto__', 'pdh']);
});
