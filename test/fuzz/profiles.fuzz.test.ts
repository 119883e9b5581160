import test from 'ava';
import fc from 'fast-check';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect, loadProfile, ProfileError } from 'labrx';

// Fuzz of profile files (issue #12: YAML profiles): random YAML texts — random bytes, random
// mappings shaped like profiles, alias bombs — loaded and restored onto a board give a ProfileError
// naming what is wrong, or apply; never another exception, and a refused profile changes nothing.

const value = fc.oneof(fc.double(), fc.integer({ min: -70000, max: 70000 }), fc.constantFrom('sine', 'hann', 'dBm', 'out1', 'ch1-rising', 'hv', true, false, null), fc.string({ maxLength: 6 }));
const moduleName = fc.constantFrom('scope', 'specan', 'na', 'asg0', 'asg1', 'pid0', 'iq0', 'constructor', '__proto__', 'x');
const settingName = fc.constantFrom('decimation', 'trigger', 'threshold', 'gain', 'span', 'window', 'unit', 'start', 'stop', 'points', 'rbw', 'frequency', 'amplitude', 'offset', 'waveform', 'output', 'toString', 'nope');
const profileText = fc
  .record({ schema: fc.oneof(fc.constant(1), value), modules: fc.dictionary(moduleName, fc.dictionary(settingName, value, { maxKeys: 4 }), { maxKeys: 4 }) })
  .map(({ schema, modules }) => {
    const lines = [`schema: ${JSON.stringify(schema)}`];
    for (const [m, s] of Object.entries(modules)) {
      lines.push(`${m}:`);
      for (const [k, v] of Object.entries(s)) lines.push(`  ${k}: ${JSON.stringify(v)}`);
    }
    return lines.join('\n') + '\n';
  });
const text = fc.oneof(
  profileText,
  fc.string({ maxLength: 60 }),
  fc.constant('a: &a [1,1,1,1,1,1,1,1,1]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\nd: [*c,*c,*c,*c,*c,*c,*c,*c,*c]\n'),
);

test('random profile files: a ProfileError or applied; a refused profile changes nothing', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'labrx-profile-fuzz-'));
  const rp = await connect({ sim: { seed: 1 } });
  t.teardown(async () => {
    await rp.close();
    await rm(dir, { recursive: true, force: true });
  });
  const path = join(dir, 'p.yaml');
  let applied = 0;
  let refused = 0;
  await fc.assert(
    fc.asyncProperty(text, async (yaml) => {
      await writeFile(path, yaml);
      const before = await rp.snapshot();
      try {
        await rp.restore(await loadProfile(path));
        applied++;
      } catch (error) {
        if (!(error instanceof ProfileError)) throw error;
        refused++;
        t.deepEqual(await rp.snapshot(), before, 'a refused profile changes nothing');
      }
    }),
    { seed: 99, numRuns: 300 },
  );
  t.log(`${applied} applied, ${refused} refused`);
});

test('regression (found by the fuzz): an alias bomb is a ProfileError, not a ReferenceError', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'labrx-profile-bomb-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  const path = join(dir, 'bomb.yaml');
  await writeFile(path, 'a: &a [1,1,1,1,1,1,1,1,1]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\nd: [*c,*c,*c,*c,*c,*c,*c,*c,*c]\n');
  const e = await t.throwsAsync(loadProfile(path), { instanceOf: ProfileError });
  t.regex(e!.message, /bomb\.yaml/);
});
