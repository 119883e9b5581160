import { existsSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { VirtualClock } from '@labrx/core/testing';
import { createSimBoard, fabryPerot } from '@labrx/hw-sim';
import { Board, plainLockboxConfig } from '@labrx/instruments';
import { startStudio } from 'labrx';
import { CHROMIUM, launchChromium } from '../helpers/chromium.js';
import { testNeeding } from '../helpers/testNeeding.js';
import { tickVirtualClock } from '../helpers/tickVirtualClock.js';

// The studio's lockbox panel in Debian's Chromium: the board (a simulated Fabry–Perot cavity, as in
// test/labrx/studio-lockbox.test.ts) runs in virtual time that the test advances while the page
// draws. The screenshot goes to test-artifacts/ (printed) and was looked at.

const ARTIFACTS = resolve('test-artifacts');

type Labrx = {
  ready: boolean;
  lockbox: {
    drawn: number;
    received: number;
    stages: string[];
    status: { locked: boolean; state: string } | null;
    /** The configuration editor: what it shows and where that came from. */
    editor: { source: string; config(): { inputs: Record<string, unknown>; outputs: Record<string, { unityGainHz: number }>; sequence: { name: string; setpoint: number }[] } | null };
  };
};
declare const window: { labrx: Labrx };

testNeeding(existsSync(CHROMIUM), `${CHROMIUM} (apt-get install -y chromium)`, 'the lockbox panel in Chromium: Lock shows the stages, "locked" and the error and output; Unlock', async (t) => {
  const clock = new VirtualClock();
  const plant = fabryPerot({ finesse: 3000, fsrHz: 1.5e9, piezoHzPerV: 5e6, detuningHz: 1e6, powerV: 0.8, randomWalkHzPerRtS: 1e5, seed: 12 });
  const rp = new Board(createSimBoard({ seed: 12, dut: plant, scheduler: clock, noiseDensity: 1e-9 }));
  const studio = await startStudio({ board: rp });
  const browser = await launchChromium({ width: 1400, height: 900 });
  // board time moves 2 ms per 5 ms of real time while the page looks on
  const ticking = tickVirtualClock(clock);
  try {
    const page = await browser.context.newPage();
    const pageErrors: string[] = [];
    page.on('pageerror', (e) => pageErrors.push(String(e)));
    await page.goto(studio.url);
    await page.waitForFunction(() => window.labrx?.ready === true, null, { timeout: 30_000 });
    t.true(await page.isVisible('#lockbox'), 'a board with PIDs shows the panel');
    t.deepEqual(await page.$$eval('#lockbox [data-lock-preset] option', (os) => os.map((o) => (o as unknown as { value: string }).value)), ['sideOfFringe', 'fabryPerotPdh', 'michelsonMidFringe']);
    await page.click('#lockbox [data-lock]');
    await page.waitForFunction(() => window.labrx.lockbox.status?.locked === true && window.labrx.lockbox.drawn >= 5, null, { timeout: 60_000 });
    t.is(await page.textContent('#lockbox [data-lock-state]'), 'locked');
    const stages = await page.evaluate(() => window.labrx.lockbox.stages);
    t.log(`stages shown: ${stages.join(' · ')}`);
    t.is(stages.length, 3);
    t.regex(stages[1]!, /^stage side/);
    t.regex(stages[2]!, /^locked/);
    t.true(rp.lockbox.status.locked);
    mkdirSync(ARTIFACTS, { recursive: true });
    const path = join(ARTIFACTS, 'studio-lockbox.png');
    await page.screenshot({ path });
    t.log(`screenshot: ${path}`);
    await page.click('#lockbox [data-unlock]');
    await page.waitForFunction(() => window.labrx.lockbox.status?.state === 'unlocked', null, { timeout: 30_000 });
    t.is(rp.lockbox.status.state, 'unlocked');
    t.deepEqual(pageErrors, []);
  } finally {
    await browser.close();
    await studio.close();
    await ticking.stop();
    await rp.close();
  }
});

testNeeding(existsSync(CHROMIUM), `${CHROMIUM} (apt-get install -y chromium)`, 'the lockbox editor in Chromium: load a preset, edit a field, add and reorder stages, rename an input, Apply (a bad value shown at its field), Lock: "locked" with the edited configuration', async (t) => {
  const clock = new VirtualClock();
  const plant = fabryPerot({ finesse: 3000, fsrHz: 1.5e9, piezoHzPerV: 5e6, detuningHz: 1e6, powerV: 0.8, randomWalkHzPerRtS: 1e5, seed: 12 });
  const rp = new Board(createSimBoard({ seed: 12, dut: plant, scheduler: clock, noiseDensity: 1e-9 }));
  const studio = await startStudio({ board: rp });
  const browser = await launchChromium({ width: 1400, height: 1100 });
  const ticking = tickVirtualClock(clock);
  try {
    const page = await browser.context.newPage();
    const pageErrors: string[] = [];
    page.on('pageerror', (e) => pageErrors.push(String(e)));
    await page.goto(studio.url);
    await page.waitForFunction(() => window.labrx?.ready === true, null, { timeout: 30_000 });
    const lb = '#lockbox';
    const piezo = `${lb} [data-part="lockbox.outputs.piezo"]`;
    const set = async (selector: string, value: string) => {
      await page.fill(selector, value);
      await page.press(selector, 'Enter');
    };
    // nothing in force: the editor opens with the chosen preset's configuration, not applied
    await page.click(`${lb} [data-lock-editor] > summary`);
    await page.waitForFunction(() => window.labrx.lockbox.editor?.source.startsWith('preset sideOfFringe'), null, { timeout: 30_000 });
    // Load preset with an option changed: the editor shows the preset's configuration for it
    await page.click(`${lb} details.menu > summary`);
    await page.fill(`${lb} [data-option="unityGainHz"]`, '800');
    await page.click(`${lb} [data-lock-load]`);
    await page.waitForFunction(() => window.labrx.lockbox.editor.config()?.outputs.piezo?.unityGainHz === 800, null, { timeout: 30_000 });
    t.is(await page.inputValue(`${piezo} [data-setting="unityGainHz"]`), '800');
    t.is(await page.inputValue(`${lb} [data-part="lockbox.inputs.transmission"] [data-setting="model"]`), 'lorentzian');

    // a bad value: Apply shows the server's error at the field, and nothing is in force
    await set(`${piezo} [data-setting="unityGainHz"]`, '-5');
    await page.click(`${lb} [data-lock-apply]`);
    await page.waitForSelector(`${piezo} [data-setting="unityGainHz"].invalid`, { timeout: 30_000 });
    t.regex((await page.textContent(`${lb} [data-error]`)) ?? '', /unityGainHz/);
    t.is(rp.lockbox.config, null);

    // edit a field, add a stage (a copy of the last), edit it: name, setpoint, no integrator jump
    await set(`${piezo} [data-setting="unityGainHz"]`, '400');
    await page.click(`${lb} [data-add-stage]`);
    const second = `${lb} [data-part="lockbox.sequence[1]"]`;
    await set(`${second} > .fields [data-setting="name"]`, 'closer');
    await set(`${second} > .fields [data-setting="setpoint"]`, '0.7');
    await set(`${second} [data-part="lockbox.sequence[1].outputs.piezo"] [data-setting="offset"]`, '');
    t.regex(await page.evaluate(() => window.labrx.lockbox.editor.source), /^edited/);
    // reorder (↑ on the second stage, ↓ on the first), add an input and remove it, rename the input:
    // the stages and lockedInput follow the new name
    const order = () => page.evaluate(() => window.labrx.lockbox.editor.config()!.sequence.map((s) => s.name));
    await page.click(`${second} [data-up]`);
    t.deepEqual(await order(), ['closer', 'side']);
    await page.click(`${lb} [data-part="lockbox.sequence[0]"] [data-down]`);
    t.deepEqual(await order(), ['side', 'closer']);
    await page.click(`${lb} [data-add-input]`);
    t.deepEqual(await page.evaluate(() => Object.keys(window.labrx.lockbox.editor.config()!.inputs)), ['transmission', 'input2']);
    await page.click(`${lb} [data-part="lockbox.inputs.input2"] [data-remove]`);
    await set(`${lb} [data-part="lockbox.inputs.transmission"] [data-name]`, 'cavity');
    await page.click(`${lb} [data-lock-apply]`);
    await page.waitForFunction(() => window.labrx.lockbox.editor.source === 'in force', null, { timeout: 30_000 });
    t.is(rp.lockbox.config!.outputs.piezo!.unityGainHz, 400);
    t.deepEqual(rp.lockbox.config!.sequence.map((s) => [s.name, s.input, s.setpoint, s.outputs.piezo]), [['side', 'cavity', 1, { lock: true, offset: 'from-sweep' }], ['closer', 'cavity', 0.7, { lock: true }]]);
    t.deepEqual(Object.keys(rp.lockbox.config!.inputs), ['cavity']);
    t.is(rp.lockbox.config!.lockedInput, 'cavity');
    t.true(await page.isHidden(`${lb} [data-error]`), 'the error went with the applied configuration');

    await page.click(`${lb} [data-lock]`);
    await page.waitForFunction(() => window.labrx.lockbox.status?.locked === true && window.labrx.lockbox.drawn >= 3, null, { timeout: 60_000 });
    t.is(await page.textContent(`${lb} [data-lock-state]`), 'locked');
    const stages = await page.evaluate(() => window.labrx.lockbox.stages);
    t.log(`stages shown: ${stages.join(' · ')}`);
    t.deepEqual(stages.map((s) => s.split(' (')[0]), ['calibrated cavity', 'stage side', 'stage closer', 'locked']);
    t.true(rp.lockbox.status.locked);
    mkdirSync(ARTIFACTS, { recursive: true });
    const path = join(ARTIFACTS, 'studio-lockbox-editor.png');
    await page.screenshot({ path, fullPage: true });
    t.log(`screenshot: ${path}`);
    await page.click(`${lb} [data-unlock]`);
    await page.waitForFunction(() => window.labrx.lockbox.status?.state === 'unlocked', null, { timeout: 30_000 });
    // a script's configuration shows in the editor
    const inForce = plainLockboxConfig(rp.lockbox.config!);
    rp.lockbox.configure({ ...inForce, outputs: { piezo: { ...inForce.outputs.piezo, unityGainHz: 250 } } });
    await page.waitForFunction(() => window.labrx.lockbox.editor.config()?.outputs.piezo?.unityGainHz === 250, null, { timeout: 30_000 });
    t.is(await page.inputValue(`${piezo} [data-setting="unityGainHz"]`), '250');
    t.deepEqual(pageErrors, []);
  } finally {
    await browser.close();
    await studio.close();
    await ticking.stop();
    await rp.close();
  }
});
