/**
 * Simulator throughput: two-channel 16384-sample traces per second from SimBoard.sampleInputs
 * (a 1 MHz sine through a resonator on in1, direct on in2, white input noise, 14-bit ADC), against
 * a bare loop that fills the same two arrays with the same math: Math.sin per sample, the same
 * ziggurat Gaussians, the same quantisation. Issue #2 asks for ≥ 1000 traces/s on one core and at
 * most 2× the bare loop's time.
 *
 * Run alone: npx tsx bench/sim.bench.ts   (writes bench/results/sim.md)
 */
import { execSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { firstValueFrom } from 'rxjs';
import { ASG_DEFAULTS, resolveAsgSettings } from '@labrx/core';
import { createSimBoard, fillGaussian, resonator, Xoshiro128 } from '@labrx/hw-sim';

const N = 16384;
const FS = 125e6;
const DECIMATION = 8;
const BOXCAR = true;
const F = 1e6;
const AMPLITUDE = 0.5;
const RHO = 1e-7;
const dut = resonator({ f0: 1.02e6, q: 20, gain: 0.8 });

const board = createSimBoard({ seed: 1, dut, noiseDensity: RHO });
await firstValueFrom(board.setAsg(0, resolveAsgSettings({ frequency: F, amplitude: AMPLITUDE, output: 'out1' }, board.info, ASG_DEFAULTS)));
const ch1 = new Float64Array(N);
const ch2 = new Float64Array(N);
const traceS = (N * DECIMATION) / FS;

let simCalls = 0;
function simStep(): void {
  board.sampleInputs({ startS: simCalls++ * traceS, decimation: DECIMATION, boxcar: BOXCAR }, ch1, ch2);
}

// The bare loop: the same per-sample math with every constant hoisted and nothing else.
const h = dut.response(F);
const dirichlet = Math.sin((Math.PI * F * DECIMATION) / FS) / (DECIMATION * Math.sin((Math.PI * F) / FS));
const amp1 = AMPLITUDE * Math.hypot(h.re, h.im) * dirichlet;
const amp2 = AMPLITUDE * dirichlet;
const dphi = Math.atan2(h.im, h.re);
const w = (2 * Math.PI * F * DECIMATION) / FS;
const sigma = RHO * Math.sqrt(FS / 2 / (BOXCAR ? DECIMATION : 1));
const LSB = 2 / 2 ** 14;
const g1 = new Float64Array(N);
const g2 = new Float64Array(N);
const rng = new Xoshiro128(99);
let bareCalls = 0;
function bareStep(): void {
  fillGaussian(rng, g1);
  fillGaussian(rng, g2);
  const p0 = (bareCalls++ * N * w) % (2 * Math.PI);
  for (let i = 0; i < N; i++) {
    const ph = p0 + w * i;
    const v1 = Math.round((amp1 * Math.sin(ph + dphi) + sigma * g1[i]!) / LSB);
    const v2 = Math.round((amp2 * Math.sin(ph) + sigma * g2[i]!) / LSB);
    ch1[i] = (v1 < -8192 ? -8192 : v1 > 8191 ? 8191 : v1) * LSB;
    ch2[i] = (v2 < -8192 ? -8192 : v2 > 8191 ? 8191 : v2) * LSB;
  }
}

// The same bare loop with the simulator's own trick instead of Math.sin: a phasor rotated by
// exp(jω) per sample (no resync: fine for a timing probe). This is the fairer baseline for the
// simulator's overhead (segments, separate passes for tone, noise and ADC).
const cw = Math.cos(w), sw = Math.sin(w);
let rotCalls = 0;
function rotStep(): void {
  fillGaussian(rng, g1);
  fillGaussian(rng, g2);
  const p0 = (rotCalls++ * N * w) % (2 * Math.PI);
  let s1 = Math.sin(p0 + dphi), c1 = Math.cos(p0 + dphi), s2 = Math.sin(p0), c2 = Math.cos(p0);
  for (let i = 0; i < N; i++) {
    const v1 = Math.round((amp1 * s1 + sigma * g1[i]!) / LSB);
    const v2 = Math.round((amp2 * s2 + sigma * g2[i]!) / LSB);
    ch1[i] = (v1 < -8192 ? -8192 : v1 > 8191 ? 8191 : v1) * LSB;
    ch2[i] = (v2 < -8192 ? -8192 : v2 > 8191 ? 8191 : v2) * LSB;
    const n1 = s1 * cw + c1 * sw; c1 = c1 * cw - s1 * sw; s1 = n1;
    const n2 = s2 * cw + c2 * sw; c2 = c2 * cw - s2 * sw; s2 = n2;
  }
}

/** Traces per second of `step` over one round of `ms` milliseconds. */
function rate(step: () => void, ms: number): number {
  let n = 0;
  const t0 = performance.now();
  let t = t0;
  while (t - t0 < ms) {
    for (let k = 0; k < 10; k++) step();
    n += 10;
    t = performance.now();
  }
  return (n * 1000) / (t - t0);
}

// warm up both (JIT), then alternate rounds so that a busy neighbour hurts both alike
for (let i = 0; i < 200; i++) {
  simStep();
  bareStep();
  rotStep();
}
const ROUNDS = 6, ROUND_MS = 1000;
const sims: number[] = [], bares: number[] = [], rots: number[] = [];
for (let r = 0; r < ROUNDS; r++) {
  sims.push(rate(simStep, ROUND_MS));
  bares.push(rate(bareStep, ROUND_MS));
  rots.push(rate(rotStep, ROUND_MS));
}
const sim = Math.max(...sims), bare = Math.max(...bares), rot = Math.max(...rots);
const median = (x: number[]) => [...x].sort((a, b) => a - b)[x.length >> 1]!;

const rows = [
  ['bare loop: Math.sin + ziggurat + quantise (baseline)', bare, 1],
  ['bare loop: rotating phasor + ziggurat + quantise', rot, rot / bare],
  ['SimBoard.sampleInputs (resonator on in1, noise, ADC)', sim, sim / bare],
] as const;
console.log(`traces of 2 × ${N} samples per second, best of ${ROUNDS} rounds of ${ROUND_MS} ms`);
for (const [name, v, ratio] of rows) console.log(`${name.padEnd(56)} ${v.toFixed(0).padStart(6)} /s  × baseline ${ratio.toFixed(2)}`);
console.log(`median rounds: sim ${median(sims).toFixed(0)} /s, bare ${median(bares).toFixed(0)} /s, rotating bare ${median(rots).toFixed(0)} /s`);
console.log(`sim / rotating bare loop: ${(sim / rot).toFixed(2)}`);

const cpu = readFileSync('/proc/cpuinfo', 'utf8').match(/model name\s*:\s*(.*)/)?.[1] ?? cpus()[0]?.model ?? 'unknown';
const nproc = execSync('nproc').toString().trim();
const md = `## Simulator: two-channel 16384-sample traces per second

Machine: Node ${process.version}, ${nproc} cores (\`nproc\`), CPU ${cpu}.
Command: \`npx tsx bench/sim.bench.ts\`.

Each trace is 2 × 16384 samples at decimation ${DECIMATION} with the boxcar: in1 = a ${F / 1e6} MHz, ${AMPLITUDE} V sine through
\`resonator({ f0: 1.02e6, q: 20, gain: 0.8 })\`, in2 = the same sine direct, both with white noise of ${RHO} V/√Hz and
14-bit quantisation. The simulator is called directly (\`SimBoard.sampleInputs\`, no scheduler); each call draws a fresh
noise realisation. The baseline fills the same arrays with the same math in one bare loop (Math.sin per sample, the same
ziggurat Gaussian generator, the same rounding and clipping). Rows alternate over ${ROUNDS} rounds of ${ROUND_MS} ms on one
core and report the best round. Figures are from one run on a shared 2-core machine where other work may be running:
read the ratio, not the absolute rates.

| implementation | traces/s (2 × 16384) | samples/s | × baseline |
|---|---:|---:|---:|
${rows.map(([name, v, ratio]) => `| ${name} | ${v.toFixed(0)} | ${(v * 2 * N / 1e6).toFixed(1)} M | ${ratio.toFixed(2)} |`).join('\n')}

- Median rounds: simulator ${median(sims).toFixed(0)}/s, bare loop ${median(bares).toFixed(0)}/s, rotating bare loop ${median(rots).toFixed(0)}/s.
- Target (issue #2): ≥ 1000 traces/s and within 2× of the bare loop (× baseline ≥ 0.5).
  ${sim >= 1000 && sim / bare >= 0.5 ? 'Met in this run.' : 'NOT met in this run.'}
- The simulator replaces Math.sin with a rotating phasor re-synchronised every 256 samples, which is why it can beat
  the Math.sin loop. Against a bare loop that uses the same rotation (the fairer measure of its own overhead: generator
  segments, separate passes for tone, noise and ADC) it runs at ${(sim / rot).toFixed(2)}× that loop's rate.
  Both draw Gaussians from the same ziggurat (xoshiro128**, ~1.2 % of draws on the slow path).
`;
mkdirSync(new URL('./results/', import.meta.url), { recursive: true });
writeFileSync(new URL('./results/sim.md', import.meta.url), md);
console.log('wrote bench/results/sim.md');
