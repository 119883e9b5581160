/**
 * The studio waterfall's server-side work per row and per page, beside the analysis that makes the
 * row, in one run:
 *
 *   npx tsx bench/waterfall.bench.ts
 *
 * Rows (per CPU second of this process, best of 3 alternating rounds of 400 ms after a warm-up):
 * - baseline: one windowed real FFT of the segment and |X|² into dB (pffft, Float32) — the least
 *   the analyzer does per row and channel (`averages: 1`);
 * - `WaterfallRows.push`: one channel reduced to the page's columns (max per column) and quantised
 *   to a byte each (what every page showing the waterfall costs per row), then `take()` every 16 rows
 *   (the frames, at ~60 frames/s for ~1000 rows/s);
 * - `SpectrogramHistory.push`: the row copied at full resolution into the ring Export and Save read
 *   (once per page for the panel; once per shown spectrogram).
 * Ratio > 1: a page costs less per row than the analysis of that row. Bytes: per row and channel,
 * against the same row as Float32.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { createFftPlan, initFftBackend, makeWindow } from '@labrx/core';
import { gaussianSource } from '@labrx/core/testing';
import { SpectrogramHistory, WaterfallRows } from 'labrx/testing';
import { stepRatePerCpuS } from './measure.js';

const ROUND_MS = 400;
const ROUNDS = 3;
const WIDTH = 1000;

const measureRate = (step: () => void): number => stepRatePerCpuS(step, ROUND_MS);

await initFftBackend('pffft');
const lines: string[] = [];
const ratios: number[] = [];
const byteRatios: number[] = [];
const keepRatios: number[] = [];
const load = loadavg()[0]!.toFixed(1);
for (const points of [1024, 2048, 16384]) {
  const bins = points / 2 + 1;
  const normal = gaussianSource(points);
  const x = Float64Array.from({ length: points }, (_, i) => 0.2 * Math.sin((2 * Math.PI * 157 * i) / points) + 1e-3 * normal());
  const plan = createFftPlan(points, 'pffft');
  const w = makeWindow('hann', points).values;
  const re = new Float64Array(bins);
  const im = new Float64Array(bins);
  const db = new Float64Array(bins);
  const fft = () => {
    plan.forward(x, re, im, w);
    for (let k = 0; k < bins; k++) db[k] = 10 * Math.log10(re[k]! * re[k]! + im[k]! * im[k]! + 1e-30);
  };
  fft();
  // the row is a tone over a floor, as the page sees it (not NaN: that would skip the quantiser's work)
  if (!db.every(Number.isFinite) || db.indexOf(Math.max(...db)) !== 157) throw new Error('the FFT row is not a tone in bin 157');
  const row = { frequencies: Float64Array.from({ length: bins }, (_, k) => k * 1907.3486328125), ch1: db, ch2: new Float64Array(0), unit: 'dBm' as const, startS: 0, timestamp: 0, rbw: 2861, window: 'hann', averages: 1, settings: null };
  const rows = new WaterfallRows(0, 256);
  let n = 0;
  let frameBytes = 0;
  let framed = 0;
  const push = () => {
    rows.push(row, WIDTH, null);
    if (++n % 16 === 0) {
      frameBytes += rows.take()!.byteLength;
      framed += 16;
    }
  };
  const history = new SpectrogramHistory(256);
  const keep = () => history.push(row);
  const best = { fft: 0, push: 0, keep: 0 };
  for (let r = 0; r < ROUNDS; r++) {
    best.fft = Math.max(best.fft, measureRate(fft));
    best.push = Math.max(best.push, measureRate(push));
    best.keep = Math.max(best.keep, measureRate(keep));
  }
  keepRatios.push(best.keep / best.fft);
  const columns = Math.ceil(bins / Math.ceil(bins / WIDTH));
  const perRow = frameBytes / framed;
  ratios.push(best.push / best.fft);
  byteRatios.push((4 * bins) / perRow);
  lines.push(`| ${points} | ${bins} | ${columns} | ${best.fft.toFixed(0)} | ${best.push.toFixed(0)} | ${(best.push / best.fft).toFixed(1)} | ${best.keep.toFixed(0)} | ${(best.keep / best.fft).toFixed(1)} | ${perRow.toFixed(0)} | ${4 * bins} |`);
  console.log(lines.at(-1));
}

const md = `## Studio waterfall: server work per row and page, beside the row's FFT

Machine: Node ${process.version}, ${cpus().length} cores, ${cpus()[0]?.model ?? 'unknown CPU'}; load average ${load} when it ran (shared machine).
Command: \`npx tsx bench/waterfall.bench.ts\`.

Per CPU second, best of ${ROUNDS} alternating rounds of ${ROUND_MS} ms. Baseline: one windowed pffft FFT of the segment and its dB (the least the analyzer does per row and channel). Page cost: \`WaterfallRows.push\` (reduce to ${WIDTH} pixel columns, max per column; quantise to a byte each) with a frame taken every 16 rows. History: \`SpectrogramHistory.push\` (the row copied, Float64, into the 256-row ring Export and Save read). Bytes per row: in the frames (time, range, codes), against the bins as Float32.

| points | bins | columns | FFT rows/CPU s (baseline) | page rows/CPU s | × baseline | history rows/CPU s | × baseline | bytes/row sent | bytes/row as Float32 bins |
|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|
${lines.join('\n')}

A page's work per row (reduce, quantise, frame) is ${Math.min(...ratios).toFixed(1)}–${Math.max(...ratios).toFixed(1)}× cheaper than the FFT of that row alone (the analyzer does more: the stream, windowing, both channels), so each page showing a waterfall costs less per row than the analysis of that row; the bytes sent are ${Math.min(...byteRatios).toFixed(0)}–${Math.max(...byteRatios).toFixed(0)}× fewer than the bins as Float32. Keeping the row at full resolution for Export and Save is ${Math.min(...keepRatios).toFixed(0)}–${Math.max(...keepRatios).toFixed(0)}× cheaper than its FFT.
`;
mkdirSync(join('bench', 'results'), { recursive: true });
writeFileSync(join('bench', 'results', 'waterfall.md'), md);
console.log(md);
