/**
 * The run catalogue as labrx offers it: opened with labrx's version stamped on saves, and the
 * provenance check that reruns a simulated acquisition (docs/decisions/0013-run-catalogue.md).
 */
export { openRunCatalogue } from './openRunCatalogue.js';
export { rerunRun, type RerunReport } from './rerunRun.js';
export { LABRX_VERSION } from './labrxVersion.js';
