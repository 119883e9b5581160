import { map, type OperatorFunction } from 'rxjs';
import { convertSpectrumUnit, type SpectrumEdges } from '../dsp/spectrumUnits.js';
import { SettingsError } from '../errors/SettingsError.js';
import { SPECTRUM_UNITS, type Spectrum, type SpectrumUnit } from '../results/Spectrum.js';
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
 * Each result has new arrays (the input's are left as they are); an empty channel stays empty.
 *
 * @see traceToPowerSpectrum
 * @param unit the target unit
 * @param settings attached to every result as `settings`
 * @param edges whether the first and last bins are DC and Nyquist ('rfft', default: one-sided spectra) or ordinary bins ('none': the two-sided spectra of iq mode)
 * @throws SettingsError('toSpectrumUnit', 'unit', …) for an unknown unit, when the operator is created
 */
export function toSpectrumUnit<S>(unit: SpectrumUnit, settings: S, edges: SpectrumEdges = 'rfft'): OperatorFunction<PowerSpectrumVpk2, Spectrum<S>> {
  if (!(SPECTRUM_UNITS as readonly unknown[]).includes(unit)) {
    throw new SettingsError('toSpectrumUnit', 'unit', unit, `one of ${SPECTRUM_UNITS.map((u) => `'${u}'`).join(', ')}`);
  }
  return map((p) => {
    const ch1 = new Float64Array(p.ch1.length);
    const ch2 = new Float64Array(p.ch2.length);
    if (ch1.length) convertSpectrumUnit(p.ch1, unit, p.rbw, ch1, edges);
    if (ch2.length) convertSpectrumUnit(p.ch2, unit, p.rbw, ch2, edges);
    return { frequencies: p.frequencies, ch1, ch2, unit, rbw: p.rbw, window: p.window, averages: p.averages, settings };
  });
}
