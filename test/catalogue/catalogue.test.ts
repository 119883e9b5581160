import test from 'ava';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { firstValueFrom, from, toArray } from 'rxjs';
import Database from 'better-sqlite3';
import { openCatalogue, recordTo, defaultCataloguePath, CatalogueError } from '@labrx/catalogue';
import { VirtualClock } from '@labrx/core/testing';
import { connect, resonator, type Trace } from 'labrx';

async function tempDir(t: { teardown(fn: () => Promise<void>): void }): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'labrx-catalogue-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

/** Bit-exact comparison: the bytes of the doubles, so NaN payloads and −0 count too. */
function sameBytes(a: Float64Array, b: Float64Array): boolean {
  return a.length === b.length && Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength));
}

test('a simulated trace saved and loaded comes back equal, arrays bit-exact, with its board snapshot', async (t) => {
  const dir = await tempDir(t);
  const clock = new VirtualClock();
  const rp = await connect({ sim: { seed: 7, scheduler: clock, dut: resonator({ f0: 1e6, q: 20, gain: 0.5 }) } });
  await rp.asg0.set({ frequency: 1e6, amplitude: 0.4, output: 'out1' });
  const trace = await clock.run(rp.scope.single({ decimation: 8 }));
  const catalogue = openCatalogue(join(dir, 'runs.sqlite'), { software: 'labrx 0.1.0' });
  t.teardown(() => catalogue.close());
  const id = catalogue.save(trace, { label: 'resonance', tags: ['q', 'sim'], board: rp });
  const run = catalogue.load(id);
  t.is(run.kind, 'trace');
  const back = run.result as Trace;
  t.true(sameBytes(back.ch1, trace.ch1));
  t.true(sameBytes(back.ch2, trace.ch2));
  t.deepEqual({ ...back, ch1: null, ch2: null }, { ...trace, ch1: null, ch2: null });
  t.is(run.label, 'resonance');
  t.deepEqual(run.tags, ['q', 'sim']);
  t.is(run.boardId, 'sim:7');
  t.is(run.driver, 'SimBoard');
  t.is(run.seed, 7);
  t.is(run.software, 'labrx 0.1.0');
  t.is(run.snapshot?.sim?.seed, 7);
  t.deepEqual(run.snapshot?.sim?.dut, { kind: 'resonator', f0: 1e6, q: 20, gain: 0.5 });
  t.is((run.snapshot?.generators.asg0 as { frequency: number }).frequency, 1e6);
  t.is((run.snapshot?.instruments.scope as { decimation: number }).decimation, rp.scope.settings.decimation);
  await rp.close();
});

test('spectrum with −Infinity and NaN bins and a frequency response round-trip bit-exact', async (t) => {
  const dir = await tempDir(t);
  const catalogue = openCatalogue(join(dir, 'runs.sqlite'));
  t.teardown(() => catalogue.close());
  const ch1 = Float64Array.from([-Infinity, -120.5, NaN, 3.25, -0]);
  const spectrum = { frequencies: Float64Array.from([0, 1, 2, 3, 4]), ch1, ch2: new Float64Array(0), unit: 'dBm' as const, rbw: 1.5, window: 'hann', averages: 4, settings: { span: Infinity } };
  const s = catalogue.load(catalogue.save(spectrum));
  t.is(s.kind, 'spectrum');
  t.true(sameBytes((s.result as typeof spectrum).ch1, ch1));
  t.deepEqual({ ...s.result, frequencies: null, ch1: null }, { ...spectrum, frequencies: null, ch1: null });
  const rp = await connect({ sim: { seed: 3 } });
  const h = await rp.na.single({ start: 1e5, stop: 1e6, points: 11 });
  await rp.close();
  const loaded = catalogue.load(catalogue.save(h));
  t.is(loaded.kind, 'frequency-response');
  t.is(loaded.instrument, 'na');
  const back = loaded.result as typeof h;
  for (const k of ['frequencies', 're', 'im'] as const) t.true(sameBytes(back[k], h[k]), k);
  t.true(sameBytes(back.magnitude(), h.magnitude()));
  t.deepEqual(back.settings, h.settings);
});

