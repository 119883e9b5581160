/**
 * The run catalogue and SCPI recording:
 * 1. results saved per second, 2 × 16384-sample traces, to the catalogue (one transaction each, and
 *    100 per transaction) against writing the same trace as bare .npy files (the 16384 × 2 array,
 *    and labrx's saveResult: .npy with its JSON sidecar), alternating rounds, median shown;
 * 2. `find` by tag and by time in a catalogue of 100,000 runs, against listing all of them;
 * 3. SCPI traces/s with and without `record` (labrx-sim in its own process, decimation 1), and the
 *    size of a recording of 1,000 traces.
 *
 * Run alone: npx tsx bench/catalogue.bench.ts   (writes bench/results/catalogue.md)
 */
import { median, rate, spawnLabrxSim } from './measure.js';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { firstValueFrom } from 'rxjs';
import { ASG_DEFAULTS, SCOPE_DEFAULTS, type Trace } from '@labrx/core';
import { openCatalogue } from '@labrx/catalogue';
import { connectScpiBoard } from '@labrx/scpi';
import { encodeNpy, saveResult } from 'labrx';

const N = 16384;
const ROUNDS = 3;
const ROUND_MS = 1500;
const dir = mkdtempSync(join(tmpdir(), 'labrx-bench-catalogue-'));



// --- 1. saves per second ---------------------------------------------------------------
const ch1 = new Float64Array(N).map((_, i) => Math.sin(i / 10) + (i % 7) * 1e-3);
const ch2 = ch1.map((v) => -v);
const trace: Trace = { dt: 8e-9, t0: -N * 4e-9, ch1, ch2, averages: 1, timestamp: 0, settings: { ...SCOPE_DEFAULTS, averages: 1 } };
const catalogue = openCatalogue(join(dir, 'saves.sqlite'));
let files = 0;
const modes = {
  catalogue: () => catalogue.save(trace, { tags: ['bench'] }),
  'catalogue ×100 per transaction': () => catalogue.batch(() => {
    for (let i = 0; i < 100; i++) catalogue.save(trace, { tags: ['bench'] });
  }),
  'bare .npy (writeFileSync)': () => {
    const m = new Float64Array(2 * N);
    for (let i = 0; i < N; i++) (m[2 * i] = ch1[i]!), (m[2 * i + 1] = ch2[i]!);
    writeFileSync(join(dir, `t${files++ % 1000}.npy`), encodeNpy(m, [N, 2]));
  },
  'saveResult .npy + sidecar': () => saveResult(join(dir, `s${files++ % 1000}.npy`), trace),
};
const per: Record<string, number> = { catalogue: 1, 'catalogue ×100 per transaction': 100, 'bare .npy (writeFileSync)': 1, 'saveResult .npy + sidecar': 1 };
for (const once of Object.values(modes)) await rate(once, 300);
const saveRounds: Record<string, number[]> = Object.fromEntries(Object.keys(modes).map((k) => [k, []]));
for (let r = 0; r < ROUNDS; r++) for (const [name, once] of Object.entries(modes)) saveRounds[name]!.push((await rate(once, ROUND_MS)) * per[name]!);
const saves = Object.fromEntries(Object.entries(saveRounds).map(([k, v]) => [k, median(v)]));
const savedRuns = catalogue.count;
catalogue.close();
const dbBytes = statSync(join(dir, 'saves.sqlite')).size;
console.log('saves/s', saves, `(${savedRuns} runs, ${(dbBytes / savedRuns / 1024).toFixed(1)} KiB each in the file)`);

// --- 2. queries in 100,000 runs -----------------------------------------------------------
const RUNS = 100_000;
const big = openCatalogue(join(dir, 'query.sqlite'));
const tiny: Trace = { ...trace, ch1: Float64Array.of(1), ch2: Float64Array.of(-1) };
const t0Fill = performance.now();
const DAY0 = Date.UTC(2026, 0, 1);
for (let start = 0; start < RUNS; start += 10_000) {
  big.batch(() => {
    for (let i = start; i < start + 10_000; i++) big.save(tiny, { tags: [`tag${i % 100}`, i % 2 ? 'odd' : 'even'], label: `run ${i}`, createdMs: DAY0 + i * 60_000 });
  });
}
const fillS = (performance.now() - t0Fill) / 1000;
/** Median time of `fn` in ms over `reps` calls. */
function timeMs(fn: () => unknown, reps: number): number {
  const xs: number[] = [];
  for (let i = 0; i < reps; i++) {
    const t = performance.now();
    fn();
    xs.push(performance.now() - t);
  }
  return median(xs);
}
const queries = {
  'find({ tag }) → 1,000 runs': () => big.find({ tag: 'tag42' }),
  'find({ tag, limit: 20 }) → 20 runs': () => big.find({ tag: 'tag42', limit: 20 }),
  'find({ since, until }) → 1,000 runs (a 1000-minute window)': () => big.find({ since: DAY0 + 50_000 * 60_000, until: DAY0 + 51_000 * 60_000 }),
  'find({ label }) → 1 run': () => big.find({ label: 'run 77777' }),
  'baseline: find() → all 100,000 runs': () => big.find(),
};
const counts = Object.fromEntries(Object.entries(queries).map(([k, q]) => [k, q().length]));
const qms = Object.fromEntries(Object.entries(queries).map(([k, q]) => [k, timeMs(q, k.startsWith('baseline') ? 5 : 30)]));
big.close();
console.log('query ms', qms, counts);

