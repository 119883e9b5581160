import test from 'ava';
import { SettingsError } from '@labrx/core';
import { DRIVERS } from '../helpers/driverRigs.js';
import { checkBursts } from '../helpers/burstCheck.js';

// Generator bursts and triggers over every driver (test/helpers/driverRigs.ts): the embedded
// simulator, the simulator behind the SCPI server (ScpiBoard: SOUR<n>:BURS:*, TRig:SOUR/INT) and behind
// the simulated PyRPL monitor_server (PyrplBoard: trigger_source, cycles_per_burst, bursts,
// delay_between_bursts). out1 is wired to in2; the served rigs run in real time, so the sequence is
// started by the external trigger input (a 200 Hz square wave) that also triggers the scope.

const f = 50e3, a = 0.4, offset = 0.1;
// 5 cycles of 50 kHz = 100 µs per burst, 3 bursts 300 µs apart: 700 µs, well inside the 5 ms between edges
const burst = { waveform: 'sine', frequency: f, amplitude: a, offset, phase: 0, burstCycles: 5, burstCount: 3, burstPeriod: 300e-6, output: 'out1' } as const;

for (const [name, driver] of Object.entries(DRIVERS)) {
  const open = () => driver.open({ seed: 41, noiseDensity: 1e-8, extTrigger: { frequency: 200 } });

  test(`${name}: an 'ext-rising' burst of 5 cycles × 3 plays exactly that from the edge, then holds the offset; settings read back as set`, async (t) => {
    const { rp, close } = await open();
    t.teardown(close);
    const applied = await rp.asg0.set({ ...burst, trigger: 'ext-rising' });
    t.like(applied, { ...burst, trigger: 'ext-rising' });
    t.deepEqual(rp.asg0.settings, applied);
    // 128 ns samples: 1.05 ms after the edge shows the whole sequence
    const tr = await rp.scope.single({ decimation: 16, trigger: 'ext-rising' });
    checkBursts(t, tr.ch2, tr.dt, tr.t0, { frequency: f, amplitude: a, offset, phase: 0, burstS: 5 / f, count: 3, period: 300e-6, beforeV: offset, afterV: offset });
  });

  test(`${name}: a software trigger (asg.trigger()) starts a waiting generator's burst; until then it holds its level`, async (t) => {
    // no external trigger signal: the generator waits for asg.trigger() only ('off'; over SCPI, which has
    // no 'off' source, an external edge that never comes)
    const { rp, close } = await driver.open({ seed: 41, noiseDensity: 1e-8 });
    t.teardown(close);
    await rp.asg0.set({ ...burst, burstCount: 1, phase: 0, trigger: name === 'SCPI over TCP' ? 'ext-rising' : 'off' });
    // the scope's 'asg0' trigger fires at a period start of a burst (the embedded simulator predicts a
    // buffer ahead, so a burst that starts after that search shows from a later period); trigger every
    // 20 ms until it has, then find the burst's start in the trace
    let done = false;
    const trace = rp.scope.single({ decimation: 16, trigger: 'asg0' }, { timeoutMs: 60_000 }).finally(() => (done = true));
    for (let k = 0; k < 3000 && !done; k++) {
      await rp.asg0.trigger();
      await new Promise((r) => setTimeout(r, 20));
    }
    const tr = await trace;
    // the first sample 0.2·A above the offset is asin(0.2)/(2πf) = 641 ns after the start
    const i1 = tr.ch2.findIndex((v) => v - offset > 0.2 * a);
    t.true(i1 > 0);
    const startS = tr.t0 + i1 * tr.dt - Math.asin(0.2) / (2 * Math.PI * f);
    checkBursts(t, tr.ch2, tr.dt, tr.t0, { frequency: f, amplitude: a, offset, phase: 0, burstS: 5 / f, count: 1, period: 300e-6, beforeV: offset, afterV: offset, startS, startTolS: 2 * tr.dt });
  });

  test(`${name}: bad burst values are refused with SettingsError naming setting, value and range; nothing changes`, async (t) => {
    const { rp, close } = await open();
    t.teardown(close);
    const before = await rp.asg0.set({ ...burst, trigger: 'ext-rising' });
    const cases = [
      [{ burstCycles: 70000 }, 'burstCycles', 70000, /integer from 0 to 65535/],
      [{ burstCycles: 2.5 }, 'burstCycles', 2.5, /integer/],
      [{ burstCount: 0 }, 'burstCount', 0, /integer from 1 to 65535/],
      [{ burstPeriod: 50e-6 }, 'burstPeriod', 50e-6, /burst's length \+ 1 µs/],
      [{ trigger: 'ext' }, 'trigger', 'ext', /immediately/],
      [{ waveform: 'noise' }, 'waveform', 'noise', /burstCycles 0/],
    ] as const;
    for (const [settings, setting, value, allowed] of cases) {
      const e = await t.throwsAsync(rp.asg0.set(settings as never), { instanceOf: SettingsError });
      t.like(e, { setting, value }, JSON.stringify(settings));
      t.regex(e!.message, allowed);
      t.deepEqual(rp.asg0.settings, before);
    }
  });
}

test("SCPI over TCP: trigger 'off' has no SCPI source: SettingsError before anything is sent, settings unchanged", async (t) => {
  const { rp, close } = await DRIVERS['SCPI over TCP'].open({ seed: 41 });
  t.teardown(close);
  const before = rp.asg0.settings;
  const e = await t.throwsAsync(rp.asg0.set({ ...burst, trigger: 'off' }), { instanceOf: SettingsError });
  t.like(e, { setting: 'trigger', value: 'off' });
  t.deepEqual(rp.asg0.settings, before);
});
