import { testNeeding } from '../helpers/testNeeding.js';
import { existsSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { createSimBoard } from '@labrx/hw-sim';
import { startScpiServer } from '@labrx/scpi';
import { connect, startStudio } from 'labrx';
import { CHROMIUM, launchChromium } from '../helpers/chromium.js';

// The studio's PID/IQ panel in Debian's Chromium: forms generated from the declarations
// (PID_SETTINGS, IQ_MODULE_SETTINGS); pid0's p set through its form is written to the board and its
// read-back (the FPGA's quantisation) shown; a bad value shows its SettingsError beside the field;
// a plain SCPI board shows no panel.

const ARTIFACTS = resolve('test-artifacts');

type Labrx = { ready: boolean; settings: Record<string, Record<string, unknown> | undefined>; errors: { instrument: string; setting?: string; message: string }[] };
declare const window: { labrx: Labrx };

testNeeding(existsSync(CHROMIUM), `${CHROMIUM} (apt-get install -y chromium)`, "the PID/IQ panel in Chromium: pid0's p set through its form is written and read back", async (t) => {
  const rp = await connect({ sim: { seed: 9, loopDecimation: 256 } });
  const studio = await startStudio({ board: rp });
  const sim = createSimBoard({ seed: 1 });
  const server = await startScpiServer({ board: sim, port: 0 });
  const scpiBoard = await connect(server.url);
  const scpi = await startStudio({ board: scpiBoard });
  const browser = await launchChromium({ width: 1400, height: 1000 });
  const pageErrors: string[] = [];
  try {
    const page = await browser.context.newPage();
    page.on('pageerror', (e) => pageErrors.push(String(e)));
    await page.goto(studio.url);
    await page.waitForFunction(() => window.labrx?.ready && window.labrx.settings.pid0 !== undefined && window.labrx.settings.iq2 !== undefined, null, { timeout: 30_000 });
    t.true(await page.isVisible('#modules'));
    const rows = await page.$$eval('#modules [data-instrument]', (els) => els.map((e) => (e as unknown as { dataset: { instrument: string } }).dataset.instrument));
    t.deepEqual(rows, ['pid0', 'pid1', 'pid2', 'iq0', 'iq1', 'iq2']);
    // the controls are the declared fields: choices as selects, the filter as a list, paused a checkbox
    const pid0 = '#modules [data-instrument="pid0"]';
    t.is(await page.$$eval(`${pid0} [data-setting]`, (els) => els.length), 10);
    t.deepEqual(await page.$$eval(`${pid0} select[data-setting="outputDirect"] option`, (os) => os.map((o) => (o as unknown as { value: string }).value)), ['off', 'out1', 'out2', 'both']);
    t.is(await page.getAttribute(`${pid0} [data-setting="inputFilterHz"]`, 'data-type'), 'list');
    t.is(await page.getAttribute(`${pid0} [data-setting="paused"]`, 'type'), 'checkbox');
    t.is(await page.inputValue(`${pid0} [data-setting="p"]`), '0');

    // p = 0.3 through the form: the board holds 1229/4096 (p has 2^12 steps), and the form shows it
    await page.fill(`${pid0} [data-setting="p"]`, '0.3');
    await page.press(`${pid0} [data-setting="p"]`, 'Enter');
    await page.locator(`${pid0} [data-setting="p"]`).blur();
    await page.waitForFunction(() => window.labrx.settings.pid0?.p === 1229 / 4096, null, { timeout: 30_000 });
    t.is((await rp.pid0!.get()).p, 1229 / 4096);
    t.is(await page.inputValue(`${pid0} [data-setting="p"]`), String(1229 / 4096));
    // the filter as a list: one stage asked, four read back (the FPGA's nearest cutoff, then off)
    await page.fill(`${pid0} [data-setting="inputFilterHz"]`, '1000');
    await page.locator(`${pid0} [data-setting="inputFilterHz"]`).blur();
    await page.waitForFunction(() => (window.labrx.settings.pid0?.inputFilterHz as number[] | undefined)?.[0] !== 0, null, { timeout: 30_000 });
    const filter = (await rp.pid0!.get()).inputFilterHz;
    t.is(filter.length, 4);
    t.regex(await page.inputValue(`${pid0} [data-setting="inputFilterHz"]`), /^\d+(\.\d+)?, 0, 0, 0$/);

    // a bad value: its SettingsError beside the field, nothing written
    await page.fill(`${pid0} [data-setting="i"]`, '1e6');
    await page.locator(`${pid0} [data-setting="i"]`).blur();
    await page.waitForFunction(() => window.labrx.errors.some((e) => e.instrument === 'pid0' && e.setting === 'i'), null, { timeout: 30_000 });
    t.regex((await page.textContent(`${pid0} .field-error[data-field-error="i"]`)) ?? '', /pid0\.i = 1000000 is not allowed: a number from -38856\.\d+ to 38856\.\d+ \(Hz\)/);
    t.is((await rp.pid0!.get()).i, 0);
    mkdirSync(ARTIFACTS, { recursive: true });
    const shot = join(ARTIFACTS, 'studio-modules-1400x1000.png');
    await page.locator('#modules').screenshot({ path: shot });
    t.log(`screenshot: ${shot}`);

    // a plain SCPI board: no PIDs, no IQ module configuration, no panel
    const plain = await browser.context.newPage();
    await plain.goto(scpi.url);
    await plain.waitForFunction(() => window.labrx?.ready, null, { timeout: 30_000 });
    t.false(await plain.isVisible('#modules'));
    t.is(await plain.$$eval('#modules [data-instrument]', (els) => els.length), 0);
    t.deepEqual(pageErrors, []);
  } finally {
    await browser.close();
    await scpi.close();
    await scpiBoard.close();
    await server.close();
    await sim.close();
    await studio.close();
    await rp.close();
  }
});
