import { receiveMessageOnPort, type MessagePort, type Worker } from 'node:worker_threads';
import { ConnectionLostError, SettingsError, TimeoutError } from '@labrx/core';
import { REPLY_COUNTER, type CrashNotice, type EngineRequest, type Reply } from './protocol.js';
import { reviveError } from './serializeError.js';

/** A request as the caller writes it; the channel adds the id. */
export type OutgoingRequest = EngineRequest extends infer R ? (R extends { id: number } ? Omit<R, 'id'> : never) : never;

// Wall-clock reads: the caller's thread is blocked, so no scheduler can run; the per-call limit
// is real time by nature (labrx-allow-wallclock).
const now = (): number => performance.now();

/** After a call timed out, the engine must answer a ping within this long (ms) or it is declared dead. */
const PING_LIMIT_MS = 1000;

/**
 * The caller's end of the engine link: posts a request, then blocks the calling thread on
 * `Atomics.wait` until the engine bumps the shared counter, and takes the reply with
 * `receiveMessageOnPort` (the caller's event loop is blocked, so no 'message' event could
 * deliver it). Replies of calls that timed out arrive later and are dropped by id.
 */
export class SyncChannel {
  private nextId = 1;
  private lostError: ConnectionLostError | undefined;

  constructor(
    private readonly port: MessagePort,
    private readonly counter: Int32Array,
    /** Name of the board for messages ('sim:7', 'scpi://…'). */
    public target: string,
    /** Microseconds to poll before sleeping (0: sleep at once). */
    private readonly spinMicros: number,
    /** Called once when the engine is found dead (no answer to a ping after a timeout): end its thread. */
    private readonly onDead: () => void = () => undefined,
  ) {}

  /** Set once the engine died or was closed: every later call throws it. */
  get lost(): ConnectionLostError | undefined {
    return this.lostError;
  }

  /** Marks the link lost (engine exit seen on the event loop, or `close()`). */
  markLost(reason: string, cause?: unknown): void {
    this.lostError ??= new ConnectionLostError(`labrx engine (${this.target})`, reason, cause === undefined ? undefined : { cause });
  }

  /**
   * Sends `request` and blocks until its reply, at most `timeoutMs` (wall clock). Returns the reply
   * value, or throws the engine's error rebuilt in its class; `TimeoutError(operation, timeoutMs)`
   * when the time is up (the engine is told to cancel the work); `ConnectionLostError` if the
   * engine died. `below` is the public function to cut from the caller's stack.
   */
  call(request: OutgoingRequest, timeoutMs: number, operation: string, below: Function, transfer: readonly ArrayBuffer[] = []): unknown {
    if (this.lostError) throw this.rethrow(this.lostError, below);
    const id = this.nextId++;
    try {
      this.port.postMessage({ ...request, id }, transfer as ArrayBuffer[]);
    } catch (error) {
      throw new SettingsError(operation, 'arguments', String((error as Error).message), 'plain data (numbers, strings, arrays, typed arrays, objects): no functions or AbortSignals cross to the engine thread');
    }
    const reply = this.wait(id, timeoutMs, operation, below);
    if (reply.ok) return reply.value;
    throw reviveError(reply.error, callerStack(below));
  }

  /** Sends a request that has no reply (cancel). Never throws for a lost engine. */
  notify(request: OutgoingRequest & { id: number }): void {
    if (this.lostError) return;
    try {
      this.port.postMessage(request);
    } catch {
      // the port is closed: the engine is gone, and so is the work to cancel
    }
  }

  /** Waits for the engine's first message (request 0, its hello). */
  waitHello(timeoutMs: number, below: Function): Reply {
    return this.wait(0, timeoutMs, 'connectSync', below);
  }

  private wait(id: number, timeoutMs: number, operation: string, below: Function): Reply {
    const outcome = this.awaitReply(id, now() + timeoutMs, this.spinMicros, true);
    if (typeof outcome === 'object') return outcome;
    if (outcome !== 'timeout') throw this.rethrow(this.lostError!, below);
    if (id !== 0) {
      this.notify({ op: 'cancel', id });
      // A live engine answers a ping at once; one that does not is dead (its event loop blocked,
      // or gone without a word): every later call then fails at once instead of costing a timeout.
      const pingMs = Math.min(PING_LIMIT_MS, timeoutMs);
      if (!this.answersPing(pingMs)) {
        this.markLost(`the engine did not answer ${operation} within ${timeoutMs} ms nor a ping within ${pingMs} ms: it is hung or dead`);
        this.onDead();
      }
    }
    const e = new TimeoutError(operation, timeoutMs);
    Error.captureStackTrace(e, below);
    throw e;
  }

  /** Sends a ping and waits up to `limitMs` for its answer, dropping late replies meanwhile. */
  private answersPing(limitMs: number): boolean {
    const id = this.nextId++;
    try {
      this.port.postMessage({ op: 'ping', id });
    } catch {
      return false;
    }
    return typeof this.awaitReply(id, now() + limitMs, 0, false) === 'object';
  }

  /**
   * Takes messages off the port until the reply to `id` (returned) or the engine's crash notice
   * (the channel is marked lost: 'crashed'); late replies to calls that timed out are dropped. Gives
   * up at `deadlineMs` (`now()` time: 'timeout') or, with `stopOnLost`, once the channel is lost
   * ('lost'). Between messages it spins up to `spinMicros` (µs), then sleeps on the reply counter.
   */
  private awaitReply(id: number, deadlineMs: number, spinMicros: number, stopOnLost: boolean): Reply | 'crashed' | 'lost' | 'timeout' {
    for (;;) {
      // Read the counter before looking for the reply: a reply posted in between bumps it, so
      // Atomics.wait returns at once instead of missing the wake-up.
      const seen = Atomics.load(this.counter, REPLY_COUNTER);
      const received = receiveMessageOnPort(this.port);
      if (received) {
        const message = received.message as Reply | CrashNotice;
        if (message.id === id) return message as Reply;
        if (message.id === -1) {
          this.markLost('the engine crashed', reviveError((message as CrashNotice).crash));
          return 'crashed';
        }
        continue; // a late reply to a call that timed out
      }
      if (stopOnLost && this.lostError) return 'lost';
      const left = deadlineMs - now();
      if (left <= 0) return 'timeout';
      if (spinMicros > 0) {
        const spinEnd = now() + Math.min(spinMicros / 1000, left);
        while (Atomics.load(this.counter, REPLY_COUNTER) === seen && now() < spinEnd);
      }
      Atomics.wait(this.counter, REPLY_COUNTER, seen, left);
    }
  }

  private rethrow(lost: ConnectionLostError, below: Function): ConnectionLostError {
    // A fresh error per call, so each has the stack of its own call site.
    const e = new ConnectionLostError(lost.target, lost.message.replace(/^connection to .* lost: /, ''), { cause: lost.cause });
    Error.captureStackTrace(e, below);
    return e;
  }
}

function callerStack(below: Function): string | undefined {
  const holder: { stack?: string } = {};
  Error.captureStackTrace(holder, below);
  return holder.stack;
}
