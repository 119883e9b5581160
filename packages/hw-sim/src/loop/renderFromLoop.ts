import { lsbVolts, type BoardInfo } from '@labrx/core';
import { addTone } from '../signal/addTone.js';
import { boxcarResponse } from '../signal/boxcarResponse.js';
import { digitise } from '../signal/digitise.js';
import type { RenderRequest } from '../signal/SignalModel.js';
import type { LoopEngine } from './LoopEngine.js';

const TWO_PI = 2 * Math.PI;

/**
 * Scope samples of in1 or in2 from the closed loop's history (what `SignalModel.render` computes
 * when no loop runs): the loop is advanced to the last sample asked for, then
 * - a sample whose window spans at least one loop step (decimation ≥ the loop's, boxcar on) is the
 *   mean of the loop samples stamped within its window [t, t + D/fs);
 * - a shorter window, or point sampling, takes the loop signal linearly interpolated between the two
 *   loop samples around the window's centre (at decimations finer than the loop step the slow part is
 *   thus a straight line between loop samples: the loop has no content above its Nyquist frequency);
 * - the fast tones at the input (as of the loop's last step: taken as steady over the trace) are
 *   added analytically with the boxcar's response, then the input noise (the scope's own draw, full
 *   band) and the ADC, as in the analytic path.
 * Samples older than the history (1.07 s) or before the loop started read its oldest sample.
 */
export function renderFromLoop(engine: LoopEngine, info: BoardInfo, noiseStd: number, input: 0 | 1, req: RenderRequest, out: Float64Array, from: number, to: number): void {
  const n = to - from;
  if (n <= 0) return;
  const fs = info.sampleRateHz;
  const dtS = req.decimation / fs;
  const tFrom = req.armS + req.first * dtS;
  const windowS = req.boxcar ? dtS : 0;
  engine.advanceTo(tFrom + n * dtS + windowS);
  const h = engine.history;
  const loopDt = engine.dtS;
  const signal = input;
  if (req.boxcar && windowS >= loopDt * (1 - 1e-9)) {
    for (let j = 0; j < n; j++) {
      const t = tFrom + j * dtS;
      const a = Math.ceil(t / loopDt - 1e-9);
      const b = Math.ceil((t + windowS) / loopDt - 1e-9);
      let sum = 0;
      for (let k = a; k < b; k++) sum += h.read(signal, k);
      out[from + j] = b > a ? sum / (b - a) : h.read(signal, a);
    }
  } else {
    const centre = req.boxcar ? ((req.decimation - 1) / 2) / fs : 0;
    for (let j = 0; j < n; j++) {
      const x = (tFrom + j * dtS + centre) / loopDt;
      const k = Math.floor(x);
      const u = x - k;
      const v0 = h.read(signal, k);
      out[from + j] = u === 0 ? v0 : v0 + (h.read(signal, k + 1) - v0) * u;
    }
  }
  for (const tone of engine.fastTones[input]) {
    const b = boxcarResponse(tone.frequencyHz, req.decimation, req.boxcar, fs);
    const gRe = tone.re * b.re - tone.im * b.im;
    const gIm = tone.re * b.im + tone.im * b.re;
    const c = tone.frequencyHz * tFrom;
    addTone(out, from, to, Math.hypot(gRe, gIm), c - Math.floor(c) + Math.atan2(gIm, gRe) / TWO_PI, tone.frequencyHz * dtS);
  }
  digitise(out, from, to, req.noise, input, req.first, noiseStd, lsbVolts(info, req.gain ?? 'lv'), info.adcBits);
}
