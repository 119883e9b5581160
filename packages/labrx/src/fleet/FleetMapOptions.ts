import type { Observable } from 'rxjs';
import type { AsyncMapFn } from '@labrx/core';
import type { Board } from '@labrx/instruments';
import type { FleetFulfilled, FleetMapEvent, FleetProgress, FleetSettled } from './FleetEntry.js';

/** The function `fleet.map` applies: a board, its position in `fleet.boards`, and a signal that aborts when its work is no longer wanted. */
export type FleetFn<R> = AsyncMapFn<Board, R>;

/** Options of `fleet.map$` (and the fleet instruments' `single$`). */
export interface FleetMapOptions {
  /** Most boards working at once: an integer ≥ 1, or `Infinity` (default: every board at once). */
  readonly concurrency?: number;
  /**
   * `'stop'` (default): the first board's error fails the whole operation, unchanged, and cancels
   * the others; `'collect'`: each board's error is reported with its board and the others finish.
   */
  readonly onError?: 'stop' | 'collect';
  /**
   * Time limit per board in milliseconds, on that board's clock (virtual in tests); past it the
   * board's work is cancelled and it fails with `TimeoutError('<name> <board id>', timeoutMs)`.
   * Default: none. One hung board then cannot hold up the fleet.
   */
  readonly timeoutMs?: number;
  /** Names the operation in errors (default 'fleet.map'). */
  readonly name?: string;
}

/** Options of the Promise faces `fleet.map` and `fleet.<instrument>.single`. */
export interface FleetMapPromiseOptions extends FleetMapOptions {
  /** Called each time a board finishes (succeeded or failed), with the progress so far. */
  readonly onProgress?: (progress: FleetProgress, entry: FleetSettled<unknown>) => void;
  /** Aborting cancels every board's work and rejects with `AbortedError`. */
  readonly signal?: AbortSignal;
}

/** What a fleet-wide instrument needs of its fleet: the boards and the two faces of `map`. */
export interface FleetMapper {
  /** The connected boards, in order. */
  readonly boards: readonly Board[];
  /** See `Fleet.map$`. */
  map$<R>(fn: FleetFn<R>, options?: FleetMapOptions): Observable<FleetMapEvent<R>>;
  /** See `Fleet.map`. */
  map<R>(fn: FleetFn<R>, options?: FleetMapPromiseOptions & { readonly onError?: 'stop' }): Promise<FleetFulfilled<R>[]>;
  map<R>(fn: FleetFn<R>, options: FleetMapPromiseOptions & { readonly onError: 'collect' }): Promise<FleetSettled<R>[]>;
  map<R>(fn: FleetFn<R>, options?: FleetMapPromiseOptions): Promise<FleetSettled<R>[]>;
}
