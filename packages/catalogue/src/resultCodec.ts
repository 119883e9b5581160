import {
  frequencyResponse,
  resultKindOf,
  RESULT_KINDS,
  type LoadedResult,
  type ResultKind,
  type SavableResult,
  type SavedFrequencyResponse,
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

/**
 * What each kind stores: its own arrays (not derived ones such as a trace's times or a response's
 * magnitude) and its scalar fields (one left undefined is not stored).
 */
const STORED_FIELDS: Readonly<Record<CatalogueKind, { readonly arrays: readonly string[]; readonly scalars: readonly string[] }>> = {
  trace: { arrays: ['ch1', 'ch2'], scalars: ['dt', 't0', 'averages', 'timestamp'] },
  spectrum: { arrays: ['frequencies', 'ch1', 'ch2'], scalars: ['unit', 'rbw', 'window', 'averages'] },
  'frequency-response': { arrays: ['frequencies', 're', 'im'], scalars: ['averages'] },
  spectrogram: { arrays: ['frequencies', 'times', 'ch1', 'ch2'], scalars: ['unit', 'rbw', 'window', 'averages'] },
};

/** Splits a result (see `EncodedRun`); null when it is not a Trace, Spectrum, FrequencyResponse or Spectrogram. */
export function encodeRun(r: CatalogueResult): EncodedRun | null {
  const kind = catalogueKind(r);
  if (kind === null) return null;
  const fields = r as unknown as Readonly<Record<string, unknown>>;
  const { arrays, scalars } = STORED_FIELDS[kind];
  return {
    kind,
    arrays: arrays.map((name) => ({ name, values: fields[name] as Float64Array })),
    scalars: Object.fromEntries(scalars.filter((name) => fields[name] !== undefined).map((name) => [name, fields[name]])),
    settings: (r as { settings?: unknown }).settings ?? null,
  };
}

/** Rebuilds the result that `encodeRun` split; the arrays are used as given (not copied). */
export function decodeRun(run: EncodedRun): CatalogueLoaded {
  const { arrays, scalars } = STORED_FIELDS[run.kind];
  const fields: Record<string, unknown> = {};
  for (const name of arrays) fields[name] = run.arrays.find((x) => x.name === name)?.values ?? new Float64Array(0);
  for (const name of scalars) if (run.scalars[name] !== undefined) fields[name] = run.scalars[name];
  if (run.kind === 'frequency-response') {
    // magnitude and phase are derived again
    const h = frequencyResponse(fields.frequencies as Float64Array, fields.re as Float64Array, fields.im as Float64Array, run.settings);
    return { kind: run.kind, result: typeof fields.averages === 'number' ? { ...h, averages: fields.averages } : h };
  }
  return { kind: run.kind, result: { ...fields, settings: run.settings } } as CatalogueLoaded;
}
