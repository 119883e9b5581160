import { testNeeding } from '../helpers/testNeeding.js';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { buildRunsCommand } from 'labrx/testing';
import { runCommandInProcess } from '../helpers/runCommandInProcess.js';
import type { Page } from 'playwright-core';
import { map, take, timer } from 'rxjs';
import { CHROMIUM, launchChromium } from '../helpers/chromium.js';
import { connect, connectMany, resonator, SIM_DEMO, startStudio } from 'labrx';

// The studio's first screen and its tools in Debian's Chromium (issue #17): one browser for the
// file, one page per studio. Screenshots go to test-artifacts/ (printed) and were looked at.

const ARTIFACTS = resolve('test-artifacts');
const TONE_HZ = 950e3; // SIM_DEMO's generator
const SAMPLE_S = 8e-9; // decimation 1 at 125 MS/s

type Labrx = {
  ready: boolean;
  times: { firstScope: number | null };
  errors: { instrument: string; setting?: string; message: string }[];
  exports: { format: string; name: string; data: string }[];
  scope: { drawn: number; envelope: boolean; x0: number; dx: number; nPoints: number; ch2: Float32Array; measured: { ch2: { frequencyHz: number; vpp: number } } | null };
  specan: { drawn: number; peaks: { ch2: { frequencyHz: number; level: number } | null; unit: string } | null };
  na: { complete: boolean; resonance: { f0: number; q: number } | null };
  readouts: { scope?: { dx?: number; inverseDx?: number } };
  shown: Record<string, { name: string; kind: string; drawn: number; received: number; plot: { uplot: { data: ArrayLike<number>[] } } }>;
  plots: { scope: { ticks(i: number): string[]; uplot: { valToPos(v: number, scale: string): number } }; na: { ticks(i: number): string[] } };
};
declare const window: { labrx: Labrx; devicePixelRatio: number };
declare const document: { querySelector(s: string): { textContent: string | null } | null; querySelectorAll(s: string): { length: number } };
declare function scrollTo(x: number, y: number): void;

async function shot(page: Page, name: string, t: { log(...a: unknown[]): void }): Promise<void> {
  mkdirSync(ARTIFACTS, { recursive: true });
  const path = join(ARTIFACTS, name);
  await page.screenshot({ path });
  t.log(`screenshot: ${path}`);
}

/** Page coordinates of the scope plot's point at time `s` (its canvas position plus the plot's). */
async function scopePixel(page: Page, s: number): Promise<{ x: number; y: number }> {
  const over = await page.locator('#scope .u-over').boundingBox();
  const left = await page.evaluate((v) => window.labrx.plots.scope.uplot.valToPos(v, 'x'), s);
  return { x: over!.x + left, y: over!.y + over!.height / 2 };
}

