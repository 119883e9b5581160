import { Observable, type MonoTypeOperatorFunction } from 'rxjs';

/**
 * Mirrors the source, but errors as soon as `closed$` errors (the board closed), so that no
 * pipeline hangs on a closed board. Unlike `merge(source, closed$)` it completes with the source.
 * If `closed$` errors at subscription (the board is already closed) the source is never subscribed,
 * so nothing starts. Completion of `closed$` is ignored.
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
      if (subscriber.closed) return undefined;
      const inner = source.subscribe(subscriber);
      return () => {
        watch.unsubscribe();
        inner.unsubscribe();
      };
    });
}
