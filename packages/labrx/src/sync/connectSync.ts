import { MessageChannel, Worker } from 'node:worker_threads';
import { ConnectionLostError, SettingsError } from '@labrx/core';
import type { Board } from '@labrx/instruments';
import { prepareEngineOptions, type SyncConnectOptions } from './engineOptions.js';
import type { EngineHello, EngineWorkerData } from './protocol.js';
import { reviveError } from './serializeError.js';
import { SyncChannel } from './SyncChannel.js';
import { SyncStream } from './SyncStream.js';
import { SYNC_FACES, type SyncInstrumentName, type SyncMember } from './syncFaces.js';

/** A member of an instrument as the blocking face shows it: Promises resolved, AsyncIterables made sync. */
export type SyncFunction<F> = F extends (...args: infer A) => Promise<infer R>
  ? (...args: A) => R
  : F extends (...args: infer A) => AsyncIterable<infer R>
    ? (...args: A) => SyncStream<R>
    : F extends (...args: infer A) => infer R
      ? (...args: A) => R
      : F;

/** An instrument's blocking face: the members listed for it in `SYNC_FACES`. */
export type SyncInstrument<I, Members> = { readonly [K in keyof Members & keyof I]: SyncFunction<I[K]> };

/** Every instrument of `SYNC_FACES` that `Board` has, as a blocking face. */
export type SyncInstruments = { readonly [N in SyncInstrumentName & keyof Board]: SyncInstrument<Board[N], (typeof SYNC_FACES)[N]> };

/** A procedure: `async function tune(board, ...args)`. */
export type Procedure = (board: Board, ...args: never[]) => unknown;

/** The arguments of a procedure after `board`. */
export type ProcedureArgs<F> = F extends (board: Board, ...args: infer A) => unknown ? A : never;

/**
 * A board in an engine thread, seen synchronously: every call blocks the calling thread until the
 * engine answers. `P` is the procedures module's type (`typeof import('./procedures.js')`) so that
 * `call` is typed.
 */
export type SyncBoard<P = Record<string, Procedure>> = SyncInstruments & {
  /** The board's id in the engine ('sim:7', 'scpi://…'). */
  readonly id: string;
  /** Instruments this board has (of those in `SYNC_FACES`). */
  readonly instruments: readonly string[];
  /** Names of the procedures loaded. */
  readonly procedures: readonly string[];
  /** True when the engine runs the board in virtual time (`sim.virtualTime`). */
  readonly virtualTime: boolean;
  /** Wall-clock limit of each blocking call in ms; may be changed. */
  timeoutMs: number;
  /**
   * Runs procedure `name` in the engine with the engine's board as first argument and blocks for
   * its result. Inside it, `this.signal` aborts if the caller gives up (timeout).
   */
  call<K extends keyof P & string>(name: K, ...args: ProcedureArgs<P[K]>): Awaited<P[K] extends (...a: never[]) => infer R ? R : unknown>;
  /** Closes the board and ends the engine thread; later calls throw `ConnectionLostError`. Idempotent. */
  close(): void;
  /** True once `close()` was called or the engine died. */
  readonly isClosed: boolean;
  /** Resolves when the engine thread has ended (after `close()`, or if it died). */
  readonly exited: Promise<void>;
};

/** Time the engine may take to start (load modules, open the board), at least (ms). */
const STARTUP_MS = 60_000;

const identity = (v: unknown): unknown => v;

/**
 * Opens a board in an engine worker thread and returns its blocking face: `rp.scope.single(s)`,
 * `rp.asg0.set(s)`, `rp.asg0.settings`, `rp.call('tune', …)` return their results directly, and
 * `rp.scope.stream(s)` is a sync iterable. The caller's thread blocks in `Atomics.wait` while
 * the engine's event loop runs on (acquisitions, timers and procedures in the engine do not stop);
 * nothing else runs in the caller's thread meanwhile, so no event loop is ever re-entered.
 *
 * Errors arrive as the same classes as on the async face (`SettingsError` with `setting`, `value`,
 * `allowed`; `TimeoutError`; `ConnectionLostError` …), with the engine's stack after the caller's.
 * Typed arrays of results are transferred to the caller, not copied (stream items: copied once).
 *
 * @param target 'sim://…' (default), 'scpi://host:port', or the options
 * @param options `sim` (plain data: `dut` as `{ kind: 'resonator', f0, q, gain }`, `virtualTime`),
 *   `procedures` (module path or URL), `timeoutMs` (per call, wall clock, default 30000)
 * @throws SettingsError for options that cannot be sent to the engine; whatever opening the board throws
 *
 * @example
 * const rp = connectSync({ sim: { seed: 7, dut: { kind: 'resonator', f0: 1e6, q: 20, gain: 0.5 } } });
 * rp.asg0.set({ frequency: 1e6, amplitude: 0.5, output: 'out1' });
 * const trace = rp.scope.single({ decimation: 64 });
 * rp.close();
 */
