import { checkAdapterOptions } from './checkAdapterOptions.js';

/**
 * A fixed-capacity FIFO queue in a circular array: push, shift and dropping the oldest are O(1) and
 * allocate nothing after construction. Slots are cleared on shift so that values read are not kept
 * alive by the buffer.
 *
 * @internal Used by `toAsyncIterable`; not exported from the package.
 */
export class RingBuffer<T> {
  private readonly slots: (T | undefined)[];
  /** Index of the oldest value. */
  private head = 0;
  private length = 0;

  /** @throws SettingsError('RingBuffer', 'bufferSize', …) unless capacity is an integer from 1 to `MAX_BUFFER_SIZE`. */
  constructor(
    /** Maximum number of values held, an integer from 1 to `MAX_BUFFER_SIZE`. */
    readonly capacity: number,
  ) {
    checkAdapterOptions('RingBuffer', { bufferSize: capacity });
    this.slots = new Array<T | undefined>(capacity).fill(undefined);
  }

  /** Number of values held. */
  get size(): number {
    return this.length;
  }

  /** True when `size === capacity`. */
  get full(): boolean {
    return this.length === this.capacity;
  }

  /** Appends `value`; if full, the oldest value is discarded to make room. Returns true if one was. */
  push(value: T): boolean {
    const dropped = this.full;
    if (dropped) this.shift();
    this.slots[(this.head + this.length) % this.capacity] = value;
    this.length++;
    return dropped;
  }

  /** Removes and returns the oldest value; undefined when empty. */
  shift(): T | undefined {
    if (this.length === 0) return undefined;
    const value = this.slots[this.head];
    this.slots[this.head] = undefined;
    this.head = (this.head + 1) % this.capacity;
    this.length--;
    return value;
  }

  /** Discards every value. */
  clear(): void {
    this.slots.fill(undefined);
    this.head = 0;
    this.length = 0;
  }
}
