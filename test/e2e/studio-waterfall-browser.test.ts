import { existsSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { initFftBackend } from '@labrx/core';
import { VirtualClock } from '@labrx/core/testing';
import { connect, startStudio } from 'labrx';
import type { Page } from 'playwright-core';
import { CHROMIUM, launchChromium } from '../helpers/chromium.js';
import { testNeeding } from '../helpers/testNeeding.js';
import { tickVirtualClock } from '../helpers/tickVirtualClock.js';

// The studio's waterfall in Debian's Chromium: the simulator (virtual time, advanced by the test
// while the page draws) sends a tone from out1 to in2; the page starts the waterfall on in2 with
// 1024-point segments at decimation 64 (513 bins of 1907.3 Hz, one column per bin at this width),
// and the brightest column — of the decoded rows and of the coloured canvas — is the tone's bin
// within one bin. Stop, and closing the page, release the scope's lease. A spectrogram shown from a
// script (`studio.show(rp.specan.spectrogram$(…))`) is drawn as a waterfall too. The screenshot
// goes to test-artifacts/ (printed) and was looked at.

const ARTIFACTS = resolve('test-artifacts');
const FS_D = 125e6 / 64; // decimation 64
const POINTS = 1024;
const BIN_HZ = FS_D / POINTS; // 1907.3 Hz
const K = 157; // the tone's bin: 299.4 kHz
const TONE_HZ = K * BIN_HZ;

type Channel = { newest: number[] | null; peakColumn: number; peakHz: number | null; brightestColumn: number; scale: [number, number]; rows: number };
type Summary = { received: number; drawn: number; rowsReceived: number; droppedRows: number; columns: number; bins: number; x0: number; dx: number; unit: string; channels: Record<string, Channel> };
type Labrx = { ready: boolean; errors: { instrument: string; setting?: string }[]; waterfall: { state: string; settings: { points: number; input: string } | null; panel: Summary; shown(id: number): Summary | null } };
declare const window: { labrx: Labrx };
declare const document: { querySelector(s: string): { open: boolean } | null };

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
  const studio = await startStudio({ board: rp });
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

    // a spectrogram shown from a script is a waterfall on the page
    const handle = studio.show('script spectrogram', rp.specan.spectrogram$({ decimation: 64, points: POINTS, input: 'in2', averages: 4 }));
    await page.waitForFunction((id) => (window.labrx.waterfall.shown(id)?.rowsReceived ?? 0) >= 10 && window.labrx.waterfall.shown(id)!.drawn >= 2, handle.id, { timeout: 60_000 });
    const shown = (await page.evaluate((id) => window.labrx.waterfall.shown(id), handle.id))!;
    t.log(`shown: ${shown.rowsReceived} rows, brightest column ${shown.channels.ch2!.brightestColumn}, ${shown.columns} columns`);
    t.true(Math.abs(shown.x0 + shown.channels.ch2!.brightestColumn * shown.dx - TONE_HZ) <= shown.dx + BIN_HZ, 'the shown waterfall: the tone within a column');
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
  }
});
