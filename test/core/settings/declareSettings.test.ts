import test from 'ava';
import {
  ASG_SETTINGS,
  defineSettings,
  formatSettingValue,
  inputSetting,
  IQ_SETTINGS,
  resolveIqSettings,
  NA_SETTINGS,
  numberIn,
  oneOf,
  RED_PITAYA_125_14,
  resolveAsgSettings,
  resolveNaSettings,
  resolveScopeSettings,
  resolveSpecanSettings,
  SCOPE_DEFAULTS,
  SCOPE_SETTINGS,
  scopeSettingsKey,
  setting,
  SettingsError,
  SPECAN_SETTINGS,
  type AsgSettings,
  type BoardInfo,
  type ResolvedAsgSettings,
  type ResolvedScopeSettings,
  type ScopeSettings,
  type TriggerSource,
  type ResolvedSettingsOf,
  type UserSettingsOf,
} from '@labrx/core';

const INFO = RED_PITAYA_125_14;

test('a table gives the user type, the resolved type, defaults, merge and the sharing key', (t) => {
  const DEMO = defineSettings('demo', {
    frequency: setting({ rule: (info) => numberIn(0, info.sampleRateHz / 2, 'Hz'), default: 1000, unit: 'Hz', doc: 'tone frequency', acquisition: true }),
    shape: setting({ rule: () => oneOf(['sine', 'square'] as const), default: 'sine', doc: 'waveform' }),
    periods: inputSetting({ rule: () => numberIn(1, 10), doc: 'turned into frequency by refine' }),
  });
  const user: UserSettingsOf<typeof DEMO.table> = { frequency: 5, periods: 2 };
  const resolved: ResolvedSettingsOf<typeof DEMO.table> = DEMO.resolve(user, INFO);
  t.deepEqual({ ...resolved }, { frequency: 5, shape: 'sine' }, 'input-only settings are not kept');
  t.deepEqual({ ...DEMO.defaults }, { frequency: 1000, shape: 'sine' });
  t.true(Object.isFrozen(resolved));
  t.is(DEMO.key(resolved), '[5]', 'only acquisition settings are in the key');
  t.deepEqual(DEMO.resolve({ shape: 'square' }, INFO, resolved), { frequency: 5, shape: 'square' }, 'merged over the base');
});

test('every acquisition setting of the scope is in its sharing key, and nothing else', (t) => {
  const a = resolveScopeSettings({ decimation: 8 }, INFO);
  for (const name of SCOPE_SETTINGS.resolvedNames) {
    const other = { ...a, [name]: name === 'gain' ? 'hv' : name === 'trigger' ? 'asg0' : name === 'boxcar' ? false : (a[name] as number) + 1 };
    t.is(scopeSettingsKey(other) !== scopeSettingsKey(a), name !== 'averages', name);
  }
  t.deepEqual(SCOPE_SETTINGS.acquisitionNames, ['decimation', 'trigger', 'threshold', 'hysteresis', 'triggerDelay', 'boxcar', 'gain', 'samples']);
});

test('limits come from BoardInfo: a board with a larger maximum decimation accepts it', (t) => {
  const big: BoardInfo = { ...INFO, maxDecimation: 2 ** 20 };
  t.throws(() => resolveScopeSettings({ decimation: 2 ** 20 }, INFO), { instanceOf: SettingsError, message: /a power of 2 from 1 to 65536/ });
  t.is(resolveScopeSettings({ decimation: 2 ** 20 }, big).decimation, 2 ** 20);
  t.is(SCOPE_SETTINGS.fields(big).find((f) => f.name === 'decimation')!.max, 2 ** 20);
});

test('field descriptors carry name, doc, unit, allowed, choices and default for forms and flags', (t) => {
  const fields = SCOPE_SETTINGS.fields(INFO);
  t.deepEqual(
    fields.map((f) => f.name),
    ['decimation', 'duration', 'trigger', 'threshold', 'hysteresis', 'triggerDelay', 'boxcar', 'gain', 'samples', 'averages'],
  );
  t.like(fields.find((f) => f.name === 'gain'), { kind: 'choice', choices: ['lv', 'hv'], default: 'lv', acquisition: true, resolved: true, form: true });
  t.like(fields.find((f) => f.name === 'duration'), { unit: 's', resolved: false, form: false, default: null });
  t.is(fields.find((f) => f.name === 'decimation')!.choices!.length, 17);
  t.notThrows(() => JSON.stringify([SCOPE_SETTINGS, ASG_SETTINGS, SPECAN_SETTINGS, NA_SETTINGS].map((k) => k.fields(INFO))));
});

