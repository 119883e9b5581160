import test from 'ava';
import { connect, connectSync } from 'labrx';
import { fabryPerot, type FabryPerotSpec } from '@labrx/hw-sim';
import { VirtualClock } from '@labrx/core/testing';

// A plant is plain data: its spec crosses to the engine thread, and the blocking face then sees the
// same cavity, noise and kicks as the async face, sample for sample.
const cavity: FabryPerotSpec = {
  kind: 'fabry-perot', finesse: 3000, fsrHz: 1.5e9, detuningHz: 1e5, powerV: 0.8, seed: 9,
  frequencyNoiseHzPerRtHz: 50, relativeIntensityNoise: 1e-6, kickRateHz: 200, kickHz: 3e4,
};

test('connectSync with a Fabry–Perot plant: the same samples as connect (bit for bit)', async (t) => {
  const sim = { seed: 5, noiseDensity: 1e-7 };
  const clock = new VirtualClock();
  const rp = await connect({ sim: { ...sim, dut: fabryPerot(cavity), scheduler: clock } });
  const rps = connectSync({ sim: { ...sim, dut: cavity, virtualTime: true } });
  t.teardown(() => rps.close());
  const asg = { waveform: 'sine', frequency: 25e6, amplitude: 0.5, output: 'out2' } as const;
  t.deepEqual(rps.asg1.set(asg), await rp.asg1.set(asg));
  const a = await clock.run(rp.scope.single({ decimation: 64 }));
  const s = rps.scope.single({ decimation: 64 });
  t.deepEqual(s, a);
  // the cavity is seen: β = 0.5 rad (the default 1 rad/V), so the transmission stays below the resonant
  // carrier's 0.8·J0(0.5)² = 0.705 V (detuned by 100 kHz, then moved by the kicks' random walk)
  const mean = s.ch2.reduce((x, y) => x + y, 0) / s.ch2.length;
  t.true(mean > 0.1 && mean < 0.8 * 0.9384698072408129 ** 2, `transmission ${mean}`);
  // a Plant object given to connectSync travels as its spec
  const rps2 = connectSync({ sim: { ...sim, dut: fabryPerot(cavity) as never, virtualTime: true } });
  t.teardown(() => rps2.close());
  rps2.asg1.set(asg);
  t.deepEqual(rps2.scope.single({ decimation: 64 }), s);
  await rp.close();
});

test('a plant without a seed takes the board\'s on both faces (and a sim:// URL), so they still agree', async (t) => {
  const { seed: _seed, ...unseeded } = cavity;
  const clock = new VirtualClock();
  const rp = await connect({ sim: { seed: 6, dut: fabryPerot(unseeded), scheduler: clock } });
  const rps = connectSync({ sim: { seed: 6, dut: unseeded, virtualTime: true } });
  t.teardown(() => rps.close());
  t.is((rp.driver as unknown as { plantState(): Record<string, number> }).plantState().kickCount, 0);
  const a = await clock.run(rp.scope.single({ decimation: 64 }));
  t.deepEqual(rps.scope.single({ decimation: 64 }), a);
  // another board seed: other noise and kicks
  const clock7 = new VirtualClock();
  const rp7 = await connect({ sim: { seed: 7, dut: fabryPerot(unseeded), scheduler: clock7 } });
  t.notDeepEqual((await clock7.run(rp7.scope.single({ decimation: 64 }))).ch2, a.ch2);
  // sim://?seed=6&dut=… builds the same board
  const clockUrl = new VirtualClock();
  const rpUrl = await connect('sim://?seed=6&dut=fabry-perot:finesse=3000,fsr=1.5e9,detuning=1e5,power=0.8,frequencyNoiseHzPerRtHz=50,relativeIntensityNoise=1e-6,kickRate=200,kick=3e4', { sim: { scheduler: clockUrl } });
  t.deepEqual(await clockUrl.run(rpUrl.scope.single({ decimation: 64 })), a);
  await Promise.all([rp.close(), rp7.close(), rpUrl.close()]);
});
