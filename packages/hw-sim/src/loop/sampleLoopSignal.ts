import type { BoardInfo } from '@labrx/core';
import type { RenderRequest } from '../signal/SignalModel.js';
import type { LoopEngine } from './LoopEngine.js';

/**
 * Writes scope samples `from` … `to` of DSP bus signal `signal` (loop/dspSignals.ts) from the closed
 * loop's history into `out`, after advancing the loop to the last one: a sample whose window spans at
 * least one loop step (boxcar on, decimation ≥ the loop's) is the mean of the loop samples stamped in
 * its window [t, t + D/fs); a shorter window, or point sampling, is the loop signal linearly
 * interpolated at the window's centre (the loop has no content above its Nyquist frequency).
 * Returns the first sample's time (s) and the sample interval (s), for what the caller adds.
 */
export function sampleLoopSignal(engine: LoopEngine, info: BoardInfo, signal: number, req: RenderRequest, out: Float64Array, from: number, to: number): { tFromS: number; dtS: number } {
  const n = to - from;
  const fs = info.sampleRateHz;
  const dtS = req.decimation / fs;
  const tFrom = req.armS + req.first * dtS;
  const windowS = req.boxcar ? dtS : 0;
  engine.advanceTo(tFrom + n * dtS + windowS);
  const h = engine.history;
  const loopDt = engine.dtS;
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
    const centre = req.boxcar ? (req.decimation - 1) / 2 / fs : 0;
    for (let j = 0; j < n; j++) {
      const x = (tFrom + j * dtS + centre) / loopDt;
      const k = Math.floor(x);
      const u = x - k;
      const v0 = h.read(signal, k);
      out[from + j] = u === 0 ? v0 : v0 + (h.read(signal, k + 1) - v0) * u;
    }
  }
  return { tFromS: tFrom, dtS };
}
