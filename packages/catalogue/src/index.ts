/**
 * @labrx/catalogue — the run catalogue: every saved result, with its settings, board snapshot and
 * provenance, in one SQLite file (docs/decisions/0013-run-catalogue.md).
 */
export { Catalogue, openCatalogue, type SaveOptions, type FindQuery, type RunSummary, type CatalogueRun, type OpenCatalogueOptions } from './Catalogue.js';
export { CatalogueError } from './CatalogueError.js';
export { recordTo } from './recordTo.js';
export { defaultCataloguePath } from './defaultCataloguePath.js';
export { boardSnapshot, type BoardSnapshot, type CatalogueBoard, type SimProvenance } from './boardSnapshot.js';
export { CATALOGUE_KINDS, INSTRUMENT_OF_KIND, catalogueKind, type CatalogueKind, type CatalogueResult, type CatalogueLoaded, type CatalogueFrequencyResponse } from './resultCodec.js';
