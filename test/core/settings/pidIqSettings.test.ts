import test from 'ava';
import { checkIqModuleChange, checkPidChange, IQ_MODULE_SETTINGS, PID_SETTINGS, RED_PITAYA_125_14, SettingsError } from '@labrx/core';
import { fieldOf, fixedPointRange, pyrplIqModuleLimits, pyrplPidLimits, type FixedPointField } from '@labrx/pyrpl';
import { SIM_BOARD_INFO } from '@labrx/hw-sim';
import { connect } from 'labrx';

// PID and IQ module settings, declared once (PID_SETTINGS, IQ_MODULE_SETTINGS) with ranges from
// BoardInfo (info.pid, info.iqModule): one validation for every driver.

const PYRPL = Object.freeze({ ...RED_PITAYA_125_14, pid: pyrplPidLimits(), iqModule: pyrplIqModuleLimits() });

test('the PID ranges are the FPGA registers: p 24 bits with 2^12 = 1, i 24 bits of 2^32·2π·8 ns per Hz, setpoint 14 bits with 2^13 = 1 V', (t) => {
  const rules = PID_SETTINGS.rules(PYRPL);
  t.deepEqual([rules.p.min, rules.p.max], [-2048, 2048 - 2 ** -12]);
  const iField = fieldOf('pid0', 'i') as FixedPointField;
  t.deepEqual([rules.i.min, rules.i.max], fixedPointRange(iField));
  // (2^23 − 1) counts / (2^32·2π·8e-9 counts per Hz) = 38 856.4 Hz
  t.true(Math.abs(rules.i.max! - (2 ** 23 - 1) / (2 ** 32 * 2 * Math.PI * 8e-9)) < 1e-9, `${rules.i.max}`);
  t.deepEqual([rules.setpoint.min, rules.setpoint.max], [-1, 8191 / 8192]);
  t.deepEqual([rules.ival.min, rules.ival.max], [-4, 4 - 2 ** -13]);
  t.is(IQ_MODULE_SETTINGS.rules(PYRPL).gain.max, (2 ** 17 - 1) / 2); // quadrature_factor (g3), an 18-bit integer, is 2·gain
});

test('the simulator reports the register driver\'s limits (only the signals it computes differ)', (t) => {
  const { inputs: simInputs, ...sim } = SIM_BOARD_INFO.pid!;
  const { inputs: fpgaInputs, ...fpga } = PYRPL.pid;
  t.deepEqual(sim, fpga);
  t.true(simInputs.every((s) => fpgaInputs.includes(s)));
  const { inputs: _a, ...simIq } = SIM_BOARD_INFO.iqModule!;
  const { inputs: _b, ...fpgaIq } = PYRPL.iqModule;
  t.deepEqual(simIq, fpgaIq);
});

test('checkPidChange: every given value checked (SettingsError names module, setting, value, what is allowed), only the given ones returned', (t) => {
  t.deepEqual(checkPidChange({ p: 0.5, input: 'in1' }, PYRPL, 'pid1'), { input: 'in1', p: 0.5 });
  const cases: [Record<string, unknown>, string, RegExp][] = [
    [{ p: 1e4 }, 'p', /pid2\.p = 10000 is not allowed: a number from -2048 to 2047\.99/],
    [{ i: -1e6 }, 'i', /\(Hz\)/],
    [{ input: 'in3' }, 'input', /one of .*'in1', 'in2'/],
    [{ inputFilterHz: [1, 2, 3, 4, 5] }, 'inputFilterHz', /a list of up to 4 cutoffs in Hz/],
    [{ inputFilterHz: 'x' }, 'inputFilterHz', /a list of up to 4/],
    [{ paused: 1 }, 'paused', /true or false/],
    [{ gain: 2 }, 'gain', /a known setting: input, outputDirect, setpoint, p, i, ival, minVoltage, maxVoltage, inputFilterHz, paused/],
    [{ minVoltage: 0.5, maxVoltage: 0.1 }, 'minVoltage', /minVoltage ≤ maxVoltage \(0\.5 V > 0\.1 V\)/],
  ];
  for (const [given, setting, message] of cases) {
    const e = t.throws(() => checkPidChange(given as never, PYRPL, 'pid2'), { instanceOf: SettingsError });
    t.is(e!.instrument, 'pid2');
    t.is(e!.setting, setting);
    t.regex(e!.message, message);
  }
  // a limit alone is checked against the one in force
  const current = { ...PID_SETTINGS.defaults, maxVoltage: 0.2 };
  t.throws(() => checkPidChange({ minVoltage: 0.3 }, PYRPL, 'pid0', current), { message: /pid0\.minVoltage = 0\.3.*minVoltage ≤ maxVoltage/ });
  t.deepEqual(checkPidChange({ minVoltage: 0.1 }, PYRPL, 'pid0', current), { minVoltage: 0.1 });
});

