import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { openCatalogue } from '@labrx/catalogue';
import { initFftBackend } from '@labrx/core';
import { VirtualClock } from '@labrx/core/testing';
import { connect, decodeResult, startStudio, type Spectrogram } from 'labrx';
import type { Page } from 'playwright-core';
import { CHROMIUM, launchChromium } from '../helpers/chromium.js';
import { testNeeding } from '../helpers/testNeeding.js';
import { tickVirtualClock } from '../helpers/tickVirtualClock.js';

// The studio's waterfall in Debian's Chromium: the simulator (virtual time, advanced by the test
// while the page draws) sends a tone from out1 to in2; the page starts the waterfall on in2 with
// 1024-point segments at decimation 64 (513 bins of 1907.3 Hz, one column per bin at this width),
// and the brightest column — of the decoded rows and of the coloured canvas — is the tone's bin
// within one bin. Stop, and closing the page, release the scope's lease. A spectrogram shown from a
// script (`studio.show(rp.specan.spectrogram$(…))`) is drawn as a waterfall too. After Stop, the
// cursor over the tone's column names its frequency within a column and its level within the
// quantisation bound of that row (decision 0023: (hi − lo)/508), checked against the same row of
// the CSV the page exports (the history at full resolution), which has the tone in its bin; the
// PNG and a save to the run catalogue (a spectrogram run) work as for the other plots. The
// screenshot goes to test-artifacts/ (printed) and was looked at.

const ARTIFACTS = resolve('test-artifacts');
const FS_D = 125e6 / 64; // decimation 64
const POINTS = 1024;
const BIN_HZ = FS_D / POINTS; // 1907.3 Hz
const K = 157; // the tone's bin: 299.4 kHz
const TONE_HZ = K * BIN_HZ;

type Channel = { newest: number[] | null; peakColumn: number; peakHz: number | null; brightestColumn: number; scale: [number, number]; rows: number };
type Cursor = { channel: string; column: number; row: number; firstBin: number; lastBin: number; fromHz: number; toHz: number; centreHz: number; timeS: number | null; level: number | null; unit: string; text: string };
type Summary = { received: number; drawn: number; rowsReceived: number; droppedRows: number; columns: number; bins: number; x0: number; dx: number; unit: string; channels: Record<string, Channel>; cursor: Cursor | null };
type Labrx = {
  ready: boolean;
  errors: { instrument: string; setting?: string }[];
  exports: { instrument?: string; format?: string; name: string; mime: string; data?: string; size?: number }[];
  saved: { instrument: string; run: number; label: string }[];
  waterfall: { state: string; settings: { points: number; input: string } | null; panel: Summary; shown(id: number): Summary | null };
};
declare const window: { labrx: Labrx };
declare const document: { querySelector(s: string): { open: boolean } | null };
declare const location: { search: string };
/** The colour bar's width beside the picture (waterfall.js BAR_PX), CSS px. */
const BAR_PX = 64;

/** Sets a select of the waterfall's form. */
async function choose(page: Page, setting: string, value: string): Promise<void> {
  await page.evaluate(() => (document.querySelector('#waterfall details.settings')!.open = true));
  await page.selectOption(`#waterfall [data-setting="${setting}"]`, value);
}

