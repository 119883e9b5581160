import {
  frequencyResponse,
  resultKindOf,
  RESULT_KINDS,
  type LoadedResult,
  type ResultKind,
  type SavableResult,
  type SavedFrequencyResponse,
  type Spectrogram,
  type Spectrum,
  type Trace,
} from '@labrx/core';

/** The kinds of result the catalogue keeps (the same as labrx's data files). */
export const CATALOGUE_KINDS = RESULT_KINDS;
/** A result kind. */
export type CatalogueKind = ResultKind;
/** A frequency response as the network analyzer returns it (`averages` optional). */
export type CatalogueFrequencyResponse = SavedFrequencyResponse;
/** Any result the catalogue keeps: a scope `Trace`, a `Spectrum` or a `FrequencyResponse`. */
export type CatalogueResult = SavableResult;
/** A result read back from the catalogue, tagged with its kind. */
export type CatalogueLoaded = LoadedResult;

/** The instrument that makes each kind, for `find({ instrument })`. */
export const INSTRUMENT_OF_KIND: Readonly<Record<CatalogueKind, string>> = { trace: 'scope', spectrum: 'specan', 'frequency-response': 'na', spectrogram: 'specan' };

/**
 * A result split into what the catalogue stores: its own arrays (only those the result holds, not
 * derived ones such as a trace's times or a response's magnitude), its scalar fields and its settings.
 */
export interface EncodedRun {
  readonly kind: CatalogueKind;
  readonly arrays: readonly { readonly name: string; readonly values: Float64Array }[];
  readonly scalars: Readonly<Record<string, unknown>>;
  readonly settings: unknown;
}

/** Which kind `r` is, by its fields; null for anything else. */
export const catalogueKind = resultKindOf;

/** Splits a result (see `EncodedRun`); null when it is not a Trace, Spectrum, FrequencyResponse or Spectrogram. */
export function encodeRun(r: CatalogueResult): EncodedRun | null {
  const kind = catalogueKind(r);
  switch (kind) {
    case 'trace': {
      const t = r as Trace;
      return {
        kind,
        arrays: [
          { name: 'ch1', values: t.ch1 },
          { name: 'ch2', values: t.ch2 },
        ],
        scalars: { dt: t.dt, t0: t.t0, averages: t.averages, timestamp: t.timestamp },
        settings: t.settings ?? null,
      };
    }
    case 'spectrum': {
      const s = r as Spectrum;
      return {
        kind,
        arrays: [
          { name: 'frequencies', values: s.frequencies },
          { name: 'ch1', values: s.ch1 },
          { name: 'ch2', values: s.ch2 },
        ],
        scalars: { unit: s.unit, rbw: s.rbw, window: s.window, averages: s.averages },
        settings: s.settings ?? null,
      };
    }
    case 'frequency-response': {
      const h = r as CatalogueFrequencyResponse;
      return {
        kind,
        arrays: [
          { name: 'frequencies', values: h.frequencies },
          { name: 're', values: h.re },
          { name: 'im', values: h.im },
        ],
        scalars: h.averages !== undefined ? { averages: h.averages } : {},
        settings: h.settings ?? null,
      };
    }
    case 'spectrogram': {
      const s = r as Spectrogram;
      return {
        kind,
        arrays: [
          { name: 'frequencies', values: s.frequencies },
          { name: 'times', values: s.times },
          { name: 'ch1', values: s.ch1 },
          { name: 'ch2', values: s.ch2 },
        ],
        scalars: { unit: s.unit, rbw: s.rbw, window: s.window, averages: s.averages },
        settings: s.settings ?? null,
      };
    }
    default:
      return null;
  }
}

/** Rebuilds the result that `encodeRun` split; the arrays are used as given (not copied). */
export function decodeRun(run: EncodedRun): CatalogueLoaded {
  const a = (name: string): Float64Array => run.arrays.find((x) => x.name === name)?.values ?? new Float64Array(0);
  const s = run.scalars as { dt: number; t0: number; averages: number; timestamp: number; unit: Spectrum['unit']; rbw: number; window: string };
  switch (run.kind) {
    case 'trace':
      return { kind: 'trace', result: { dt: s.dt, t0: s.t0, ch1: a('ch1'), ch2: a('ch2'), averages: s.averages, settings: run.settings as Trace['settings'], timestamp: s.timestamp } };
    case 'spectrum':
      return { kind: 'spectrum', result: { frequencies: a('frequencies'), ch1: a('ch1'), ch2: a('ch2'), unit: s.unit, rbw: s.rbw, window: s.window, averages: s.averages, settings: run.settings } };
    case 'frequency-response': {
      const h = frequencyResponse(a('frequencies'), a('re'), a('im'), run.settings);
      return { kind: 'frequency-response', result: typeof s.averages === 'number' ? { ...h, averages: s.averages } : h };
    }
    case 'spectrogram':
      return { kind: 'spectrogram', result: { frequencies: a('frequencies'), times: a('times'), ch1: a('ch1'), ch2: a('ch2'), unit: s.unit, rbw: s.rbw, window: s.window, averages: s.averages, settings: run.settings } };
  }
}