export function connectSync<P = Record<string, Procedure>>(target?: string | SyncConnectOptions, options?: SyncConnectOptions): SyncBoard<P> {
  const prepared = prepareEngineOptions(target, options);
  const signal = new SharedArrayBuffer(4);
  const { port1, port2 } = new MessageChannel();
  const workerData: EngineWorkerData = { port: port2, signal, target: prepared.target, options: prepared.engine };
  const worker = new Worker(new URL('./engine/engineEntry.mjs', import.meta.url), { workerData, transferList: [port2], argv: [] });
  // The blocking face never needs the worker to keep the process alive: while a call blocks, the
  // thread is busy anyway; a forgotten close() must not keep a script from ending.
  worker.unref();
  const channel = new SyncChannel(port1, new Int32Array(signal), prepared.target ?? 'sim://', prepared.spinMicros, () => void worker.terminate());
  worker.on('error', (error) => channel.markLost('the engine thread failed', error));
  const exited = new Promise<void>((resolve) =>
    worker.once('exit', (code) => {
      channel.markLost(`the engine thread exited (code ${code})`);
      port1.close();
      resolve();
    }),
  );

  let hello: EngineHello;
  try {
    const reply = channel.waitHello(Math.max(prepared.timeoutMs, STARTUP_MS), connectSync);
    if (!reply.ok) throw reviveError(reply.error);
    hello = reply.value as EngineHello;
  } catch (error) {
    void worker.terminate();
    throw error;
  }
  channel.target = hello.boardId;

  let closed = false;
  const board = {
    id: hello.boardId,
    instruments: hello.instruments,
    procedures: hello.procedures,
    virtualTime: hello.virtualTime,
    timeoutMs: prepared.timeoutMs,
    exited,
    get isClosed() {
      return closed || channel.lost !== undefined;
    },
    call(name: string, ...args: unknown[]): unknown {
      if (typeof name !== 'string') throw new SettingsError('call', 'procedure', name, 'the name of an exported procedure');
      return channel.call({ op: 'proc', name, args }, board.timeoutMs, `call ${name}`, board.call);
    },
    close(): void {
      if (closed) return;
      closed = true;
      let failure: unknown;
      try {
        if (!channel.lost) channel.call({ op: 'close' }, Math.min(board.timeoutMs, 10_000), 'close', board.close);
      } catch (error) {
        if (!(error instanceof ConnectionLostError)) failure = error;
      } finally {
        channel.markLost('board closed');
        void worker.terminate();
      }
      if (failure !== undefined) throw failure;
    },
  } as Record<string, unknown> & { timeoutMs: number; call: Function; close: Function };

  for (const name of hello.instruments) {
    board[name] = mirrorInstrument(channel, name, (SYNC_FACES as Record<string, Record<string, SyncMember>>)[name]!, () => board.timeoutMs);
  }
  return board as unknown as SyncBoard<P>;
}

/** Builds one instrument's blocking face from its table. */
function mirrorInstrument(channel: SyncChannel, target: string, table: Record<string, SyncMember>, timeoutMs: () => number): object {
  const face: Record<string, unknown> = {};
  for (const [member, spec] of Object.entries(table)) {
    const operation = `${target}.${member}`;
    const revive = (spec.revive ?? identity) as (v: unknown) => unknown;
    switch (spec.kind) {
      case 'get': {
        const get = (): unknown => revive(channel.call({ op: 'get', target, member, args: [] }, timeoutMs(), operation, get));
        Object.defineProperty(face, member, { get, enumerable: true });
        break;
      }
      case 'result':
      case 'value': {
        const method = (...args: unknown[]): unknown => {
          refuseSignal(args, operation);
          return revive(channel.call({ op: 'call', target, member, args }, limitFor(args, timeoutMs()), operation, method));
        };
        face[member] = method;
        break;
      }
      case 'stream': {
        const method = (...args: unknown[]): SyncStream<unknown> => {
          refuseSignal(args, operation);
          const id = channel.call({ op: 'open', target, member, args }, timeoutMs(), operation, method) as number;
          return new SyncStream(channel, id, operation, timeoutMs, revive);
        };
        face[member] = method;
        break;
      }
    }
  }
  return Object.freeze(face);
}

/**
 * An AbortSignal would be cloned into an empty object and silently do nothing; and nothing could
 * abort it anyway while the caller's thread is blocked. Refuse it by name.
 */
function refuseSignal(args: readonly unknown[], operation: string): void {
  const options = args[1] as { signal?: unknown } | undefined;
  if (options !== null && typeof options === 'object' && options.signal !== undefined) {
    throw new SettingsError(operation, 'signal', '(an AbortSignal)', 'no signal on the blocking face: the caller is blocked, so nothing could abort; use timeoutMs');
  }
}

/** The caller's wait: the board's limit, or longer when the call's own `timeoutMs` (board clock) asks for more. */
function limitFor(args: readonly unknown[], base: number): number {
  const own = (args[1] as { timeoutMs?: unknown } | undefined)?.timeoutMs;
  return typeof own === 'number' && Number.isFinite(own) ? Math.max(base, own + 1000) : base;
}
