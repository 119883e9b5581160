import test from 'ava';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openCatalogue } from '@labrx/catalogue';
import { initFftBackend } from '@labrx/core';
import { VirtualClock } from '@labrx/core/testing';
import { connect, decodeResult, type Spectrogram } from 'labrx';
import { StudioSession, StudioShows, StudioState, type ServerMessage, type StudioSessionContext } from 'labrx/testing';

// Export and Save of the studio's waterfall, driven as a page drives it, the simulator in virtual
// time: the panel's newest `rows` rows at full resolution come back as a spectrogram (CSV, JSON,
// .npy with its sidecar; no SVG), saved to the catalogue they load back equal; nothing is exported
// before the first row of a run; a shown spectrogram exports its history too. The waterfall's
// settings are kept in the studio's state and profiles (`studio.waterfall`) and come back.

const FS_D = 125e6 / 64;
const POINTS = 1024;
const BIN_HZ = FS_D / POINTS;
const BINS = POINTS / 2 + 1;
const K = 100;

type FileMessage = Extract<ServerMessage, { type: 'file' }>;

async function rig(context: StudioSessionContext = {}) {
  await initFftBackend('pffft');
  const clock = new VirtualClock();
  const rp = await connect({ sim: { seed: 3, scheduler: clock, noiseDensity: 1e-8 } });
  await rp.asg0.set({ frequency: K * BIN_HZ, amplitude: 0.1, output: 'out1' });
  const texts: ServerMessage[] = [];
  const session = new StudioSession(rp, { sendText: (x) => texts.push(JSON.parse(x) as ServerMessage), sendBinary: () => undefined }, {}, context);
  session.start();
  const send = (m: unknown) => session.handle(JSON.stringify(m));
  /** The first message of `type` after index `from`, waiting up to 30 s (files are written asynchronously; the machine may be loaded). */
  const next = async (type: string, from: number) => {
    const deadline = Date.now() + 30_000;
    while (!texts.slice(from).some((m) => m.type === type) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 2));
    return texts.slice(from).find((m) => m.type === type);
  };
  return { clock, rp, session, texts, send, next };
}

/** A 'file' answer decoded as labrx reads data files. */
function decoded(m: FileMessage): Spectrogram {
  const [main, sidecar] = m.files;
  const bytes = main!.encoding === 'base64' ? new Uint8Array(Buffer.from(main!.data, 'base64')) : main!.data;
  const loaded = decodeResult(m.format as 'csv' | 'json' | 'npy', bytes, sidecar?.data);
  if (loaded.kind !== 'spectrogram') throw new Error(`a ${loaded.kind}, not a spectrogram`);
  return loaded.result;
}

const plain = (s: Spectrogram) => ({ ...s, frequencies: Array.from(s.frequencies), times: Array.from(s.times), ch1: Array.from(s.ch1), ch2: Array.from(s.ch2), settings: JSON.parse(JSON.stringify(s.settings)) });

