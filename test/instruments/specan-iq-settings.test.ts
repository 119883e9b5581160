import test from 'ava';
import { connect, SettingsError } from 'labrx';
import { RED_PITAYA_125_14, resolveSpecanSettings, SPECAN_SETTINGS } from '@labrx/core';

test("mode 'iq' takes one input: 'both' given is a SettingsError, not given means 'in1'", async (t) => {
  const rp = await connect({ sim: { seed: 1 } });
  try {
    const err = t.throws(() => rp.specan.single$({ mode: 'iq', input: 'both' }), { instanceOf: SettingsError });
    t.regex(err!.message, /specan\.input = "both" is not allowed: 'in1' or 'in2' in mode 'iq'/);
    t.is(SPECAN_SETTINGS.resolve({ mode: 'iq', center: 1e6 }, rp.driver.info).input, 'in1');
    t.is(SPECAN_SETTINGS.resolve({ mode: 'iq', input: 'in2' }, rp.driver.info).input, 'in2');
    // baseband keeps 'both'
    t.is(SPECAN_SETTINGS.resolve({}, rp.driver.info).input, 'both');
    // defaults set for iq mode: a baseband call reads center 0 (not the iq centre), the next iq call the centre again
    rp.specan.setDefaults({ mode: 'iq', center: 2e6, input: 'in2' });
    t.like(rp.specan.resolve({ mode: 'baseband', input: 'both' }), { mode: 'baseband', center: 0, input: 'both' });
    t.like(rp.specan.resolve({}), { mode: 'iq', center: 2e6, input: 'in2' });
  } finally {
    await rp.close();
  }
});

test('bad iq-mode settings are SettingsErrors naming setting, value and what is allowed', async (t) => {
  const rp = await connect({ sim: { seed: 1 } });
  try {
    const cases: [Record<string, unknown>, RegExp][] = [
      [{ mode: 'complex' }, /specan\.mode = "complex" is not allowed: one of 'baseband', 'iq'/],
      [{ mode: 'iq', center: -1 }, /specan\.center = -1 is not allowed: a number from 0 to 62500000/],
      [{ mode: 'iq', center: 7e7 }, /specan\.center = 70000000 is not allowed/],
      [{ center: 1e6 }, /specan\.center = 1000000 is not allowed: 0 in mode 'baseband'/],
    ];
    for (const [settings, message] of cases) {
      const err = t.throws(() => rp.specan.single$(settings as never), { instanceOf: SettingsError });
      t.regex(err!.message, message);
    }
    t.false(rp.driver.scopeRunning);
  } finally {
    await rp.close();
  }
});

test("a board without IQ modules allows 'baseband' only, saying why", (t) => {
  const err = t.throws(() => resolveSpecanSettings({ mode: 'iq' }, RED_PITAYA_125_14), { instanceOf: SettingsError });
  t.regex(err!.message, /'baseband' \(mode 'iq' demodulates with IQ module iq2, which this board does not have/);
  const field = SPECAN_SETTINGS.fields(RED_PITAYA_125_14).find((f) => f.name === 'mode')!;
  t.deepEqual(field.choices, ['baseband']);
});
