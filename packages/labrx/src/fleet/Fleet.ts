import { defer, map, reduce, type Observable } from 'rxjs';
import {
  asyncMap,
  asyncMap$,
  MapErrors,
  once,
  SettingsError,
  type AsyncMapFulfilled,
  type AsyncMapRejected,
  type NaSettings,
  type ScopeSettings,
  type SpecanSettings,
  type Trace,
} from '@labrx/core';
import type { Board, NaResponse, SpecanSpectrum } from '@labrx/instruments';
import type { FleetConnectFailure, FleetFulfilled, FleetMapEvent, FleetProgress, FleetSettled } from './FleetEntry.js';
import { FleetInstrument } from './FleetInstrument.js';
import type { FleetFn, FleetMapOptions, FleetMapPromiseOptions } from './FleetMapOptions.js';
import { withTimeout } from './withTimeout.js';

/**
 * Many boards driven together from one process — embedded simulators and boards over SCPI mixed.
 * Built by `connectMany`, or from boards you already have (`new Fleet(boards)`).
 *
 * - `boards`: the boards that are connected, each with its `id` (`sim:<seed>`, or the SCPI URL);
 *   `failures`: the targets that could not be connected (with `connectMany(…, { onError: 'collect' })`).
 * - `map(fn, { concurrency, onError, timeoutMs, onProgress, signal })`: runs `fn(board)` on every
 *   board (a plain function, an async one or one returning an Observable), with progress;
 *   `map$` is its Observable face.
 * - `scope`, `specan`, `na`: fleet-wide instruments whose results are tagged with their board.
 * - `close()`: closes every board, even when some fail to close, and reports those that did.
 *
 * @example
 * const fleet = await connectMany({ sim: { count: 200 } });
 * const traces = await fleet.scope.single({ decimation: 8192 }); // ≈ 1.07 s for all 200
 * const rms = await fleet.map(async (rp) => rms((await rp.scope.single({ decimation: 64 })).ch1), {
 *   onProgress: ({ done, total }) => console.log(`${done}/${total}`),
 * });
 * await fleet.close();
 */
export class Fleet {
  /** The scope of every board; results tagged `{ board, index, value: Trace }`. */
  readonly scope: FleetInstrument<ScopeSettings, Trace>;
  /** The spectrum analyzer of every board; results tagged with their board. */
  readonly specan: FleetInstrument<SpecanSettings, SpecanSpectrum>;
  /** The network analyzer of every board; results tagged with their board. */
  readonly na: FleetInstrument<NaSettings, NaResponse>;
  private closing: Promise<void> | undefined;

  constructor(
    /** The connected boards, in the order of the targets they came from. */
    readonly boards: readonly Board[],
    /** Targets that could not be connected, in target order (empty unless collected). */
    readonly failures: readonly FleetConnectFailure[] = [],
  ) {
    this.scope = new FleetInstrument(this, 'scope', (b) => b.scope);
    this.specan = new FleetInstrument(this, 'specan', (b) => b.specan);
    this.na = new FleetInstrument(this, 'na', (b) => b.na);
  }

  /** How many boards are connected. */
  get size(): number {
    return this.boards.length;
  }

  /** The boards' ids, in board order. */
  get ids(): string[] {
    return this.boards.map((b) => b.id);
  }

  /** The board with this id, if any (the first, should two share it). */
  board(id: string): Board | undefined {
    return this.boards.find((b) => b.id === id);
  }

