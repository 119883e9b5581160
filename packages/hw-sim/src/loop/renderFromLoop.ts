import { lsbVolts, type BoardInfo } from '@labrx/core';
import { addTone } from '../signal/addTone.js';
import { boxcarResponse } from '../signal/boxcarResponse.js';
import { digitise } from '../signal/digitise.js';
import type { RenderRequest } from '../signal/SignalModel.js';
import type { LoopEngine } from './LoopEngine.js';
import { sampleLoopSignal } from './sampleLoopSignal.js';

const TWO_PI = 2 * Math.PI;

/**
 * Scope samples of in1 or in2 from the closed loop's history (what `SignalModel.render` computes
 * when no loop runs): the loop signal sampled as `sampleLoopSignal` does (a window's mean, or linear
 * interpolation between loop samples: at decimations finer than the loop step the slow part is a
 * straight line between them), then
 * - the fast tones at the input (as of the loop's last step: taken as steady over the trace) are
 *   added analytically with the boxcar's response, then the input noise (the scope's own draw, full
 *   band) and the ADC, as in the analytic path.
 * Samples older than the history (1.07 s) or before the loop started read its oldest sample.
 */
export function renderFromLoop(engine: LoopEngine, info: BoardInfo, noiseStd: number, input: 0 | 1, req: RenderRequest, out: Float64Array, from: number, to: number): void {
  const n = to - from;
  if (n <= 0) return;
  const fs = info.sampleRateHz;
  const { tFromS: tFrom, dtS } = sampleLoopSignal(engine, info, input, req, out, from, to);
  for (const tone of engine.fastTones[input]) {
    const b = boxcarResponse(tone.frequencyHz, req.decimation, req.boxcar, fs);
    const gRe = tone.re * b.re - tone.im * b.im;
    const gIm = tone.re * b.im + tone.im * b.re;
    const c = tone.frequencyHz * tFrom;
    addTone(out, from, to, Math.hypot(gRe, gIm), c - Math.floor(c) + Math.atan2(gIm, gRe) / TWO_PI, tone.frequencyHz * dtS);
  }
  digitise(out, from, to, req.noise, input, req.first, noiseStd, lsbVolts(info, req.gain ?? 'lv'), info.adcBits);
}
