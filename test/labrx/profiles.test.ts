import test from 'ava';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { VirtualClock } from '@labrx/core/testing';
import { connect, saveProfile, loadProfile, loadResult, ProfileError, LabrxError, PROFILE_SCHEMA, type BoardProfile, type Trace } from 'labrx';
import { buildScopeCommand } from 'labrx/testing';
import { runCommandInProcess } from '../helpers/runCommandInProcess.js';
import { connectPyrplSim } from '../pyrpl/pyrplSim.js';

const board = () => connect({ sim: { seed: 5, scheduler: new VirtualClock() } });
const tmp = () => mkdtemp(join(tmpdir(), 'labrx-profiles-'));

/** A board whose every module is away from its defaults (an arbitrary waveform on asg0). */
async function configured() {
  const rp = await board();
  rp.scope.setDefaults({ decimation: 64, trigger: 'ch1-rising', threshold: 0.05, averages: 4 });
  rp.specan.setDefaults({ decimation: 16, window: 'flattop', unit: 'dBm', averages: 3 });
  rp.na.setDefaults({ start: 2e3, stop: 2e5, points: 51, logscale: false, amplitude: 0.2 });
  await rp.asg0.set({ waveform: 'arbitrary', data: [0, 0.5, 1, 0.5, 0, -0.5, -1, -0.5], amplitude: 0.3, frequency: 12.5e3, output: 'out1' });
  await rp.asg1.set({ waveform: 'square', frequency: 5e3, amplitude: 0.4, offset: 0.1, phase: 90, output: 'out2' });
  return rp;
}

/** A configured board and a temporary folder, both removed when the test ends. */
async function configuredInTmp(t: { teardown(fn: () => unknown): void }): Promise<{ dir: string; rp: Awaited<ReturnType<typeof configured>> }> {
  const dir = await tmp();
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  const rp = await configured();
  t.teardown(() => rp.close());
  return { dir, rp };
}

test('snapshot → YAML → restore on a fresh board → the same snapshot', async (t) => {
  const { dir, rp } = await configuredInTmp(t);
  const before = await rp.snapshot();
  t.is(before.schema, PROFILE_SCHEMA);
  t.deepEqual(before.board, { id: rp.id, model: rp.info.model });
  // plain data: the waveform's samples are a number array, the null `data` of asg1 is left out
  t.deepEqual(before.asg0?.data, [0, 0.5, 1, 0.5, 0, -0.5, -1, -0.5]);
  t.false('data' in before.asg1!);
  t.deepEqual(JSON.parse(JSON.stringify(before)), before);
  const file = join(dir, 'bench.yaml');
  await saveProfile(file, before);
  t.regex(await readFile(file, 'utf8'), /schema: 1/);
  const fresh = await board();
  t.teardown(() => fresh.close());
  t.notDeepEqual(await fresh.snapshot(), before);
  await fresh.restore(await loadProfile(file));
  t.deepEqual(await fresh.snapshot(), before);
  // the generator was really applied, not just remembered
  t.deepEqual(Array.from(fresh.asg0.settings.data!), before.asg0!.data);
  t.is(fresh.asg1.settings.output, 'out2');
});

test('three bad settings are all named and nothing changes', async (t) => {
  const rp = await configured();
  t.teardown(() => rp.close());
  const before = await rp.snapshot();
  const bad = {
    ...before,
    scope: { ...before.scope, decimation: 3 },
    asg0: { ...before.asg0, frequency: -1 },
    na: { ...before.na, points: 0 },
    asg1: { waveform: 'sine', frequency: 777 }, // valid: must not be applied either
  };
  const e = await t.throwsAsync(rp.restore(bad), { instanceOf: ProfileError });
  t.true(e instanceof LabrxError);
  t.deepEqual(
    e!.problems.map((p) => `${p.instrument}.${p.setting}=${String(p.value)}`),
    ['scope.decimation=3', 'na.points=0', 'asg0.frequency=-1'],
  );
  for (const s of ['scope.decimation = 3', 'asg0.frequency = -1', 'na.points = 0']) t.true(e!.message.includes(s), `${s} in ${e!.message}`);
  t.regex(e!.message, /a power of 2/);
  t.deepEqual(await rp.snapshot(), before);
});

test('unknown modules and keys are problems too; a cross-setting rule is checked before any write', async (t) => {
  const rp = await board();
  t.teardown(() => rp.close());
  const before = await rp.snapshot();
  const e = await t.throwsAsync(
    rp.restore({ schema: 1, scop: { decimation: 8 }, scope: { decimaton: 8 }, asg1: { amplitude: 1, offset: 0.5 }, asg0: { frequency: 2e3 } }),
    { instanceOf: ProfileError },
  );
  t.deepEqual(
    e!.problems.map((p) => `${p.instrument}.${p.setting}`),
    ['scop.(module)', 'scope.decimaton', 'asg1.amplitude'],
  );
  t.regex(e!.message, /\|amplitude\| \+ \|offset\| at most 1 V/);
  t.deepEqual(await rp.snapshot(), before);
  t.is(rp.asg0.settings.frequency, 1000);
});

