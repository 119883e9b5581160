import { asyncScheduler, Observable, throwError, timeout, type SchedulerLike } from 'rxjs';
import { asyncMap, checkKnownKeys, SettingsError, TimeoutError } from '@labrx/core';
import type { Board } from '@labrx/instruments';
import { connect, type ConnectOptions } from '../connect.js';
import { Fleet } from './Fleet.js';
import type { FleetConnectFailure } from './FleetEntry.js';
import { simTargets, type SimFleetOptions } from './simTargets.js';

/** One board to connect: a URL ('scpi://host:port', 'sim://?seed=3') or `connect` options. */
export type FleetTarget = string | ConnectOptions;

/** Options of {@link connectMany}. */
export interface ConnectManyOptions {
  /**
   * Most connections being opened at once: an integer ≥ 1 or Infinity (default 64 — opening
   * hundreds of TCP connections in the same instant can overflow a server's or a switch's
   * backlog; embedded boards connect at once anyway).
   */
  readonly concurrency?: number;
  /**
   * `'stop'` (default): if any target cannot be connected, close the boards already connected
   * and reject with that error, unchanged. `'collect'`: resolve with a fleet of the boards that
   * connected, and the others in `fleet.failures`, each with its target and error.
   */
  readonly onError?: 'stop' | 'collect';
  /**
   * Time limit per connection in ms, on `scheduler` (default none): a target that takes longer
   * fails with `TimeoutError('connect <target>', timeoutMs)`; should it connect later, it is
   * closed at once.
   */
  readonly timeoutMs?: number;
  /** The clock of `timeoutMs` (default asyncScheduler, real time). */
  readonly scheduler?: SchedulerLike;
  /** Aborting stops opening connections, closes those already open and rejects with `AbortedError`. */
  readonly signal?: AbortSignal;
}

/**
 * Connects many boards at once and returns them as a {@link Fleet}: embedded simulated boards
 * (`{ sim: { count, ...options } }`, seeds `seed + i`, ids `sim:<seed + i>`) or any mix of URLs and
 * `connect` options (`['scpi://127.0.0.1:5000', { sim: { seed: 9 } }]`), boards in target order.
 *
 * Each target that fails is reported with its target: with `onError: 'collect'` in
 * `fleet.failures` (the fleet holds the others); with `'stop'` (default) by rejecting, after
 * closing whatever had already connected.
 *
 * @example
 * const fleet = await connectMany({ sim: { count: 256, noiseDensity: 1e-7 } });
 * const fleet2 = await connectMany(urls, { onError: 'collect', timeoutMs: 3000 });
 * for (const f of fleet2.failures) console.warn(`${f.target}: ${f.error}`);
 *
 * @param targets The boards: an array of targets, `{ sim: { count, ...SimBoardOptions } }`, or a
 *   pattern of boards served on NATS, `'nats://host:4222/<server glob>/<board glob>'` (see `discoverBoards`).
 * @param options `concurrency`, `onError`, `timeoutMs`, `scheduler`, `signal`.
 * @returns The fleet.
 */
/** Every option name of `ConnectManyOptions` (the compiler checks the list is complete); others are refused. */
const CONNECT_MANY_OPTIONS = { concurrency: true, onError: true, timeoutMs: true, scheduler: true, signal: true } as const satisfies Record<keyof ConnectManyOptions, true>;

export async function connectMany(targets: readonly FleetTarget[] | { readonly sim: SimFleetOptions } | string, options: ConnectManyOptions = {}): Promise<Fleet> {
  // a nats:// pattern ('nats://host:4222/lab*/*'): the boards whose servers beat on NATS now (decision 0011)
  if (typeof targets === 'string' && (targets.startsWith('nats://') || targets.startsWith('tls://'))) targets = await (await import('@labrx/remote')).discoverBoards(targets);
  if (typeof options !== 'object' || options === null) throw new SettingsError('connectMany', 'options', options, 'an object of options');
  checkKnownKeys('connectMany', options, Object.keys(CONNECT_MANY_OPTIONS));
  const { concurrency = 64, onError = 'stop', timeoutMs, scheduler = asyncScheduler, signal } = options;
  const list: readonly FleetTarget[] = Array.isArray(targets)
    ? targets
    : typeof targets === 'object' && targets !== null && 'sim' in targets
      ? simTargets((targets as { sim: SimFleetOptions }).sim)
      : badTargets(targets);
  if (timeoutMs !== undefined && !(typeof timeoutMs === 'number' && timeoutMs > 0)) {
    throw new SettingsError('connectMany', 'timeoutMs', timeoutMs, 'a time limit in ms above 0 (or leave it out for none)');
  }

  // Every board that connected, whatever happens next: closed again if the whole call fails.
  const opened: Board[] = [];
  const open = (target: FleetTarget): Observable<Board> => {
    const board$ = connectOne$(target, (board) => opened.push(board));
    return timeoutMs === undefined || timeoutMs === Infinity
      ? board$
      : board$.pipe(timeout({ first: timeoutMs, scheduler, with: () => throwError(() => new TimeoutError(`connect ${describeTarget(target)}`, timeoutMs)) }));
  };
  const common = { concurrency, name: 'connectMany', ...(signal ? { signal } : {}) };

  if (onError !== 'stop' && onError !== 'collect') throw new SettingsError('connectMany', 'onError', onError, "'stop' or 'collect'");
  try {
    if (onError === 'stop') return new Fleet(await asyncMap(list, open, { ...common, onError: 'stop' }));
    const entries = await asyncMap(list, open, { ...common, onError: 'collect' });
    const boards: Board[] = [];
    const failures: FleetConnectFailure[] = [];
    for (const e of entries) {
      if (e.status === 'fulfilled') boards.push(e.value);
      else failures.push({ status: 'rejected', target: describeTarget(e.item), index: e.index, error: e.error });
    }
    return new Fleet(boards, failures);
  } catch (error) {
    // The whole call failed ('stop', an abort, bad options): close what did connect. A board
    // failing to close as well must not hide the first error.
    await Promise.allSettled(opened.map((b) => b.close()));
    throw error;
  }
}

/**
 * `connect(target)` as a cold Observable: emits the board and completes. Unsubscribed before the
 * board arrives (a time limit, the map stopping), it closes the board when it does arrive, so no
 * connection is left open behind the caller's back.
 */
function connectOne$(target: FleetTarget, onOpen: (board: Board) => void): Observable<Board> {
  return new Observable<Board>((subscriber) => {
    let wanted = true;
    connect(target).then(
      (board) => {
        if (wanted) {
          onOpen(board);
          subscriber.next(board);
          subscriber.complete();
        } else {
          // Nobody will hold this board: close it. A close failure surfaces as an unhandled
          // rejection rather than vanishing.
          void board.close();
        }
      },
      (error: unknown) => subscriber.error(error),
    );
    return () => {
      wanted = false;
    };
  });
}

/** A name for a target in failures and errors: the URL, `sim:<seed>` (or its id) or the driver's id. */
export function describeTarget(target: FleetTarget): string {
  if (typeof target === 'string') return target;
  if (target.driver) return target.driver.id;
  const sim = target.sim ?? {};
  return sim.id ?? `sim:${sim.seed ?? 1}`;
}

function badTargets(targets: unknown): never {
  throw new SettingsError('connectMany', 'targets', targets, "an array of URLs or connect options, or { sim: { count, ...options } }");
}
