import type { ExecutionContext } from 'ava';
import type { Trace } from '@labrx/core';
import { fitSine, wrapPi } from './fit.js';

/**
 * Checks a trace of a tone of `frequencyHz` (Hz) and `amplitudeV` (V) played on out1, with in1 behind
 * a first-order low-pass of `cutoffHz` (Hz) and in2 wired straight: in1 reads |H|·A and in2 reads A
 * within 1 %, and in1 − in2 reads ∠H within 1°. The caller states why these bounds are loose.
 */
export function assertLowpassTone(t: ExecutionContext, tr: Trace, frequencyHz: number, cutoffHz: number, amplitudeV = 0.5): void {
  const r = frequencyHz / cutoffHz;
  const h = { re: 1 / (1 + r ** 2), im: -r / (1 + r ** 2) };
  const in1 = fitSine(tr.ch1, tr.dt, tr.t0, frequencyHz);
  const in2 = fitSine(tr.ch2, tr.dt, tr.t0, frequencyHz);
  t.true(Math.abs(in1.amplitude / (amplitudeV * Math.hypot(h.re, h.im)) - 1) < 0.01, `in1 ${in1.amplitude}`);
  t.true(Math.abs(in2.amplitude / amplitudeV - 1) < 0.01, `in2 ${in2.amplitude}`);
  const dPhaseDeg = (wrapPi(in1.phase - in2.phase) * 180) / Math.PI;
  const expectDeg = (Math.atan2(h.im, h.re) * 180) / Math.PI;
  t.true(Math.abs(dPhaseDeg - expectDeg) < 1, `phase ${dPhaseDeg} vs ${expectDeg}`);
}