// --- 3. recording overhead ----------------------------------------------------------------
const { url, sim } = await spawnLabrxSim();
const settings = { ...SCOPE_DEFAULTS, decimation: 1 };
const tone = { ...ASG_DEFAULTS, frequency: 1e6, amplitude: 0.5, output: 'out1' as const };
const host = new URL(url.replace('scpi:', 'http:'));
const plain = await connectScpiBoard(url);
const recPath = join(dir, 'rate.labrx-rec');
const recording = await connectScpiBoard({ host: host.hostname, port: Number(host.port), record: recPath });
for (const b of [plain, recording]) await firstValueFrom(b.setAsg(0, tone));
const scpiModes = { plain: () => firstValueFrom(plain.acquire(settings)), recording: () => firstValueFrom(recording.acquire(settings)) };
for (const once of Object.values(scpiModes)) await rate(once, 600);
const scpiRounds: Record<string, number[]> = { plain: [], recording: [] };
for (let r = 0; r < ROUNDS + 2; r++) for (const [name, once] of Object.entries(scpiModes)) scpiRounds[name]!.push(await rate(once, ROUND_MS));
await plain.close();
await recording.close();
// A recording of exactly 1,000 traces, from connect to close.
const thousandPath = join(dir, 'thousand.labrx-rec');
const thousand = await connectScpiBoard({ host: host.hostname, port: Number(host.port), record: thousandPath });
await firstValueFrom(thousand.setAsg(0, tone));
for (let i = 0; i < 1000; i++) await firstValueFrom(thousand.acquire(settings));
await thousand.close();
const thousandBytes = statSync(thousandPath).size;
sim.kill('SIGINT');
await new Promise((resolve) => sim.on('exit', resolve));
const plainRate = median(scpiRounds.plain!);
const recRate = median(scpiRounds.recording!);
const payload = 1000 * 2 * 4 * N;
console.log(`SCPI traces/s plain ${plainRate.toFixed(0)}, recording ${recRate.toFixed(0)} (${(recRate / plainRate).toFixed(2)}×); 1000-trace recording ${(thousandBytes / 2 ** 20).toFixed(1)} MiB (float32 payload ${(payload / 2 ** 20).toFixed(1)} MiB)`);
rmSync(dir, { recursive: true, force: true });

// --- report -------------------------------------------------------------------------------
const cpu = readFileSync('/proc/cpuinfo', 'utf8').match(/model name\s*:\s*(.*)/)?.[1] ?? cpus()[0]?.model ?? 'unknown';
const f0 = (x: number) => x.toFixed(0);
const base = saves['bare .npy (writeFileSync)']!;
const all = qms['baseline: find() → all 100,000 runs']!;
mkdirSync('bench/results', { recursive: true });
writeFileSync(
  'bench/results/catalogue.md',
  `## Run catalogue and SCPI recording (bench/catalogue.bench.ts)

Command: \`npx tsx bench/catalogue.bench.ts\`. Machine: ${cpus().length} × ${cpu}, Node ${process.version}, better-sqlite3 12
(SQLite, WAL, synchronous NORMAL). One run; alternating rounds of ${ROUND_MS} ms, median shown (rounds in brackets).
Ratios are the figures to trust on this shared machine (±30 % between processes).

**Saves per second**, a 2 × 16384-sample trace (256 KiB of float64), files in ${tmpdir()}:

| what | results/s | ratio to bare .npy (same run) |
|---|---|---|
${Object.entries(saves)
  .map(([k, v]) => `| ${k} | **${f0(v)}** [${saveRounds[k]!.map(f0).join(', ')}] | ${(v / base).toFixed(2)} |`)
  .join('\n')}

The catalogue file holds ${(dbBytes / savedRuns / 1024).toFixed(1)} KiB per run (arrays 256 KiB + SHA-256 + JSON).

**Queries in ${RUNS.toLocaleString('en')} runs** (filled in ${fillS.toFixed(1)} s, 10,000 per transaction; each run has 2 tags, a label, a time):

| query | runs returned | median ms | ratio to listing all |
|---|---|---|---|
${Object.entries(qms)
  .map(([k, v]) => `| ${k} | ${counts[k]} | **${v.toFixed(2)}** | ${(v / all).toFixed(4)} |`)
  .join('\n')}

**Recording overhead**: ScpiBoard.acquire against \`labrx-sim\` (own process), decimation 1, both channels:
plain **${f0(plainRate)}** traces/s [${scpiRounds.plain!.map(f0).join(', ')}], recording **${f0(recRate)}** traces/s
[${scpiRounds.recording!.map(f0).join(', ')}]: ratio ${(recRate / plainRate).toFixed(2)}. A recording of 1,000 traces (connect to close) is
**${(thousandBytes / 2 ** 20).toFixed(1)} MiB** (gzip level 1), against ${(payload / 2 ** 20).toFixed(1)} MiB of float32 block payload: the
simulator's traces carry noise, which no compressor removes; the text around them (setup lines, polls) compresses to almost nothing.
`,
);
console.log('wrote bench/results/catalogue.md');
