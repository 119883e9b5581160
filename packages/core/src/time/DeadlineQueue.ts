/**
 * Something waiting in a `DeadlineQueue`: its deadline, its order of arrival and its place in the
 * heap. The queue owns `queueIndex`; a holder only reads `due`.
 */
export interface Deadline {
  /** When it is due, in ms on the owner's clock. */
  due: number;
  /** Arrival number: breaks ties between equal deadlines first come, first served. */
  seq: number;
  /** Index in the heap, or −1 while not queued. Owned by the queue. */
  queueIndex: number;
}

/**
 * A binary min-heap of deadlines ordered by (`due`, `seq`), with removal of any member in
 * O(log n). Why a heap and not a sorted array: a fleet of boards keeps hundreds of pending waits
 * and cancels many of them (every unsubscribe), and both insert and remove must stay cheap.
 */
export class DeadlineQueue<T extends Deadline> {
  private readonly items: T[] = [];

  /** Number of queued deadlines. */
  get size(): number {
    return this.items.length;
  }

  /** The earliest deadline (first arrived among equals), or undefined when empty. */
  peek(): T | undefined {
    return this.items[0];
  }

  /** Adds `item`, which must not be queued already. */
  push(item: T): void {
    item.queueIndex = this.items.length;
    this.items.push(item);
    this.up(item.queueIndex);
  }

  /** Removes and returns the earliest deadline. */
  pop(): T | undefined {
    const head = this.items[0];
    if (head !== undefined) this.remove(head);
    return head;
  }

  /** Removes `item` if it is queued; returns whether it was. */
  remove(item: T): boolean {
    const i = item.queueIndex;
    if (i < 0 || this.items[i] !== item) return false;
    const last = this.items.pop()!;
    item.queueIndex = -1;
    if (last !== item) {
      this.items[i] = last;
      last.queueIndex = i;
      // The moved element may belong above or below its new slot.
      this.up(i);
      this.down(last.queueIndex);
    }
    return true;
  }

  private less(a: T, b: T): boolean {
    return a.due < b.due || (a.due === b.due && a.seq < b.seq);
  }

  private up(i: number): void {
    const items = this.items;
    const item = items[i]!;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const above = items[parent]!;
      if (!this.less(item, above)) break;
      items[i] = above;
      above.queueIndex = i;
      i = parent;
    }
    items[i] = item;
    item.queueIndex = i;
  }

  private down(i: number): void {
    const items = this.items;
    const n = items.length;
    const item = items[i]!;
    for (;;) {
      const left = 2 * i + 1;
      if (left >= n) break;
      const right = left + 1;
      const child = right < n && this.less(items[right]!, items[left]!) ? right : left;
      const below = items[child]!;
      if (!this.less(below, item)) break;
      items[i] = below;
      below.queueIndex = i;
      i = child;
    }
    items[i] = item;
    item.queueIndex = i;
  }
}
