import { Observable, type Subscriber, type Subscription } from 'rxjs';
import { AsyncIterableX } from 'ix/asynciterable';
import { AbortedError } from '../errors/AbortedError.js';
import { BufferOverflowError } from './BufferOverflowError.js';
import { checkAdapterOptions } from './checkAdapterOptions.js';
import type { OverflowPolicy } from './OverflowPolicy.js';
import { RingBuffer } from './RingBuffer.js';

export type { OverflowPolicy } from './OverflowPolicy.js';

/** The settings a {@link BoundedAsyncIterable} runs with (checked by its constructor). */
export interface BoundedIterationSettings {
  /** Maximum number of unread values held, an integer from 1 to `MAX_BUFFER_SIZE`. */
  readonly bufferSize: number;
  readonly overflow: OverflowPolicy;
  /** Aborts every iteration. */
  readonly signal?: AbortSignal | undefined;
  /** Name for error messages. */
  readonly operation: string;
}

const DONE: IteratorReturnResult<undefined> = Object.freeze({ done: true, value: undefined });

/** How an iteration ended, waiting to be handed to the consumer after the buffered values. */
type Ending = { readonly error: false } | { readonly error: true; readonly reason: unknown };

interface Waiter<T> {
  resolve(result: IteratorResult<T, undefined>): void;
  reject(reason: unknown): void;
}

/**
 * An async iterable over a cold Observable with a bounded buffer: each iteration subscribes to the
 * Observable (lazily, on its first `next()`) and holds at most `bufferSize` unread values.
 * Created by {@link toAsyncIterable}; an `AsyncIterableX`, so ix operators pipe onto it.
 *
 * `dropped` counts the values discarded by the overflow policy over all iterations of this
 * iterable (each iterator also has its own `dropped` and `buffered`).
 *
 * @template T The value type.
 */
export class BoundedAsyncIterable<T> extends AsyncIterableX<T> {
  private readonly counter = { dropped: 0 };

  /** @throws SettingsError(settings.operation, option, …) for a bad bufferSize, overflow or signal. */
  constructor(
    private readonly source$: Observable<T>,
    private readonly settings: BoundedIterationSettings,
  ) {
    super();
    checkAdapterOptions(settings.operation, { bufferSize: settings.bufferSize, overflow: settings.overflow, signal: settings.signal });
  }

  /** Values discarded by the overflow policy so far, summed over every iteration (a count). */
  get dropped(): number {
    return this.counter.dropped;
  }

  /**
   * Starts an iteration. `signal` (given by ix operators, or by hand) aborts this iteration in
   * addition to the `signal` option.
   */
  [Symbol.asyncIterator](signal?: AbortSignal): BoundedAsyncIterator<T> {
    return new BoundedAsyncIterator(this.source$, this.settings, signal, this.counter);
  }
}

/**
 * One iteration of a {@link BoundedAsyncIterable}: one subscription, a ring buffer of unread
 * values, and the queue of `next()` calls waiting for a value.
 *
 * Invariant: values are only buffered while nobody waits, so the buffer and the waiters are never
 * both non-empty. After the source ends, buffered values are still handed out, then the ending
 * (done, or the error thrown from `next()`). An abort ends the iteration at once, discarding the
 * buffer.
 *
 * @template T The value type.
 */
export class BoundedAsyncIterator<T> implements AsyncIterableIterator<T, undefined, undefined> {
  private readonly buffer: RingBuffer<T>;
  private readonly waiters: Waiter<T>[] = [];
  private readonly signals: AbortSignal[];
  private state: 'idle' | 'running' | 'ended' = 'idle';
  /** Set when the source ended (or the iteration was stopped) but the consumer has not seen it yet. */
  private ending: Ending | null = null;
  /** Our own subscriber, captured so a synchronous source can be stopped while it is emitting. */
  private subscriber: Subscriber<T> | null = null;
  private subscription: Subscription | null = null;
  private droppedHere = 0;

  constructor(
    private readonly source$: Observable<T>,
    private readonly settings: BoundedIterationSettings,
    signal: AbortSignal | undefined,
    private readonly counter: { dropped: number },
  ) {
    this.buffer = new RingBuffer<T>(settings.bufferSize);
    this.signals = [settings.signal, signal].filter((s): s is AbortSignal => s !== undefined);
  }

  /** Values this iteration discarded under its overflow policy (a count). */
  get dropped(): number {
    return this.droppedHere;
  }

