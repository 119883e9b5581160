/**
 * The SCPI gapless stream (`rp.scope.continuous$` over `scpi://`: deep memory as a ring, read behind
 * the writer; docs/decisions/0016-gapless-streams-and-realtime-fft.md): for each decimation, the
 * samples per channel delivered per second of wall time, beside the rate the board writes them
 * (125 MS/s / decimation) in the same run, and the samples reported lost (`onOverflow: 'gap'`).
 *
 * `labrx-sim` runs in its own process (as users run it), so the simulator and the client each have a
 * core; the simulator's writer runs in real time. Each decimation streams for 3 s of wall time, with
 * the driver's default ring, in blocks of 65536 samples per channel; the consumer counts and drops
 * them. A stream that ends with an error (replies too slow to prove the ring's lap) says so.
 *
 * Run alone: npx tsx bench/scpi-ring.bench.ts   (writes bench/results/scpi-ring.md)
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { firstValueFrom, takeUntil, timer, reduce } from 'rxjs';
import { connect } from 'labrx';
import { spawnLabrxSim } from './measure.js';

const FS = 125e6;
const SECONDS = 3;
const DECIMATIONS = [256, 128, 64, 32, 16] as const;

interface Row {
  readonly decimation: number;
  readonly deliveredPerS: number;
  readonly lost: number;
  readonly ended: string;
}

const { url, sim } = await spawnLabrxSim(['--seed', '1']);
const rows: Row[] = [];
try {
  for (const decimation of DECIMATIONS) {
    const rp = await connect(url);
    try {
      await rp.asg0.set({ waveform: 'sine', frequency: 5e3, amplitude: 0.4, output: 'out1' });
      const t0 = performance.now();
      let ended = 'ran for the whole time';
      let counts = { delivered: 0, lost: 0 };
      try {
        counts = await firstValueFrom(
          rp.scope.continuous$({ decimation, blockSamples: 65536, onOverflow: 'gap' }).pipe(
            takeUntil(timer(SECONDS * 1000)),
            reduce((acc, b) => (b.kind === 'gap' ? { ...acc, lost: acc.lost + b.samples } : { ...acc, delivered: acc.delivered + b.samples }), { delivered: 0, lost: 0 }),
          ),
        );
      } catch (err) {
        ended = `ended with ${(err as Error).name} after ${((performance.now() - t0) / 1000).toFixed(1)} s`;
      }
      const wallS = (performance.now() - t0) / 1000;
      if (counts.delivered === 0 && counts.lost === 0 && ended === 'ran for the whole time') ended = `emitted nothing in ${SECONDS} s: no lap proven (status replies too slow), nothing claimed`;
      else if (counts.lost > 0 && ended === 'ran for the whole time') ended = 'fell behind: gaps reported';
      else if (ended === 'ran for the whole time') ended = 'kept up';
      rows.push({ decimation, deliveredPerS: counts.delivered / wallS, lost: counts.lost, ended });
      console.log(`decimation ${decimation}: ${(counts.delivered / wallS / 1e6).toFixed(3)} MS/s delivered, ${counts.lost} lost, ${ended}`);
    } finally {
      await rp.close();
    }
  }
} finally {
  sim.kill('SIGTERM');
}

const f = (x: number, d = 0) => x.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d });
const load = loadavg().map((x) => x.toFixed(1)).join(', ');
const md = [
  '## SCPI gapless stream: the deep-memory ring over labrx-sim (bench/scpi-ring.bench.ts)',
  '',
  `Command: \`pnpm bench scpi-ring\`. Machine: ${cpus().length} × ${cpus()[0]?.model.split(' ').slice(0, 2).join(' ') ?? 'CPU'}, Node ${process.version}. Load average during the run: ${load}. \`labrx-sim\` in its own process on loopback; ${SECONDS} s of wall time per decimation, blocks of 65536 samples per channel, the driver's default ring, \`onOverflow: 'gap'\`.`,
  '',
  '| decimation | delivered per channel | the board writes (baseline, same run) | ratio | samples lost (gaps) | the stream |',
  '|---:|---:|---:|---:|---:|---|',
  ...rows.map((r) => `| ${r.decimation} | ${f(r.deliveredPerS / 1e6, 3)} MS/s | ${f(FS / r.decimation / 1e6, 3)} MS/s | ${f((r.deliveredPerS * r.decimation) / FS, 2)} | ${f(r.lost)} | ${r.ended} |`),
  '',
  'A ratio near 1 with nothing lost keeps up. Below that the stream reports what it lost (a gap of exactly those samples) or, when replies are too slow to prove the lap, ends with an error: never a silent hole. The ratio also counts the first block\'s latency (one block at the stream\'s rate) against the 3 s.',
  '',
].join('\n');
mkdirSync('bench/results', { recursive: true });
writeFileSync('bench/results/scpi-ring.md', md);
console.log(md);