test('the waterfall exports its newest `rows` rows at full resolution (CSV, JSON, .npy), also after Stop, and saves them to the catalogue', async (t) => {
  const catalogue = openCatalogue(':memory:');
  const { clock, rp, session, texts, send, next } = await rig({ catalogue: { catalogue, path: ':memory:' } });
  t.teardown(async () => {
    session.close();
    catalogue.close();
    await rp.close();
  });
  send({ type: 'export', instrument: 'waterfall', format: 'csv' });
  t.like(texts.at(-1), { type: 'error', instrument: 'waterfall', error: { code: 'NothingToExport' } });
  const rows = 32;
  send({ type: 'waterfall', action: 'start', settings: { points: POINTS, input: 'in2', averages: 1, rows }, width: 400 });
  // a row every 512 samples (0.262 ms): ~76 rows, of which the page acknowledges none
  await clock.advanceBy(20);
  send({ type: 'waterfall', action: 'stop' });
  t.is(rp.leases.holderOf('scope'), undefined);

  let from = texts.length;
  send({ type: 'export', instrument: 'waterfall', format: 'csv' });
  const csv = (await next('file', from)) as FileMessage;
  t.like(csv, { instrument: 'waterfall', format: 'csv' });
  t.deepEqual(csv.files.map((f) => [f.name, f.mime]), [['labrx-waterfall.csv', 'text/csv']]);
  const s = decoded(csv);
  t.is(s.times.length, rows, 'the newest `rows` rows, not the 400-pixel picture');
  t.is(s.frequencies.length, BINS, 'every bin (the page has 400 columns at most)');
  t.is(s.ch1.length, 0);
  t.is(s.ch2.length, rows * BINS);
  t.is(s.unit, 'dBm');
  t.true(Math.abs(s.frequencies[1]! - BIN_HZ) < 1e-9);
  for (let r = 1; r < rows; r++) t.true(Math.abs(s.times[r]! - s.times[r - 1]! - 512 / FS_D) < 1e-12, 'consecutive rows one hop apart, oldest first');
  for (let r = 0; r < rows; r++) {
    const row = s.ch2.subarray(r * BINS, (r + 1) * BINS);
    t.is(row.indexOf(Math.max(...row)), K, `row ${r}: the tone in bin ${K}`);
  }
  // 0.1 V peak at a bin centre (Hann, coherent gain corrected): 10·log10(0.1²/2/50 Ω/1 mW) = −10.0 dBm
  t.true(Math.abs(s.ch2[(rows - 1) * BINS + K]! - -10) < 0.2, `tone ${s.ch2[(rows - 1) * BINS + K]} dBm`);

  from = texts.length;
  send({ type: 'export', instrument: 'waterfall', format: 'npy' });
  const npy = (await next('file', from)) as FileMessage;
  t.deepEqual(npy.files.map((f) => [f.name, f.encoding]), [['labrx-waterfall.npy', 'base64'], ['labrx-waterfall.npy.json', 'utf8']]);
  t.deepEqual(plain(decoded(npy)), plain(s), 'the .npy holds the same numbers');
  from = texts.length;
  send({ type: 'export', instrument: 'waterfall', format: 'json' });
  t.deepEqual(plain(decoded((await next('file', from)) as FileMessage)), plain(s));
  from = texts.length;
  send({ type: 'export', instrument: 'waterfall', format: 'svg' });
  t.like(await next('error', from), { instrument: 'studio', error: { name: 'DataFileError' } });

  from = texts.length;
  send({ type: 'save', instrument: 'waterfall', label: 'tone at bin 100' });
  const saved = (await next('saved', from)) as Extract<ServerMessage, { type: 'saved' }>;
  t.like(saved, { instrument: 'waterfall', label: 'tone at bin 100' });
  const run = catalogue.load(saved.run);
  t.like(run, { kind: 'spectrogram', instrument: 'specan', label: 'tone at bin 100', boardId: rp.id });
  t.deepEqual(plain(run.result as Spectrogram), plain(s), 'the catalogue gives back what was exported');
  t.like((await next('history', from)) as object, { runs: [{ id: saved.run, kind: 'spectrogram' }] });

  // a new Start begins a new history: nothing until its first row
  send({ type: 'waterfall', action: 'start', settings: { points: POINTS, input: 'in2', rows } });
  send({ type: 'export', instrument: 'waterfall', format: 'csv' });
  t.like(texts.at(-1), { type: 'error', instrument: 'waterfall', error: { code: 'NothingToExport' } });
  send({ type: 'save', instrument: 'waterfall', label: '' });
  t.like(texts.at(-1), { type: 'error', instrument: 'waterfall', error: { code: 'NothingToSave' } });
});

test('a shown spectrogram exports its history of rows (shared by the pages), not its newest row only', async (t) => {
  await initFftBackend('pffft');
  const clock = new VirtualClock();
  const rp = await connect({ sim: { seed: 4, scheduler: clock, noiseDensity: 1e-8 } });
  await rp.asg0.set({ frequency: K * BIN_HZ, amplitude: 0.1, output: 'out1' });
  const shows = new StudioShows(clock);
  const { session, texts, send, next } = await rig({ shows });
  t.teardown(async () => {
    session.close();
    shows.close();
    await rp.close();
  });
  const h = shows.show('spectrogram', rp.specan.spectrogram$({ decimation: 64, points: POINTS, input: 'in2', averages: 2 }));
  await clock.advanceBy(10);
  const from = texts.length;
  send({ type: 'export', instrument: 'shown', id: h.id, format: 'csv' });
  const s = decoded((await next('file', from)) as FileMessage);
  const made = shows.list().find((e) => e.id === h.id)!.seq;
  t.true(made >= 10, `${made} rows made`);
  t.is(s.times.length, Math.min(made, 256));
  const last = s.ch2.subarray((s.times.length - 1) * BINS);
  t.is(last.indexOf(Math.max(...last)), K);
  t.like(texts.find((m) => m.type === 'file'), { instrument: 'shown', id: h.id, files: [{ name: `labrx-shown${h.id}.csv` }] });
});

