import test from 'ava';
import fc from 'fast-check';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { plainLockboxConfig, resolveLockboxConfig } from '@labrx/instruments';
import { connect, fabryPerotPdhLock, loadProfile, ProfileError } from 'labrx';

// Fuzz of profile files (issue #12: YAML profiles): random YAML texts — random bytes, random
// mappings shaped like profiles, alias bombs — loaded and restored onto a board give a ProfileError
// naming what is wrong, or apply; never another exception, and a refused profile changes nothing.
// The IQ modules' and the lockbox's sections are fuzzed from valid ones, one to three mutations each.

const scalar = fc.oneof(fc.double(), fc.integer({ min: -70000, max: 70000 }), fc.constantFrom('sine', 'hann', 'dBm', 'out1', 'in2', 'quadrature', 'off', 'ch1-rising', 'hv', 'from-sweep', true, false, null), fc.string({ maxLength: 6 }));
const value = fc.oneof(scalar, fc.array(fc.oneof(fc.integer({ min: -2e7, max: 2e7 }), fc.double()), { maxLength: 5 }));
const moduleName = fc.constantFrom('scope', 'specan', 'na', 'asg0', 'asg1', 'pid0', 'iq0', 'iq1', 'iq2', 'lockbox', 'constructor', '__proto__', 'x');
const settingName = fc.constantFrom(
  'decimation', 'trigger', 'threshold', 'gain', 'span', 'window', 'unit', 'start', 'stop', 'points', 'rbw', 'frequency', 'amplitude', 'offset', 'waveform', 'output', 'toString', 'nope',
  // IQ modules and the lockbox
  'input', 'frequencyHz', 'phaseDeg', 'bandwidthHz', 'amplitudeV', 'outputDirect', 'outputSignal', 'inputs', 'outputs', 'sequence', 'sweepAsg', 'lossSamples',
);
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

/** Where a mutation of a valid IQ/lockbox section lands: a path of keys and indices into it. */
type Mutation = { readonly kind: 'set'; readonly at: number; readonly value: unknown } | { readonly kind: 'delete'; readonly at: number } | { readonly kind: 'rename'; readonly at: number; readonly name: string };
const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant('set' as const), at: fc.nat(), value }),
  fc.record({ kind: fc.constant('delete' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('rename' as const), at: fc.nat(), name: fc.constantFrom('pdh', 'transmission', 'piezo', 'x', '__proto__', 'constructor', 'a b', '') }),
);

/** Every path (keys and indices) to a member of `v`, parents before children. */
function paths(v: unknown, at: (string | number)[] = []): (string | number)[][] {
  if (v === null || typeof v !== 'object') return [];
  const entries: [string | number, unknown][] = Array.isArray(v) ? v.map((x, k) => [k, x]) : Object.entries(v);
  return entries.flatMap(([k, x]) => [[...at, k], ...paths(x, [...at, k])]);
}

/** `base` (a plain JSON value) with `m` applied at one of its paths. */
function mutate(base: unknown, m: Mutation): unknown {
  const copy = JSON.parse(JSON.stringify(base)) as Record<string | number, unknown>;
  const all = paths(copy);
  if (all.length === 0) return copy;
  const path = all[m.at % all.length]!;
  const parent = path.slice(0, -1).reduce<Record<string | number, unknown>>((o, k) => o[k] as Record<string | number, unknown>, copy);
  const key = path[path.length - 1]!;
  if (m.kind === 'set') parent[key] = m.value;
  else if (Array.isArray(parent)) parent.splice(Number(key), 1);
  else if (m.kind === 'delete') delete parent[key];
  else {
    const v = parent[key];
    delete parent[key];
    Object.defineProperty(parent, m.name, { value: v, enumerable: true, configurable: true, writable: true });
  }
  return copy;
}

test('valid IQ and lockbox sections with one to three mutations: a ProfileError or applied; a refused one changes nothing; an applied one reads back', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'labrx-profile-fuzz-iq-'));
  const rp = await connect({ sim: { seed: 1 } });
  t.teardown(async () => {
    await rp.close();
    await rm(dir, { recursive: true, force: true });
  });
  await rp.iq1.set({ input: 'in2', frequencyHz: 2e5, phaseDeg: 20, bandwidthHz: [1000, 1000], gain: 0.5, amplitudeV: 0.1, outputDirect: 'out2' });
  rp.lockbox.configure(fabryPerotPdhLock({ linewidthHz: 1e6, piezoHzPerV: 5e7, modulationHz: 10e6, iq: 'iq1' }));
  const valid = await rp.snapshot();
  const path = join(dir, 'p.yaml');
  let applied = 0;
  let refused = 0;
  await fc.assert(
    fc.asyncProperty(fc.constantFrom('iq0', 'iq1', 'iq2', 'lockbox'), fc.array(mutation, { minLength: 1, maxLength: 3 }), fc.boolean(), async (section, mutations, withScope) => {
      const mutated = mutations.reduce<unknown>((v, m) => mutate(v, m), valid[section]);
      // JSON is YAML: the file as a user might have edited it
      await writeFile(path, JSON.stringify({ schema: 1, ...(withScope ? { scope: { decimation: 16 } } : {}), [section]: mutated }));
      const before = await rp.snapshot();
      try {
        await rp.restore(await loadProfile(path));
        applied++;
        const after = await rp.snapshot();
        if (section === 'lockbox') {
          const c = after.lockbox!;
          t.deepEqual(c, plainLockboxConfig(resolveLockboxConfig(c, rp.info)), 'the configuration in force is a valid one');
          // every name a stage uses is one of the configuration's own inputs and outputs (not Object.prototype's)
          for (const stage of c.sequence) {
            t.true(Object.hasOwn(c.inputs, stage.input!), `stage input ${stage.input}`);
            for (const o of Object.keys(stage.outputs ?? {})) t.true(Object.hasOwn(c.outputs, o), `stage output ${o}`);
          }
        }
        else t.truthy(after[section]);
      } catch (error) {
        if (!(error instanceof ProfileError)) throw error;
        refused++;
        t.true(error.problems.length > 0 && error.problems.every((p) => p.text.length > 0));
        t.deepEqual(await rp.snapshot(), before, 'a refused profile changes nothing');
      }
    }),
    { seed: 7, numRuns: 150 },
  );
  t.log(`${applied} applied, ${refused} refused`);
  t.true(applied > 0 && refused > 0, 'both outcomes were exercised');
});

test('regression (found by the fuzz): an alias bomb is a ProfileError, not a ReferenceError', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'labrx-profile-bomb-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  const path = join(dir, 'bomb.yaml');
  await writeFile(path, 'a: &a [1,1,1,1,1,1,1,1,1]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\nd: [*c,*c,*c,*c,*c,*c,*c,*c,*c]\n');
  const e = await t.throwsAsync(loadProfile(path), { instanceOf: ProfileError });
  t.regex(e!.message, /bomb\.yaml/);
});
