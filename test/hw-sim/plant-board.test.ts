import test from 'ava';
import { fabryPerot, michelson } from '@labrx/hw-sim';
import { acquire, setAsg, virtualSim } from './simHelpers.js';

// The plants inside the simulated board (the closed loop steps them; docs/architecture.md, "Plants"):
// what the scope sees is the plant's slow part, with the ADC's noise and 14-bit steps.
const J0_1 = 0.7651976865579666; // tabulated J0(1)

const mean = (x: Float64Array) => x.reduce((a, b) => a + b, 0) / x.length;

test('a Fabry–Perot cavity as the board\'s dut: a 25 MHz generator on the EOM leaves J0(β)² of the light in the carrier; an offset on the piezo detunes by piezoHzPerV', async (t) => {
  const { clock, board } = virtualSim({ seed: 3, dut: fabryPerot({ finesse: 3000, fsrHz: 1.5e9, powerV: 0.8, modulationRadPerV: 2, piezoHzPerV: 5e6 }) });
  t.teardown(() => board.close());
  await setAsg(board, 1, { frequency: 25e6, amplitude: 0.5, output: 'out2' }); // β = 1 rad
  const on = await acquire(clock, board, { decimation: 64 });
  // at resonance: transmission 0.8·J0(1)² (sidebands 100 half-linewidths away add 2·J1²/(1+100²) ≈ 4e-5),
  // reflection 0.8·(1 − J0(1)²). Allowed 2e-4 V: the mean of 16384 samples has noise below 1e-5 V and a
  // quantisation bias below half a 122 µV step (the noise dithers it)
  const tolV = 2e-4;
  t.true(Math.abs(mean(on.ch2) - 0.8 * J0_1 ** 2) < tolV, `transmission ${mean(on.ch2)} vs ${0.8 * J0_1 ** 2}`);
  t.true(Math.abs(mean(on.ch1) - 0.8 * (1 - J0_1 ** 2)) < tolV, `reflection ${mean(on.ch1)}`);
  // 0.05 V on the piezo (asg0 offset on out1): δ = 250 kHz = half the linewidth, so the carrier's transmission halves
  await setAsg(board, 0, { amplitude: 0, offset: 0.05, output: 'out1' });
  const off = await acquire(clock, board, { decimation: 64 });
  t.true(Math.abs(mean(off.ch2) - 0.4 * J0_1 ** 2) < tolV, `half-linewidth transmission ${mean(off.ch2)}`);
  t.true(Math.abs(board.plantState().detuningHz! - 250e3) < 1, `${board.plantState().detuningHz}`);
});

test('a Michelson as the board\'s dut: the piezo offset walks the fringe', async (t) => {
  const lambda = 1064e-9;
  const { clock, board } = virtualSim({ seed: 4, dut: michelson({ piezoMPerV: 1e-6, visibility: 0.9, powerV: 0.8 }) });
  t.teardown(() => board.close());
  for (const v of [0, lambda / 8 / 1e-6, lambda / 4 / 1e-6]) {
    await setAsg(board, 0, { amplitude: 0, offset: v, output: v === 0 ? 'off' : 'out1' });
    const tr = await acquire(clock, board, { decimation: 64 });
    const expected = 0.4 * (1 + 0.9 * Math.cos((4 * Math.PI * v * 1e-6) / lambda));
    t.true(Math.abs(mean(tr.ch1) - expected) < 2e-4, `${v} V: ${mean(tr.ch1)} vs ${expected}`);
  }
});

test('a board snapshot records the plant as its spec (seeded), so a rerun rebuilds the same plant', async (t) => {
  const { boardSnapshot } = await import('@labrx/catalogue');
  const { board } = virtualSim({ seed: 3, dut: fabryPerot({ finesse: 3000, fsrHz: 1.5e9, seed: 8, kicksAtS: [0.1] }) });
  t.teardown(() => board.close());
  const snap = boardSnapshot({ driver: board });
  t.like(snap.sim?.dut, { kind: 'fabry-perot', finesse: 3000, fsrHz: 1.5e9, seed: 8, kicksAtS: [0.1] });
});
