/**
 * The messages between a blocking caller (`connectSync`) and its engine worker. Internal: both ends
 * live in this folder. Every request carries an `id`; the engine answers each with exactly one
 * `Reply` of the same `id` (a stream's `next` included), and may send one `CrashNotice` before it dies.
 */
import type { SerializedError } from './serializeError.js';

/** Ask an instrument member: `call` runs a method, `get` reads a property, `open` starts a stream. */
export interface MemberRequest {
  readonly op: 'call' | 'get' | 'open';
  readonly id: number;
  /** Instrument name in the board ('scope', 'asg0', …). */
  readonly target: string;
  /** Method or property name ('single', 'settings', …). */
  readonly member: string;
  readonly args: readonly unknown[];
}

/** Pull the next value of an open stream, or end it (`return`, the `break` of a for-of loop). */
export interface StreamRequest {
  readonly op: 'next' | 'return';
  readonly id: number;
  /** The id of the `open` request that started the stream. */
  readonly stream: number;
}

/** Run a procedure exported by the procedures module. */
export interface ProcedureRequest {
  readonly op: 'proc';
  readonly id: number;
  readonly name: string;
  readonly args: readonly unknown[];
}

/** Stop the work of request `id` (its caller gave up): aborts its signal; its reply is dropped. No reply. */
export interface CancelRequest {
  readonly op: 'cancel';
  readonly id: number;
}

/** Are you there? Answered at once by an engine whose event loop runs (value null). */
export interface PingRequest {
  readonly op: 'ping';
  readonly id: number;
}

/** Close the board; the reply comes when the driver has closed. */
export interface CloseRequest {
  readonly op: 'close';
  readonly id: number;
}

/** Anything the caller sends. */
export type EngineRequest = MemberRequest | StreamRequest | ProcedureRequest | CancelRequest | CloseRequest | PingRequest;

/** The answer to one request. A stream's `next` answers `{ done, value }`. */
export type Reply = { readonly id: number; readonly ok: true; readonly value: unknown } | { readonly id: number; readonly ok: false; readonly error: SerializedError };

/** Sent once when the engine is about to die of an error nobody awaited (id -1). */
export interface CrashNotice {
  readonly id: -1;
  readonly crash: SerializedError;
}

/** What the engine says when it is ready (the reply to the implicit request 0). */
export interface EngineHello {
  /** Board id, e.g. 'sim:7'. */
  readonly boardId: string;
  /** Instruments of the sync table that this board has. */
  readonly instruments: readonly string[];
  /** Names of the functions the procedures module exports. */
  readonly procedures: readonly string[];
  /** Whether the engine runs its board in virtual time. */
  readonly virtualTime: boolean;
}

/** What the engine receives as `workerData`. */
export interface EngineWorkerData {
  /** The engine's end of the request/reply channel. */
  readonly port: import('node:worker_threads').MessagePort;
  /** Int32Array[0]: bumped (and notified) after every reply the engine posts. */
  readonly signal: SharedArrayBuffer;
  /** The board to open: a URL ('sim://…', 'scpi://…') or cloneable options. */
  readonly target: string | null;
  readonly options: import('./engineOptions.js').EngineOptions;
}

/** Index of the reply counter in the shared Int32Array. */
export const REPLY_COUNTER = 0;
