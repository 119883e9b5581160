import test from 'ava';
import { runCommandInProcess } from '../helpers/runCommandInProcess.js';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { VirtualClock } from '@labrx/core/testing';
import { connect, loadResult, openRunCatalogue, rerunRun, resonator, LABRX_VERSION, type Trace } from 'labrx';
import { buildRunsCommand, buildRerunCommand, type CliIo } from 'labrx/testing';


const run = runCommandInProcess;

function sameBytes(a: Float64Array, b: Float64Array): boolean {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength));
}

/**
 * On a fresh simulated board on a virtual clock, the generator set at board time 0: two scope
 * results, each saved right after it is taken (tags 'night', 'day'); the first is the one a rerun
 * can reproduce bit for bit.
 */
async function acquireTwo(db: string): Promise<{ traces: Trace[]; ids: number[] }> {
  const clock = new VirtualClock();
  const rp = await connect({ sim: { seed: 11, scheduler: clock, dut: resonator({ f0: 2e6, q: 10 }), noiseDensity: 1e-6 } });
  const catalogue = openRunCatalogue(db);
  try {
    await rp.asg0.set({ frequency: 2e6, amplitude: 0.3, output: 'out1' });
    const traces: Trace[] = [];
    const ids: number[] = [];
    for (const [i, tag] of ['night', 'day'].entries()) {
      traces.push(await clock.run(rp.scope.single({ decimation: 4, trigger: 'immediate' })));
      ids.push(catalogue.save(traces[i]!, { label: `trace ${i}`, tags: [tag], board: rp }));
    }
    return { traces, ids };
  } finally {
    catalogue.close();
    await rp.close();
  }
}

test('labrx runs ls, show, export and rm work on a catalogue file', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'labrx-runs-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  const db = join(dir, 'runs.sqlite');
  const { traces, ids: [a, b] } = await acquireTwo(db);

  const ls = await run(buildRunsCommand, ['ls', '--db', db]);
  t.is(ls.code, 0, ls.stderr);
  t.regex(ls.stdout, new RegExp(`^\\s+${a}\\s.*scope.*sim:11\\s+trace 0\\s+\\[night\\]$`, 'm'));
  t.regex(ls.stdout, new RegExp(`^\\s+${b}\\s.*trace 1\\s+\\[day\\]$`, 'm'));
  const tagged = await run(buildRunsCommand, ['ls', '--db', db, '--tag', 'night', '--json']);
  t.deepEqual(tagged.stdout.trim().split('\n').map((l) => (JSON.parse(l) as { id: number }).id), [a]);

  const show = await run(buildRunsCommand, ['show', String(a), '--db', db]);
  t.is(show.code, 0, show.stderr);
  t.regex(show.stdout, /trace: 16384 samples per channel/);
  t.regex(show.stdout, new RegExp(`"software": "labrx ${LABRX_VERSION.replace(/\./g, '\\.')}"`));

  const file = join(dir, 'a.npy');
  const exported = await run(buildRunsCommand, ['export', String(a), file, '--db', db]);
  t.is(exported.code, 0, exported.stderr);
  const loaded = await loadResult(file);
  t.true(sameBytes((loaded.result as Trace).ch1, traces[0]!.ch1));
  t.true(sameBytes((loaded.result as Trace).ch2, traces[0]!.ch2));

  t.is((await run(buildRunsCommand, ['rm', String(b), '--db', db])).code, 0);
  const gone = await run(buildRunsCommand, ['rm', String(b), '--db', db]);
  t.is(gone.code, 2);
  t.regex(gone.stderr, new RegExp(`runs\\.id = "${b}" is not allowed: ids of runs in the catalogue`));
  const bad = await run(buildRunsCommand, ['show', 'x', '--db', db]);
  t.is(bad.code, 2);
});

test('labrx rerun: the first acquisition on a fresh board reruns bit-identical; a later one is reported as differing, with why', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'labrx-rerun-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  const db = join(dir, 'runs.sqlite');
  const { ids: [first, second] } = await acquireTwo(db);

  const same = await run(buildRerunCommand, [String(first), '--db', db]);
  t.is(same.code, 0, same.stdout + same.stderr);
  t.regex(same.stdout, /ch1: identical\nch2: identical\n/);
  t.regex(same.stdout, /bit-identical\n$/);

  const differs = await run(buildRerunCommand, [String(second), '--db', db]);
  t.is(differs.code, 1);
  t.regex(differs.stdout, /ch1: \d+ samples differ/);
  t.regex(differs.stdout, /note: the run was not the first acquisition on its board \(2 acquisitions had started, the run averaged 1\)/);
  t.notRegex(same.stdout, /note:/);
  t.regex(differs.stdout, /NOT identical\n$/);
});

test('rerunRun refuses a run that was not measured on a simulated board, naming why', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'labrx-rerun-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  const c = openRunCatalogue(join(dir, 'runs.sqlite'));
  t.teardown(() => c.close());
  const id = c.save({ dt: 1, t0: 0, ch1: Float64Array.of(1), ch2: Float64Array.of(1), averages: 1, timestamp: 0, settings: null as never });
  const err = await t.throwsAsync(rerunRun(c.load(id)));
  t.regex(err!.message, /rerun\.run = \d+ is not allowed: a run saved from a simulated board/);
});

test('a spectrogram run: labrx runs show describes its rows and bins, runs export writes it, rerun refuses it', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'labrx-runs-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  const db = join(dir, 'runs.sqlite');
  const c = openRunCatalogue(db);
  const s = { frequencies: Float64Array.of(0, 1000, 2000), times: Float64Array.of(0.5, 0.75), ch1: new Float64Array(0), ch2: Float64Array.of(-90, -10, -90, -91, -11, -91), unit: 'dBm' as const, rbw: 1500, window: 'hann', averages: 4, settings: null };
  const id = c.save(s, { label: 'waterfall' });
  const loaded = c.load(id);
  c.close();
  const show = await run(buildRunsCommand, ['show', String(id), '--db', db]);
  t.is(show.code, 0, show.stderr);
  t.regex(show.stdout, /spectrogram: 2 rows of 3 bins \(ch2\), 0 … 2000 Hz, rows from 0\.5 to 0\.75 s, rbw 1500 Hz, hann window, unit dBm, 4 averages per row/);
  const file = join(dir, 'wf.csv');
  t.is((await run(buildRunsCommand, ['export', String(id), file, '--db', db])).code, 0);
  t.deepEqual(Array.from(((await loadResult(file)).result as typeof s).ch2), Array.from(s.ch2));
  const err = await t.throwsAsync(rerunRun(loaded));
  t.regex(err!.message, /a spectrogram of the stream cannot be rerun/);
});
