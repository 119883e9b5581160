import { Observable, type SchedulerLike, type Subscription } from 'rxjs';
import { SettingsError, lsbVolts, type BoardInfo, type IqMeasureRequest, type IqResult } from '@labrx/core';
import { fillGaussian } from '../prng/gaussian.js';
import { Xoshiro128 } from '../prng/xoshiro128.js';
import type { RunningAcquisition } from '../acquisition/acquireTrace.js';
import type { SignalModel } from '../signal/SignalModel.js';
import { isIdentity } from '../dut/Dut.js';
import { demodulate } from './demodulate.js';
import { demodulateLoop } from '../loop/demodulateLoop.js';
import type { LoopEngine } from '../loop/LoopEngine.js';

/** What an IQ measurement needs from its board. */
export interface IqHost {
  readonly info: BoardInfo;
  readonly scheduler: SchedulerLike;
  readonly model: SignalModel;
  readonly seedWords: readonly number[];
  /** Scheduler time (ms) at board time 0. */
  readonly originMs: number;
  /** The closed loop while it runs (then the input is demodulated from its history), else null. */
  readonly loop?: () => LoopEngine | null;
  /** Registers a measurement; returns its serial (seeds its noise). */
  begin(measurement: RunningAcquisition): number;
  end(measurement: RunningAcquisition): void;
}

/** Seed word that separates the IQ modules' noise from the scope's. */
const IQ_STREAM = 0x49510000;
/** Seed word of the 'noise' waveform as seen by the IQ modules (shared by in1 and in2). */
const IQ_NOISE_WAVEFORM_STREAM = 0x49514e00;

/**
 * One lock-in measurement by IQ module `index` of the simulated board, as a cold Observable:
 * waits `settleS`, integrates over the next `integrationS` of board time, emits the complex
 * amplitude and completes (all on the host's scheduler); unsubscribing cancels it.
 *
 * The result comes from the simulated signal, not from the DUT formula: the input's sinusoidal
 * components (every generator harmonic through the wiring, the external tones, DC), integrated
 * analytically against the local oscillator (see `demodulate`), piecewise where a generator
 * changed during the integration; plus the noise a lock-in sees at 125 MS/s over N = T·fs
 * samples: each quadrature gets a Gaussian of variance 2(ρ²·fs/2 + LSB²/12)/N (input noise of
 * density ρ and ADC rounding), and a 'noise' waveform on out1 adds its own share, the same draw
 * on in1 (times H at the LO frequency) and in2. The ADC's clipping is not modelled here.
 */
export function measureIq(host: IqHost, index: number, request: IqMeasureRequest): Observable<IqResult> {
  return new Observable<IqResult>((subscriber) => {
    const { info, scheduler, model } = host;
    const bad = (setting: string, value: unknown, allowed: string) => subscriber.error(new SettingsError(`iq${index}`, setting, value, allowed));
    if (!(Number.isInteger(index) && index >= 0 && index < info.iqCount)) return bad('index', index, `an integer from 0 to ${info.iqCount - 1}`);
    if (request.input !== 'in1' && request.input !== 'in2') return bad('input', request.input, "'in1' or 'in2'");
    if (!(Number.isFinite(request.frequencyHz) && request.frequencyHz >= 0)) return bad('frequencyHz', request.frequencyHz, 'a frequency of 0 Hz or more');
    if (!(request.lockToAsg === 0 || request.lockToAsg === 1)) return bad('lockToAsg', request.lockToAsg, '0 or 1');
    if (!(Number.isFinite(request.settleS) && request.settleS >= 0)) return bad('settleS', request.settleS, 'a time of 0 s or more');
    if (!(Number.isFinite(request.integrationS) && request.integrationS > 0)) return bad('integrationS', request.integrationS, 'a time above 0 s');
    const running = { fail: (e: Error) => subscriber.error(e) };
    const serial = host.begin(running);
    const startMs = scheduler.now();
    const fromS = (startMs - host.originMs) / 1000 + request.settleS;
    const toS = fromS + request.integrationS;
    let action: Subscription | null = scheduler.schedule(() => {
      action = null;
      try {
        const z = integrate(host, serial, request, fromS, toS);
        subscriber.next({ re: z.re, im: z.im, timestamp: host.originMs + toS * 1000 });
        subscriber.complete();
      } catch (e) {
        subscriber.error(e);
      }
    }, (request.settleS + request.integrationS) * 1000);
    return () => {
      action?.unsubscribe();
      action = null;
      host.end(running);
    };
  });
}