  /** Unread values held now (0 … bufferSize). */
  get buffered(): number {
    return this.buffer.size;
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  /** The next value; subscribes on the first call. Rejects with the source's error, `AbortedError` or `BufferOverflowError`. */
  next(): Promise<IteratorResult<T, undefined>> {
    if (this.state === 'idle') this.start();
    if (this.buffer.size > 0) return Promise.resolve({ done: false, value: this.buffer.shift() as T });
    if (this.ending !== null) return this.deliverEnding();
    if (this.state === 'ended') return Promise.resolve(DONE);
    return new Promise((resolve, reject) => this.waiters.push({ resolve, reject }));
  }

  /** Stops the iteration (`break` in `for await` calls this): unsubscribes, discards unread values. */
  return(): Promise<IteratorResult<T, undefined>> {
    this.stop();
    this.buffer.clear();
    this.ending = null;
    this.state = 'ended';
    this.flushWaiters(null);
    return Promise.resolve(DONE);
  }

  private start(): void {
    this.state = 'running';
    const aborted = this.signals.find((s) => s.aborted);
    if (aborted) {
      // Never subscribe when the caller already gave up.
      this.end({ error: true, reason: new AbortedError(this.settings.operation, aborted.reason) });
      return;
    }
    for (const s of this.signals) s.addEventListener('abort', this.onAbort);
    // Subscribing through our own Observable hands the source our Subscriber itself, so stop()
    // can close it even while a synchronous source is still inside subscribe() (RxJS's `from`
    // and `range` check `subscriber.closed` between values).
    const wrapped = new Observable<T>((subscriber) => {
      this.subscriber = subscriber;
      return this.source$.subscribe(subscriber);
    });
    this.subscription = wrapped.subscribe({
      next: (value) => this.onValue(value),
      error: (reason: unknown) => this.end({ error: true, reason }),
      complete: () => this.end({ error: false }),
    });
    // wrapped.subscribe returned our captured subscriber; if the source already ended or
    // overflowed during subscribe, make sure nothing is left running.
    if (this.ending !== null) this.stop();
  }

  private onValue(value: T): void {
    if (this.ending !== null || this.state === 'ended') return;
    const waiter = this.waiters.shift();
    if (waiter) {
      waiter.resolve({ done: false, value });
      return;
    }
    if (!this.buffer.full) {
      this.buffer.push(value);
      return;
    }
    switch (this.settings.overflow) {
      case 'drop-oldest':
        this.buffer.push(value); // discards the oldest unread value
        this.countDrop();
        return;
      case 'drop-newest':
        this.countDrop();
        return;
      case 'error':
        // The incoming value is lost too; the consumer still gets the values it had not read.
        this.countDrop();
        this.end({ error: true, reason: new BufferOverflowError(this.settings.operation, this.settings.bufferSize) });
        return;
    }
  }

  private readonly onAbort = (event: Event): void => {
    // Listeners are removed when the source ends, so this only runs while subscribed.
    if (this.ending !== null || this.state === 'ended') return;
    const signal = event.target as AbortSignal;
    // An abort does not wait for the consumer to drain the buffer: it means "stop now".
    this.buffer.clear();
    this.end({ error: true, reason: new AbortedError(this.settings.operation, signal.reason) });
  };

  /** The source ended or the iteration must stop: release the source, then tell the consumer. */
  private end(ending: Ending): void {
    if (this.ending !== null) return;
    this.stop();
    if (this.waiters.length > 0) {
      // Waiters exist only when the buffer is empty, so the ending is due now.
      this.state = 'ended';
      this.flushWaiters(ending);
    } else {
      this.ending = ending;
    }
  }

  private deliverEnding(): Promise<IteratorResult<T, undefined>> {
    const ending = this.ending as Ending;
    this.ending = null;
    this.state = 'ended';
    return ending.error ? Promise.reject(ending.reason) : Promise.resolve(DONE);
  }

  /** Settles every waiting next(): the first gets the ending's error (if any), the rest are done. */
  private flushWaiters(ending: Ending | null): void {
    const waiters = this.waiters.splice(0);
    waiters.forEach((w, i) => {
      if (i === 0 && ending?.error) w.reject(ending.reason);
      else w.resolve(DONE);
    });
  }

  /** Unsubscribes from the source and removes the abort listeners; idempotent. */
  private stop(): void {
    for (const s of this.signals) s.removeEventListener('abort', this.onAbort);
    this.subscriber?.unsubscribe();
    this.subscription?.unsubscribe();
    this.subscriber = null;
    this.subscription = null;
  }

  private countDrop(): void {
    this.droppedHere++;
    this.counter.dropped++;
  }
}