test("the waterfall's settings are checked when changed, kept in the last state and in profiles (studio.waterfall), and come back", async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'labrx-studio-wf-state-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const state = new StudioState(dir);
  const { rp, session, texts, send, next } = await rig({ state });
  t.teardown(() => rp.close());
  const waterfallMessages = () => texts.filter((m): m is Extract<ServerMessage, { type: 'waterfall' }> => m.type === 'waterfall');

  send({ type: 'waterfall', action: 'settings', settings: { points: 4096, rows: 64 } });
  t.like(waterfallMessages().at(-1), { state: 'idle', settings: { points: 4096, rows: 64 } });
  t.is(rp.leases.holderOf('scope'), undefined, 'settings start nothing');
  send({ type: 'waterfall', action: 'settings', settings: { rows: 5 } });
  t.like(texts.at(-1), { type: 'error', instrument: 'waterfall', error: { code: 'SettingsError', setting: 'rows' } });
  for (let i = 0; i < 4000 && !(existsSync(state.lastStatePath) && readFileSync(state.lastStatePath, 'utf8').includes('rows: 64')); i++) await new Promise((r) => setTimeout(r, 5));
  t.regex(readFileSync(state.lastStatePath, 'utf8'), /studio:\n\s+waterfall:\n(\s+\w+: .*\n)*?\s+points: 4096/);

  let from = texts.length;
  send({ type: 'profile', action: 'save', name: 'wf' });
  t.like(await next('profiles', from), { done: 'saved wf' });
  send({ type: 'waterfall', action: 'settings', settings: { points: 1024, rows: 16, scale: 'fixed', dbMin: -90, dbMax: -20 } });
  t.like(waterfallMessages().at(-1), { settings: { points: 1024, rows: 16, scale: 'fixed' } });
  from = texts.length;
  send({ type: 'profile', action: 'load', name: 'wf' });
  t.like(await next('profiles', from), { done: 'loaded wf' });
  t.like(waterfallMessages().at(-1), { state: 'idle', settings: { points: 4096, rows: 64, scale: 'auto' } });
  session.close();

  // the next start opens with the last state's waterfall settings
  const board2 = await connect({ sim: { seed: 4 } });
  t.teardown(() => board2.close());
  for (let i = 0; i < 4000 && !readFileSync(state.lastStatePath, 'utf8').includes('rows: 64'); i++) await new Promise((r) => setTimeout(r, 5));
  const restored = await state.load(board2, { path: state.lastStatePath });
  t.like(restored.waterfall, { points: 4096, rows: 64 });
  const texts2: ServerMessage[] = [];
  const s2 = new StudioSession(board2, { sendText: (x) => texts2.push(JSON.parse(x) as ServerMessage), sendBinary: () => undefined }, {}, { state, initialPanels: restored });
  s2.start();
  t.like(texts2.find((m) => m.type === 'waterfall'), { settings: { points: 4096, rows: 64 } });
  s2.close();
});

test('a profile with a bad studio section is refused whole before the board is touched', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'labrx-studio-wf-bad-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const state = new StudioState(dir);
  const rp = await connect({ sim: { seed: 5 } });
  t.teardown(() => rp.close());
  const { writeFile, mkdir } = await import('node:fs/promises');
  await mkdir(join(dir, 'profiles'), { recursive: true });
  const before = rp.asg0.settings.frequency;
  await writeFile(join(dir, 'profiles', 'bad.yaml'), 'schema: 1\nasg0: { frequency: 4321 }\nstudio:\n  waterfall: { rows: 3 }\n');
  await t.throwsAsync(state.load(rp, { name: 'bad' }), { name: 'SettingsError', message: /rows/ });
  await writeFile(join(dir, 'profiles', 'other.yaml'), 'schema: 1\nasg0: { frequency: 4321 }\nstudio:\n  lockbox: {}\n');
  await t.throwsAsync(state.load(rp, { name: 'other' }), { name: 'SettingsError', message: /studio\.lockbox/ });
  t.is(rp.asg0.settings.frequency, before, 'the generator was not written');
  // a profile the studio wrote loads in scripts (rp.restore) too: the studio section is left to the studio
  await rp.restore({ schema: 1, asg0: { frequency: 4321 }, studio: { waterfall: { rows: 64 } } });
  t.is(rp.asg0.settings.frequency, 4321);
});

test('studio.show of a whole Spectrogram (not its rows as they come) ends the plot with a SettingsError naming why', async (t) => {
  const clock = new VirtualClock();
  const shows = new StudioShows(clock);
  t.teardown(() => shows.close());
  const { of } = await import('rxjs');
  const whole = { frequencies: Float64Array.of(0, 1), times: Float64Array.of(0, 1), ch1: Float64Array.of(1, 2, 3, 4), ch2: new Float64Array(0), unit: 'dBm', rbw: 1, window: 'hann', averages: 1, settings: null };
  const h = shows.show('loaded', of(whole));
  await h.ended;
  t.like(shows.list()[0]!.end, { reason: 'error', error: { code: 'SettingsError', allowed: 'rows of a spectrogram as they come (specan.spectrogram$), not a whole Spectrogram' } });
});
