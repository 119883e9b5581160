import { openCatalogue, type Catalogue, type OpenCatalogueOptions } from '@labrx/catalogue';
import { LABRX_VERSION } from './labrxVersion.js';

/**
 * Opens the run catalogue (docs/decisions/0013-run-catalogue.md) with saves stamped
 * 'labrx <version>'; `path` defaults to `$XDG_DATA_HOME/labrx/runs.sqlite`
 * (`~/.local/share/labrx/runs.sqlite`).
 *
 * @example
 * const runs = openRunCatalogue();
 * const id = runs.save(await rp.scope.single(), { label: 'ringdown', tags: ['q'], board: rp });
 * runs.close();
 */
export function openRunCatalogue(path?: string, options: OpenCatalogueOptions = {}): Catalogue {
  return openCatalogue(path, { software: `labrx ${LABRX_VERSION}`, ...options });
}
