import test from 'ava';
import { Writable } from 'node:stream';
import { connect, connectMany, connectSync, createSimBoard, SettingsError } from 'labrx';
import { VirtualClock } from '@labrx/core/testing';
import { buildNaCommand, buildScopeCommand, type CliIo } from 'labrx/testing';

// Issue #12 case 7: setting names that exist on Object.prototype, through every face.
const PROTOTYPE_NAMES = ['constructor', '__proto__', 'toString', 'hasOwnProperty'] as const;
/** `{ [name]: 1 }` with `name` an own property, as JSON.parse (and the studio, and the engine thread) give it. */
const named = (name: string) => JSON.parse(`{"${name}": 1}`) as Record<string, unknown>;

test('async faces: Object.prototype names are unknown settings (SettingsError naming them), and nothing changes', async (t) => {
  const clock = new VirtualClock();
  const rp = await connect({ sim: { scheduler: clock } });
  t.teardown(() => rp.close());
  for (const name of PROTOTYPE_NAMES) {
    const s = named(name) as never;
    for (const [instrument, call] of [
      ['scope', () => rp.scope.single(s)],
      ['specan', () => rp.specan.single(s)],
      ['na', () => rp.na.single(s)],
      ['asg0', () => rp.asg0.set(s)],
    ] as const) {
      const e = await t.throwsAsync(async () => call(), { instanceOf: SettingsError }, `${instrument}.${name}`);
      t.like(e, { instrument, setting: name });
    }
    t.throws(() => rp.scope.setDefaults(s), { instanceOf: SettingsError });
  }
  t.like(rp.asg0.settings, { frequency: 1000, output: 'off' });
});

test('blocking face: Object.prototype names are SettingsError too', (t) => {
  const rps = connectSync({ sim: { seed: 1, virtualTime: true } });
  t.teardown(() => rps.close());
  // errors cross from the engine thread rebuilt as SettingsError (not native errors for t.throws)
  const thrown = (fn: () => unknown): unknown => {
    try {
      fn();
    } catch (error) {
      return error;
    }
    return undefined;
  };
  for (const name of PROTOTYPE_NAMES) {
    const e = thrown(() => rps.scope.single(named(name) as never));
    t.true(e instanceof SettingsError, String(e));
    t.like(e as SettingsError, { instrument: 'scope', setting: name, value: 1 });
    t.true(thrown(() => rps.asg0.set(named(name) as never)) instanceof SettingsError);
  }
});

/** Runs a CLI subcommand in this process, capturing its output and exit code. */
async function run(build: (io: CliIo) => ReturnType<typeof buildScopeCommand>, args: string[]) {
  const out = { code: 0, stderr: '' };
  const sink = (write: (s: string) => void) => new Writable({ write: (c: Buffer, _e, done) => (write(c.toString()), done()) });
  const io: CliIo = { stdout: sink(() => undefined), stderr: sink((s) => (out.stderr += s)), fail: (code) => (out.code = code) };
  await build(io).exitOverride().parseAsync(args, { from: 'user' });
  return out;
}

test('command line: a generator key named constructor or __proto__ exits 2 naming it', async (t) => {
  for (const name of PROTOTYPE_NAMES) {
    const r = await run(buildScopeCommand, ['--asg0', `${name}=1`]);
    t.is(r.code, 2, r.stderr);
    t.regex(r.stderr, new RegExp(`asg0\\.${name} = 1 is not allowed: a known setting: waveform, frequency`));
  }
});

test('command line: the NA refuses rbw 5e-324 before connecting, naming rbw and what is allowed', async (t) => {
  const r = await run(buildNaCommand, ['--rbw', '5e-324']);
  t.is(r.code, 2);
  t.regex(r.stderr, /na\.rbw = 5e-324 is not allowed: a number from 0\.0000115/);
});

test('na.single({ rbw: 5e-324 }) is refused up front, naming rbw (not an internal setting)', async (t) => {
  const clock = new VirtualClock();
  const rp = await connect({ sim: { scheduler: clock } });
  t.teardown(() => rp.close());
  const e = await t.throwsAsync(rp.na.single({ rbw: 5e-324 }), { instanceOf: SettingsError });
  t.like(e, { instrument: 'na', setting: 'rbw', value: 5e-324 });
  t.is(rp.na.state.state, 'idle');
});

// Issue #12 case 8 (d): misspelt option keys
test('connect: a misspelt simulator option (sead) throws SettingsError naming it and the known options', async (t) => {
  const e = await t.throwsAsync(connect({ sim: { sead: 7 } as never }), { instanceOf: SettingsError });
  t.like(e, { instrument: 'sim', setting: 'sead', value: 7 });
  t.regex(e!.allowed, /seed, dut, noiseDensity, tones, extTrigger, scheduler, id/);
  t.like(await t.throwsAsync(connect({ sin: {} } as never)), { instrument: 'connect', setting: 'sin' });
  t.like(await t.throwsAsync(connect('sim://', { simm: {} } as never)), { setting: 'simm' });
  t.like(t.throws(() => createSimBoard({ noisedensity: 0 } as never)), { instrument: 'sim', setting: 'noisedensity' });
  t.like(t.throws(() => createSimBoard(named('constructor') as never)), { instrument: 'sim', setting: 'constructor' });
});

test('connectSync: misspelt options throw SettingsError in the caller, before any thread starts', (t) => {
  t.like(t.throws(() => connectSync({ sim: { sead: 7 } } as never), { instanceOf: SettingsError }), { instrument: 'connectSync', setting: 'sim.sead' });
  t.like(t.throws(() => connectSync({ timeout: 5 } as never), { instanceOf: SettingsError }), { instrument: 'connectSync', setting: 'timeout' });
});

test('connectMany: misspelt options and simulator options throw SettingsError', async (t) => {
  t.like(await t.throwsAsync(connectMany({ sim: { count: 2 } }, { concurency: 2 } as never), { instanceOf: SettingsError }), { instrument: 'connectMany', setting: 'concurency' });
  t.like(await t.throwsAsync(connectMany({ sim: { count: 2, sead: 3 } as never }), { instanceOf: SettingsError }), { instrument: 'sim', setting: 'sead' });
  t.like(await t.throwsAsync(connectMany([{ sim: { sead: 3 } } as never]), { instanceOf: SettingsError }), { setting: 'sead' });
});

test("sim:// URLs take a DUT as --dut does: 'dut=resonator:f0=…' puts that resonator between out1 and in1; a bad one is a SettingsError", async (t) => {
  const rp = await connect('sim://?seed=3&noiseDensity=0&dut=resonator:f0=1e6,q=20,gain=0.5');
  t.teardown(() => rp.close());
  // at resonance the resonator passes gain · the input: 0.5 · 0.4 V, within an ADC step (2/2^14 V) and the transient
  await rp.asg0.set({ waveform: 'sine', frequency: 1e6, amplitude: 0.4, output: 'out1' });
  const tr = await rp.scope.single({ decimation: 8 });
  const peak = tr.ch1.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
  t.true(Math.abs(peak - 0.2) < 0.2 * 0.01 + 2 / 2 ** 14, `peak ${peak} V`);
  t.like(await t.throwsAsync(connect('sim://?dut=resonator:f0=1e6')), { instrument: 'sim', setting: 'dut' });
  t.like(await t.throwsAsync(connect('sim://?dutt=wire')), { instrument: 'connect', setting: 'dutt' });
});
