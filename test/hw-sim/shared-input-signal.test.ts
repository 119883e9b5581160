import test from 'ava';
import { ASG_DEFAULTS, type ResolvedAsgSettings } from '@labrx/core';
import { SIM_BOARD_INFO, lowpass, wire, type Dut, type ExternalTone } from '@labrx/hw-sim';
import { NoiseBlocks, SignalModel, type RenderRequest } from '@labrx/hw-sim/testing';

// SignalModel.render computes input 0's noiseless samples once and gives them to input 1 when it
// renders the same request right after and both inputs see the same signal (a wire, no external
// tones, the generators unchanged). Whatever the case, input 1 must be exactly what it is when
// rendered on its own (a copy of the request: nothing to share).

const N = 5000;
const sine: ResolvedAsgSettings = { ...ASG_DEFAULTS, waveform: 'sine', frequency: 1.1e6, amplitude: 0.4, output: 'out1' };

function model(dut: Dut, tones: ExternalTone[]): SignalModel {
  const m = new SignalModel(SIM_BOARD_INFO, dut, 1e-7, tones);
  m.asg[0].apply(sine, 0, 0);
  m.asg[1].apply({ ...sine, frequency: 3.3e5, amplitude: 0.2 }, 0, 0);
  return m;
}
const request = (): RenderRequest => ({ armS: 1e-3, decimation: 8, boxcar: true, first: 0, noise: new NoiseBlocks([7, 0], 1, 16384, 4) });
const same = (a: Float64Array, b: Float64Array) => a.every((v, i) => Object.is(v, b[i]));

for (const [name, dut, tones] of [
  ['a wire, no tones (shared)', wire(), []],
  ['a lowpass on in1', lowpass({ cutoff: 2e5 }), []],
  ['an external tone on in1', wire(), [{ input: 'in1', frequency: 2.2e6, amplitude: 0.1 }]],
  ['an external tone on in2', wire(), [{ input: 'in2', frequency: 2.2e6, amplitude: 0.1 }]],
] as [string, Dut, ExternalTone[]][]) {
  test(`input 1 after input 0 for the same request is input 1 on its own: ${name}`, (t) => {
    const m = model(dut, tones);
    const req = request();
    const in1 = new Float64Array(N);
    const in2 = new Float64Array(N);
    m.render(0, req, in1);
    m.render(1, req, in2);
    const alone = new Float64Array(N);
    model(dut, tones).render(1, { ...req, noise: new NoiseBlocks([7, 0], 1, 16384, 4) }, alone);
    t.true(same(in2, alone));
    t.false(same(in1, in2), 'the two inputs carry their own noise');
  });
}

test('a generator change between input 0 and input 1 of one request is seen by input 1', (t) => {
  const m = model(wire(), []);
  const req = request();
  const in1 = new Float64Array(N);
  m.render(0, req, in1);
  const louder = { ...sine, amplitude: 0.8 };
  m.asg[0].apply(louder, 0, 0); // from board time 0 on: the whole request
  const in2 = new Float64Array(N);
  m.render(1, req, in2);
  const ref = model(wire(), []);
  ref.asg[0].apply(louder, 0, 0);
  const alone = new Float64Array(N);
  ref.render(1, { ...req, noise: new NoiseBlocks([7, 0], 1, 16384, 4) }, alone);
  t.true(same(in2, alone));
});
