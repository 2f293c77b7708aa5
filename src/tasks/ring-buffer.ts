/**
 * Fixed-capacity FIFO that overwrites its oldest item when full.
 * Push is O(1) and never allocates after construction.
 */
export class RingBuffer<T> {
  private readonly items: (T | undefined)[];
  private readonly cap: number;
  /** Index of the oldest item. */
  private head = 0;
  private count = 0;

  /**
   * @param capacity maximum number of items kept. Fractions are floored; anything below 1 (or NaN)
   * becomes 1, because a constructor that throws would break the errors-as-values rule.
   */
  constructor(capacity: number) {
    const cap = Math.floor(capacity);
    this.cap = Number.isFinite(cap) && cap >= 1 ? cap : 1;
    this.items = new Array<T | undefined>(this.cap);
  }

  /** Number of items currently held (≤ capacity). */
  get size(): number {
    return this.count;
  }

  /** Maximum number of items held. */
  get capacity(): number {
    return this.cap;
  }

  /** Appends an item, dropping the oldest one when the buffer is full. */
  push(item: T): void {
    if (this.count < this.cap) {
      this.items[(this.head + this.count) % this.cap] = item;
      this.count++;
    } else {
      this.items[this.head] = item;
      this.head = (this.head + 1) % this.cap;
    }
  }

  /** All items, oldest first (a new array). */
  toArray(): T[] {
    return this.last(this.count);
  }

  /** The newest `n` items, oldest first (fewer when the buffer holds fewer). */
  last(n: number): T[] {
    const k = Math.max(0, Math.min(Math.floor(n), this.count));
    const out = new Array<T>(k);
    const start = this.head + this.count - k;
    for (let i = 0; i < k; i++) {
      out[i] = this.items[(start + i) % this.cap] as T;
    }
    return out;
  }

  /** Removes every item (and drops the references so they can be collected). */
  clear(): void {
    this.items.fill(undefined);
    this.head = 0;
    this.count = 0;
  }
}
