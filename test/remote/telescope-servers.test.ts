// The telescope-tuning example across three `labrx serve` processes on NATS (issue #15): the same
// one-board routine, mapped over boards that live in other processes, finds each board's resonator.
import { tuneTelescopeServed } from '../../examples/telescope-tuning.js';
import { NATS_SERVER, natsServerAvailable } from '../helpers/natsServer.js';
import { testNeeding } from '../helpers/testNeeding.js';

testNeeding(natsServerAvailable, 'nats-server', 'telescope tuning over three board-server processes: every board finds its own resonator within the NA resolution, through NATS', async (t) => {
  const { boards, wallS } = await tuneTelescopeServed({ boards: 12, servers: 3, seed: 11, natsServer: NATS_SERVER! });
  t.is(boards.length, 12);
  // served by three processes: tel0, tel1, tel2, four boards each
  t.deepEqual([...new Set(boards.map((b) => b.id.split('/')[3]))].sort(), ['tel0', 'tel1', 'tel2']);
  for (const b of boards) {
    // as in the embedded version (fleet-telescope.test.ts): within the fine sweep's 1 kHz spacing, and
    // the generator on resonance (|H|/gain ≥ 0.9966 for δ ≤ 1 kHz at q 40, plus < 0.1 % from the rms ratio)
    t.true(Math.abs(b.foundF0 - b.trueF0) <= b.resolutionHz, `${b.id}: found ${b.foundF0.toFixed(1)} Hz, true ${b.trueF0.toFixed(1)} Hz`);
    t.true(b.transmission > 0.995 && b.transmission < 1.005, `${b.id}: transmission/gain ${b.transmission}`);
  }
  t.log(`12 boards over 3 board servers tuned in ${wallS.toFixed(2)} s`);
});