test('a wire mapping is declared with the setting and read by drivers through wireValue', (t) => {
  const DEMO = defineSettings('demo', {
    gain: setting({ rule: () => oneOf(['lv', 'hv'] as const), default: 'lv', doc: 'gain', wire: { scpi: (g) => g.toUpperCase() } }),
  });
  t.is(DEMO.wireValue('scpi', 'gain', 'hv'), 'HV');
  t.is(DEMO.wireValue('other', 'gain', 'hv'), 'hv', 'a driver without a mapping gets the value');
});

// issue #12 case 7: names that exist on Object.prototype
for (const name of ['constructor', '__proto__', 'toString', 'hasOwnProperty', 'valueOf']) {
  test(`a setting named '${name}' is an unknown setting (SettingsError), for every instrument`, (t) => {
    const given = JSON.parse(`{"${name}": 1}`) as Record<string, unknown>;
    for (const [instrument, resolve] of [
      ['scope', resolveScopeSettings],
      ['asg', resolveAsgSettings],
      ['specan', resolveSpecanSettings],
      ['na', resolveNaSettings],
    ] as const) {
      const e = t.throws(() => (resolve as (s: unknown, i: BoardInfo) => unknown)(given, INFO), { instanceOf: SettingsError }, instrument);
      t.like(e, { instrument, setting: name, value: 1 });
      t.regex(e!.allowed, /^a known setting: /);
    }
  });
}

test('settings that are not a plain object are refused with SettingsError', (t) => {
  t.throws(() => resolveScopeSettings([] as never, INFO), { instanceOf: SettingsError, message: /a plain object of settings/ });
  t.throws(() => resolveScopeSettings(5 as never, INFO), { instanceOf: SettingsError });
});

// issue #12 case 8: the message formatter on hostile values
test('formatSettingValue is bounded and cycle-safe: cyclic, 20,000-deep, huge and throwing values', (t) => {
  const cyclic: Record<string, unknown> = { a: 1 };
  cyclic.self = cyclic;
  t.is(formatSettingValue(cyclic), '{"a":1,"self":[Circular]}');
  const cyclicArray: unknown[] = [1];
  cyclicArray.push(cyclicArray);
  t.is(formatSettingValue(cyclicArray), '[1,[Circular]]');
  let deep: unknown = 0;
  for (let i = 0; i < 20_000; i++) deep = [deep];
  t.is(formatSettingValue(deep), '[[[[[…]]]]]');
  let deepObject: unknown = 0;
  for (let i = 0; i < 20_000; i++) deepObject = { x: deepObject };
  t.is(formatSettingValue(deepObject), '{"x":{"x":{"x":{"x":{…}}}}}');
  t.is(formatSettingValue(new Array(1e6).fill(1)), '[1,1,1,1,1,1,1,1,…]');
  t.true(formatSettingValue('x'.repeat(1e6)).length <= 80);
  const hostile = new Proxy({}, { ownKeys: () => { throw new Error('no'); } });
  t.is(formatSettingValue(hostile), '?');
  t.is(formatSettingValue(new Float64Array(16384)), 'Float64Array(16384)');
  t.is(formatSettingValue(NaN), 'NaN');
  t.is(formatSettingValue(10n), '10n');
  t.is(formatSettingValue(function named() {}), '[Function named]');
  // and so SettingsError itself can carry them
  t.regex(new SettingsError('scope', 'decimation', deep, 'a power of 2').message, /^scope\.decimation = \[\[\[\[\[…\]\]\]\]\] is not allowed/);
});

test('cyclic and deep values as settings give SettingsError, not a crash', (t) => {
  const cyclic: Record<string, unknown> = {};
  cyclic.me = cyclic;
  let deep: unknown = 0;
  for (let i = 0; i < 20_000; i++) deep = [deep];
  t.throws(() => resolveScopeSettings({ decimation: cyclic as never }, INFO), { instanceOf: SettingsError, message: /scope\.decimation = \{"me":\[Circular\]\}/ });
  t.throws(() => resolveAsgSettings({ data: deep as never }, INFO), { instanceOf: SettingsError });
  t.throws(() => resolveNaSettings({ rbw: deep as never }, INFO), { instanceOf: SettingsError });
});

