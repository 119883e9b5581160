import test from 'ava';
import { ASG_DEFAULTS, type ResolvedAsgSettings } from '@labrx/core';
import { AsgHistory, MAX_ASG_HISTORY_BYTES, MAX_ASG_SEGMENTS } from '@labrx/hw-sim/testing';
import { fitSine } from '../helpers/fit.js';
import { FS, acquire, setAsg, virtualSim } from './simHelpers.js';

// The simulator's generator history is bounded by size as well as by time (issue #12, case 9):
// 660k asg0.set() calls in 4 s added 128 MiB and slowed a trace 20×.

/** Seconds kept by time: twice the longest trace (16384 samples at decimation 65536). */
const KEEP_S = (2 * 16384 * 65536) / FS;

test('100,000 changes 1 µs apart keep at most MAX_ASG_SEGMENTS segments; the latest are the ones kept', (t) => {
  const h = new AsgHistory();
  let last: ResolvedAsgSettings = ASG_DEFAULTS;
  for (let i = 1; i <= 100_000; i++) {
    const now = i * 1e-6;
    last = { ...ASG_DEFAULTS, amplitude: (i % 1000) / 1000 };
    h.apply(last, now, now - KEEP_S);
  }
  // past the bound an eighth is dropped at once: between 7/8 of the bound and the bound are kept
  t.true(h.length <= MAX_ASG_SEGMENTS && h.length > (7 * MAX_ASG_SEGMENTS) / 8, `${h.length} segments`);
  t.is(h.current().settings, last);
  // the latest changes are exact; anything earlier than those kept reads the earliest one kept
  t.is(h.at(0.1 - 1e-6 * 100).settings.amplitude, ((100_000 - 100) % 1000) / 1000);
  t.is(h.at(-5).settings, h.at(0.1 - 1e-6 * (h.length - 1)).settings);
  t.is(h.overlapping(-Infinity, Infinity).length, h.length);
});

test('arbitrary waveforms are bounded by bytes: 1000 changes of 16384 samples keep at most 16 MiB', (t) => {
  const h = new AsgHistory();
  for (let i = 1; i <= 1000; i++) {
    const now = i * 1e-3;
    h.apply({ ...ASG_DEFAULTS, waveform: 'arbitrary', data: new Float64Array(16384).fill(i / 1000) }, now, now - KEEP_S);
  }
  t.true(h.keptBytes <= MAX_ASG_HISTORY_BYTES, `${h.keptBytes} bytes`);
  t.true(h.length >= 100 && h.length < 1000, `${h.length} segments`);
  t.is(h.current().settings.data![0], 1);
});

test('normal use is unchanged: the time bound still applies first, and one change stays exact', (t) => {
  const h = new AsgHistory();
  h.apply({ ...ASG_DEFAULTS, amplitude: 0.3 }, 1, 1 - KEEP_S);
  h.apply({ ...ASG_DEFAULTS, amplitude: 0.5 }, 2, 2 - KEEP_S);
  t.is(h.length, 3);
  t.is(h.at(0.5).settings, ASG_DEFAULTS);
  t.is(h.at(1.5).settings.amplitude, 0.3);
  t.is(h.at(2.5).settings.amplitude, 0.5);
  // 40 s later, the first two are out of every trace's reach
  h.apply({ ...ASG_DEFAULTS, amplitude: 0.7 }, 42, 42 - KEEP_S);
  t.is(h.length, 2);
});

test('after a flood of 50,000 generator changes the board still measures the last one exactly', async (t) => {
  const { clock, board } = virtualSim({ seed: 4 });
  for (let i = 0; i < 50_000; i++) {
    clock.frame += 1e-3; // 1 µs of board time between changes
    await setAsg(board, 0, { frequency: 1e5 + i, amplitude: 0.1 + (i % 7) / 100, output: 'out1' });
  }
  await setAsg(board, 0, { frequency: 1e5, amplitude: 0.4, output: 'out1' });
  const trace = await acquire(clock, board, { decimation: 8 });
  const fit = fitSine(trace.ch2, trace.dt, trace.t0, 1e5);
  // in2 is out1 wired straight: 0.4 V. Input noise (1e-7 V/√Hz·√(fs/2) ≈ 0.8 mV rms) over 16384
  // samples and the ADC's 0.12 mV steps bound the fitted amplitude's error well under 1 mV
  t.true(Math.abs(fit.amplitude - 0.4) < 1e-3, `${fit.amplitude} V`);
  await board.close();
});
