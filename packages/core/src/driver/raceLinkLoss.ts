import { Observable, race } from 'rxjs';

/** What a driver does as one acquisition starts, settles and is abandoned. */
export interface AcquisitionHooks {
  /** On subscribe: the acquisition is armed (a driver counts it as running). */
  start(): void;
  /** Once, when it settles: its trace arrived, it failed, or it was unsubscribed before either. */
  end(): void;
  /**
   * Once, after `end`, when it settled without a trace: `'error'` when it failed (the link was lost,
   * a request timed out), `'unsubscribe'` when its consumer left. The driver stops the board here if
   * it can (the link may be gone).
   */
  abort(reason: 'error' | 'unsubscribe'): void;
}

/**
 * One acquisition of a networked driver: `pipeline$` (arm, wait, read the trace) raced against the
 * link's `lost$`, so a link lost during a timer wait fails the acquisition at once instead of at the
 * next poll (`lost$` only errors, so the trace wins the race when it comes). `hooks` see the
 * acquisition start and settle exactly once; a consumer that unsubscribes on the trace itself
 * (firstValueFrom) does not abort it.
 */
export function raceLinkLoss<T>(pipeline$: Observable<T>, lost$: Observable<never>, hooks: AcquisitionHooks): Observable<T> {
  return new Observable<T>((subscriber) => {
    let settled = false;
    const settle = (): boolean => {
      if (settled) return false;
      settled = true;
      hooks.end();
      return true;
    };
    hooks.start();
    const sub = race(pipeline$, lost$).subscribe({
      next: (value) => {
        settle();
        subscriber.next(value);
      },
      error: (err: unknown) => {
        if (settle()) hooks.abort('error');
        subscriber.error(err);
      },
      complete: () => subscriber.complete(),
    });
    return () => {
      sub.unsubscribe();
      if (settle()) hooks.abort('unsubscribe');
    };
  });
}
