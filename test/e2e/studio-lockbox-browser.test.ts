import { existsSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { VirtualClock } from '@labrx/core/testing';
import { createSimBoard, fabryPerot } from '@labrx/hw-sim';
import { Board } from '@labrx/instruments';
import { startStudio } from 'labrx';
import { CHROMIUM, launchChromium } from '../helpers/chromium.js';
import { testNeeding } from '../helpers/testNeeding.js';
import { tickVirtualClock } from '../helpers/tickVirtualClock.js';

// The studio's lockbox panel in Debian's Chromium: the board (a simulated Fabry–Perot cavity, as in
// test/labrx/studio-lockbox.test.ts) runs in virtual time that the test advances while the page
// draws. The screenshot goes to test-artifacts/ (printed) and was looked at.

const ARTIFACTS = resolve('test-artifacts');

type Labrx = { ready: boolean; lockbox: { drawn: number; received: number; stages: string[]; status: { locked: boolean; state: string } | null } };
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
