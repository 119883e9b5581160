import { testNeeding } from '../helpers/testNeeding.js';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { CHROMIUM, launchChromium } from '../helpers/chromium.js';
import { connect, resonator, startStudio } from 'labrx';

const F0 = 1e6;
const ARTIFACTS = 'test-artifacts';

type Studio = {
  ready: boolean;
  errors: { instrument: string; setting?: string }[];
  scope: { drawn: number; acquisitionRate: number };
  specan: { received: number; frequencies: Float64Array; ch2: (number | null)[] };
  na: { complete: boolean; sweeps: number; done: number; total: number };
  plots: { na: { uplot: { data: number[][] } }; specan: { uplot: { data: number[][] } } };
};
declare const window: { labrx: Studio };

/** Frequency of the largest ch2 value the spectrum plot was given, and the plot's x step (Hz). */
async function specanPeak(page: Page): Promise<{ f: number; step: number }> {
  return page.evaluate(() => {
    const s = window.labrx.specan;
    let k = 1;
    for (let i = 1; i < s.ch2.length; i++) if ((s.ch2[i] ?? -Infinity) > (s.ch2[k] ?? -Infinity)) k = i;
    return { f: s.frequencies[k]!, step: s.frequencies[2]! - s.frequencies[0]! };
  });
}

testNeeding(existsSync(CHROMIUM), `${CHROMIUM} (apt-get install -y chromium)`, 'the studio in headless Chromium: NA resonance at f0, specan peak follows the generator', async (t) => {
  const board = await connect({ sim: { seed: 7, dut: resonator({ f0: F0, q: 20, gain: 0.5 }) } });
  const studio = await startStudio({ board });
  const browser = await launchChromium();
  try {
    const page = await browser.context.newPage();
    const pageErrors: string[] = [];
    page.on('pageerror', (e) => pageErrors.push(String(e)));
    await page.goto(studio.url);
    await page.waitForFunction(() => window.labrx?.ready === true);

    // the controls are built from the server's field descriptors (the declarations): the scope's
    // gain is a select of its declared choices, with the declared doc and allowed values as tooltip
    const gainOptions = await page.$$eval('#scope select[data-setting=gain] option', (os) => os.map((o) => (o as unknown as { value: string }).value));
    t.deepEqual(gainOptions, ['lv', 'hv']);
    t.regex((await page.getAttribute('#scope label:has([data-setting=gain])', 'title')) ?? '', /input gain: 'lv' ±1 V or 'hv' ±20 V full scale \(jumpers\): one of 'lv', 'hv'/);

    // a bad setting is refused and shown with the setting, the value and what is allowed
    await page.click('#na details.settings > summary');
    await page.fill('#na [data-setting=points]', '0');
    await page.click('#na [data-run=single]');
    await page.waitForSelector('#na [data-error]:not([hidden])');
    const shown = await page.textContent('#na [data-error]');
    t.regex(shown ?? '', /na\.points = 0 is not allowed/);
    t.regex(shown ?? '', /setting: points · value: 0 · allowed: an integer/);

    // NA Single over the resonance: 101 log points from 5e5 to 2e6 Hz hold f0 = 5e5·4^(50/100)
    await page.fill('#na [data-setting=start]', '5e5');
    await page.fill('#na [data-setting=stop]', '2e6');
    await page.fill('#na [data-setting=points]', '101');
    await page.click('#na [data-run=single]');
    // the sweep is drawn as it goes: at some animation frame the plot holds part of it
    const partial = await page.waitForFunction(
      () => {
        const n = window.labrx.plots.na.uplot?.data[0]?.length ?? 0;
        return n > 0 && n < 101 && !window.labrx.na.complete ? n : false;
      },
      null,
      { timeout: 30_000, polling: 'raf' },
    );
    t.true((await partial.jsonValue()) as number < 101);
    await page.waitForFunction(() => window.labrx.na.complete, null, { timeout: 30_000 });
    await page.waitForTimeout(100); // one more animation frame draws the finished sweep
    const drawn = await page.evaluate(() => window.labrx.plots.na.uplot.data.map((a) => Array.from(a)));
    const [f, db] = drawn as [number[], number[]];
    t.is(f.length, 101, 'every point is on the plot');
    const k = db.indexOf(Math.max(...db));
    // the peak is the grid point at f0 (Float32 holds 1e6 exactly) …
    t.is(f[k], F0);
    // … at |H| = gain = 0.5, −6.02 dB (noise is 1e-4 relative, 0.001 dB; see test/labrx)
    t.true(Math.abs(db[k]! - 20 * Math.log10(0.5)) < 0.02, `${db[k]} dB`);
    t.regex((await page.textContent('#na [data-progress-text]')) ?? '', /^101 \/ 101 points · sweep 1 done/);

    // the generator on out1 reaches in2 directly: the specan's ch2 peak sits at its frequency
    await page.selectOption('[data-instrument=asg0] [data-setting=output]', 'out1');
    await page.fill('[data-instrument=asg0] [data-setting=amplitude]', '0.5');
    await page.click('#specan details.settings > summary');
    await page.selectOption('#specan [data-setting=decimation]', '64');
    const peaks: { f: number; step: number }[] = [];
    for (const tone of [2e5, 3.5e5]) {
      await page.fill('[data-instrument=asg0] [data-setting=frequency]', String(tone));
      await page.click('[data-instrument=asg0] [data-apply]');
      await page.waitForFunction((hz) => (window.labrx as unknown as { settings: { asg0: { frequency: number } } }).settings.asg0.frequency === hz, tone);
      const before = await page.evaluate(() => window.labrx.specan.received);
      await page.click('#specan [data-run=single]');
      await page.waitForFunction((n) => window.labrx.specan.received > n, before, { timeout: 30_000 });
      const peak = await specanPeak(page);
      // The plot gets a min/max envelope: each pair of values spans one pixel column of
      // `step` Hz, so the column holding the tone's bin starts at most one column before it.
      t.true(Math.abs(peak.f - tone) <= peak.step, `tone ${tone} Hz, plotted peak ${peak.f} Hz (column ${peak.step} Hz)`);
      peaks.push(peak);
    }
    t.true(peaks[1]!.f - peaks[0]!.f > 1.4e5, 'the peak moved with the generator');

    // the generator's Trigger button: the board's software trigger, its time shown in the panel
    await page.click('[data-instrument=asg0] [data-trigger]');
    await page.waitForSelector('[data-instrument=asg0] [data-triggered]:has-text("triggered at")');
    t.regex((await page.textContent('[data-instrument=asg0] [data-triggered]')) ?? '', /^triggered at \d+\.\d{6} s \(board time\)$/);

    // scope Run shows the acquisition rate; at decimation 1 a trace takes 131 µs
    await page.click('#scope [data-run=run]');
    await page.waitForFunction(() => window.labrx.scope.drawn >= 10, null, { timeout: 30_000 });
    await page.waitForTimeout(600);
    t.regex((await page.getAttribute('#scope [data-state]', 'title')) ?? '', /[\d.]+ acquisitions\/s · [\d.]+ frames\/s drawn · min\/max envelope/);
    await page.click('#scope [data-run=stop]');
    await page.waitForFunction(() => (window.labrx as unknown as { states: { scope: { mode: string } } }).states.scope.mode === 'idle');

    mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: join(ARTIFACTS, 'studio.png'), fullPage: true });
    t.deepEqual(pageErrors, []);
  } finally {
    await browser.close();
    await studio.close();
    await board.close();
  }
});
