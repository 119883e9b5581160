/**
 * Closed-loop cost (issue #14): CPU seconds per simulated second of the simulator's closed loop
 * (docs/decisions/0018-closed-loop-rate.md) with 3 PIDs and 1 IQ module acting, around a plant,
 * against a bare loop in the same run that does the same per-step arithmetic inline (three PI
 * updates, one IQ mix and two filter stages, a one-pole plant, ADC noise and rounding) — the floor
 * for this step rate in JavaScript. Two plants: the low-pass DUT as a linear plant, and a
 * non-linear `Plant` (a fringe, in1 = 0.5·(1 + cos(2π·out1/0.5 V))) given as the `dut` option. And a
 * Pound–Drever–Hall lock held as the lockbox's preset holds it (a Fabry–Perot plant, iq0 modulating the
 * EOM at 20 MHz and demodulating the reflection's fast tone, pid0 on iq0 driving the piezo), at the
 * default rate and at 125 MHz / 256, the rate the served simulator's real-time test uses.
 *
 * Run alone: npx tsx bench/closed-loop.bench.ts   (writes bench/results/closed-loop.md)
 */
import { execSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { firstValueFrom } from 'rxjs';
import { VirtualClock } from '@labrx/core/testing';
import { createSimBoard, fabryPerot, fillGaussian, lowpass, Xoshiro128, type Plant, type SimBoard } from '@labrx/hw-sim';

const SIM_S = 1; // simulated seconds per round
const ROUNDS = 3;

/** A fringe: the plant for the non-linear row (a Michelson's output against the piezo voltage). */
function fringe(): Plant {
  let last = 0;
  return {
    name: 'fringe(0.5 V per fringe)',
    spec: { kind: 'fringe' },
    step(_t, _dt, drive, sense) {
      last = 0.5 * (1 + Math.cos((2 * Math.PI * drive.out1) / 0.5));
      sense.in1 = last;
      sense.in2 = drive.out1;
      if (sense.tones1.length) sense.tones1.length = 0;
      if (sense.tones2.length) sense.tones2.length = 0;
    },
    state: () => ({ in1V: last }),
  };
}

async function board(dut: 'lowpass' | 'fringe'): Promise<{ b: SimBoard; clock: VirtualClock }> {
  const clock = new VirtualClock();
  const b = createSimBoard({ seed: 1, scheduler: clock, noiseDensity: 1e-7, dut: dut === 'lowpass' ? lowpass({ cutoff: 1e3 }) : fringe() });
  await firstValueFrom(b.pid.set(0, { input: 'in1', outputDirect: 'out1', p: -1, i: -1000, setpoint: 0.25 }));
  await firstValueFrom(b.pid.set(1, { input: 'in2', outputDirect: 'out2', p: -0.5, i: -100, inputFilterHz: [10e3] }));
  await firstValueFrom(b.pid.set(2, { input: 'pid0', p: 0.5, i: 10 }));
  await firstValueFrom(b.iq.configure!(0, { input: 'in1', frequencyHz: 25e3, bandwidthHz: [1e3, 1e3], gain: 1, amplitudeV: 0.01, outputDirect: 'out1' }));
  return { b, clock };
}

/** A PDH lock held: the cavity 20 kHz off resonance at the start, pulled in by pid0's integrator. */
async function pdhBoard(loopDecimation: number): Promise<{ b: SimBoard; clock: VirtualClock }> {
  const clock = new VirtualClock();
  const dut = fabryPerot({ finesse: 3000, fsrHz: 1.5e9, piezoHzPerV: 5e6, detuningHz: 20e3, powerV: 0.8, randomWalkHzPerRtS: 1e5, seed: 11 });
  const b = createSimBoard({ seed: 5, scheduler: clock, noiseDensity: 1e-8, loopDecimation, dut });
  await firstValueFrom(b.iq.configure!(0, { input: 'in1', frequencyHz: 20e6, bandwidthHz: [125e3, 125e3], gain: 1, amplitudeV: 0.5, outputDirect: 'out2', outputSignal: 'quadrature' }));
  await firstValueFrom(b.pid.set(0, { input: 'iq0', outputDirect: 'out1', p: 0, i: -200 }));
  return { b, clock };
}

/** CPU seconds (user + system) to compute `SIM_S` more seconds of the loop. */
async function loopRound(b: SimBoard, clock: VirtualClock): Promise<number> {
  await clock.advanceBy(SIM_S * 1000); // virtual time passes for free; the loop is computed when read
  const c0 = process.cpuUsage();
  await firstValueFrom(b.sampler.sample('in1'));
  const c = process.cpuUsage(c0);
  return (c.user + c.system) / 1e6;
}

/** The bare loop: the same per-step work inline, at the same step rate. */
function bareRound(steps: number): number {
  const rng = new Xoshiro128(7);
  const g = new Float64Array(4096);
  let used = g.length;
  const dt = 64 / 125e6, lsb = 1 / 8192, a = 1 - Math.exp(-2 * Math.PI * 1e3 * dt), fa = 1 - Math.exp(-2 * Math.PI * 1e3 * dt);
  let y = 0, i0 = 0, i1 = 0, i2 = 0, o0 = 0, o1 = 0, o2 = 0, f1 = 0, qi = 0, qq = 0, ph = 0, sink = 0;
  const w = 2 * Math.PI * 25e3 * dt;
  const c0 = process.cpuUsage();
  for (let k = 0; k < steps; k++) {
    if (used + 2 > g.length) fillGaussian(rng, g), (used = 0);
    const in1 = Math.round((y + 1e-4 * g[used++]!) / lsb) * lsb;
    const in2 = Math.round((o0 + 1e-4 * g[used++]!) / lsb) * lsb;
    const e0 = in1 - 0.25;
    const n0 = Math.max(-1, Math.min(1, -e0 + i0));
    i0 += -e0 * 2 * Math.PI * 1000 * dt;
    f1 += (in2 - f1) * a;
    const n1 = Math.max(-1, Math.min(1, -0.5 * f1 + i1));
    i1 += -f1 * 2 * Math.PI * 100 * dt;
    const n2 = Math.max(-1, Math.min(1, 0.5 * o0 + i2));
    i2 += o0 * 2 * Math.PI * 10 * dt;
    ph += w;
    const s = Math.sin(ph), c = Math.cos(ph);
    qi += (2 * in1 * s - qi) * fa;
    qq += (2 * in1 * c - qq) * fa;
    o0 = n0; o1 = n1; o2 = n2;
    const out1 = Math.max(-1, Math.min(1, o0 + 0.01 * s + qi * 0));
    y += (out1 - y) * a;
    sink += o1 + o2 + qq;
  }
  const c1 = process.cpuUsage(c0);
  if (sink === 42) console.log('');
  return (c1.user + c1.system) / 1e6;
}

const rows: { name: string; cpuPerS: number[] }[] = [
  { name: 'SimBoard closed loop: 3 PIDs + 1 IQ + low-pass DUT (linear plant)', cpuPerS: [] },
  { name: 'SimBoard closed loop: 3 PIDs + 1 IQ + fringe Plant', cpuPerS: [] },
  { name: 'bare loop: the same arithmetic inline (baseline)', cpuPerS: [] },
  { name: 'SimBoard PDH lock held: iq0 at 20 MHz + pid0 + Fabry–Perot plant, 125 MHz / 64', cpuPerS: [] },
  { name: 'SimBoard PDH lock held: iq0 at 20 MHz + pid0 + Fabry–Perot plant, 125 MHz / 256', cpuPerS: [] },
];
const lin = await board('lowpass');
const fr = await board('fringe');
const pdh64 = await pdhBoard(64);
const pdh256 = await pdhBoard(256);
await loopRound(lin.b, lin.clock); // warm-up (JIT)
await loopRound(fr.b, fr.clock);
await loopRound(pdh64.b, pdh64.clock);
await loopRound(pdh256.b, pdh256.clock);
bareRound(2e6);
for (let r = 0; r < ROUNDS; r++) {
  rows[0]!.cpuPerS.push((await loopRound(lin.b, lin.clock)) / SIM_S);
  rows[1]!.cpuPerS.push((await loopRound(fr.b, fr.clock)) / SIM_S);
  rows[2]!.cpuPerS.push(bareRound(Math.round(SIM_S * lin.b.loopRateHz)) / SIM_S);
  rows[3]!.cpuPerS.push((await loopRound(pdh64.b, pdh64.clock)) / SIM_S);
  rows[4]!.cpuPerS.push((await loopRound(pdh256.b, pdh256.clock)) / SIM_S);
}
const detuning = (b: SimBoard) => (b.plantState().detuningHz! / 1e3).toFixed(1);
console.log(`PDH boards' detuning after the rounds: ${detuning(pdh64.b)} kHz, ${detuning(pdh256.b)} kHz (locked: within a few kHz of 0)`);
const best = (x: number[]) => Math.min(...x);
const base = best(rows[2]!.cpuPerS);
console.log(`CPU seconds per simulated second at ${(lin.b.loopRateHz / 1e6).toFixed(3)} MHz, best of ${ROUNDS} rounds of ${SIM_S} s`);
for (const r of rows) console.log(`${r.name.padEnd(72)} ${best(r.cpuPerS).toFixed(3)} s/s  × baseline ${(best(r.cpuPerS) / base).toFixed(2)}`);

const cpu = readFileSync('/proc/cpuinfo', 'utf8').match(/model name\s*:\s*(.*)/)?.[1] ?? cpus()[0]?.model ?? 'unknown';
const nproc = execSync('nproc').toString().trim();
const load = readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
const md = `## Closed loop: CPU per simulated second

Machine: Node ${process.version}, ${nproc} cores (\`nproc\`), CPU ${cpu}, load average ${load} during the run.
Command: \`pnpm bench closed-loop\` (or \`npx tsx bench/closed-loop.bench.ts\`).

One simulated second of the closed loop at ${(lin.b.loopRateHz / 1e6).toFixed(3)} MHz (125 MHz / ${lin.b.options.loopDecimation},
docs/decisions/0018-closed-loop-rate.md) with pid0 (in1 → out1, P+I), pid1 (in2 → out2, P+I behind a 10 kHz input filter),
pid2 (reading pid0) and iq0 (demodulating in1 at 25 kHz through two 1 kHz stages, its 10 mV oscillator on out1),
computed when the sampler reads the board after 1 s of virtual time. The PDH rows hold a Pound–Drever–Hall lock (a
Fabry–Perot plant with a random walk of its resonance, iq0 modulating the EOM at 20 MHz as a fast tone and demodulating
the reflection's, pid0 integrating iq0 onto the piezo), as \`fabryPerotPdhLock\` holds it once locked. CPU time is \`process.cpuUsage\` (user + system) of
that read. The baseline is a bare loop with the same per-step arithmetic written inline (Math.sin/cos for the IQ, the
same ziggurat Gaussians and rounding), run in the same process between the rounds. Best of ${ROUNDS} rounds.

| loop | CPU s per simulated s | × baseline |
|---|---:|---:|
${rows.map((r) => `| ${r.name} | ${best(r.cpuPerS).toFixed(3)} | ${(best(r.cpuPerS) / base).toFixed(2)} |`).join('\n')}

A ratio below 1 CPU s per simulated s means the loop runs faster than real time (as the served simulator must); the
machine was shared with other work, so read the ratio to the baseline rather than the absolute seconds.
`;
mkdirSync('bench/results', { recursive: true });
writeFileSync('bench/results/closed-loop.md', md);
console.log('wrote bench/results/closed-loop.md');
await lin.b.close();
await fr.b.close();
await pdh64.b.close();
await pdh256.b.close();
