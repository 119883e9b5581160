/**
 * Gapless streams and the real-time spectrum analyzer (issue 18).
 *
 *   pnpm bench gapless        (or: npx tsx bench/gapless.bench.ts)
 *
 * 1. Stream production on the embedded simulator: both channels of `continuous$` (16384-sample
 *    blocks, a sine through the default board plus noise) rendered in virtual time, per CPU second,
 *    for several decimations (best of 3 rounds; the consumer drops each block); the
 *    decimation-1-equivalent rate it sustains on one core as a fraction of the hardware's 125 MS/s
 *    per channel. Baseline in the same run (best of 3 too): a bare loop writing 0.3·sin(φ) into two
 *    arrays (the cheapest "signal" there is).
 * 2. The same on the real clock: `continuous$` with onOverflow 'gap' for 2 s at decimations 4, 8,
 *    16; lost samples say whether it keeps up (0: it does).
 * 3. Real-time spectra per CPU second, 16384 points, 50 % overlap, Hann, both channels (one
 *    "spectrum" = one segment of each channel: window, FFT, |X|², running mean), through
 *    `welchSpectra` on ready blocks, default backend (pffft) and fft.js; against numpy (the
 *    `python3` on PATH, OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE unset for it alone) doing the same
 *    per segment (window, rfft, re² + im², per-bin scale, a fresh result), written the faster of
 *    two ways: one rfft call per channel, or both channels in one call; against what the stream needs at decimation 8 (15.6 MS/s per channel: one segment
 *    per 8192 samples = 1907 /s).
 * 4. End to end: `rp.specan.realtime$` at decimation 8 in virtual time (simulation + Welch): CPU
 *    seconds per board second (< 1: keeps up on one core), best of 2.
 * Sections 3 and 4 run in processes of their own (see `part` below).
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { cpus, loadavg } from 'node:os';
import { mkdirSync, writeFileSync } from 'node:fs';
import { firstValueFrom, from, last, reduce, take, toArray, type Observable } from 'rxjs';
import { initFftBackend, welchSpectra, type FftBackend, type SampleBlock, type StreamBlock } from '@labrx/core';
import { VirtualClock } from '@labrx/core/testing';
import { connect } from 'labrx';

import { cpuMs } from './measure.js';

const FS = 125e6;

async function simBoard(clock?: VirtualClock) {
  const rp = await connect({ sim: { seed: 1, noiseDensity: 1e-7, ...(clock ? { scheduler: clock } : {}) } });
  await rp.asg0.set({ frequency: 1.1e6, amplitude: 0.4, output: 'out1' });
  return rp;
}

// 3. Welch spectra per CPU second on ready blocks
// 64 blocks of the simulated stream at decimation 8, analysed again and again
async function readyBlocks(): Promise<SampleBlock[]> {
  const clock = new VirtualClock();
  const rp = await simBoard(clock);
  const blocks = (await clock.run(firstValueFrom(rp.scope.continuous$({ decimation: 8 }).pipe(take(64), toArray())))).filter((b): b is SampleBlock => b.kind === 'samples');
  await rp.close();
  await initFftBackend('pffft');
  return blocks;
}

/** Segments (one of each channel) per CPU second; with averages 1 every segment is a spectrum. */
function welchRate(ready: readonly SampleBlock[], backend: FftBackend, averages = 1): number {
  const op = welchSpectra({ points: 16384, hopSamples: 8192, window: 'hann', backend, averages, input: 'both', decimation: 8, boxcar: true, sampleRateHz: FS });
  let spectra = 0;
  let index = 0;
  const round = () => {
    // the same 64 blocks again and again, renumbered so they stay one gapless stream
    const blocks: StreamBlock[] = ready.map((b) => ({ ...b, index: (index += b.samples) - b.samples }));
    (op(from(blocks)) as Observable<unknown>).subscribe(() => spectra++);
  };
  round();
  spectra = 0;
  const start = cpuMs();
  while (cpuMs() - start < 1500) round();
  return (spectra * averages * 1000) / (cpuMs() - start);
}
// End to end: rp.specan.realtime$ at decimation 8 in virtual time; CPU s per board s.
async function endToEnd(): Promise<number> {
  const clock = new VirtualClock();
  const rp = await simBoard(clock);
  const boardS = 0.5;
  const segments = Math.floor((boardS * FS) / 8 / 8192);
  await clock.run(firstValueFrom(rp.specan.realtime$({ decimation: 8, points: 16384, overlap: 0.5 }).pipe(take(4), toArray())));
  const start = cpuMs();
  // a real-time consumer keeps what it shows, not every spectrum: holding all 953 (120 MB) made this row a
  // measure of the garbage collector (2.5–3 CPU s per board s against 1.2–1.5 with last())
  await clock.run(firstValueFrom(rp.specan.realtime$({ decimation: 8, points: 16384, overlap: 0.5 }).pipe(take(segments), last())));
  const perBoardS = (cpuMs() - start) / 1000 / ((segments * 8192 * 8) / FS);
  await rp.close();
  return perBoardS;
}

