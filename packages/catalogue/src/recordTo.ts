import { tap, type MonoTypeOperatorFunction } from 'rxjs';
import type { Catalogue, SaveOptions } from './Catalogue.js';
import type { CatalogueResult } from './resultCodec.js';

/**
 * Saves every result of a stream to `catalogue` (each in its own transaction, synchronously,
 * before passing it on) and passes it on unchanged. A save that fails errors the stream with the
 * `CatalogueError`. `options` apply to every result (a `board` is snapshot at each save).
 *
 * @example
 * rp.scope.stream({ decimation: 64 }).pipe(take(100), recordTo(catalogue, { tags: ['overnight'], board: rp })).subscribe();
 */
export function recordTo<T extends CatalogueResult>(catalogue: Catalogue, options: SaveOptions = {}): MonoTypeOperatorFunction<T> {
  return tap((result) => {
    catalogue.save(result, options);
  });
}
