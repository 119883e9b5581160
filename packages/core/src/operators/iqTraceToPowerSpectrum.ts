import { Observable, type OperatorFunction } from 'rxjs';
import { ComplexSpectrumKernel } from '../dsp/complexSpectrumKernel.js';
import { decimationResponse } from '../dsp/decimationResponse.js';
import { iqFilterPowerResponse } from '../dsp/iqFilterResponse.js';
import type { WindowName } from '../dsp/windows.js';
import type { Trace } from '../results/Trace.js';
import type { PowerSpectrumVpk2 } from './traceToPowerSpectrum.js';

/** Options of `iqTraceToPowerSpectrum`. */
export interface IqTraceToPowerSpectrumOptions {
  readonly window: WindowName;
  /** Demodulation frequency in Hz: the result's axis runs centre − fs/(2D) … centre + fs/(2D) − bin. */
  readonly centerHz: number;
  /** The demodulator's gain g (dimensionless): I + jQ = g·A·e^{jφ} for a tone of amplitude A (0.5: PyRPL's FPGA with quadrature_factor 1). */
  readonly quadratureGain: number;
  /**
   * The IQ module's quadrature filter cutoffs in Hz (as the module reads them back), divided out as
   * PyRPL does; or a function giving them, asked at the first trace (after the module was set up).
   */
  readonly filterHz: readonly number[] | (() => readonly number[]);
  /** ADC rate in Hz, for the decimation-filter correction (default 125e6). */
  readonly sampleRateHz?: number;
  /** Zero-padding factor (a power of 2, default 1). */
  readonly zeroPad?: number;
}

/**
 * Turns scope traces of an IQ module's two quadratures (ch1 = I, ch2 = Q: PyRPL's iq2 and iq2_2)
 * into two-sided power spectra in Vpk² around the demodulation frequency (PyRPL's spectrum analyzer
 * in iq mode): window, complex FFT of I + jQ, |Z|²/(g·Σw)², then division by the squared responses
 * of the scope's boxcar decimation filter and of the module's quadrature filters at each bin's
 * offset (PyRPL's `transfer_function`), so that a tone of amplitude A at centre + Δf reads A² at
 * +Δf (and nothing at −Δf: the image is rejected). `ch1` holds the spectrum, `ch2` is empty;
 * `frequencies` are absolute (centre + offset), in Hz. Each emission has fresh arrays.
 *
 * ```
 * trace:    --t1----t2--|
 * spectrum: --s1----s2--|
 * ```
 *
 * @example
 * iqTraces$.pipe(iqTraceToPowerSpectrum({ window: 'flattop', centerHz: 1e6, quadratureGain: 0.5, filterHz: [1e5, 1e5, 1e5, 1e5] }), averageCount(8, powerSpectrumLens))
 */
export function iqTraceToPowerSpectrum(options: IqTraceToPowerSpectrumOptions): OperatorFunction<Trace, PowerSpectrumVpk2> {
  const fs = options.sampleRateHz ?? 125e6;
  return (source) =>
    new Observable<PowerSpectrumVpk2>((subscriber) => {
      let kernel: ComplexSpectrumKernel | null = null;
      let frequencies: Float64Array | null = null;
      let correction: Float64Array | null = null;
      let lastDt = NaN;
      let lastDecimation = NaN;
      const empty = new Float64Array(0);
      return source.subscribe({
        next(trace) {
          let out: PowerSpectrumVpk2;
          try {
            const n = trace.ch1.length;
            const decimation = trace.settings.decimation;
            if (!kernel || kernel.n !== n) {
              kernel = new ComplexSpectrumKernel(n, options.window, options.zeroPad ?? 1);
              frequencies = null;
            }
            if (!frequencies || !correction || lastDt !== trace.dt || lastDecimation !== decimation) {
              const cutoffs = typeof options.filterHz === 'function' ? options.filterHz() : options.filterHz;
              const bins = kernel.bins;
              const df = 1 / (bins * trace.dt);
              frequencies = new Float64Array(bins);
              correction = new Float64Array(bins);
              for (let m = 0; m < bins; m++) {
                const offset = (m - bins / 2) * df;
                frequencies[m] = options.centerHz + offset;
                const h = trace.settings.boxcar && decimation > 1 ? decimationResponse(offset, decimation, fs) : 1;
                correction[m] = 1 / (h * h * iqFilterPowerResponse(offset, cutoffs));
              }
              lastDt = trace.dt;
              lastDecimation = decimation;
            }
            const ch1 = new Float64Array(kernel.bins);
            kernel.powerVpk2(trace.ch1, trace.ch2, options.quadratureGain, ch1);
            for (let m = 0; m < ch1.length; m++) ch1[m]! *= correction[m]!;
            out = { frequencies, ch1, ch2: empty, rbw: kernel.rbwHz(trace.dt), window: options.window, averages: 1, decimation, timestamp: trace.timestamp };
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