testNeeding(existsSync(CHROMIUM), `${CHROMIUM} (apt-get install -y chromium)`, 'the waterfall in Chromium: a tone is the brightest column at its bin; Stop and closing the page release the scope', async (t) => {
  await initFftBackend('pffft');
  const clock = new VirtualClock();
  const rp = await connect({ sim: { seed: 5, scheduler: clock, noiseDensity: 1e-8 } });
  await rp.asg0.set({ frequency: TONE_HZ, amplitude: 0.2, output: 'out1' });
  const dir = mkdtempSync(join(tmpdir(), 'labrx-waterfall-'));
  const db = join(dir, 'runs.sqlite');
  const studio = await startStudio({ board: rp, catalogue: db });
  const browser = await launchChromium({ width: 1400, height: 1000 });
  // board time moves 2 ms per 5 ms of real time while the page looks on
  const ticking = tickVirtualClock(clock);
  try {
    const page = await browser.context.newPage();
    const pageErrors: string[] = [];
    page.on('pageerror', (e) => pageErrors.push(String(e)));
    await page.goto(studio.url);
    await page.waitForFunction(() => window.labrx?.ready === true && window.labrx.waterfall?.settings !== null, null, { timeout: 30_000 });
    t.is(await page.textContent('#waterfall [data-state]'), 'stopped');
    await choose(page, 'input', 'in2');
    await choose(page, 'points', String(POINTS));
    t.is(rp.leases.holderOf('scope'), undefined);
    await page.click('#waterfall [data-wf-start]');
    await page.waitForFunction(() => window.labrx.waterfall.panel.rowsReceived >= 30 && window.labrx.waterfall.panel.drawn >= 3, null, { timeout: 60_000 });
    t.is(await page.textContent('#waterfall [data-state]'), 'running');
    t.is(rp.leases.holderOf('scope')?.owner, 'studio waterfall', 'the waterfall holds the scope while it runs');
    const s = await page.evaluate(() => window.labrx.waterfall.panel);
    t.is(s.bins, POINTS / 2 + 1);
    t.is(s.columns, s.bins, 'one column per bin at this width');
    t.true(Math.abs(s.dx - BIN_HZ) < 1e-6 && Math.abs(s.x0) < 1e-6, `x0 ${s.x0} Hz, dx ${s.dx} Hz`);
    t.deepEqual(Object.keys(s.channels), ['ch2']);
    const ch2 = s.channels.ch2!;
    t.log(`${s.rowsReceived} rows, ${s.drawn} drawn, ${s.droppedRows} not drawn; peak column ${ch2.peakColumn} (${ch2.peakHz} Hz), brightest canvas column ${ch2.brightestColumn}, tone ${TONE_HZ.toFixed(1)} Hz = bin ${K}; scale ${ch2.scale.map((v) => v.toFixed(1)).join(' … ')} ${s.unit}`);
    t.true(Math.abs(ch2.peakColumn - K) <= 1, `decoded rows: peak column ${ch2.peakColumn}, tone bin ${K}`);
    t.true(Math.abs(ch2.brightestColumn - K) <= 1, `canvas: brightest column ${ch2.brightestColumn}, tone bin ${K}`);
    // 0.2 V peak is 10·log10(0.2²/2/50 Ω/1 mW) = −4.0 dBm at a bin centre (Hann), quantised within (hi − lo)/508
    const level = ch2.newest![ch2.peakColumn]!;
    t.true(Math.abs(level - -3.98) < 0.5, `tone level ${level} dBm`);
    await page.evaluate(() => (document.querySelector('#waterfall details.settings')!.open = false));
    await page.waitForFunction((n) => window.labrx.waterfall.panel.drawn > n, s.drawn, { timeout: 30_000 });
    mkdirSync(ARTIFACTS, { recursive: true });
    const path = join(ARTIFACTS, 'studio-waterfall.png');
    await page.locator('#waterfall').screenshot({ path });
    t.log(`screenshot: ${path}`);

    await page.click('#waterfall [data-wf-stop]');
    await page.waitForFunction(() => window.labrx.waterfall.state === 'idle', null, { timeout: 30_000 });
    t.is(rp.leases.holderOf('scope'), undefined, 'Stop released the scope');

    // ---- the cursor: hovering the tone's column of a row names its frequency, time and level ----
    const stopped = await page.evaluate(() => window.labrx.waterfall.panel);
    const canvas = (await page.locator('#waterfall canvas.waterfall-canvas[data-channel="2"]').boundingBox())!;
    const areaW = canvas.width - BAR_PX;
    await page.mouse.move(canvas.x + ((K + 0.5) / stopped.columns) * areaW, canvas.y + 5);
    await page.waitForFunction(() => window.labrx.waterfall.panel.cursor !== null, null, { timeout: 30_000 });
    const cursor = (await page.evaluate(() => window.labrx.waterfall.panel.cursor))!;
    t.log(`cursor: ${cursor.text}`);
    t.is(await page.textContent('#waterfall [data-cursors]'), cursor.text, 'the readout under the picture');
    t.is(cursor.channel, 'ch2');
    t.true(Math.abs(cursor.centreHz - TONE_HZ) <= stopped.dx, `cursor at ${cursor.centreHz} Hz, the tone at ${TONE_HZ} Hz, a column ${stopped.dx} Hz wide`);
    t.is(cursor.firstBin, cursor.lastBin, 'one bin per column at this width');
    t.regex(cursor.text, /kHz/);
    t.true(cursor.timeS !== null && cursor.level !== null);
    // a column of several bins (a narrow canvas): the readout gives their range; the value is their largest
    const wide = await page.evaluate(async () => {
      const m = (await import('/assets/waterfall.js' + location.search)) as {
        WaterfallPicture: new (c: unknown, o: unknown) => { clear(c: number, r: number, x0: number, dx: number): void; bins: number; area: { w: number; h: number }; push(v: Float32Array, t: number): void; cellAt(x: number, y: number): Cursor | null };
      };
      const p = new m.WaterfallPicture((document as unknown as { createElement(t: string): unknown }).createElement('canvas'), { si: String, label: 'ch1' });
      // 10 bins of 100 Hz from 0 Hz in 4 columns of 3 (the server's ⌈10/4⌉): column centres 100, 400, 700, 1000 Hz
      p.clear(4, 8, 100, 300);
      p.bins = 10;
      p.area = { w: 400, h: 80 };
      p.push(Float32Array.from([-50, -20, -70, -60]), 0.25);
      return [p.cellAt(150, 5), p.cellAt(399, 5), p.cellAt(150, 40)];
    });
    t.like(wide[0], { column: 1, row: 0, firstBin: 3, lastBin: 5, fromHz: 300, toHz: 500, centreHz: 400, timeS: 0.25, level: -20 });
    t.like(wide[1], { column: 3, firstBin: 9, lastBin: 9, fromHz: 900, toHz: 900, level: -60 }, 'the last column holds the one bin left');
    t.like(wide[2], { column: 1, row: 4, timeS: null, level: null }, 'no row there yet');
    const cursorShot = join(ARTIFACTS, 'studio-waterfall-cursor.png');
    await page.locator('#waterfall').screenshot({ path: cursorShot });
    t.log(`screenshot with the cursor: ${cursorShot}`);

    // ---- export: the history at full resolution, as labrx reads data files ----
    await page.selectOption('#waterfall [data-export]', 'csv');
    await page.waitForFunction(() => window.labrx.exports.some((e) => e.instrument === 'waterfall' && e.format === 'csv'), null, { timeout: 30_000 });
    const file = (await page.evaluate(() => window.labrx.exports.find((e) => e.instrument === 'waterfall' && e.format === 'csv')))!;
    t.is(file.name, 'labrx-waterfall.csv');
    const loaded = decodeResult('csv', file.data!);
    t.is(loaded.kind, 'spectrogram');
    const wf = loaded.result as Spectrogram;
    const bins = POINTS / 2 + 1;
    t.is(wf.frequencies.length, bins);
    t.true(wf.times.length >= 30 && wf.times.length <= 256, `${wf.times.length} rows`);
    for (let r = 0; r < wf.times.length; r++) {
      const row = wf.ch2.subarray(r * bins, (r + 1) * bins);
      const peak = row.indexOf(Math.max(...row));
      if (Math.abs(peak - K) > 1) t.fail(`row ${r}: peak in bin ${peak}, the tone in bin ${K}`);
    }
    // the hovered row, found by its start time: the cursor's level is its bin's value within the row's quantisation step
    const r = Array.from(wf.times).indexOf(cursor.timeS!);
    t.true(r >= 0, `the hovered row (t = ${cursor.timeS} s) is in the export`);
    const row = wf.ch2.subarray(r * bins, (r + 1) * bins);
    const finite = Array.from(row).filter(Number.isFinite);
    const hi = Math.max(...finite);
    const lo = Math.max(Math.min(...finite), hi - 200);
    const exact = row[cursor.firstBin]!;
    t.true(Math.abs(cursor.level! - exact) <= (hi - lo) / 508 + 1e-4, `cursor ${cursor.level} ${cursor.unit}, the row's value ${exact}, step bound ${((hi - lo) / 508).toFixed(3)} dB`);

    await page.selectOption('#waterfall [data-export]', 'png');
    await page.waitForFunction(() => window.labrx.exports.some((e) => e.name === 'labrx-waterfall.png'), null, { timeout: 30_000 });
    t.true((await page.evaluate(() => window.labrx.exports.find((e) => e.name === 'labrx-waterfall.png')!.size!)) > 1000, 'a PNG of the picture');

    // ---- save: a spectrogram run in the catalogue, the same rows ----
    await page.click('#waterfall details.save > summary');
    await page.fill('#waterfall [data-save-label]', 'tone 299 kHz');
    await page.click('#waterfall [data-save]');
    await page.waitForFunction(() => window.labrx.saved.length === 1, null, { timeout: 30_000 });
    const saved = await page.evaluate(() => window.labrx.saved[0]!);
    t.like(saved, { instrument: 'waterfall', label: 'tone 299 kHz' });
    const reader = openCatalogue(db, { readonly: true });
    try {
      const run = reader.load(saved.run);
      t.like(run, { kind: 'spectrogram', label: 'tone 299 kHz' });
      t.deepEqual(Array.from((run.result as Spectrogram).times), Array.from(wf.times), 'the rows the page exported');
    } finally {
      reader.close();
    }
    // the Saved runs tab lists it as a spectrogram, with no overlay (a waterfall has none)
    await page.click('[data-tab="history"]');
    const listed = page.locator('[data-history] tr', { hasText: 'tone 299 kHz' });
    await listed.waitFor({ timeout: 30_000 });
    t.regex((await listed.textContent())!, /spectrogram · 513 bins/);
    t.is(await listed.locator('button').count(), 0);

    // a spectrogram shown from a script is a waterfall on the page
    const handle = studio.show('script spectrogram', rp.specan.spectrogram$({ decimation: 64, points: POINTS, input: 'in2', averages: 4 }));
    await page.waitForFunction((id) => (window.labrx.waterfall.shown(id)?.rowsReceived ?? 0) >= 10 && window.labrx.waterfall.shown(id)!.drawn >= 2, handle.id, { timeout: 60_000 });
    const shown = (await page.evaluate((id) => window.labrx.waterfall.shown(id), handle.id))!;
    t.log(`shown: ${shown.rowsReceived} rows, brightest column ${shown.channels.ch2!.brightestColumn}, ${shown.columns} columns`);
    t.true(Math.abs(shown.x0 + shown.channels.ch2!.brightestColumn * shown.dx - TONE_HZ) <= shown.dx + BIN_HZ, 'the shown waterfall: the tone within a column');
    // its Export: PNG of its canvas, CSV of its history (rows at full resolution)
    const shownPanel = `[data-shown-id="${handle.id}"]`;
    await page.selectOption(`${shownPanel} [data-export]`, 'png');
    await page.waitForFunction((id) => window.labrx.exports.some((e) => e.name === `labrx-shown${id}.png` && (e.size ?? 0) > 1000), handle.id, { timeout: 30_000 });
    await page.selectOption(`${shownPanel} [data-export]`, 'csv');
    await page.waitForFunction((id) => window.labrx.exports.some((e) => e.name === `labrx-shown${id}.csv`), handle.id, { timeout: 30_000 });
    const shownCsv = (await page.evaluate((id) => window.labrx.exports.find((e) => e.name === `labrx-shown${id}.csv`)!.data!, handle.id))!;
    const sg = decodeResult('csv', shownCsv).result as Spectrogram;
    t.true(sg.times.length >= 10, `${sg.times.length} rows exported`);
    const newest = sg.ch2.subarray((sg.times.length - 1) * bins);
    t.is(newest.indexOf(Math.max(...newest)), K, 'the shown spectrogram’s export: the tone in its bin');
    handle.remove();
    await handle.ended;
    t.is(rp.leases.holderOf('scope'), undefined);

    // started again, then the page goes: the scope is released with it
    await page.click('#waterfall [data-wf-start]');
    await page.waitForFunction(() => window.labrx.waterfall.state === 'running', null, { timeout: 60_000 });
    t.truthy(rp.leases.holderOf('scope'));
    t.deepEqual(pageErrors, []);
    await page.close();
    for (let i = 0; i < 400 && (studio.connections > 0 || rp.leases.holderOf('scope') !== undefined); i++) await new Promise((r) => setTimeout(r, 25));
    t.is(studio.connections, 0);
    t.is(rp.leases.holderOf('scope'), undefined, 'closing the page released the scope');
  } finally {
    await browser.close();
    await studio.close();
    await ticking.stop();
    await rp.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
