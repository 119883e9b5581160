import test from 'ava';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { firstValueFrom, take, toArray } from 'rxjs';
import { CatalogueError, openCatalogue } from '@labrx/catalogue';
import { initFftBackend, resultKindOf } from '@labrx/core';
import { VirtualClock } from '@labrx/core/testing';
import { connect, DataFileError, decodeNpy, loadResult, resultToSvg, saveResult, type Spectrogram } from 'labrx';
import { SpectrogramHistory } from 'labrx/testing';

// The spectrogram result kind (the studio waterfall's export and save): CSV, JSON and .npy round
// trip bit for bit through saveResult/loadResult, as does the run catalogue; the CSV is one row per
// spectrum (t, then a column per bin named by its frequency), the .npy rows × (1 + channels · bins);
// damaged files and malformed spectrograms are DataFileError (CatalogueError in the catalogue).

/** Two channels, 3 rows of 4 bins, with the values a file must keep: NaN, ±Infinity, −0, subnormals. */
function synthetic(): Spectrogram {
  const bins = 4;
  const rows = 3;
  const ch1 = Float64Array.from({ length: rows * bins }, (_, i) => -100 + i * 0.1 + 1e-13 * i);
  const ch2 = Float64Array.from({ length: rows * bins }, (_, i) => Math.sin(i) * 1e-9);
  ch1[1] = NaN;
  ch1[2] = -Infinity;
  ch2[3] = -0;
  ch2[4] = 5e-324;
  ch2[5] = Infinity;
  return {
    frequencies: Float64Array.from({ length: bins }, (_, k) => k * 1907.3486328125),
    times: Float64Array.from([0.001, 0.0012621440000000001, 1 / 3]),
    ch1,
    ch2,
    unit: 'dBm',
    rbw: 2861.0229,
    window: 'hann',
    averages: 4,
    settings: { span: 976562.5, points: 8, overlap: 0.5 },
  };
}

/** The fields of a spectrogram as plain arrays (deepEqual tells NaN, −0 and Infinity apart). */
function plain(s: Spectrogram): Record<string, unknown> {
  return { ...s, frequencies: Array.from(s.frequencies), times: Array.from(s.times), ch1: Array.from(s.ch1), ch2: Array.from(s.ch2), settings: JSON.parse(JSON.stringify(s.settings)) };
}

async function tempDir(t: { teardown(f: () => Promise<void>): void }): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'labrx-spectrogram-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

test('a spectrogram is its own result kind (before spectrum: it has a spectrum’s fields too)', (t) => {
  const s = synthetic();
  t.is(resultKindOf(s), 'spectrogram');
  const { times: _times, ...row } = s;
  t.is(resultKindOf(row), 'spectrum');
});

for (const ext of ['csv', 'json', 'npy'] as const) {
  test(`a spectrogram saved as .${ext} loads back equal, bit for bit (NaN, ±Infinity, −0, subnormals)`, async (t) => {
    const dir = await tempDir(t);
    const s = synthetic();
    const files = await saveResult(join(dir, `wf.${ext}`), s);
    t.is(files.length, ext === 'npy' ? 2 : 1);
    const loaded = await loadResult(files[0]!);
    t.is(loaded.kind, 'spectrogram');
    t.deepEqual(plain(loaded.result as Spectrogram), plain(s));
    // one channel only: the other stays empty
    const one = { ...s, ch2: new Float64Array(0) };
    await saveResult(join(dir, `one.${ext}`), one);
    t.deepEqual(plain((await loadResult(join(dir, `one.${ext}`))).result as Spectrogram), plain(one));
  });
}

test('the CSV is one line per row: t, then a column per bin named by its frequency; the .npy is rows × (1 + channels · bins)', async (t) => {
  const dir = await tempDir(t);
  const s = synthetic();
  await saveResult(join(dir, 'wf.csv'), s);
  const lines = (await readFile(join(dir, 'wf.csv'), 'utf8')).split('\n').filter((l) => l && !l.startsWith('#'));
  t.is(lines[0], 't,ch1@0,ch1@1907.3486328125,ch1@3814.697265625,ch1@5722.0458984375,ch2@0,ch2@1907.3486328125,ch2@3814.697265625,ch2@5722.0458984375');
  t.is(lines.length, 1 + 3);
  t.is(lines[1]!.split(',')[0], '0.001');
  t.is(lines[1]!.split(',')[2], 'NaN');
  await saveResult(join(dir, 'wf.npy'), s);
  const a = decodeNpy(await readFile(join(dir, 'wf.npy')));
  t.deepEqual(a.shape, [3, 9]);
  for (let r = 0; r < 3; r++) {
    t.is(a.data[r * 9], s.times[r]);
    for (let k = 0; k < 4; k++) {
      t.is(a.data[r * 9 + 1 + k], s.ch1[r * 4 + k]);
      t.is(a.data[r * 9 + 5 + k], s.ch2[r * 4 + k]);
    }
  }
});

