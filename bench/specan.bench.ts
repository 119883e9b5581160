/**
 * The spectrum analyzer as a pipeline vs a bare loop, and the network analyzer's simulation cost.
 *
 *   pnpm bench specan        (or: npx tsx bench/specan.bench.ts)
 *
 * 1. Spectra per second: 16384-point two-channel traces through the Observable pipeline the
 *    spectrum analyzer runs (traceToPowerSpectrum → averageCount → toSpectrumUnit), against a bare
 *    loop doing the same window + FFT + |X|² + running mean on the same fft.js plan. Both start from
 *    ready traces (the simulator's cost is in bench/sim). Rounds alternate; each row keeps its best.
 * 2. rp.specan.single end to end in virtual time (simulation + pipeline), for scale.
 * 3. Network analyzer in virtual time: simulated points per second of real time, and a 1001-point
 *    sweep's real cost beside the hardware's time for it.
 */
import { cpus } from 'node:os';
import { mkdirSync, writeFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { from } from 'rxjs';
import {
  averageCount,
  createFftPlan,
  makeWindow,
  powerSpectrumLens,
  SCOPE_DEFAULTS,
  toSpectrumUnit,
  traceToPowerSpectrum,
  type Trace,
} from '@labrx/core';
import { gaussianSource, VirtualClock } from '@labrx/core/testing';
import { connect, resonator } from 'labrx';

const N = 16384;
const BINS = N / 2 + 1;
const PER_ROUND = 100;
const ROUNDS = 5;

function gaussianTrace(seed: number): Trace {
  const normal = gaussianSource(seed);
  const ch = () => {
    const x = new Float64Array(N);
    for (let i = 0; i < N; i++) x[i] = 0.3 * Math.sin((2 * Math.PI * 1234.5 * i) / N) + 1e-3 * normal();
    return x;
  };
  return { dt: 8e-9, t0: -8192 * 8e-9, ch1: ch(), ch2: ch(), averages: 1, settings: SCOPE_DEFAULTS, timestamp: 0 };
}
const traces = Array.from({ length: 8 }, (_, i) => gaussianTrace(i + 1));
const batch = Array.from({ length: PER_ROUND }, (_, i) => traces[i % traces.length]!);

function pipelineRound(): number {
  const t0 = performance.now();
  let got = 0;
  from(batch)
    .pipe(traceToPowerSpectrum({ window: 'hann' }), averageCount(PER_ROUND, powerSpectrumLens), toSpectrumUnit('Vpk^2', null))
    .subscribe((s) => (got = s.averages));
  if (got !== PER_ROUND) throw new Error('pipeline did not average every trace');
  return (PER_ROUND * 1000) / (performance.now() - t0);
}

const plan = createFftPlan(N);
const w = makeWindow('hann', N).values;
const x = new Float64Array(N), re = new Float64Array(BINS), im = new Float64Array(BINS);
const m1 = new Float64Array(BINS), m2 = new Float64Array(BINS);
function bareRound(): number {
  const t0 = performance.now();
  let sum = 0;
  for (let i = 0; i < N; i++) sum += w[i]!;
  const scale = 4 / (sum * sum);
  m1.fill(0);
  m2.fill(0);
  for (let k = 0; k < PER_ROUND; k++) {
    const tr = batch[k]!;
    for (const [ch, m] of [[tr.ch1, m1], [tr.ch2, m2]] as const) {
      for (let i = 0; i < N; i++) x[i] = ch[i]! * w[i]!;
      plan.forward(x, re, im);
      const c = 1 / (k + 1);
      for (let b = 0; b < BINS; b++) m[b]! += ((re[b]! * re[b]! + im[b]! * im[b]!) * scale - m[b]!) * c;
    }
  }
  return (PER_ROUND * 1000) / (performance.now() - t0);
}

pipelineRound();
bareRound();
let bestPipe = 0, bestBare = 0;
for (let r = 0; r < ROUNDS; r++) {
  bestBare = Math.max(bestBare, bareRound());
  bestPipe = Math.max(bestPipe, pipelineRound());
}
const ratio = bestPipe / bestBare;
console.log(`spectra/s (2 × 16384, hann): pipeline ${bestPipe.toFixed(0)}, bare loop ${bestBare.toFixed(0)}, ratio ${ratio.toFixed(3)} (target ≥ 0.9)`);

// End to end, virtual time
const clock = new VirtualClock();
const rp = await connect({ sim: { seed: 1, scheduler: clock } });
await rp.asg0.set({ frequency: 1e5, amplitude: 0.3, output: 'out1' });
let t0 = performance.now();
await clock.run(rp.specan.single({ decimation: 8, averages: 64 }));
const e2e = (64 * 1000) / (performance.now() - t0);
console.log(`rp.specan.single end to end (simulation + pipeline), virtual time: ${e2e.toFixed(0)} spectra/s`);
await rp.close();

// Network analyzer, virtual time
const nclock = new VirtualClock();
const na = await connect({ sim: { seed: 2, dut: resonator({ f0: 1e6, q: 20, gain: 0.5 }), scheduler: nclock } });
const settings = { start: 0.5e6, stop: 2e6, points: 1001, rbw: 1e3, amplitude: 0.1 };
await nclock.run(na.na.single({ ...settings, points: 21 })); // warm up
const v0 = nclock.now();
t0 = performance.now();
await nclock.run(na.na.single(settings));
const realS = (performance.now() - t0) / 1e3;
const simS = (nclock.now() - v0) / 1e3;
const mode = na.na.usesIqModules ? 'IQ modules' : 'software demodulation of scope traces';
console.log(`NA 1001 points (${mode}): ${realS.toFixed(3)} s real for ${simS.toFixed(3)} s of hardware time; ${(1001 / realS).toFixed(0)} points/s simulated (${(simS / realS).toFixed(1)}× faster than the hardware)`);
await na.close();

mkdirSync('bench/results', { recursive: true });
writeFileSync(
  'bench/results/specan.md',
  `## Spectrum analyzer pipeline and network analyzer cost (bench/specan.bench.ts)

Command: \`pnpm bench specan\`. Machine: ${cpus().length} × ${cpus()[0]?.model}, Node ${process.version}. One run; best of ${ROUNDS} alternating rounds of ${PER_ROUND} traces.

| what | figure | baseline (same run) | ratio |
|---|---|---|---|
| 2 × 16384-point spectra/s through the Observable pipeline (traceToPowerSpectrum → averageCount → toSpectrumUnit) | ${bestPipe.toFixed(0)} /s | bare loop, same fft.js plan: ${bestBare.toFixed(0)} /s | **${ratio.toFixed(3)}** (target ≥ 0.9) |
| rp.specan.single end to end (simulated traces + pipeline), virtual time | ${e2e.toFixed(0)} spectra/s | – | – |
| NA sweep, 1001 points, rbw 1 kHz (${mode}) | ${realS.toFixed(3)} s real | hardware time ${simS.toFixed(3)} s | ${(simS / realS).toFixed(1)}× faster than the hardware; ${(1001 / realS).toFixed(0)} points/s |
`,
);