// Sections 3 and 4 each run in a process of their own (this file again, with LABRX_GAPLESS_PART
// set; it prints its figures as JSON): in the process that has just streamed sections 1 and 2, V8
// ran ~50 old-generation collections ("external memory pressure") during the Welch rounds against
// 1 in a fresh process, and the same code measured about half the rate (decision 0016). Each part
// is the component alone, as bench/run.ts runs each bench alone.
const PART = process.env.LABRX_GAPLESS_PART;
if (PART === 'welch') {
  const ready = await readyBlocks();
  const rates: Record<string, number> = {};
  for (let r = 0; r < 3; r++) {
    for (const backend of ['pffft', 'fftjs'] as const) rates[backend] = Math.max(rates[backend] ?? 0, welchRate(ready, backend));
    rates.avg16 = Math.max(rates.avg16 ?? 0, welchRate(ready, 'pffft', 16));
  }
  console.log(JSON.stringify(rates));
  process.exit(0);
}
if (PART === 'welch-default-only') {
  const ready = await readyBlocks();
  let best = 0;
  for (let r = 0; r < 3; r++) best = Math.max(best, welchRate(ready, 'pffft'));
  console.log(JSON.stringify({ pffft: best }));
  process.exit(0);
}
if (PART === 'e2e') {
  let best = Number.POSITIVE_INFINITY;
  for (let r = 0; r < 2; r++) best = Math.min(best, await endToEnd());
  console.log(JSON.stringify({ e2e: best }));
  process.exit(0);
}

/** Runs one part in a fresh process (extra environment `env`); its JSON figures, or NaN ones if it failed. */
function part(name: string, env: Record<string, string> = {}): Record<string, number> {
  const r = spawnSync(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url)], { env: { ...process.env, ...env, LABRX_GAPLESS_PART: name }, encoding: 'utf8' });
  if (r.status !== 0) {
    console.error(`part ${name} failed: ${r.stderr.slice(0, 400)}`);
    return {};
  }
  return JSON.parse(r.stdout.trim().split('\n').pop()!) as Record<string, number>;
}

// 1. production rate in virtual time
function baselineRate(): number {
  const n = 16384;
  const a = new Float64Array(n);
  const b = new Float64Array(n);
  const start = cpuMs();
  let samples = 0;
  let phi = 0;
  while (cpuMs() - start < 600) {
    for (let i = 0; i < n; i++) {
      a[i] = 0.3 * Math.sin(phi + i * 0.01);
      b[i] = 0.3 * Math.sin(phi + i * 0.013);
    }
    phi += 1;
    samples += n;
  }
  return (samples * 1000) / (cpuMs() - start);
}

// The consumer counts samples and drops each block, as one that keeps up does (collecting all 96
// blocks, 25 MB, made the garbage collector's work land in some rows and not others). The
// per-sample cost does not depend on the decimation (every periodic signal is rendered in closed
// form), so rows differ only by noise: each is the best of 3 rounds, decimations interleaved.
async function productionRate(decimation: number): Promise<number> {
  const clock = new VirtualClock();
  const rp = await simBoard(clock);
  const blocks = 96;
  await clock.run(firstValueFrom(rp.scope.continuous$({ decimation }).pipe(take(8), toArray()))); // warm up
  const start = cpuMs();
  await clock.run(firstValueFrom(rp.scope.continuous$({ decimation }).pipe(take(blocks), reduce((n, b) => n + b.samples, 0))));
  const ms = cpuMs() - start;
  await rp.close();
  return (blocks * 16384 * 1000) / ms; // samples per channel per CPU second (both channels rendered)
}

