import type { FrequencyResponse } from './FrequencyResponse.js';
import type { Spectrum } from './Spectrum.js';
import type { Spectrogram } from './Spectrogram.js';
import type { Trace } from './Trace.js';

/** The kinds of result labrx keeps (data files, the run catalogue). */
export const RESULT_KINDS = ['trace', 'spectrum', 'frequency-response', 'spectrogram'] as const;
/** A result kind. */
export type ResultKind = (typeof RESULT_KINDS)[number];

/** A frequency response as the network analyzer returns it: `averages` is optional for others. */
export type SavedFrequencyResponse = FrequencyResponse & { readonly averages?: number };

/** Any result labrx can keep: a scope `Trace`, a `Spectrum`, a `FrequencyResponse` or a `Spectrogram`. */
export type SavableResult = Trace | Spectrum | SavedFrequencyResponse | Spectrogram;

/** A result read back (from a file or the catalogue), tagged with its kind. */
export type LoadedResult =
  | { readonly kind: 'trace'; readonly result: Trace }
  | { readonly kind: 'spectrum'; readonly result: Spectrum }
  | { readonly kind: 'frequency-response'; readonly result: SavedFrequencyResponse }
  | { readonly kind: 'spectrogram'; readonly result: Spectrogram };

/** Which kind `r` is, by its fields (Float64Array samples); null for anything else. */
export function resultKindOf(r: unknown): ResultKind | null {
  const o = r as Record<string, unknown> | null;
  if (o && typeof o === 'object') {
    if (o.re instanceof Float64Array && o.im instanceof Float64Array && o.frequencies instanceof Float64Array) return 'frequency-response';
    // before 'spectrum': a spectrogram has a spectrum's fields too, and row times
    if (o.times instanceof Float64Array && typeof o.unit === 'string' && o.frequencies instanceof Float64Array && o.ch1 instanceof Float64Array) return 'spectrogram';
    if (typeof o.dt === 'number' && o.ch1 instanceof Float64Array && o.ch2 instanceof Float64Array) return 'trace';
    if (typeof o.unit === 'string' && o.frequencies instanceof Float64Array && o.ch1 instanceof Float64Array) return 'spectrum';
  }
  return null;
}