test('a board without PIDs or IQ module configuration (plain SCPI) accepts none of their settings, saying why', (t) => {
  const e = t.throws(() => checkPidChange({ p: 1 }, RED_PITAYA_125_14, 'pid0'), { instanceOf: SettingsError });
  t.regex(e!.message, /pid0\.p = 1 is not allowed: nothing: this board has no PID modules/);
  const f = t.throws(() => checkIqModuleChange({ frequencyHz: 1e3 }, RED_PITAYA_125_14, 'iq0'), { instanceOf: SettingsError });
  t.regex(f!.message, /nothing: this board cannot configure IQ modules/);
});

test('IQ module settings: the filter stages are the module\'s own (2, 4 on iq2); ranges from info.iqModule', (t) => {
  t.deepEqual(checkIqModuleChange({ bandwidthHz: [1e3, 1e3, 1e3, 1e3] }, PYRPL, 'iq2'), { bandwidthHz: [1e3, 1e3, 1e3, 1e3] });
  const e = t.throws(() => checkIqModuleChange({ bandwidthHz: [1e3, 1e3, 1e3] }, PYRPL, 'iq0'), { instanceOf: SettingsError });
  t.like(e, { instrument: 'iq0', setting: 'bandwidthHz' });
  t.regex(e!.message, /a list of up to 2 cutoffs/);
  t.throws(() => checkIqModuleChange({ frequencyHz: 70e6 }, PYRPL, 'iq1'), { message: /iq1\.frequencyHz = 70000000 is not allowed: a number from 0 to 62500000 \(Hz\)/ });
  t.throws(() => checkIqModuleChange({ amplitudeV: 1 }, PYRPL, 'iq1'), { message: /iq1\.amplitudeV = 1 is not allowed: a number from -1 to 0\.99999/ });
  t.throws(() => checkIqModuleChange({ outputSignal: 'i' } as never, PYRPL, 'iq1'), { message: /'quadrature', 'output_direct', 'off'/ });
});

test('the form fields come from the declarations: kinds, units, ranges and choices of this board', (t) => {
  const pid = PID_SETTINGS.fields(PYRPL);
  t.deepEqual(pid.map((f) => f.name), ['input', 'outputDirect', 'setpoint', 'p', 'i', 'ival', 'minVoltage', 'maxVoltage', 'inputFilterHz', 'paused']);
  t.like(pid.find((f) => f.name === 'i'), { kind: 'number', unit: 'Hz', min: PYRPL.pid.iHz[0], max: PYRPL.pid.iHz[1] });
  t.like(pid.find((f) => f.name === 'inputFilterHz'), { kind: 'number-list', unit: 'Hz' });
  t.deepEqual(pid.find((f) => f.name === 'outputDirect')!.choices, ['off', 'out1', 'out2', 'both']);
  t.deepEqual(pid.find((f) => f.name === 'input')!.choices, PYRPL.pid.inputs);
  t.like(pid.find((f) => f.name === 'paused'), { kind: 'boolean', default: false });
  t.deepEqual(IQ_MODULE_SETTINGS.fields(PYRPL).map((f) => f.name), ['input', 'frequencyHz', 'phaseDeg', 'bandwidthHz', 'acBandwidthHz', 'gain', 'amplitudeV', 'outputDirect', 'outputSignal']);
  // acbandwidth: ± the corner of the input filter's per-cycle coefficient 1/2 (PyRPL's factor 0.7 for it)
  const acMax = 0.7 * ((-Math.log(0.5) * 125e6) / (2 * Math.PI));
  t.like(IQ_MODULE_SETTINGS.fields(PYRPL).find((f) => f.name === 'acBandwidthHz'), { kind: 'number', unit: 'Hz', default: 0 });
  t.true(Math.abs(PYRPL.iqModule.acBandwidthHz[1] - acMax) < 1e-6 && PYRPL.iqModule.acBandwidthHz[0] === -PYRPL.iqModule.acBandwidthHz[1]);
  t.throws(() => checkIqModuleChange({ acBandwidthHz: 2e7 }, PYRPL, 'iq0'), { message: /iq0\.acBandwidthHz = 20000000 is not allowed: a number from -9652807\.5\d* to 9652807\.5\d* \(Hz\)/ });
});

test('the declared defaults are the FPGA\'s power-on PID registers, as the embedded simulator reads them back', async (t) => {
  const rp = await connect({ sim: { seed: 1 } });
  t.teardown(() => rp.close());
  const read = await rp.pid1!.get();
  t.deepEqual({ ...read, inputFilterHz: [] }, { ...PID_SETTINGS.defaults });
  t.deepEqual(read.inputFilterHz, [0, 0, 0, 0]);
});