let baseline = 0;
const decimations = [1, 4, 8, 16, 32, 64];
const production = decimations.map((decimation) => ({ decimation, rate: 0 }));
for (let round = 0; round < 3; round++) {
  baseline = Math.max(baseline, baselineRate());
  for (const p of production) p.rate = Math.max(p.rate, await productionRate(p.decimation));
}
// a decimation is kept up when the simulator renders its stream (FS/d per channel) at least as fast as it flows
const keptUp = production.filter((p) => p.rate >= FS / p.decimation);
const lowestKeepingUp = keptUp.length ? Math.min(...keptUp.map((p) => p.decimation)) : null;
const best = lowestKeepingUp === null ? 0 : FS / lowestKeepingUp;

// 2. real clock
async function realClock(decimation: number): Promise<{ lost: number; got: number }> {
  const rp = await simBoard();
  let lost = 0;
  let got = 0;
  await new Promise<void>((resolve) => {
    const sub = rp.scope.continuous$({ decimation, onOverflow: 'gap' }).subscribe((b) => {
      if (b.kind === 'gap') lost += b.samples;
      else got += b.samples;
      if (b.index * decimation >= 2 * FS) {
        sub.unsubscribe();
        resolve();
      }
    });
  });
  await rp.close();
  return { lost, got };
}
const real: { decimation: number; lost: number; got: number }[] = [];
for (const decimation of [4, 8, 16]) real.push({ decimation, ...(await realClock(decimation)) });

const rates = part('welch');
// the default path again with glibc's thresholds fixed at their defaults (MALLOC_TRIM_THRESHOLD_
// set to its default value turns glibc's dynamic thresholds off, so `keepFreedMemory` has no
// effect there; decision 0016, "Fresh memory"): what the priming is worth, every spectrum being a
// fresh 2 × 64 KiB
rates.fixedThresholds = part('welch-default-only', { MALLOC_TRIM_THRESHOLD_: '131072' }).pffft ?? Number.NaN;

// numpy doing the same work per segment as welchSpectra with averages 1: window multiply, rfft,
// |X|² (real² + imag², not abs()**2, which takes a square root first), a per-bin scale (4/(Σw)², the
// boxcar compensation folded in, as ours), into a fresh array per channel (ours: a fresh spectrum).
// Two ways to write it: one rfft call per channel, or both channels as one (2, n) array in one call,
// which numpy 2.x runs markedly faster per row; the faster is the baseline ("the fastest numpy").
const PY = `
import numpy as np, time
n, hop = 16384, 8192
rng = np.random.default_rng(1)
x = 0.4*np.sin(2*np.pi*0.0704*np.arange(n*33)) + 1e-3*rng.standard_normal(n*33)
y = x[::-1].copy()
xy = np.stack([x, y])
w = np.hanning(n+1)[:-1]
gain = 1 + np.arange(n//2+1)/(n//2)   # stands for 1/|H(f)|²; any array costs the same
scale = np.full(n//2+1, 4.0/np.sum(w)**2)*gain; scale[0] /= 4; scale[-1] /= 4
def per_channel(i):
    out = []
    for s in (x, y):
        X = np.fft.rfft(s[i*hop:i*hop+n]*w)
        p = X.real**2; p += X.imag**2; p *= scale
        out.append(p)
    return out
def both_channels(i):
    X = np.fft.rfft(xy[:, i*hop:i*hop+n]*w, axis=-1)
    p = X.real**2; p += X.imag**2; p *= scale
    return p
M = np.zeros((2, n//2+1))
def both_accumulating(i):   # averages > 1: the running mean instead of a fresh result
    X = np.fft.rfft(xy[:, i*hop:i*hop+n]*w, axis=-1)
    p = X.real**2; p += X.imag**2; p *= scale
    M[:] += (p - M)*0.0625
rates = []
for f in (per_channel, both_channels, both_accumulating):
    best = 0
    for r in range(3):
        k = 0; t0 = time.process_time()
        while time.process_time() - t0 < 1.5:
            f(k % 64); k += 1
        best = max(best, k/(time.process_time()-t0))
    rates.append(best)
t0 = time.process_time()
for i in range(2000): np.fft.rfft(x[:n])
print(max(rates[:2]), rates[0], rates[1], rates[2], (time.process_time()-t0)/2000*1e6, np.__version__)
`;
const env = { ...process.env };
delete env.OPENBLAS_CORETYPE;
delete env.OPENBLAS_L2_SIZE;
const py = spawnSync('python3', ['-c', PY], { env, encoding: 'utf8' });
const [numpyRate, numpyPerChannel, numpyBoth, numpyAccumulating, numpyRfftUs, numpyVersion] = py.status === 0 ? py.stdout.trim().split(/\s+/) : ['NaN', 'NaN', 'NaN', 'NaN', 'NaN', `failed: ${py.stderr.slice(0, 200)}`];
const needed = FS / 8 / 8192;

