import test from 'ava';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { openCatalogue, type Catalogue } from '@labrx/catalogue';
import type { Trace } from 'labrx';
import { runProcess } from '../helpers/runProcess.js';

const WRITER = fileURLToPath(new URL('./writeBurst.ts', import.meta.url));

/** Checks that run `label "burst i"` holds exactly what writeBurst.ts wrote for i, sample by sample. */
function burstIntact(catalogue: Catalogue, id: number): boolean {
  const run = catalogue.load(id);
  const i = Number(/^burst (\d+)$/.exec(run.label ?? '')?.[1]);
  const tr = run.result as Trace;
  const n = tr.ch1.length;
  for (let k = 0; k < n; k++) if (tr.ch1[k] !== i + k / n || tr.ch2[k] !== -(i + k / n)) return false;
  return tr.timestamp === i;
}

test('kill -9 in the middle of a burst of saves: the file passes integrity_check and holds every confirmed run, at most one more', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'labrx-crash-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  const path = join(dir, 'runs.sqlite');
  // 2 × 16384 samples per run (256 KiB of arrays): each commit takes long enough to be hit mid-write.
  const child = spawn(process.execPath, ['--import=tsx', WRITER, path, '100000', '16384'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('close', (_code, signal) => resolve(signal)));
  await new Promise<void>((resolve) => {
    child.stdout.on('data', (c: Buffer) => {
      stdout += c.toString();
      // Kill once 40 runs are confirmed: the child is then writing the next one.
      if ((stdout.match(/\n/g)?.length ?? 0) >= 40) resolve();
    });
    child.on('close', () => resolve());
  });
  child.kill('SIGKILL');
  t.is(await exited, 'SIGKILL', stderr);
  const confirmed = stdout.split('\n').filter((l) => l.startsWith('saved ')).map((l) => Number(l.split(' ')[1]));
  t.true(confirmed.length >= 40);

  const catalogue = openCatalogue(path);
  t.teardown(() => catalogue.close());
  t.is(catalogue.integrityCheck(), 'ok');
  const ids = catalogue.find().map((r) => r.id).sort((a, b) => a - b);
  // Every run the child confirmed is there, whole; at most one more (committed, not yet printed).
  for (const id of confirmed) t.true(ids.includes(id), `run ${id} was confirmed but is missing`);
  t.true(ids.length === confirmed.length || ids.length === confirmed.length + 1, `${ids.length} runs for ${confirmed.length} confirmed`);
  t.true(ids.every((id) => burstIntact(catalogue, id)));
  // And the file still takes writes.
  t.true(catalogue.save({ dt: 1, t0: 0, ch1: Float64Array.of(1), ch2: Float64Array.of(2), averages: 1, timestamp: 0, settings: null as never }) > 0);
});

test('two processes writing the same catalogue at once both succeed', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'labrx-writers-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  const path = join(dir, 'runs.sqlite');
  // Both writers open the file, then wait at a barrier until both are ready, so they overlap however
  // slowly either process starts.
  const writers = Promise.all(['a', 'b'].map((tag) => runProcess(process.execPath, ['--import=tsx', WRITER, path, '150', '4096', tag, dir])));
  const deadline = Date.now() + 60_000;
  while (!(existsSync(join(dir, 'a.ready')) && existsSync(join(dir, 'b.ready'))) && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  await writeFile(join(dir, 'go'), '');
  const [a, b] = await writers;
  t.is(a!.code, 0, a!.stderr);
  t.is(b!.code, 0, b!.stderr);
  const catalogue = openCatalogue(path);
  t.teardown(() => catalogue.close());
  t.is(catalogue.find({ tag: 'a' }).length, 150);
  t.is(catalogue.find({ tag: 'b' }).length, 150);
  t.is(catalogue.integrityCheck(), 'ok');
  t.true(catalogue.find().every((r) => burstIntact(catalogue, r.id)));
  // They really wrote at the same time: in id order the writers alternate more than once.
  const order = catalogue.find().sort((x, y) => x.id - y.id).map((r) => r.tags[0]);
  t.true(order.filter((tag, i) => i > 0 && tag !== order[i - 1]).length > 1, 'the two writers did not overlap');
});
