/**
 * The engine: runs in a worker thread, owns the board, and answers the blocking caller. Its event
 * loop runs freely — acquisitions, timers and procedures go on while the caller's thread sleeps in
 * `Atomics.wait`. After posting each reply it bumps the shared counter and wakes the caller.
 *
 * Started by `engineEntry.mjs` (which makes TypeScript importable in the worker first).
 */
import { workerData, type MessagePort } from 'node:worker_threads';
import { AbortedError, LabrxError, SettingsError } from '@labrx/core';
import { VirtualClock } from '@labrx/core/testing';
import type { Board } from '@labrx/instruments';
import { connect } from '../../connect.js';
import { dutOrPlantFromSpec } from '@labrx/hw-sim';
import type { ProcedureContext } from '../ProcedureContext.js';
import type { CrashNotice, EngineHello, EngineRequest, EngineWorkerData, MemberRequest, Reply } from '../protocol.js';
import { REPLY_COUNTER } from '../protocol.js';
import { runVirtual } from '../runVirtual.js';
import { serializeError } from '../serializeError.js';
import { SYNC_FACES, type SyncMember } from '../syncFaces.js';
import { freshCopies, handedOverBuffers, ownedBuffers, withoutFunctions } from '../transferables.js';

type Procedure = (this: ProcedureContext, board: Board, ...args: unknown[]) => unknown;

const data = workerData as EngineWorkerData;
const port = data.port;
const counter = new Int32Array(data.signal);
const clock = data.options.sim.virtualTime ? new VirtualClock() : undefined;
let closing = false;

/** Posts a message and wakes the caller; a result that cannot be cloned becomes an error reply. */
function post(message: Reply | CrashNotice, transfer: ArrayBuffer[] = []): void {
  try {
    port.postMessage(message, transfer);
  } catch (error) {
    const e = new LabrxError(`the result cannot be sent to the caller's thread: ${(error as Error).message}`, { cause: error });
    port.postMessage({ id: message.id, ok: false, error: serializeError(e) } satisfies Reply);
  }
  Atomics.add(counter, REPLY_COUNTER, 1);
  Atomics.notify(counter, REPLY_COUNTER);
}

function crash(error: unknown): void {
  if (closing) return;
  closing = true;
  post({ id: -1, crash: serializeError(error) });
}

// An error nobody awaits (a procedure's stray promise, a throwing timer) ends the engine, as it
// would end a Node process; the caller hears of it at once rather than at its timeout.
process.on('uncaughtException', (error) => {
  crash(error);
  process.exit(1);
});
process.on('unhandledRejection', (error) => {
  crash(error);
  process.exit(1);
});
process.on('exit', (code) => crash(new LabrxError(`the engine thread exited (code ${code})`)));

async function open(): Promise<{ board: Board; procedures: Map<string, Procedure> }> {
  const { virtualTime: _virtualTime, dut, ...sim } = data.options.sim;
  const simOptions = { ...sim, ...(dut !== undefined ? { dut: dutOrPlantFromSpec(dut) } : {}), ...(clock ? { scheduler: clock } : {}) };
  const board = await connect(data.target ?? 'sim://', { sim: simOptions });
  const procedures = new Map<string, Procedure>();
  if (data.options.procedures) {
    const mod = (await import(data.options.procedures)) as Record<string, unknown>;
    for (const [name, fn] of Object.entries(mod)) if (typeof fn === 'function') procedures.set(name, fn as Procedure);
  }
  return { board, procedures };
}

const running = new Map<number, AbortController>();
const streams = new Map<number, { it: AsyncIterator<unknown>; member: SyncMember; abort: AbortController }>();

let engine: { board: Board; procedures: Map<string, Procedure> };
try {
  engine = await open();
} catch (error) {
  post({ id: 0, ok: false, error: serializeError(error) });
  closing = true;
  process.exit(0);
}
const { board, procedures } = engine;
const instruments = Object.keys(SYNC_FACES).filter((name) => (board as unknown as Record<string, unknown>)[name] != null);
post({ id: 0, ok: true, value: { boardId: board.id, instruments, procedures: [...procedures.keys()], virtualTime: clock !== undefined } satisfies EngineHello });

/** Awaits `promise`, in virtual time when the board runs on a virtual clock. */
function settle<T>(promise: Promise<T> | T, signal: AbortSignal, operation: string): Promise<T> {
  return clock ? runVirtual(clock, Promise.resolve(promise), signal, operation) : Promise.resolve(promise);
}