// 4. end to end, virtual time (best of 2 runs, in a process of its own)
const e2eCpuPerBoardS = part('e2e').e2e ?? Number.NaN;

const f = (x: number, d = 0) => x.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d });
const lines = [
  '## Gapless streams and the real-time spectrum analyzer (bench/gapless.bench.ts)',
  '',
  `Command: \`pnpm bench gapless\`. Machine: ${cpus().length} × ${cpus()[0]?.model.split(' ').slice(0, 2).join(' ')}, Node ${process.version}. One run, CPU time of one process (single-threaded). Load average during the run: ${loadavg().map((l) => l.toFixed(1)).join(', ')} on ${cpus().length} cores (other work shares them: CPU time is inflated too, and the real-clock rows get a fraction of a core).`,
  '',
  '| what | figure | baseline (same run) | ratio |',
  '|---|---|---|---|',
  ...production.map(
    (p) =>
      `| continuous$ on the embedded simulator, decimation ${p.decimation} (stream: ${f(FS / p.decimation / 1e6, 1)} MS/s per channel): samples per channel (both rendered) per CPU second, best of 3 | ${f(p.rate / 1e6, 1)} MS/s | bare 0.3·sin loop into two arrays: ${f(baseline / 1e6, 1)} MS/s | ${f(p.rate / baseline, 3)}; ${p.rate >= FS / p.decimation ? 'keeps up' : 'too slow'} (${f((p.rate * p.decimation) / FS, 2)}× real time) |`,
  ),
  `| **highest decimation-1-equivalent rate kept up on one core** (125 MS/s / lowest decimation kept up) | **${f(best / 1e6, 1)} MS/s per channel = ${f((100 * best) / FS, 1)} % of 125 MS/s** | – | lowest decimation kept up: ${lowestKeepingUp ?? '> 64'} |`,
  ...real.map((r) => `| continuous$ on the real clock, decimation ${r.decimation}, 2 s, onOverflow 'gap' | ${f(r.lost)} samples lost of ${f(r.got + r.lost)} | – | ${r.lost === 0 ? 'keeps up' : 'falls behind'} |`),
  `| realtime spectra (16384 points, 50 % overlap, Hann, 2 channels) per CPU s, default backend pffft | ${f(rates.pffft!)} /s | fastest numpy ${numpyVersion}, same work (window, rfft, re² + im², per-bin scale, fresh result): ${f(Number(numpyRate))} /s (both channels in one rfft call: ${f(Number(numpyBoth))} /s; one call per channel: ${f(Number(numpyPerChannel))} /s; rfft 16384 alone: ${f(Number(numpyRfftUs))} µs) | **${f(rates.pffft! / Number(numpyRate), 2)}×** numpy (goal ≥ 1.5) |`,
  `| … the same without keepFreedMemory (a process with glibc's thresholds fixed: MALLOC_TRIM_THRESHOLD_=131072) | ${f(rates.fixedThresholds!)} /s | default (above): ${f(rates.pffft!)} /s | ${f(rates.fixedThresholds! / rates.pffft!, 2)} |`,
  `| … against what decimation 8 needs (15.6 MS/s per channel, one segment per 8192 samples) | ${f(rates.pffft!)} /s | needed: ${f(needed)} /s | **${f(rates.pffft! / needed, 2)}×** headroom |`,
  `| … averages 16 (segments per CPU s; one fresh result per 16 segments, the rest into the running mean) | ${f(rates.avg16!)} /s | numpy, both channels in one call, into a running mean: ${f(Number(numpyAccumulating))} /s | **${f(rates.avg16! / Number(numpyAccumulating), 2)}×** |`,
  `| … fft.js (Float64) backend | ${f(rates.fftjs!)} /s | default pffft: ${f(rates.pffft!)} /s | ${f(rates.fftjs! / rates.pffft!, 3)} |`,
  `| rp.specan.realtime$ end to end at decimation 8 (simulation + Welch; the consumer keeps the newest spectrum), virtual time, best of 2 | ${f(e2eCpuPerBoardS, 2)} CPU s per board s | real time: 1 | ${e2eCpuPerBoardS < 1 ? 'keeps up on one core' : 'does not keep up on one core'} |`,
  '',
];
mkdirSync('bench/results', { recursive: true });
writeFileSync('bench/results/gapless.md', lines.join('\n'));
console.log(lines.join('\n'));
