// Child process of catalogue-crash.test.ts: saves `count` traces of `n` samples to the catalogue
// at argv[2], each its own transaction, printing "saved <id> <i>" after each commit. Trace i holds
// ch1[k] = i + k/n, ch2[k] = -ch1[k], so the parent can tell which run is which and check every sample.
// With a fifth argument (a directory), it opens the catalogue, writes `<dir>/<tag>.ready` and waits for
// `<dir>/go` before saving anything: a start barrier, so that two writers really write at the same time
// however slowly each process starts on a busy machine.
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { openCatalogue } from '@labrx/catalogue';
import { SCOPE_DEFAULTS } from '@labrx/core';

const [path, countText, nText, tag, barrier] = process.argv.slice(2);
const count = Number(countText);
const n = Number(nText);
const catalogue = openCatalogue(path!);
if (barrier !== undefined) {
  writeFileSync(join(barrier, `${tag ?? 'burst'}.ready`), '');
  // a parent that died before saying go must not leave this process waiting forever
  const giveUp = Date.now() + 60_000;
  while (!existsSync(join(barrier, 'go'))) {
    if (Date.now() > giveUp) throw new Error(`writeBurst ${tag ?? ''}: no go in ${barrier} after 60 s`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}
for (let i = 0; i < count; i++) {
  const ch1 = new Float64Array(n);
  for (let k = 0; k < n; k++) ch1[k] = i + k / n;
  const ch2 = ch1.map((v) => -v);
  const id = catalogue.save(
    { dt: 8e-9, t0: -65536e-9, ch1, ch2, averages: 1, timestamp: i, settings: { ...SCOPE_DEFAULTS, averages: 1 } },
    { label: `burst ${i}`, tags: [tag ?? 'burst'] },
  );
  process.stdout.write(`saved ${id} ${i}\n`);
}
catalogue.close();
