import test from 'ava';
import { connect } from 'labrx';
import { startServedSim, testNats, type ServedSim } from './remoteFixture.js';
import { natsServerAvailable } from '../helpers/natsServer.js';

// Generator bursts and the software trigger over NATS: the settings travel as they are, asg.trigger()
// triggers the served board's generator (its lease checked there).

let served: ServedSim;
test.before(async () => {
  if (natsServerAvailable) served = await startServedSim({ seed: 6, noiseDensity: 0 });
});
test.after.always(async () => served?.close());

testNats("burst settings read back over NATS; asg.trigger() starts the served generator's burst: it leaves its held level", async (t) => {
  const rp = await connect(served.url);
  try {
    const s = { waveform: 'sine', frequency: 1e3, amplitude: 0.5, phase: 90, burstCycles: 1000, trigger: 'off', output: 'out1' } as const;
    t.like(await rp.asg0.set(s), s);
    t.like(served.sim.asgSettings(0), s);
    // waiting ('off'): in2 holds the value at 90°, 0.5 V, and has no tone
    t.deepEqual(served.sim.inputComponents('in2'), { dc: 0.5, tones: [] });
    await rp.asg0.trigger();
    // the 1 s burst plays now: a 1 kHz tone of 0.5 V on in2
    t.like(served.sim.inputComponents('in2').tones, [{ frequency: 1e3, amplitude: 0.5 }]);
  } finally {
    await rp.close();
  }
});