testNeeding(existsSync(CHROMIUM), `${CHROMIUM} (apt-get install -y chromium)`, 'the studio in Chromium: a live first screen, cursors, peak markers, studio.show, errors beside their field', async (t) => {
  const board = await connect({ sim: { seed: 7, dut: resonator({ f0: 1e6, q: 20, gain: 0.5 }) } });
  const dir = mkdtempSync(join(tmpdir(), 'labrx-studio-'));
  const db = join(dir, 'runs.sqlite');
  const studio = await startStudio({ board, demo: SIM_DEMO, catalogue: db });
  const browser = await launchChromium({ width: 1400, height: 900 });
  const pageErrors: string[] = [];
  try {
    const page = await browser.context.newPage();
    page.on('pageerror', (e) => pageErrors.push(String(e)));
    // the browser's first page pays for starting its renderer; the page as a user loads it is the next
    await page.goto(studio.url);
    await page.waitForFunction(() => window.labrx?.times?.firstScope != null, null, { timeout: 30_000 });
    await page.reload();

    // ---- the first screen is alive: no clicks, a scope trace within 2 s of loading ----
    await page.waitForFunction(() => window.labrx?.times?.firstScope != null, null, { timeout: 30_000 });
    const firstScopeMs = await page.evaluate(() => window.labrx.times.firstScope!);
    t.log(`first scope trace drawn ${firstScopeMs.toFixed(0)} ms after navigation started`);
    t.true(firstScopeMs < 2000, `${firstScopeMs} ms`);
    // the spectrum analyzer runs, the NA's sweep of the resonator is there, the wiring is said
    await page.waitForFunction(() => window.labrx.specan.drawn >= 2 && window.labrx.scope.drawn >= 5 && window.labrx.na.complete, null, { timeout: 30_000 });
    t.regex((await page.textContent('#wiring')) ?? '', /asg0 \(out1, 950 kHz sine, 0\.5 V\) → device under test .* → in1 = ch1/);
    t.regex((await page.textContent('#scope [data-state]')) ?? '', /running/);
    t.regex((await page.textContent('#specan [data-state]')) ?? '', /running/);
    // the NA marker: f0 and Q of the simulated resonator (f0 = 1 MHz, Q = 20) from its −3 dB points;
    // 201 log points over 2 octaves put a point every 0.7 % (f0 is one); interpolating the −3 dB
    // points in frequency errs by < 1 % of their 50 kHz spacing: Q within 2 %
    const r = (await page.evaluate(() => window.labrx.na.resonance))!;
    t.is(r.f0, 1e6);
    t.true(Math.abs(r.q - 20) < 0.4, `Q ${r.q}`);
    t.regex((await page.textContent('#na [data-readout]')) ?? '', /f0 1 MHz, \|H\| -6\.02 dB · Q 20\.0/);
    // axes carry SI prefixes and units
    const ticks = await page.evaluate(() => ({ t: window.labrx.plots.scope.ticks(0), v: window.labrx.plots.scope.ticks(1), f: window.labrx.plots.na.ticks(0), db: window.labrx.plots.na.ticks(1) }));
    t.log(ticks);
    t.true(ticks.t.includes('0 s') && ticks.t.some((l) => / µs$/.test(l)), 'time axis in µs');
    t.true(ticks.v.some((l) => / mV$/.test(l)), 'volts with their prefix');
    t.true(ticks.f.includes('1 MHz') && ticks.f.includes('500 kHz'), 'NA log frequency axis labelled at 1-2-5');
    t.true(ticks.db.every((l) => / dB$/.test(l)));
    await shot(page, 'studio-first-1400x900.png', t);
    await page.setViewportSize({ width: 1024, height: 700 });
    await page.waitForFunction((n) => window.labrx.scope.drawn > n + 3, await page.evaluate(() => window.labrx.scope.drawn), { timeout: 30_000 });
    await shot(page, 'studio-first-1024x700.png', t);
    await page.setViewportSize({ width: 1400, height: 900 });

    // ---- scope measurements (full resolution, on the server): the tone's frequency ----
    const m = (await page.evaluate(() => window.labrx.scope.measured))!;
    // ~125 periods in a 131 µs trace, crossings interpolated: far better than 1e-4
    t.true(Math.abs(m.ch2.frequencyHz / TONE_HZ - 1) < 1e-4, `${m.ch2.frequencyHz} Hz`);
    t.true(Math.abs(m.ch2.vpp - 1) < 0.02, `Vpp ${m.ch2.vpp}`);

    // ---- spectrum peak marker: the generator's frequency within a bin ----
    const peak = (await page.evaluate(() => window.labrx.specan.peaks))!;
    const binHz = 125e6 / 2 / 32 / 8192; // decimation 32, 16384 samples
    t.true(Math.abs(peak.ch2!.frequencyHz - TONE_HZ) <= binHz, `peak at ${peak.ch2!.frequencyHz} Hz, bin ${binHz} Hz`);
    t.is(peak.unit, 'dBm');
    t.regex((await page.textContent('#specan [data-readout]')) ?? '', /ch2 peak 950\.\d+ kHz, \d\.\d+ dBm/);

    // ---- cursors: zoom to 3 µs (full resolution), pause, put A and B on two rising crossings ----
    const from = await scopePixel(page, -1.5e-6);
    const to = await scopePixel(page, 1.5e-6);
    await page.mouse.move(from.x, from.y);
    await page.mouse.down();
    await page.mouse.move(to.x, to.y, { steps: 5 });
    await page.mouse.up();
    await page.waitForFunction(() => !window.labrx.scope.envelope && window.labrx.scope.x0 > -1.6e-6 && window.labrx.scope.nPoints < 400, null, { timeout: 30_000 });
    await page.click('#scope [data-pause]');
    await page.waitForTimeout(300); // a frame in flight when pausing is still drawn
    const crossings = await page.evaluate(() => {
      const s = window.labrx.scope;
      const out: number[] = [];
      for (let i = 1; i < s.nPoints; i++) if (s.ch2[i - 1]! < 0 && s.ch2[i]! >= 0) out.push(s.x0 + i * s.dx);
      return out;
    });
    t.true(crossings.length >= 2, `${crossings.length} rising crossings in 3 µs`);
    for (const c of crossings.slice(0, 2)) {
      const p = await scopePixel(page, c);
      await page.mouse.click(p.x, p.y);
    }
    const cursors = (await page.evaluate(() => window.labrx.readouts.scope))!;
    // each cursor sits on the sample nearest its crossing: Δt is the period within one sample
    t.true(Math.abs(cursors.dx! - 1 / TONE_HZ) <= SAMPLE_S, `Δt ${cursors.dx} s, period ${1 / TONE_HZ} s`);
    t.regex((await page.textContent('#scope [data-cursors]')) ?? '', /Δt 1\.0\d+ µs · Δy .* · 1\/Δt 9\d\d\.?\d* kHz/);
    await shot(page, 'studio-cursors-1400x900.png', t);

    // ---- export and the catalogue: the page's CSV of the frozen trace is the command line's ----
    await page.selectOption('#scope [data-export]', 'csv');
    await page.waitForFunction(() => window.labrx.exports.some((e) => e.format === 'csv'), null, { timeout: 30_000 });
    const csv = await page.evaluate(() => window.labrx.exports.find((e) => e.format === 'csv')!.data);
    // the PNG of the plot (the page's canvas, title and legend; savePng shared with the waterfall)
    await page.selectOption('#scope [data-export]', 'png');
    await page.waitForFunction(() => (window.labrx.exports as { name: string; size?: number }[]).some((e) => e.name === 'labrx-scope.png' && (e.size ?? 0) > 1000), null, { timeout: 30_000 });
    await page.click('#scope details.save > summary');
    await page.fill('#scope [data-save-label]', 'tone 950 kHz');
    await page.click('#scope [data-save]');
    await page.waitForFunction(() => (window.labrx as unknown as { saved: unknown[] }).saved.length === 1, null, { timeout: 30_000 });
    const run = await page.evaluate(() => (window.labrx as unknown as { saved: { run: number }[] }).saved[0]!.run);
    const file = join(dir, 'cli.csv');
    const cli = await runCommandInProcess(buildRunsCommand, ['export', String(run), file, '--db', db]);
    t.is(cli.code, 0, cli.stderr);
    t.is(readFileSync(file, 'utf8'), csv, 'the page exports the bytes `labrx runs export` writes for the same trace');
    t.regex(csv, /^# labrx trace \(t in s, ch1 in V, ch2 in V\)\n/);
    t.is(csv.trim().split('\n').filter((l) => !l.startsWith('#')).length, 1 + 16384, 'the whole trace, not the drawn window');
    // the saved trace drawn dashed over the live one, from the history panel
    await page.click('#scope [data-pause]');
    await page.click('[data-tab=history]');
    await page.click(`[data-overlay-run="${run}"]`);
    await page.waitForFunction((id) => (window.labrx as unknown as { overlays: Record<string, number | null> }).overlays.scope === id, run, { timeout: 30_000 });
    await page.waitForFunction(() => (window.labrx.plots.scope as unknown as { uplot: { data: unknown[][] } }).uplot.data[3]!.some((v) => v !== null), null, { timeout: 30_000 });
    await shot(page, 'studio-history-1400x900.png', t);
    await page.close();

    // ---- studio.show: a script's own pipeline drawn live; errors beside their field ----
    const plain = await startStudio({ board });
    try {
      const settings = { decimation: 1, trigger: 'ch2-rising', threshold: 0 } as const;
      // the example: the scope's stream through the user's operator (here: ch1 inverted)
      const filtered = plain.show('filtered ch1', board.scope.stream$(settings).pipe(map((tr) => ({ ...tr, ch1: tr.ch1.map((v) => -v) }))));
      const series = plain.show('slow sine', timer(0, 10).pipe(map((i) => [i * 0.01, Math.sin(i / 20)] as [number, number]), take(400)), { unit: 'V' });
      const page2 = await browser.context.newPage();
      page2.on('pageerror', (e) => pageErrors.push(String(e)));
      await page2.goto(plain.url);
      await page2.waitForFunction(() => (window.labrx?.shown?.['1']?.drawn ?? 0) >= 3 && (window.labrx.shown['2']?.drawn ?? 0) >= 1, null, { timeout: 30_000 });
      const drawn = await page2.evaluate(() => Object.values(window.labrx.shown).map((s) => ({ name: s.name, kind: s.kind, n: s.plot.uplot.data[1]!.length })));
      t.deepEqual(drawn.map((d) => [d.name, d.kind]), [['filtered ch1', 'trace'], ['slow sine', 'series']]);
      t.true(drawn[0]!.n > 100, 'the trace is drawn');
      // the series completes (400 points): its plot stays, saying so
      await series.ended;
      await page2.waitForFunction(() => /completed/.test(document.querySelector('[data-shown-id="2"] [data-state]')?.textContent ?? ''), null, { timeout: 30_000 });
      const shownTrace = await page2.evaluate(() => Array.from(window.labrx.shown['1']!.plot.uplot.data[1]!).slice(0, 50));
      t.true(shownTrace.some((v) => v !== 0), 'the inverted ch1 is on the plot');

      // a bad setting: the SettingsError's message beside the field that caused it
      await page2.click('#scope details.settings > summary');
      await page2.fill('#scope [data-setting=threshold]', '5');
      await page2.press('#scope [data-setting=threshold]', 'Enter');
      await page2.locator('#scope [data-setting=threshold]').blur();
      await page2.waitForFunction(() => (document.querySelector('#scope [data-field-error=threshold]')?.textContent ?? '') !== '', null, { timeout: 30_000 });
      t.regex((await page2.textContent('#scope [data-field-error=threshold]')) ?? '', /threshold = 5 is not allowed.*from -1 to 1 \(V\) at gain 'lv'/);
      t.true(await page2.locator('#scope [data-setting=threshold].invalid').isVisible());
      await shot(page2, 'studio-show-1400x900.png', t);
      filtered.remove();
      await page2.waitForFunction(() => window.labrx.shown['1'] === undefined, null, { timeout: 30_000 });
      await page2.close();
    } finally {
      await plain.close();
    }

    // ---- the fleet view: a small multiple of every board, the failed one marked ----
    const fleet = await connectMany([...Array.from({ length: 5 }, (_, i) => ({ sim: { seed: 20 + i } })), 'scpi://127.0.0.1:1'], { onError: 'collect', timeoutMs: 10_000 });
    // 1 to 5 periods of each board's tone in the 134 ms trace of decimation 1024
    await Promise.all(fleet.boards.map((b, i) => b.asg0.set({ frequency: 7.5 * (i + 1), amplitude: 0.4, output: 'out1' })));
    const fleetStudio = await startStudio({ fleet, fleetScope: { decimation: 1024, trigger: 'ch2-rising' } });
    try {
      const page3 = await browser.context.newPage();
      page3.on('pageerror', (e) => pageErrors.push(String(e)));
      await page3.goto(fleetStudio.url);
      await page3.waitForFunction(() => ((window.labrx as unknown as { fleetDrawn: number } | undefined)?.fleetDrawn ?? 0) >= 3 && document.querySelectorAll('.fleet-cell canvas:not([hidden])').length === 5, null, { timeout: 30_000 });
      t.regex((await page3.textContent('[data-fleet-summary]')) ?? '', /^6 boards · 5 live · 1 failed$/);
      t.regex((await page3.textContent('.fleet-cell.failed')) ?? '', /scpi:\/\/127\.0\.0\.1:1.*failed: /);
      await page3.evaluate(() => scrollTo(0, 10_000));
      await shot(page3, 'studio-fleet-1400x900.png', t);
      await page3.close();
    } finally {
      await fleetStudio.close();
      await fleet.close();
    }
    t.deepEqual(pageErrors, []);
  } finally {
    await browser.close();
    await studio.close();
    await board.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
