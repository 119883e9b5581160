import test from 'ava';
import fc from 'fast-check';
import { SettingsError } from '@labrx/core';
import { VirtualClock } from '@labrx/core/testing';
import { connect } from 'labrx';

// Fuzz of instrument settings through every async face (issue #12): a random settings object with
// at least one bad entry is refused with a SettingsError naming one of its keys, and nothing is
// started or changed: the scope is idle, no acquisition runs on the board, every instrument keeps
// its settings. Seeded and bounded: the same cases every run, a few seconds in all.

/** Names that exist on Object.prototype are case 7 of issue #12 (fixed and tested with the settings code). */
const ordinaryKey = fc.string({ minLength: 1, maxLength: 12 }).filter((k) => !(k in Object.prototype) && k !== '__proto__');

/** Anything a caller might pass as a setting's value. */
const anyValue = fc.oneof(
  fc.double(),
  fc.integer(),
  fc.constantFrom(0, -0, -1, 1, 2 ** 32, 2 ** 53 + 2, 1e308, 5e-324, -5e-324, NaN, Infinity, -Infinity),
  fc.string({ maxLength: 20 }),
  fc.boolean(),
  fc.constant(null),
  fc.array(fc.double(), { maxLength: 5 }),
  fc.dictionary(ordinaryKey, fc.integer(), { maxKeys: 2 }),
);

/** A value no setting accepts: an object with a key (no setting is a nested object). */
const badValue = fc.oneof(fc.dictionary(ordinaryKey, fc.anything(), { minKeys: 1, maxKeys: 2 }), fc.constant(Symbol('x')), fc.constant(() => 1));

const FACES = {
  scope: ['decimation', 'duration', 'trigger', 'threshold', 'hysteresis', 'triggerDelay', 'boxcar', 'averages'],
  specan: ['span', 'decimation', 'window', 'unit', 'averages', 'input', 'backend', 'zeroPad'],
  na: ['start', 'stop', 'points', 'logscale', 'rbw', 'averagePerPoint', 'settle', 'amplitude', 'input', 'reference', 'averages'],
  asg0: ['waveform', 'frequency', 'amplitude', 'offset', 'phase', 'data', 'output'],
} as const;
type Face = keyof typeof FACES;

/** Random settings of `face` with at least one bad entry: a known key with a bad value, or an unknown key. */
function badSettings(face: Face) {
  const known = fc.constantFrom(...FACES[face]);
  const some = fc.dictionary(known, anyValue, { maxKeys: 4 });
  const bad = fc.oneof(
    fc.tuple(known, badValue),
    fc.tuple(
      ordinaryKey.filter((k) => !(FACES[face] as readonly string[]).includes(k)),
      anyValue,
    ),
  );
  return fc.tuple(some, bad).map(([s, [k, v]]) => ({ ...s, [k]: v }) as Record<string, unknown>);
}

for (const face of Object.keys(FACES) as Face[]) {
  test(`${face}: random bad settings are a SettingsError naming one of their keys; nothing starts, nothing changes`, async (t) => {
    const clock = new VirtualClock();
    const rp = await connect({ sim: { seed: 5, scheduler: clock } });
    t.teardown(() => rp.close());
    await clock.run(rp.asg0.set({ frequency: 1234, amplitude: 0.25, output: 'out1' }));
    const snapshot = () => JSON.stringify({ scope: rp.scope.settings, specan: rp.specan.settings, na: rp.na.settings, asg0: { ...rp.asg0.settings, data: null }, asg1: { ...rp.asg1.settings, data: null } });
    const before = snapshot();
    const run = (s: Record<string, unknown>): Promise<unknown> => {
      switch (face) {
        case 'scope':
          return rp.scope.single(s as never);
        case 'specan':
          return rp.specan.single(s as never);
        case 'na':
          return rp.na.single(s as never);
        case 'asg0':
          return rp.asg0.set(s as never);
      }
    };
    let cases = 0;
    await fc.assert(
      fc.asyncProperty(badSettings(face), async (settings) => {
        cases++;
        let error: unknown;
        const p = run(settings).then(
          () => undefined,
          (e: unknown) => (error = e),
        );
        await clock.run(p, 60_000, 2000);
        t.true(error instanceof SettingsError, `${face}(${String(JSON.stringify(settings))}) gave ${String(error)}`);
        const e = error as SettingsError;
        // an element of a list is named with its index: data[0]
        const key = e.setting.replace(/\[\d+\]$/, '');
        t.true(Object.hasOwn(settings, key) || e.setting === '(settings)', `names '${e.setting}', not a key of ${Object.keys(settings).join(', ')}`);
        t.is(rp.scope.state.state, 'idle');
        t.is(rp.specan.state.state, 'idle');
        t.is(rp.na.state.state, 'idle');
        t.false(rp.driver.scopeRunning, 'no acquisition on the board');
        t.is(snapshot(), before, 'no setting changed');
        return true;
      }),
      { seed: 1212, numRuns: 400 },
    );
    t.log(`${cases} cases`);
  });
}