test('a wrong or missing schema is refused', async (t) => {
  const rp = await board();
  t.teardown(() => rp.close());
  const before = await rp.snapshot();
  for (const schema of [2, undefined, '1']) {
    const e = await t.throwsAsync(rp.restore({ ...before, schema, scope: { decimation: 8 } }), { instanceOf: ProfileError });
    t.is(e!.problems[0]!.setting, 'schema');
  }
  await t.throwsAsync(rp.restore([1, 2]), { instanceOf: ProfileError });
  t.deepEqual(await rp.snapshot(), before);
});

test('re-saving a profile keeps the user comments and updates values in place', async (t) => {
  const { dir, rp } = await configuredInTmp(t);
  const file = join(dir, 'lab.yaml');
  await saveProfile(file, await rp.snapshot());
  const text = await readFile(file, 'utf8');
  const commented = text
    .replace(/^scope:$/m, '# the ringdown setup, do not touch\nscope:')
    .replace(/^(  decimation: 64)$/m, '$1 # 512 ns per sample')
    .replace(/^(asg1:)$/m, '$1 # drive for the cavity');
  t.not(commented, text);
  await writeFile(file, commented);
  rp.scope.setDefaults({ decimation: 128 });
  await rp.asg1.set({ frequency: 6e3 });
  const after = await rp.snapshot();
  await saveProfile(file, after);
  const rewritten = await readFile(file, 'utf8');
  t.regex(rewritten, /# the ringdown setup, do not touch\nscope:/);
  t.regex(rewritten, /decimation: 128 # 512 ns per sample/);
  // yaml keeps a comment after a mapping key as the comment before its first entry
  t.regex(rewritten, /asg1:\n\s*# drive for the cavity\n\s*waveform: square/);
  t.deepEqual(await loadProfile(file), after as BoardProfile);
});

test('a setting removed from the board is removed from the file; the profile still round-trips', async (t) => {
  const { dir, rp } = await configuredInTmp(t);
  const file = join(dir, 'p.yaml');
  await saveProfile(file, await rp.snapshot());
  await rp.asg0.set({ waveform: 'sine', data: null });
  const after = await rp.snapshot();
  t.false('data' in after.asg0!);
  await saveProfile(file, after);
  t.notRegex(await readFile(file, 'utf8'), /data:/);
  t.deepEqual(await loadProfile(file), after);
  const broken = join(dir, 'broken.yaml');
  await writeFile(broken, 'scope: [1, 2\n');
  await t.throwsAsync(loadProfile(broken), { instanceOf: ProfileError });
});

test('labrx scope --profile restores the profile before acquiring; a bad profile exits 2 naming every bad setting', async (t) => {
  const dir = await tmp();
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  const rp = await board();
  t.teardown(() => rp.close());
  rp.scope.setDefaults({ decimation: 64 });
  const file = join(dir, 'scope.yaml');
  await saveProfile(file, await rp.snapshot());
  const out = join(dir, 'trace.json');
  const ok = await runCommandInProcess(buildScopeCommand, ['--profile', file, '--out', out]);
  t.is(ok.code, 0, ok.stderr);
  const trace = (await loadResult(out)).result as Trace;
  // decimation 64 of the 125 MS/s ADC: 512 ns per sample
  t.is(trace.settings.decimation, 64);
  t.true(Math.abs(trace.dt - 64 / 125e6) < 1e-15, `dt ${trace.dt}`);
  await writeFile(file, (await readFile(file, 'utf8')).replace('decimation: 64', 'decimation: 3').replace(/^(asg0:\n(?:.*\n)*?  frequency: )1000$/m, '$1-1'));
  const bad = await runCommandInProcess(buildScopeCommand, ['--profile', file]);
  t.is(bad.code, 2);
  t.regex(bad.stderr, /scope\.decimation = 3: a power of 2/);
  t.regex(bad.stderr, /asg0\.frequency = -1: a number from 0/);
});

// Serial, with a 488 kHz loop: the PIDs close a loop through the wire on each served simulator, which
// computes it in real time in this process (docs/decisions/0018-closed-loop-rate.md).
test.serial('PIDs (PyRPL boards) are read back into the profile and restored; bad PID settings are problems before any write', async (t) => {
  const a = await connectPyrplSim({ seed: 3, loopDecimation: 256 });
  t.teardown(a.close);
  await a.rp.pid0!.set({ input: 'in1', outputDirect: 'out1', setpoint: 0.1, p: 0.5, i: 1000, minVoltage: -0.5, maxVoltage: 0.8 });
  await a.rp.pid2!.set({ outputDirect: 'out2', p: -1 });
  const before = await a.rp.snapshot();
  t.deepEqual(before.pid0, { ...(await a.rp.pid0!.get()) });
  const b = await connectPyrplSim({ seed: 3, loopDecimation: 256 });
  t.teardown(b.close);
  const blank = await b.rp.snapshot();
  t.notDeepEqual(blank.pid0, before.pid0);
  const e = await t.throwsAsync(b.rp.restore({ ...before, pid1: { p: 'high', gain: 2 }, asg0: { frequency: 2e3 } }), { instanceOf: ProfileError });
  t.deepEqual(
    e!.problems.map((p) => `${p.instrument}.${p.setting}`),
    ['pid1.p', 'pid1.gain'],
  );
  t.deepEqual(await b.rp.snapshot(), blank);
  await b.rp.restore(before);
  const after = await b.rp.snapshot();
  t.deepEqual({ ...after, board: undefined }, { ...before, board: undefined });
});