test('na rbw is bounded by physics: at most fs/2, and a point lasting at most a day', (t) => {
  const tiny = t.throws(() => resolveNaSettings({ rbw: 5e-324 }, INFO), { instanceOf: SettingsError });
  t.like(tiny, { instrument: 'na', setting: 'rbw', value: 5e-324 });
  t.regex(tiny!.allowed, /from 0\.0000115740\d* to 62500000 \(Hz\)/);
  t.like(t.throws(() => resolveNaSettings({ rbw: 1e8 }, INFO)), { setting: 'rbw' });
  // averagePerPoint 100000 needs rbw ≥ (0.5 + 100000) / 86400 = 1.1574 Hz
  const slow = t.throws(() => resolveNaSettings({ rbw: 1, averagePerPoint: 100_000 }, INFO), { instanceOf: SettingsError });
  t.like(slow, { setting: 'rbw', value: 1 });
  t.regex(slow!.allowed, /rbw ≥ 1\.1574/);
  t.is(resolveNaSettings({ rbw: 1.2, averagePerPoint: 100_000 }, INFO).rbw, 1.2);
});

test('defaults and names of the contract are unchanged', (t) => {
  t.like(SCOPE_DEFAULTS, { decimation: 1, trigger: 'immediate', threshold: 0, hysteresis: 0.005, triggerDelay: 0, boxcar: true, averages: 1, gain: 'lv' });
  t.deepEqual(ASG_SETTINGS.names, ['waveform', 'frequency', 'amplitude', 'offset', 'phase', 'data', 'output']);
  t.deepEqual(SPECAN_SETTINGS.names, ['span', 'decimation', 'window', 'unit', 'averages', 'input', 'backend', 'zeroPad', 'mode', 'center']);
  t.like(SPECAN_SETTINGS.defaults, { mode: 'baseband', center: 0, input: 'both' });
  t.deepEqual(NA_SETTINGS.names, ['start', 'stop', 'points', 'logscale', 'rbw', 'averagePerPoint', 'settle', 'amplitude', 'input', 'reference', 'averages']);
});

test('the IQ request is declared too: ranges from the board, unknown and prototype names refused, times bounded', (t) => {
  t.like(resolveIqSettings({ input: 'in2', frequencyHz: 1e6, lockToAsg: 1, settleS: 0, integrationS: 1e-3 }, INFO), { input: 'in2', lockToAsg: 1 });
  t.like(t.throws(() => resolveIqSettings({ lockToAsg: 2 }, INFO), { instanceOf: SettingsError }), { setting: 'lockToAsg', allowed: 'an integer from 0 to 1' });
  t.like(t.throws(() => resolveIqSettings({ integrationS: Infinity }, INFO), { instanceOf: SettingsError }), { setting: 'integrationS' });
  t.like(t.throws(() => resolveIqSettings({ frequencyHz: 1e8 }, INFO), { instanceOf: SettingsError }), { allowed: 'a number from 0 to 62500000 (Hz)' });
  t.like(t.throws(() => resolveIqSettings(JSON.parse('{"constructor": 1}') as never, INFO), { instanceOf: SettingsError }), { setting: 'constructor' });
  t.deepEqual(NA_SETTINGS.acquisitionNames, ['start', 'stop', 'points', 'logscale', 'rbw', 'averagePerPoint', 'settle', 'amplitude', 'input', 'reference']);
  t.deepEqual(IQ_SETTINGS.names, ['input', 'frequencyHz', 'lockToAsg', 'settleS', 'integrationS']);
});

test('the types are inferred from the tables (checked by the compiler; this test only runs the values)', (t) => {
  type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
  const checks: [
    Equal<ResolvedScopeSettings['gain'], 'lv' | 'hv'>,
    Equal<ResolvedScopeSettings['trigger'], TriggerSource>,
    Equal<ResolvedScopeSettings['decimation'], number>,
    Equal<keyof ResolvedScopeSettings, 'decimation' | 'trigger' | 'threshold' | 'hysteresis' | 'triggerDelay' | 'boxcar' | 'gain' | 'samples' | 'averages'>,
    Equal<NonNullable<ScopeSettings['duration']>, number>,
    Equal<ResolvedAsgSettings['data'], Float64Array | null>,
    Equal<NonNullable<AsgSettings['data']>, ArrayLike<number>>,
  ] = [true, true, true, true, true, true, true];
  // @ts-expect-error a gain that is not declared
  const bad: ScopeSettings = { gain: 'mv' };
  // @ts-expect-error a setting that is not declared
  const unknown: ScopeSettings = { gainn: 'hv' };
  t.deepEqual(checks, [true, true, true, true, true, true, true]);
  t.truthy(bad && unknown);
});
