/**
 * Plant steps per CPU second: what one loop step costs in the plant itself, against a bare Airy
 * plant (the floor of a cavity: one call through the same `Plant` interface that computes the Airy
 * transmission 1/(1 + sin²(πδ/FSR)/sin²(π/2F)) inline, one sine per step).
 *
 *   npx tsx bench/plant.bench.ts
 *
 * Rows alternate over ROUNDS rounds of ROUND_MS each in one process (all rows share the same call
 * site shapes); each reports its best round. Rates are per CPU second (`process.cpuUsage`), read
 * the ratios. Writes bench/results/plant.md.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { fabryPerot, michelson, type Plant, type PlantDrive, type PlantSense } from '@labrx/hw-sim';

const ROUND_MS = 500;
const ROUNDS = 5;
const LOOP_HZ = 125e6 / 64; // the simulator's loop rate (docs/decisions/0016-closed-loop-rate.md)
const DT = 1 / LOOP_HZ;
const PDH = [{ frequencyHz: 25e6, re: 0.5, im: 0 }];

const K = 1 / Math.sin(Math.PI / 6000) ** 2;
const bareAiry: Plant = {
  name: 'bare Airy',
  spec: { kind: 'bare-airy' },
  step(_t, _dt, drive, sense) {
    const s = Math.sin((Math.PI * (1e5 + 5e6 * drive.out1)) / 1.5e9);
    sense.in2 = 1 / (1 + K * s * s);
    sense.in1 = 1 - sense.in2;
    if (sense.tones1.length !== 0) sense.tones1.length = 0;
    if (sense.tones2.length !== 0) sense.tones2.length = 0;
  },
  state: () => ({}),
};
const fp = { finesse: 3000, fsrHz: 1.5e9, detuningHz: 1e5, seed: 1 } as const;
const ROWS: [string, () => Plant, readonly { frequencyHz: number; re: number; im: number }[]][] = [
  ['bare Airy transmission, inline (baseline)', () => bareAiry, []],
  ['fabry-perot, no modulation', () => fabryPerot(fp), []],
  ['fabry-perot, one PDH tone', () => fabryPerot(fp), PDH],
  ['fabry-perot, PDH + frequency and intensity noise + random walk + ringing kicks', () => fabryPerot({ ...fp, frequencyNoiseHzPerRtHz: 10, relativeIntensityNoise: 1e-7, randomWalkHzPerRtS: 100, kickRateHz: 10, kickHz: 1e5, kickShape: 'ring' }), PDH],
  ['michelson, length and intensity noise', () => michelson({ seed: 1, lengthNoiseMPerRtHz: 1e-13, relativeIntensityNoise: 1e-7 }), []],
];

function measure(make: () => Plant, tones2: PlantDrive['tones2']): number {
  const plant = make();
  const sense: PlantSense = { in1: 0, in2: 0, tones1: [], tones2: [] };
  let sink = 0;
  let n = 0;
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  while (performance.now() - t0 < ROUND_MS) {
    for (let k = 0; k < 10000; k++) {
      n++;
      // a slow triangle on the piezo, so the detuning changes every step
      const drive = { out1: 1e-3 * ((n & 1023) - 512) / 512, out2: 0, tones1: [], tones2 };
      plant.step(n * DT, DT, drive, sense);
      sink += sense.in1;
    }
  }
  const c = process.cpuUsage(c0);
  if (!Number.isFinite(sink)) throw new Error('non-finite output');
  return n / ((c.user + c.system) / 1e6);
}

const best = ROWS.map(() => 0);
const all: number[][] = ROWS.map(() => []);
for (let r = 0; r < ROUNDS; r++) {
  ROWS.forEach(([, make, tones], i) => {
    const rate = measure(make, tones);
    all[i]!.push(rate);
    best[i] = Math.max(best[i]!, rate);
  });
}
const lines = ROWS.map(([label], i) => `| ${label} | ${(best[i]! / 1e6).toFixed(2)} M | ${(1e9 / best[i]!).toFixed(0)} | ${((LOOP_HZ / best[i]!) * 100).toFixed(1)} % | ${(best[i]! / best[0]!).toFixed(2)} |`);
const md = `## Plants: steps per CPU second

Machine: Node ${process.version}, ${cpus().length} cores, ${cpus()[0]?.model ?? 'unknown CPU'}.
Command: \`npx tsx bench/plant.bench.ts\`.

One \`Plant.step\` per loop step (dt = 512 ns, the simulator's 1.953 MHz loop) with a slow triangle on the piezo, called
directly (no loop engine). The baseline is a bare Airy plant behind the same interface (one sine, one division per
step: the least a cavity can cost). Rows alternate
over ${ROUNDS} rounds of ${ROUND_MS} ms; best round shown. "CPU per loop second" is the share of one core the plant
alone takes to simulate one second of the loop. Read the ratios: the machine is shared.

| plant | steps/s | ns/step | CPU per loop second | × baseline rate |
|---|---:|---:|---:|---:|
${lines.join('\n')}
`;
mkdirSync('bench/results', { recursive: true });
writeFileSync('bench/results/plant.md', md);
console.log(md);