  /**
   * Runs `fn` on every board, as a cold Observable of one event per board in the order they
   * finish: `{ status, board, index, value | error, progress: { done, failed, total } }`.
   * Completes after the last board. Unsubscribing cancels the work still running (Observables
   * unsubscribed, signals aborted, no board started). See {@link FleetMapOptions}.
   *
   * @throws SettingsError at once for bad options.
   */
  map$<R>(fn: FleetFn<R>, options: FleetMapOptions = {}): Observable<FleetMapEvent<R>> {
    const { timeoutMs, name = 'fleet.map', ...rest } = options;
    if (timeoutMs !== undefined && !(typeof timeoutMs === 'number' && timeoutMs > 0)) {
      throw new SettingsError(name, 'timeoutMs', timeoutMs, 'a time limit in ms above 0 (or leave it out for none)');
    }
    const work =
      timeoutMs === undefined || timeoutMs === Infinity
        ? fn
        : withTimeout(
            fn,
            timeoutMs,
            (board) => board.driver.scheduler,
            (board) => `${name} ${board.id}`,
          );
    const entries$ = asyncMap$(this.boards, work, { ...rest, name, order: 'completion', onError: rest.onError ?? 'stop' });
    const total = this.boards.length;
    return defer(() => {
      // Per subscription: each run counts its own progress.
      let done = 0;
      let failed = 0;
      return entries$.pipe(
        map((e): FleetMapEvent<R> => {
          done++;
          if (e.status === 'rejected') failed++;
          const progress = { done, failed, total };
          return e.status === 'fulfilled'
            ? { status: 'fulfilled', board: e.item.id, index: e.index, value: e.value, progress }
            : { status: 'rejected', board: e.item.id, index: e.index, error: e.error, progress };
        }),
      );
    });
  }

  /**
   * Runs `fn` on every board and resolves with one tagged result per board, in board order:
   * `{ status: 'fulfilled', board, index, value }`. With `onError: 'stop'` (default) rejects with
   * the first error, unchanged, and cancels the rest; with `'collect'` always resolves, failures
   * included as `{ status: 'rejected', board, index, error }`.
   *
   * @example
   * const peaks = await fleet.map((rp) => rp.scope.single$({ decimation: 64 }).pipe(map(peak)), { concurrency: 50 });
   * const outcome = await fleet.map(tune, { onError: 'collect', timeoutMs: 10_000, onProgress: (p) => bar.update(p.done / p.total) });
   */
  map<R>(fn: FleetFn<R>, options?: FleetMapPromiseOptions & { readonly onError?: 'stop' }): Promise<FleetFulfilled<R>[]>;
  map<R>(fn: FleetFn<R>, options: FleetMapPromiseOptions & { readonly onError: 'collect' }): Promise<FleetSettled<R>[]>;
  map<R>(fn: FleetFn<R>, options?: FleetMapPromiseOptions): Promise<FleetSettled<R>[]>;
  map<R>(fn: FleetFn<R>, options: FleetMapPromiseOptions = {}): Promise<FleetSettled<R>[]> {
    const { onProgress, signal, ...mapOptions } = options;
    const name = options.name ?? 'fleet.map';
    let events$: Observable<FleetMapEvent<R>>;
    try {
      events$ = this.map$(fn, mapOptions);
    } catch (error) {
      return Promise.reject(error);
    }
    const results$ = events$.pipe(
      // out[index]: one tagged result per board, in board order, whatever order they finish in
      reduce((out, { progress, ...entry }) => {
        out[entry.index] = entry;
        // a failing callback is the caller's bug: it ends the map and rejects with its error
        onProgress?.(progress, entry);
        return out;
      }, new Array<FleetSettled<R>>(this.boards.length)),
    );
    return once(results$, { operation: name, ...(signal !== undefined ? { signal } : {}) });
  }

  /**
   * Closes every board, all at once, even when some fail to close. Resolves when all are closed;
   * if any failed, rejects afterwards with `MapErrors('fleet.close', …)` whose `failures` name
   * each board (`item` is its id) and its error, and whose `successes` list the others.
   * Idempotent: later calls return the first call's outcome.
   */
  close(): Promise<void> {
    this.closing ??= (async () => {
      const entries = await asyncMap(this.boards, (board) => board.close(), { onError: 'collect', name: 'fleet.close' });
      const failures: AsyncMapRejected<string>[] = [];
      const successes: AsyncMapFulfilled<string, void>[] = [];
      for (const e of entries) {
        if (e.status === 'rejected') failures.push({ ...e, item: e.item.id });
        else successes.push({ ...e, item: e.item.id });
      }
      if (failures.length > 0) throw new MapErrors<string, void>('fleet.close', failures, successes);
    })();
    return this.closing;
  }
}