function memberOf(req: MemberRequest): { instrument: Record<string, unknown>; member: SyncMember; operation: string } {
  const operation = `${req.target}.${req.member}`;
  const table = (SYNC_FACES as Record<string, Record<string, SyncMember>>)[req.target];
  const instrument = (board as unknown as Record<string, unknown>)[req.target] as Record<string, unknown> | undefined;
  if (!table || !instrument) throw new SettingsError('connectSync', 'instrument', req.target, `one of ${instruments.join(', ')}`);
  const member = table[req.member];
  if (!member) throw new SettingsError(req.target, 'member', req.member, `one of ${Object.keys(table).join(', ')}`);
  return { instrument, member, operation };
}

/** The options argument (index 1) with the call's abort signal added, so a cancelled call stops its work. */
function withSignal(args: readonly unknown[], signal: AbortSignal): unknown[] {
  const options = args[1];
  if (options !== undefined && (options === null || typeof options !== 'object')) return [...args];
  return [args[0], { ...(options), signal }, ...args.slice(2)];
}

async function answer(req: Exclude<EngineRequest, { op: 'cancel' | 'ping' }>, abort: AbortController): Promise<{ value: unknown; transfer: ArrayBuffer[] }> {
  switch (req.op) {
    case 'get': {
      const { instrument, member } = memberOf(req);
      if (member.kind !== 'get') throw new SettingsError(req.target, req.member, '(read)', 'a method: call it');
      return { value: withoutFunctions(instrument[req.member]), transfer: [] };
    }
    case 'call': {
      const { instrument, member, operation } = memberOf(req);
      if (member.kind !== 'result' && member.kind !== 'value') throw new SettingsError(req.target, req.member, '(call)', `a ${member.kind === 'get' ? 'property: read it' : 'stream'}`);
      const fn = instrument[req.member] as (...a: unknown[]) => unknown;
      const args = member.kind === 'result' ? withSignal(req.args, abort.signal) : [...req.args];
      const value = withoutFunctions(await settle(fn.apply(instrument, args) as Promise<unknown>, abort.signal, operation));
      return { value, transfer: member.kind === 'result' ? ownedBuffers(value, member.owned ?? []) : [] };
    }
    case 'open': {
      const { instrument, member } = memberOf(req);
      if (member.kind !== 'stream') throw new SettingsError(req.target, req.member, '(stream)', 'not a stream');
      const fn = instrument[req.member] as (...a: unknown[]) => AsyncIterable<unknown>;
      const iterable = fn.apply(instrument, withSignal(req.args, abort.signal));
      streams.set(req.id, { it: iterable[Symbol.asyncIterator](), member, abort });
      return { value: req.id, transfer: [] };
    }
    case 'next': {
      const s = streams.get(req.stream);
      if (!s) return { value: { done: true, value: undefined }, transfer: [] };
      let r: IteratorResult<unknown>;
      try {
        r = await settle(s.it.next(), s.abort.signal, 'stream.next');
      } catch (error) {
        streams.delete(req.stream);
        throw error;
      }
      if (r.done) {
        streams.delete(req.stream);
        return { value: { done: true, value: undefined }, transfer: [] };
      }
      const copy = freshCopies(withoutFunctions(r.value));
      return { value: { done: false, value: copy.value }, transfer: copy.transfer };
    }
    case 'return': {
      const s = streams.get(req.stream);
      streams.delete(req.stream);
      if (s) await s.it.return?.();
      return { value: undefined, transfer: [] };
    }
    case 'proc': {
      const fn = procedures.get(req.name);
      if (!fn) throw new SettingsError('call', 'procedure', req.name, procedures.size ? `one of ${[...procedures.keys()].join(', ')}` : 'a procedure, but no procedures module was given to connectSync');
      const context: ProcedureContext = { board, signal: abort.signal };
      const value = await settle(fn.call(context, board, ...req.args) as Promise<unknown>, abort.signal, `call ${req.name}`);
      return { value: withoutFunctions(value), transfer: handedOverBuffers(value) };
    }
    case 'close': {
      closing = true;
      for (const [, s] of streams) await s.it.return?.();
      streams.clear();
      await board.close();
      return { value: undefined, transfer: [] };
    }
  }
}

async function handle(req: EngineRequest): Promise<void> {
  if (req.op === 'cancel') {
    const reason = new AbortedError(`request ${req.id}`, 'the blocking caller gave up');
    running.get(req.id)?.abort(reason);
    const s = streams.get(req.id);
    if (s) {
      streams.delete(req.id);
      s.abort.abort(reason);
      await s.it.return?.();
    }
    return;
  }
  if (req.op === 'ping') return post({ id: req.id, ok: true, value: null });
  const abort = new AbortController();
  running.set(req.id, abort);
  try {
    const { value, transfer } = await answer(req, abort);
    if (!abort.signal.aborted) post({ id: req.id, ok: true, value }, transfer);
  } catch (error) {
    if (!abort.signal.aborted) post({ id: req.id, ok: false, error: serializeError(error) });
  } finally {
    running.delete(req.id);
  }
}

port.on('message', (req: EngineRequest) => void handle(req));
