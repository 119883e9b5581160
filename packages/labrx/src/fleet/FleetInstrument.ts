import { catchError, map, merge, of, type Observable } from 'rxjs';
import type { Board } from '@labrx/instruments';
import type { FleetFulfilled, FleetMapEvent, FleetSettled } from './FleetEntry.js';
import type { FleetMapOptions, FleetMapPromiseOptions, FleetMapper } from './FleetMapOptions.js';

/** What a fleet-wide instrument needs of each board's instrument (scope, specan and na have it). */
export interface AcquiringInstrument<S, R> {
  single$(settings?: S): Observable<R>;
  stream$(settings?: S): Observable<R>;
}

/**
 * Settings for every board alike, or per board: a function of the board and its position in
 * `fleet.boards` (for example each board's own resonance).
 */
export type FleetSettings<S> = S | ((board: Board, index: number) => S | undefined);

/** Options of a fleet-wide `stream$`. */
export interface FleetStreamOptions {
  /**
   * `'stop'` (default): the first board's error errors the merged stream (and stops every board);
   * `'collect'`: a board's error is emitted as a `'rejected'` entry, that board's stream ends and
   * the others go on.
   */
  readonly onError?: 'stop' | 'collect';
}

/**
 * One instrument across a fleet (`fleet.scope`, `fleet.specan`, `fleet.na`): the same faces as a
 * board's instrument, with every result tagged with its board
 * (`{ status: 'fulfilled', board: 'sim:3', index: 2, value }`).
 *
 * Settings are validated for every board before anything starts: a bad setting throws
 * `SettingsError` at once, as a board's own instrument does.
 *
 * @example
 * fleet.scope.stream$({ decimation: 64 }).subscribe(({ board, value }) => plot(board, value.ch1));
 * const traces = await fleet.scope.single({ decimation: 8192 }); // one per board, in board order
 */
export class FleetInstrument<S, R> {
  constructor(
    private readonly fleet: FleetMapper,
    /** 'scope', 'specan' or 'na': names errors and time limits. */
    readonly name: string,
    private readonly pick: (board: Board) => AcquiringInstrument<S, R>,
  ) {}

  /**
   * Every board's `stream$(settings)`, merged; each result tagged with its board. Unsubscribing
   * stops every board. See {@link FleetStreamOptions} for errors.
   *
   * ```
   * sim:1        --a----b----
   * sim:2        ----c----d--
   * stream$()    --a-c--b-d--   each as { board, index, value }
   * ```
   */
  stream$(settings?: FleetSettings<S>, options?: { readonly onError?: 'stop' }): Observable<FleetFulfilled<R>>;
  stream$(settings: FleetSettings<S> | undefined, options: { readonly onError: 'collect' }): Observable<FleetSettled<R>>;
  stream$(settings?: FleetSettings<S>, options?: FleetStreamOptions): Observable<FleetSettled<R>>;
  stream$(settings?: FleetSettings<S>, options: FleetStreamOptions = {}): Observable<FleetSettled<R>> {
    const collect = options.onError === 'collect';
    const sources = this.fleet.boards.map((board, index) => {
      const tagged$ = this.pick(board)
        .stream$(this.settingsFor(settings, board, index))
        .pipe(map((value): FleetSettled<R> => ({ status: 'fulfilled', board: board.id, index, value })));
      return collect ? tagged$.pipe(catchError((error: unknown) => of<FleetSettled<R>>({ status: 'rejected', board: board.id, index, error }))) : tagged$;
    });
    return merge(...sources);
  }

  /**
   * One result per board (each board's `single$(settings)`), emitted as each board finishes with
   * the progress so far, then completes. Options as `fleet.map$`: `concurrency`, `onError`,
   * `timeoutMs` per board.
   */
  single$(settings?: FleetSettings<S>, options: FleetMapOptions = {}): Observable<FleetMapEvent<R>> {
    const work = this.fleet.boards.map((board, index) => this.pick(board).single$(this.settingsFor(settings, board, index)));
    return this.fleet.map$((_board, index) => work[index]!, { ...options, name: `fleet.${this.name}.single` });
  }

  /**
   * Awaits one result per board, in board order, each tagged with its board (see `fleet.map` for
   * the options, the error policies and the AbortSignal).
   */
  single(settings?: FleetSettings<S>, options?: FleetMapPromiseOptions & { readonly onError?: 'stop' }): Promise<FleetFulfilled<R>[]>;
  single(settings: FleetSettings<S> | undefined, options: FleetMapPromiseOptions & { readonly onError: 'collect' }): Promise<FleetSettled<R>[]>;
  single(settings?: FleetSettings<S>, options?: FleetMapPromiseOptions): Promise<FleetSettled<R>[]>;
  single(settings?: FleetSettings<S>, options: FleetMapPromiseOptions = {}): Promise<FleetSettled<R>[]> {
    let work: Observable<R>[];
    try {
      work = this.fleet.boards.map((board, index) => this.pick(board).single$(this.settingsFor(settings, board, index)));
    } catch (error) {
      return Promise.reject(error);
    }
    return this.fleet.map((_board, index) => work[index]!, { ...options, name: `fleet.${this.name}.single` });
  }

  private settingsFor(settings: FleetSettings<S> | undefined, board: Board, index: number): S | undefined {
    return typeof settings === 'function' ? (settings as (board: Board, index: number) => S | undefined)(board, index) : settings;
  }
}
