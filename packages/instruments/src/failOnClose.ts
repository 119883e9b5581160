import { Observable, type MonoTypeOperatorFunction } from 'rxjs';

/**
 * Mirrors the source, but errors as soon as `closed$` errors (the board closed), so that no
 * pipeline hangs on a closed board. Unlike `merge(source, closed$)` it completes with the source.
 *
 * ```
 * source:  --a--b--------c--|
 * closed$: ---------#
 * result:  --a--b---#
 * ```
 */
export function failOnClose<T>(closed$: Observable<never>): MonoTypeOperatorFunction<T> {
  return (source) =>
    new Observable<T>((subscriber) => {
      const watch = closed$.subscribe({ error: (e: unknown) => subscriber.error(e) });
      const inner = source.subscribe(subscriber);
      return () => {
        watch.unsubscribe();
        inner.unsubscribe();
      };
    });
}
