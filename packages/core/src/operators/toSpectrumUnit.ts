import { map, type OperatorFunction } from 'rxjs';
import { convertSpectrumUnit } from '../dsp/spectrumUnits.js';
import type { Spectrum, SpectrumUnit } from '../results/Spectrum.js';
import type { PowerSpectrumVpk2 } from './traceToPowerSpectrum.js';

/**
 * Converts averaged Vpk² spectra into `Spectrum`s in `unit` ('Vpk^2', 'Vrms^2/Hz', 'Vrms/sqrt(Hz)',
 * 'dBm' into 50 Ω, 'dBm/Hz'). Averaging happens before this step, in linear power, so that dB
 * units are the log of a mean and not a mean of logs.
 *
 * ```
 * vpk2:     --a----b--|
 * spectrum: --A----B--|
 * ```
 *
 * @see traceToPowerSpectrum
 */
export function toSpectrumUnit<S>(unit: SpectrumUnit, settings: S): OperatorFunction<PowerSpectrumVpk2, Spectrum<S>> {
  return map((p) => {
    const ch1 = new Float64Array(p.ch1.length);
    const ch2 = new Float64Array(p.ch2.length);
    if (ch1.length) convertSpectrumUnit(p.ch1, unit, p.rbw, ch1);
    if (ch2.length) convertSpectrumUnit(p.ch2, unit, p.rbw, ch2);
    return { frequencies: p.frequencies, ch1, ch2, unit, rbw: p.rbw, window: p.window, averages: p.averages, settings };
  });
}
