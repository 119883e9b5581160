import test from 'ava';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadResult, openRunCatalogue, type SavedFrequencyResponse, type Trace } from 'labrx';
import { buildNaCommand, buildScopeCommand, buildSpecanCommand } from 'labrx/testing';
import { runCommandInProcess as run } from '../helpers/runCommandInProcess.js';

const withDir = async (body: (dir: string) => Promise<void>): Promise<void> => {
  const dir = await mkdtemp(join(tmpdir(), 'labrx-save-run-'));
  try {
    await body(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
};

test('labrx scope --save-run LABEL --tag … --db FILE saves the trace it wrote to --out, with its board', (t) =>
  withDir(async (dir) => {
    const db = join(dir, 'runs.sqlite');
    const out = join(dir, 'trace.json');
    const r = await run(buildScopeCommand, ['--seed', '3', '--decimation', '64', '--asg0', 'frequency=1e5,amplitude=0.5,output=out1', '--out', out, '--save-run', 'ringdown', '--tag', 'q', '--tag', 'cli', '--db', db]);
    t.is(r.code, 0, r.stderr);
    t.regex(r.stderr, new RegExp(`saved run 1 \\(ringdown\\) in ${db.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\n`));
    const runs = openRunCatalogue(db);
    try {
      const [summary, ...more] = runs.find({});
      t.deepEqual(more, []);
      t.is(summary!.label, 'ringdown');
      t.deepEqual([...summary!.tags].sort(), ['cli', 'q']);
      t.is(summary!.instrument, 'scope');
      t.is(summary!.seed, 3);
      t.regex(summary!.software, /^labrx /);
      const saved = runs.load(1);
      const written = (await loadResult(out)).result as Trace;
      // the catalogue keeps the arrays bit for bit: the same numbers as the file written beside it
      // (a quantised sample of −0 V included)
      t.deepEqual((saved.result as Trace).ch1, written.ch1);
      t.deepEqual((saved.result as Trace).ch2, written.ch2);
      t.is((saved.result as Trace).dt, written.dt);
      // and what generated them: the generator's settings in the board snapshot
      t.like(saved.snapshot?.generators['asg0'], { frequency: 1e5, amplitude: 0.5, output: 'out1' });
    } finally {
      runs.close();
    }
  }));

test('labrx specan --save-run with no label, and labrx na --save-run, add runs to the same file', (t) =>
  withDir(async (dir) => {
    const db = join(dir, 'runs.sqlite');
    const spec = await run(buildSpecanCommand, ['--seed', '4', '--span', '1e6', '--averages', '2', '--save-run', '--db', db]);
    t.is(spec.code, 0, spec.stderr);
    t.regex(spec.stderr, /saved run 1 in /);
    const na = await run(buildNaCommand, ['--start', '5e5', '--stop', '2e6', '--points', '21', '--dut', 'resonator:f0=1e6,q=20,gain=0.5', '--out', join(dir, 'na.npy'), '--save-run', 'resonator', '--db', db]);
    t.is(na.code, 0, na.stderr);
    t.regex(na.stderr, /saved run 2 \(resonator\) in /);
    const runs = openRunCatalogue(db);
    try {
      const found = runs.find({});
      t.deepEqual(
        found.map((s) => [s.id, s.instrument, s.label]),
        [
          [2, 'na', 'resonator'],
          [1, 'specan', null],
        ],
      );
      const h = runs.load(2).result as SavedFrequencyResponse;
      const written = (await loadResult(join(dir, 'na.npy'))).result as SavedFrequencyResponse;
      t.deepEqual(h.frequencies, written.frequencies);
      t.deepEqual(h.re, written.re);
      t.deepEqual(h.im, written.im);
    } finally {
      runs.close();
    }
  }));

test('--tag and --db without --save-run, or an empty label, exit 2 naming the flag; nothing is saved', (t) =>
  withDir(async (dir) => {
    const db = join(dir, 'runs.sqlite');
    const tag = await run(buildScopeCommand, ['--tag', 'q']);
    t.is(tag.code, 2);
    t.regex(tag.stderr, /cli\.tag = "q" is not allowed: only with --save-run/);
    const onlyDb = await run(buildNaCommand, ['--db', db]);
    t.is(onlyDb.code, 2);
    t.regex(onlyDb.stderr, /cli\.db = .* is not allowed: only with --save-run/);
    const empty = await run(buildSpecanCommand, ['--save-run', ' ', '--db', db]);
    t.is(empty.code, 2);
    t.regex(empty.stderr, /cli\.save-run = " " is not allowed: a label that is not empty/);
    t.is(empty.stdout, '', 'nothing was measured');
  }));

test('--db naming a file that is not a catalogue exits 1 before measuring, and leaves the file alone', (t) =>
  withDir(async (dir) => {
    const db = join(dir, 'notes.txt');
    await writeFile(db, 'my notes, not a database\n');
    const r = await run(buildScopeCommand, ['--save-run', 'x', '--db', db]);
    t.is(r.code, 1);
    t.regex(r.stderr, /^error: CatalogueError/);
    t.is(r.stdout, '', 'nothing was measured');
  }));
