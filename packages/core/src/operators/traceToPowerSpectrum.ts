import { Observable, type OperatorFunction } from 'rxjs';
import { SpectrumKernel } from '../dsp/spectrumKernel.js';
import { compensateDecimation } from '../dsp/decimationResponse.js';
import { rfftFrequencies } from '../dsp/frequencyGrid.js';
import type { FftBackend } from '../dsp/fftPlan.js';
import type { WindowName } from '../dsp/windows.js';
import type { Trace } from '../results/Trace.js';
import type { ArrayLens } from './ArrayLens.js';

/** A two-channel one-sided power spectrum in Vpk², before unit conversion: what averaging works on. */
export interface PowerSpectrumVpk2 {
  /** Bin frequencies in Hz (0 … Nyquist of the trace). */
  readonly frequencies: Float64Array;
  /** ch1 in Vpk² (empty when ch1 is not analysed). */
  readonly ch1: Float64Array;
  /** ch2 in Vpk² (empty when ch2 is not analysed). */
  readonly ch2: Float64Array;
  /** Resolution bandwidth in Hz (ENBW × bin width). */
  readonly rbw: number;
  /** Window name. */
  readonly window: WindowName;
  /** Spectra averaged into this one. */
  readonly averages: number;
  /** Decimation of the traces it came from. */
  readonly decimation: number;
  /** ms on the board clock, of the latest trace. */
  readonly timestamp: number;
}

/** Options of `traceToPowerSpectrum`. */
export interface TraceToPowerSpectrumOptions {
  readonly window: WindowName;
  /** FFT implementation (default 'fftjs'). */
  readonly backend?: FftBackend;
  /** Which channels to analyse (default 'both'). */
  readonly input?: 'both' | 'in1' | 'in2';
  /** ADC rate in Hz, for the decimation-filter correction (default 125e6). */
  readonly sampleRateHz?: number;
  /** Zero-padding factor of the FFT (a power of 2, default 1; PyRPL uses 16). */
  readonly zeroPad?: number;
}

/**
 * Turns scope traces into power spectra in Vpk²: window, real FFT, |X|², then division by the
 * squared response of the scope's boxcar decimation filter (as PyRPL does) when the trace was
 * boxcar-averaged, so that a tone reads its true amplitude anywhere in the band.
 *
 * The kernel (window table, FFT plan, scratch) is built once per subscription and per trace
 * length; each emission carries fresh result arrays that the consumer may keep.
 *
 * ```
 * trace:    --t1----t2----t3--|
 * spectrum: --s1----s2----s3--|
 * ```
 *
 * @example
 * rp.scope.acquisitions$(s).pipe(traceToPowerSpectrum({ window: 'flattop' }), averageCount(16, powerSpectrumLens))
 * @see powerSpectrumLens
 */
export function traceToPowerSpectrum(options: TraceToPowerSpectrumOptions): OperatorFunction<Trace, PowerSpectrumVpk2> {
  const input = options.input ?? 'both';
  const fs = options.sampleRateHz ?? 125e6;
  return (source) =>
    new Observable<PowerSpectrumVpk2>((subscriber) => {
      let kernel: SpectrumKernel | null = null;
      let frequencies: Float64Array | null = null;
      let lastDt = NaN;
      const empty = new Float64Array(0);
      return source.subscribe({
        next(trace) {
          let out: PowerSpectrumVpk2;
          try {
            const n = trace.ch1.length;
            if (!kernel || kernel.n !== n) kernel = new SpectrumKernel(n, options.window, options.backend ?? 'fftjs', options.zeroPad ?? 1);
            if (!frequencies || lastDt !== trace.dt || frequencies.length !== kernel.bins) {
              frequencies = rfftFrequencies(n * kernel.zeroPad, trace.dt);
              lastDt = trace.dt;
            }
            const decimation = trace.settings.decimation;
            const ch1 = input === 'in2' ? empty : new Float64Array(kernel.bins);
            const ch2 = input === 'in1' ? empty : new Float64Array(kernel.bins);
            if (input === 'both') kernel.powerPair(trace.ch1, trace.ch2, ch1, ch2);
            else if (input === 'in1') kernel.powerVpk2(trace.ch1, ch1);
            else kernel.powerVpk2(trace.ch2, ch2);
            if (trace.settings.boxcar && decimation > 1) {
              if (ch1.length) compensateDecimation(ch1, frequencies, decimation, fs);
              if (ch2.length) compensateDecimation(ch2, frequencies, decimation, fs);
            }
            out = {
              frequencies,
              ch1,
              ch2,
              rbw: kernel.rbwHz(trace.dt),
              window: options.window,
              averages: 1,
              decimation,
              timestamp: trace.timestamp,
            };
          } catch (error) {
            subscriber.error(error);
            return;
          }
          subscriber.next(out);
        },
        error: (e: unknown) => subscriber.error(e),
        complete: () => subscriber.complete(),
      });
    });
}

/** Averaging lens for power spectra: averages the analysed channels (Vpk², linear power) bin by bin. */
export const powerSpectrumLens: ArrayLens<PowerSpectrumVpk2> = {
  arrays: (s) => (s.ch1.length && s.ch2.length ? [s.ch1, s.ch2] : s.ch1.length ? [s.ch1] : [s.ch2]),
  rebuild: (s, means, count) => {
    if (s.ch1.length && s.ch2.length) return { ...s, ch1: means[0]!, ch2: means[1]!, averages: count };
    return s.ch1.length ? { ...s, ch1: means[0]!, averages: count } : { ...s, ch2: means[0]!, averages: count };
  },
};
