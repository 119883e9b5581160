// The telescope-tuning example, checked against physics in virtual time (fast, and exact timing).
import test from 'ava';
import { VirtualClock } from '@labrx/core/testing';
import { tuneTelescope } from '../../examples/telescope-tuning.js';

test('telescope tuning: every board finds its own resonator f0 within the NA resolution and its generator sits on resonance', async (t) => {
  const clock = new VirtualClock();
  const n = 24;
  const { boards, wallS } = await clock.run(tuneTelescope({ boards: n, scheduler: clock, seed: 7 }));
  t.is(boards.length, n);
  t.is(new Set(boards.map((b) => b.id)).size, n, 'every board its own id');
  // The resonators really differ: spread uniformly over ±4 % of 1 MHz, sd = 80 kHz/√12 ≈ 23 kHz.
  const f0s = boards.map((b) => b.trueF0);
  t.true(Math.max(...f0s) - Math.min(...f0s) > 20e3);
  for (const b of boards) {
    // The criterion: within the NA resolution (the fine sweep's 1 kHz point spacing).
    t.true(Math.abs(b.foundF0 - b.trueF0) <= b.resolutionHz, `${b.id}: found ${b.foundF0.toFixed(1)} Hz, true ${b.trueF0.toFixed(1)} Hz`);
    // Off resonance by δ, |H|/gain = 1/√(1 + x²) with x ≈ 2qδ/f0; for δ ≤ 1 kHz, q = 40,
    // f0 ≥ 0.96 MHz: x ≤ 0.083, so ≥ 0.9966. The rms ratio over ~1000 periods adds < 0.1 %.
    t.true(b.transmission > 0.995 && b.transmission < 1.005, `${b.id}: transmission/gain ${b.transmission}`);
  }
  // Concurrency: the fleet takes the time of its slowest board, not the sum. Board 0 (seed 7)
  // alone is the same board as in the fleet; the others differ only in their fine-sweep
  // frequencies, which move an NA point's duration by at most a generator period (≈ 1 µs) each, so
  // 41 points can differ by well under 1 ms.
  const one = new VirtualClock();
  const { wallS: oneS } = await one.run(tuneTelescope({ boards: 1, scheduler: one, seed: 7 }));
  t.true(Math.abs(wallS - oneS) < 1e-3, `${n} boards: ${wallS} s, one board: ${oneS} s`);
  t.log(`${n} boards tuned in ${wallS.toFixed(4)} s of board time; one board alone: ${oneS.toFixed(4)} s`);
});
