import test from 'ava';
import { NotSupportedError, SettingsError } from '@labrx/core';
import { connect, type Board } from 'labrx';
import { DRIVERS } from '../helpers/driverRigs.js';
import { connectPyrplSim } from './pyrplSim.js';

// PID and IQ module settings validated once, from their declarations (PID_SETTINGS,
// IQ_MODULE_SETTINGS with the board's info.pid / info.iqModule), on the embedded simulator and over
// pyrpl:// alike: the same SettingsError, nothing written, and the same read-back.
// Serial: the served simulator computes its loop in real time in this process (loop step 256 cycles).

const SIM = { seed: 5, noiseDensity: 1e-7, loopDecimation: 256 };

async function boards(t: { teardown(f: () => unknown): void }): Promise<[string, Board][]> {
  const embedded = await connect({ sim: SIM });
  t.teardown(() => embedded.close());
  const served = await connectPyrplSim(SIM);
  t.teardown(served.close);
  return [
    ['embedded', embedded],
    ['pyrpl://', served.rp],
  ];
}

test.serial('bad PID and IQ module values: SettingsError naming module, setting, value and what is allowed; nothing written; alike on both boards', async (t) => {
  const seen: Record<string, string[]> = {};
  for (const [where, rp] of await boards(t)) {
    // no gain: the simulator's loop stays off (a served loop runs in real time; a loaded machine slows its replies)
    const pid = await rp.pid1!.set({ input: 'in2', setpoint: 0.05, inputFilterHz: [1000] });
    const iq = await rp.iq1.set({ input: 'in1', frequencyHz: 1e5, bandwidthHz: [1000], phaseDeg: 20 });
    const messages: string[] = [];
    for (const bad of [{ p: 5000 }, { i: 4e4 }, { setpoint: -1.5 }, { ival: 5 }, { maxVoltage: -1.5 }, { inputFilterHz: [1, 2, 3, 4, 5] }, { input: 'nowhere' }, { p: 0.5, gain: 1 }]) {
      const e = await t.throwsAsync(rp.pid1!.set(bad as never), { instanceOf: SettingsError }, `${where} ${JSON.stringify(bad)}`);
      t.is(e!.instrument, 'pid1');
      messages.push(e!.message);
    }
    // a limit alone is checked against the one in force (maxVoltage of the FPGA reset: 8191/8192 V)
    await rp.pid1!.set({ maxVoltage: 0.5 });
    const lim = await t.throwsAsync(rp.pid1!.set({ minVoltage: 0.6 }), { instanceOf: SettingsError });
    t.regex(lim!.message, /pid1\.minVoltage = 0\.6 is not allowed: minVoltage ≤ maxVoltage \(0\.6 V > 0\.5 V\)/);
    for (const bad of [{ frequencyHz: -1 }, { gain: 1e6 }, { amplitudeV: 2 }, { bandwidthHz: [1, 1, 1] }, { outputSignal: 'both' }, { input: 'nowhere' }]) {
      const e = await t.throwsAsync(rp.iq1.set(bad as never), { instanceOf: SettingsError }, `${where} ${JSON.stringify(bad)}`);
      t.is(e!.instrument, 'iq1');
      messages.push(e!.message);
    }
    t.deepEqual(await rp.pid1!.get(), { ...pid, maxVoltage: 0.5 }, `${where}: nothing written`);
    t.deepEqual(await rp.iq1.get(), iq, `${where}: nothing written`);
    seen[where] = messages;
  }
  // one validation: the same messages, except for the signals each board computes (input)
  const same = (list: string[]) => list.filter((m) => !m.includes('.input ='));
  t.deepEqual(same(seen['pyrpl://']!), same(seen.embedded!));
  t.regex(seen.embedded![0]!, /pid1\.p = 5000 is not allowed: a number from -2048 to 2047\.99\d+$/);
  t.regex(seen.embedded!.find((m) => m.startsWith('iq1.bandwidthHz'))!, /a list of up to 2 cutoffs in Hz/);
});

test.serial('round trip: what set emits is what get reads back, quantised as the FPGA holds it, the same on both boards', async (t) => {
  const read: Record<string, unknown[]> = {};
  for (const [where, rp] of await boards(t)) {
    const p = await rp.pid0!.set({ input: 'in1', setpoint: 0.1, p: 0.3, i: 1000, minVoltage: -0.5, maxVoltage: 0.5, inputFilterHz: [5000], paused: true });
    t.deepEqual(await rp.pid0!.get(), { ...p, ival: (await rp.pid0!.get()).ival });
    // quantisation: p in steps of 2^-12, i in steps of 1/(2^32·2π·8 ns) Hz, setpoint 2^-13 V
    t.true(Math.abs(p.p - 0.3) <= 2 ** -13, `${where} p ${p.p}`);
    t.true(Math.abs(p.i - 1000) <= 1 / (2 ** 32 * 2 * Math.PI * 8e-9), `${where} i ${p.i}`);
    t.true(Math.abs(p.setpoint - 0.1) <= 2 ** -14, `${where} setpoint ${p.setpoint}`);
    t.like(p, { input: 'in1', paused: true, minVoltage: -0.5 });
    const q = await rp.iq2.set({ input: 'in2', frequencyHz: 250e3, phaseDeg: 45, bandwidthHz: [2000, 2000, -10, 0], gain: 0.5, outputSignal: 'quadrature' });
    t.deepEqual(await rp.iq2.get(), q);
    t.is(q.bandwidthHz.length, 4);
    // the frequency register: 125 MHz / 2^32 steps
    t.true(Math.abs(q.frequencyHz - 250e3) <= 125e6 / 2 ** 33, `${where} f ${q.frequencyHz}`);
    read[where] = [{ ...p, ival: 0 }, q];
  }
  t.deepEqual(read['pyrpl://'], read.embedded);
});

test('a plain SCPI board has no PIDs and cannot configure IQ modules: pid0 is absent, iq0.set is NotSupportedError', async (t) => {
  const { rp, close } = await DRIVERS['SCPI over TCP'].open({ seed: 1 });
  t.teardown(close);
  t.is(rp.pid0, undefined);
  t.is(rp.info.pid, undefined);
  t.false(rp.iq0.configurable);
  await t.throwsAsync(rp.iq0.set({ frequencyHz: 1e3 }), { instanceOf: NotSupportedError });
});
