import { SettingsError } from '../errors/SettingsError.js';
import { SPECTRUM_UNITS, type SpectrumUnit } from '../results/Spectrum.js';
import type { WindowInfo } from './windows.js';

/** Load resistance that 'dBm' and 'dBm/Hz' refer to, in ohms. */
export const DBM_LOAD_OHMS = 50;

/**
 * Which bins of a spectrum array are DC and Nyquist:
 * - 'rfft': the array is bins 0…N/2 of a real FFT, so element 0 is DC and the last is Nyquist;
 *   those two hold a real (not a sinusoid's) amplitude, so Vrms² = Vpk² there, not Vpk²/2.
 * - 'none': every element is an ordinary bin (for example a slice from inside the band).
 */
export type SpectrumEdges = 'rfft' | 'none';

/**
 * Resolution bandwidth of an FFT spectrum: ENBW × bin width = enbwBins / (n · dt), in Hz, where
 * n is the window's length.
 *
 * @param window the window used (its length is the FFT length)
 * @param dtS sample interval in seconds
 */
export function resolutionBandwidthHz(window: WindowInfo, dtS: number): number {
  return window.enbwBins / (window.values.length * dtS);
}

/**
 * Converts a one-sided spectrum in 'Vpk²' (from `powerSpectrumVpk2`, or an average of them) to
 * `unit`, writing into `out` (may be the same array as `vpk2`):
 * - 'Vpk^2': copied;
 * - 'Vrms^2/Hz': Vpk²/2/rbw (a sinusoid's mean square is half its peak squared; dividing by the
 *   noise bandwidth of one bin gives a density that reads the same for every window);
 * - 'Vrms/sqrt(Hz)': √(Vpk²/2/rbw). PyRPL divides by rbw here instead of √rbw; that is a bug;
 * - 'dBm': 10·log10(Vrms²/50 Ω/1 mW), so a 1 V peak tone reads 10 dBm;
 * - 'dBm/Hz': 10·log10(Vrms²/Hz/50 Ω/1 mW).
 * With `edges` 'rfft', DC and Nyquist use Vrms² = Vpk² (see `SpectrumEdges`).
 *
 * @param vpk2 spectrum in Vpk²
 * @param unit target unit
 * @param rbwHz resolution bandwidth in Hz (`resolutionBandwidthHz`); used by the density units
 * @param out result, same length as `vpk2`, owned by the caller
 * @param edges whether element 0 and the last element are DC and Nyquist (default 'rfft')
 * @throws SettingsError for an unknown unit or a non-positive rbw
 *
 * @example
 * convertSpectrumUnit(vpk2, 'dBm', rbw, out); // a 1 V peak tone's bin reads 10
 */
export function convertSpectrumUnit(vpk2: Float64Array, unit: SpectrumUnit, rbwHz: number, out: Float64Array, edges: SpectrumEdges = 'rfft'): void {
  if (!(SPECTRUM_UNITS as readonly string[]).includes(unit)) {
    throw new SettingsError('dsp', 'unit', unit, `one of ${SPECTRUM_UNITS.map((u) => `'${u}'`).join(', ')}`);
  }
  if (!(rbwHz > 0) || !Number.isFinite(rbwHz)) throw new SettingsError('dsp', 'rbw', rbwHz, 'a finite number above 0 (Hz)');
  const n = vpk2.length;
  if (unit === 'Vpk^2') {
    if (out !== vpk2) out.set(vpk2);
    return;
  }
  // Vpk² → Vrms² (per bin, or per Hz), then the unit's own law.
  const perHz = unit === 'Vrms^2/Hz' || unit === 'Vrms/sqrt(Hz)' || unit === 'dBm/Hz' ? 1 / rbwHz : 1;
  const inner = 0.5 * perHz;
  const edge = edges === 'rfft' ? perHz : inner;
  const toMilliwatt = 1 / (DBM_LOAD_OHMS * 1e-3);
  for (let k = 0; k < n; k++) {
    const ms = vpk2[k]! * (k === 0 || k === n - 1 ? edge : inner);
    switch (unit) {
      case 'Vrms^2/Hz':
        out[k] = ms;
        break;
      case 'Vrms/sqrt(Hz)':
        out[k] = Math.sqrt(ms);
        break;
      default: // 'dBm', 'dBm/Hz'
        out[k] = 10 * Math.log10(ms * toMilliwatt);
    }
  }
}
