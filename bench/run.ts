/**
 * Runs the benchmarks (`pnpm bench` runs all; `pnpm bench sim spectrum` runs those named) one after
 * the other, each in its own process, then gathers every `bench/results/<name>.md` into
 * bench/RESULTS.md with the machine and the command. Figures are ratios measured within one run:
 * this machine class varies ±30 % between processes.
 */
import { spawnSync } from 'node:child_process';
import { cpus } from 'node:os';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const here = 'bench';
// names of benchmarks, and `--option value` pairs passed on to each (`pnpm bench soak --minutes 3`)
const wanted: string[] = [];
const forwarded: string[] = [];
for (let i = 2; i < process.argv.length; i++) {
  const a = process.argv[i]!;
  if (a.startsWith('--')) {
    forwarded.push(a);
    const value = process.argv[i + 1];
    if (value !== undefined && !value.startsWith('-')) forwarded.push(value), i++;
  } else if (!a.startsWith('-')) wanted.push(a);
}
const all = readdirSync(here)
  .filter((f) => f.endsWith('.bench.ts'))
  .map((f) => f.replace(/\.bench\.ts$/, ''))
  .sort();
const run = wanted.length ? all.filter((n) => wanted.includes(n)) : all;
const failed: string[] = [];
for (const name of run) {
  console.log(`\n=== bench/${name}.bench.ts`);
  const r = spawnSync(process.execPath, ['--import', 'tsx', join(here, `${name}.bench.ts`), ...forwarded], { stdio: 'inherit' });
  if (r.status !== 0) failed.push(name);
}

const sections = readdirSync(join(here, 'results'))
  .filter((f) => f.endsWith('.md'))
  .sort()
  // links in a section are relative to bench/results/; RESULTS.md sits one folder up
  .map((f) => readFileSync(join(here, 'results', f), 'utf8').trim().replaceAll('](../', ']('));
const cpu = cpus()[0]?.model ?? 'unknown CPU';
const header = `# Benchmark results

Latest figures of every benchmark in bench/. Regenerate with \`pnpm bench\` (all) or \`pnpm bench <name>\`
(one; the others keep their last section). Machine of the latest full run: ${cpus().length} × ${cpu},
Node ${process.version}. Each benchmark prints its figure beside a baseline measured in the same run;
trust the ratios more than the absolute numbers (±30 % between processes on this machine class).
`;
writeFileSync(join(here, 'RESULTS.md'), `${header}\n${sections.join('\n\n')}\n`);
console.log(`\nwrote bench/RESULTS.md (${sections.length} sections)`);
if (failed.length) {
  console.error(`benchmarks that failed: ${failed.join(', ')}`);
  process.exit(1);
}
if (!existsSync(join(here, 'RESULTS.md'))) process.exit(1);