function integrate(host: IqHost, serial: number, request: IqMeasureRequest, fromS: number, toS: number): { re: number; im: number } {
  const { model, info } = host;
  const fs = info.sampleRateHz;
  const f = request.frequencyHz;
  const origin = model.asg[request.lockToAsg]!.at(fromS).originS;
  const loop = host.loop?.() ?? null;
  if (loop) return integrateLoop(host, loop, serial, request, origin, fromS, toS);
  // split the window where either generator changed, and demodulate each piece
  const cuts = [fromS, toS];
  for (const history of model.asg) for (const seg of history.overlapping(fromS, toS)) if (seg.fromS > fromS && seg.fromS < toS) cuts.push(seg.fromS);
  cuts.sort((a, b) => a - b);
  let re = 0;
  let im = 0;
  for (let k = 0; k + 1 < cuts.length; k++) {
    const a = cuts[k]!, b = cuts[k + 1]!;
    if (b <= a) continue;
    const { tones, dc } = model.components(request.input, (a + b) / 2);
    const z = demodulate(tones, dc, f, origin, a, b);
    const w = (b - a) / (toS - fromS);
    re += w * z.re;
    im += w * z.im;
  }
  // noise per quadrature: (2/N)²·Σ σ²·sin² = 2σ²/N with N = T·fs samples
  const samples = (toS - fromS) * fs;
  const lsb = lsbVolts(info);
  const sigmaInput = Math.sqrt((2 * (model.noiseDensity ** 2 * (fs / 2) + (lsb * lsb) / 12)) / samples);
  const g = new Float64Array(2);
  fillGaussian(new Xoshiro128(...host.seedWords, IQ_STREAM, serial), g);
  re += sigmaInput * g[0]!;
  im += sigmaInput * g[1]!;
  // the 'noise' waveform: one draw per generator segment and time window, shared by both inputs
  for (let gIndex = 0; gIndex < 2; gIndex++) {
    const seg = model.asg[gIndex]!.at(fromS);
    const s = seg.settings;
    if (s.output !== 'out1' || s.waveform !== 'noise' || s.amplitude === 0) continue;
    const sigma = s.amplitude * Math.sqrt(2 / samples);
    const startSample = Math.round(fromS * fs);
    fillGaussian(new Xoshiro128(...host.seedWords, IQ_NOISE_WAVEFORM_STREAM + gIndex, seg.serial, startSample >>> 0, Math.floor(startSample / 2 ** 32), Math.round(samples)), g);
    const h = request.input === 'in1' && !isIdentity(model.dut) ? model.dut.response(f) : { re: 1, im: 0 };
    re += sigma * (h.re * g[0]! - h.im * g[1]!);
    im += sigma * (h.re * g[1]! + h.im * g[0]!);
  }
  return { re, im };
}

/**
 * The same measurement while the closed loop runs: the input's loop history demodulated (its fast
 * tones analytically), plus the same input-noise term as the analytic path (the loop's history holds
 * the inputs before their noise).
 */
function integrateLoop(host: IqHost, loop: LoopEngine, serial: number, request: IqMeasureRequest, origin: number, fromS: number, toS: number): { re: number; im: number } {
  const { model, info } = host;
  const fs = info.sampleRateHz;
  const z = demodulateLoop(loop, request.input === 'in1' ? 0 : 1, request.frequencyHz, origin, fromS, toS);
  const samples = (toS - fromS) * fs;
  const lsb = lsbVolts(info);
  const sigmaInput = Math.sqrt((2 * (model.noiseDensity ** 2 * (fs / 2) + (lsb * lsb) / 12)) / samples);
  const g = new Float64Array(2);
  fillGaussian(new Xoshiro128(...host.seedWords, IQ_STREAM, serial), g);
  return { re: z.re + sigmaInput * g[0]!, im: z.im + sigmaInput * g[1]! };
}