test('damaged spectrogram files are DataFileError naming what is wrong', async (t) => {
  const dir = await tempDir(t);
  const s = synthetic();
  await saveResult(join(dir, 'wf.csv'), s);
  const text = await readFile(join(dir, 'wf.csv'), 'utf8');
  const header = text.split('\n').find((l) => l.startsWith('t,'))!;
  const cases: [string, string, RegExp][] = [
    ['bad-frequency', header.replace('ch1@0,', 'ch1@zero,'), /"ch1@zero" is not a spectrogram bin/],
    ['bad-channel', header.replace('ch1@0,', 'ch3@0,'), /"ch3@0" is not a spectrogram bin/],
    ['hex-frequency', header.replace('ch1@0,', 'ch1@0x10,'), /is not a spectrogram bin/],
    ['order', header.replace('ch1@5722.0458984375,ch2@0', 'ch2@5722.0458984375,ch1@0'), /ch1's bins come before ch2's/],
    ['other-bins', header.replace('ch2@0,', 'ch2@1,'), /same bins/],
    ['no-t', header.replace(/^t,/, 'time,'), /first column is 't'/],
  ];
  for (const [name, newHeader, message] of cases) {
    const path = join(dir, `${name}.csv`);
    await writeFile(path, text.replace(header, newHeader));
    const e = await t.throwsAsync(loadResult(path), { instanceOf: DataFileError }, name);
    t.regex(e!.message, message, name);
  }
  // only the times: no bins
  const onlyT = join(dir, 'only-t.csv');
  const kept = text.split('\n').map((l) => (l.startsWith('#') ? (l.startsWith('# units:') ? '# units: ["s"]' : l) : l.split(',')[0]!)).join('\n');
  await writeFile(onlyT, kept);
  t.regex((await t.throwsAsync(loadResult(onlyT), { instanceOf: DataFileError }))!.message, /needs bin columns/);
  // an .npy whose sidecar lists fewer columns than the array has
  await saveResult(join(dir, 'wf.npy'), s);
  const sidecar = JSON.parse(await readFile(join(dir, 'wf.npy.json'), 'utf8')) as { columns: unknown[] };
  sidecar.columns.pop();
  await writeFile(join(dir, 'wf.npy.json'), JSON.stringify(sidecar));
  await t.throwsAsync(loadResult(join(dir, 'wf.npy')), { instanceOf: DataFileError });
});

test('a malformed spectrogram is refused when saved (DataFileError; CatalogueError in the catalogue); it has no SVG plot', async (t) => {
  const dir = await tempDir(t);
  const s = synthetic();
  const short = { ...s, ch1: s.ch1.subarray(1) };
  t.regex((await t.throwsAsync(saveResult(join(dir, 'bad.csv'), short), { instanceOf: DataFileError }))!.message, /ch1 has 11 values, rows · bins = 3 · 4 = 12/);
  await t.throwsAsync(saveResult(join(dir, 'none.csv'), { ...s, ch1: new Float64Array(0), ch2: new Float64Array(0) }), { instanceOf: DataFileError, message: /needs ch1 or ch2/ });
  const catalogue = openCatalogue(':memory:');
  t.teardown(() => catalogue.close());
  t.throws(() => catalogue.save(short), { instanceOf: CatalogueError, message: /ch1 has 11 values/ });
  t.is(catalogue.count, 0);
  await t.throwsAsync(resultToSvg(s), { instanceOf: DataFileError, message: /no SVG plot/ });
});

test('a spectrogram round-trips through the run catalogue, bit for bit, as the spectrum analyzer’s', (t) => {
  const catalogue = openCatalogue(':memory:');
  t.teardown(() => catalogue.close());
  const s = synthetic();
  const id = catalogue.save(s, { label: 'tone' });
  const run = catalogue.load(id);
  t.is(run.kind, 'spectrogram');
  t.is(run.instrument, 'specan');
  t.deepEqual(plain(run.result as Spectrogram), plain(s));
  t.deepEqual(catalogue.find({ kind: 'spectrogram' }).map((r) => r.id), [id]);
});

test('rows of specan.spectrogram$ kept in a SpectrogramHistory: the newest `rows`, oldest first, bounded in bytes; the tone is in its bin after a CSV round trip', async (t) => {
  await initFftBackend('pffft');
  const clock = new VirtualClock();
  const rp = await connect({ sim: { seed: 7, scheduler: clock, noiseDensity: 1e-8 } });
  t.teardown(() => rp.close());
  const points = 256;
  const binHz = 125e6 / 64 / points;
  const K = 40;
  await clock.run(rp.asg0.set({ frequency: K * binHz, amplitude: 0.2, output: 'out1' }));
  const rows = await clock.run(firstValueFrom(rp.specan.spectrogram$({ decimation: 64, points, input: 'in2', averages: 1 }).pipe(take(12), toArray())));
  const history = new SpectrogramHistory(8);
  for (const row of rows) history.push(row);
  t.is(history.rows, 8);
  const s = history.snapshot()!;
  t.deepEqual(Array.from(s.times), rows.slice(4).map((r) => r.startS), 'the newest 8 rows, oldest first');
  t.deepEqual(Array.from(s.ch2.subarray(7 * (points / 2 + 1))), Array.from(rows[11]!.ch2), 'the newest row as analysed');
  t.is(s.ch1.length, 0);
  // bounded in bytes: 8 · (bins + 1) per row on one channel; a 3-row budget keeps 3
  const bins = points / 2 + 1;
  const small = new SpectrogramHistory(1024, 8 * bins + 3 * 8 * (bins + 1));
  for (const row of rows) small.push(row);
  t.is(small.rowCapacity, 3);
  t.is(small.bytes, 8 * (bins + 3 + 3 * bins));
  t.deepEqual(Array.from(small.snapshot()!.times), rows.slice(9).map((r) => r.startS));

  const dir = await tempDir(t);
  await saveResult(join(dir, 'wf.csv'), s);
  const loaded = (await loadResult(join(dir, 'wf.csv'))).result as Spectrogram;
  const last = loaded.ch2.subarray(7 * bins);
  const peak = last.indexOf(Math.max(...last));
  t.is(peak, K, `the tone's bin: ${peak}, expected ${K}`);
});
