import type { BoardInfo } from '@labrx/core';
import type { RenderRequest } from '../signal/SignalModel.js';
import type { LoopEngine } from './LoopEngine.js';
import { sampleLoopSignal } from './sampleLoopSignal.js';

const DAC_MAX = 8191 / 8192;

/**
 * Scope samples of a DSP signal other than the inputs (an IQ module's output, iq2_2: what PyRPL's
 * scope records with input1 = 'iq2'), from the closed loop's history: as `renderFromLoop` does for
 * in1/in2 (a window spanning loop steps is the mean of the loop samples in it; a shorter one
 * interpolates linearly), then held as the 14-bit bus carries it (2^13 = 1 V, −1 … 8191/8192 V). No
 * input noise and no input gain: the signal never passes an ADC. While the loop is idle (no module
 * acts) every module's output is 0, and so is the trace.
 *
 * @param signal bus index (loop/dspSignals.ts)
 */
export function renderSignalFromLoop(engine: LoopEngine, info: BoardInfo, signal: number, req: RenderRequest, out: Float64Array, from: number, to: number): void {
  const n = to - from;
  if (n <= 0) return;
  if (!engine.running) {
    out.fill(0, from, to);
    return;
  }
  sampleLoopSignal(engine, info, signal, req, out, from, to);
  for (let j = from; j < to; j++) {
    const v = Math.round(out[j]! * 8192) / 8192;
    out[j] = v > DAC_MAX ? DAC_MAX : v < -1 ? -1 : v;
  }
}