test('find selects by instrument, tag, label and time; remove deletes arrays and tags too', async (t) => {
  const dir = await tempDir(t);
  const catalogue = openCatalogue(join(dir, 'runs.sqlite'));
  t.teardown(() => catalogue.close());
  const trace = (v: number): Trace => ({ dt: 1, t0: 0, ch1: Float64Array.of(v), ch2: Float64Array.of(-v), averages: 1, timestamp: 0, settings: null as never });
  const a = catalogue.save(trace(1), { tags: ['x', 'y'], label: 'first', createdMs: 1000 });
  const b = catalogue.save(trace(2), { tags: ['y'], createdMs: 2000 });
  const c = catalogue.save({ frequencies: Float64Array.of(1), re: Float64Array.of(1), im: Float64Array.of(0), settings: null, magnitude: () => Float64Array.of(1), phaseDeg: () => Float64Array.of(0) }, { createdMs: 3000 });
  t.deepEqual(catalogue.find().map((r) => r.id), [c, b, a]);
  t.deepEqual(catalogue.find({ tag: 'y' }).map((r) => r.id), [b, a]);
  t.deepEqual(catalogue.find({ tag: 'x' }).map((r) => r.id), [a]);
  t.deepEqual(catalogue.find({ label: 'first' }).map((r) => r.id), [a]);
  t.deepEqual(catalogue.find({ instrument: 'scope' }).map((r) => r.id), [b, a]);
  t.deepEqual(catalogue.find({ since: 2000 }).map((r) => r.id), [c, b]);
  t.deepEqual(catalogue.find({ since: new Date(1500), until: 3000 }).map((r) => r.id), [b]);
  t.deepEqual(catalogue.find({ limit: 1 }).map((r) => r.id), [c]);
  t.true(catalogue.remove(a));
  t.false(catalogue.remove(a));
  t.deepEqual(catalogue.find({ tag: 'x' }), []);
  const err = t.throws(() => catalogue.load(a), { instanceOf: CatalogueError });
  t.regex(err.message, new RegExp(`has no run ${a}`));
  const raw = new Database(catalogue.path, { readonly: true });
  t.is((raw.prepare('SELECT count(*) AS n FROM run_arrays WHERE run_id = ?').get(a) as { n: number }).n, 0);
  raw.close();
});

test('a damaged array is refused by its checksum, naming the run and array', async (t) => {
  const dir = await tempDir(t);
  const path = join(dir, 'runs.sqlite');
  const catalogue = openCatalogue(path);
  t.teardown(() => catalogue.close());
  const id = catalogue.save({ dt: 1, t0: 0, ch1: Float64Array.of(1, 2, 3), ch2: Float64Array.of(4, 5, 6), averages: 1, timestamp: 0, settings: null as never });
  const raw = new Database(path);
  raw.prepare("UPDATE run_arrays SET data = ? WHERE run_id = ? AND name = 'ch2'").run(Buffer.from(Float64Array.of(4, 5, 7).buffer), id);
  raw.close();
  const err = t.throws(() => catalogue.load(id), { instanceOf: CatalogueError });
  t.regex(err.message, new RegExp(`run ${id}: array 'ch2' is damaged`));
});

test('save refuses what is not a result, naming the file', async (t) => {
  const dir = await tempDir(t);
  const catalogue = openCatalogue(join(dir, 'runs.sqlite'));
  t.teardown(() => catalogue.close());
  const err = t.throws(() => catalogue.save({ nope: 1 } as never), { instanceOf: CatalogueError });
  t.regex(err.message, /runs\.sqlite: can keep a Trace, Spectrum, FrequencyResponse or Spectrogram only/);
  t.is(catalogue.count, 0);
});

test('recordTo saves every result of a stream and passes each on unchanged', async (t) => {
  const dir = await tempDir(t);
  const catalogue = openCatalogue(join(dir, 'runs.sqlite'));
  t.teardown(() => catalogue.close());
  const traces = [1, 2, 3].map((v): Trace => ({ dt: 1, t0: 0, ch1: Float64Array.of(v), ch2: Float64Array.of(v), averages: 1, timestamp: v, settings: null as never }));
  const out = await firstValueFrom(from(traces).pipe(recordTo(catalogue, { tags: ['stream'] }), toArray()));
  t.deepEqual(out, traces);
  const saved = catalogue.find({ tag: 'stream' }).map((r) => (catalogue.load(r.id).result as Trace).ch1[0]);
  t.deepEqual(saved.sort(), [1, 2, 3]);
});

test('the default file is under XDG_DATA_HOME, else ~/.local/share', (t) => {
  t.is(defaultCataloguePath({ XDG_DATA_HOME: '/data' }), join('/data', 'labrx', 'runs.sqlite'));
  t.regex(defaultCataloguePath({}), /\.local[\\/]share[\\/]labrx[\\/]runs\.sqlite$/);
});
