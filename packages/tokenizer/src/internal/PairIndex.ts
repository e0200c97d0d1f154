/**
 * Open-addressing hash index from an id pair `(a, b)` (both non-negative int32) to a dense pair
 * number 0, 1, 2, ... in insertion order. Typed arrays only; grows by rehashing.
 */
export interface PairIndexState {
  readonly a: Int32Array
  readonly b: Int32Array
  readonly size: number
  readonly slots: Int32Array
  readonly mask: number
}

export class PairIndex {
  a: Int32Array
  b: Int32Array
  size = 0
  private slots: Int32Array
  private mask: number

  /** The arrays, for sending to another thread. */
  state(): PairIndexState {
    return { a: this.a, b: this.b, size: this.size, slots: this.slots, mask: this.mask }
  }

  /** An index over arrays from {@link state} (shared, not copied). */
  static fromState(state: PairIndexState): PairIndex {
    const index = new PairIndex(1)
    index.a = state.a
    index.b = state.b
    index.size = state.size
    index.slots = state.slots
    index.mask = state.mask
    return index
  }

  constructor(capacity = 1024) {
    let cap = 16
    while (cap < capacity * 2) cap *= 2
    this.slots = new Int32Array(cap).fill(-1)
    this.mask = cap - 1
    this.a = new Int32Array(Math.max(16, capacity))
    this.b = new Int32Array(Math.max(16, capacity))
  }

  private static hash(a: number, b: number): number {
    let h = Math.imul(a, 0x9e3779b1) ^ Math.imul(b + 0x7f4a7c15, 0x85ebca6b)
    h ^= h >>> 15
    h = Math.imul(h, 0x2c1b3c6d)
    return h ^ (h >>> 13)
  }

  /** The pair number of `(a, b)`, or −1. */
  get(a: number, b: number): number {
    const mask = this.mask
    let i = PairIndex.hash(a, b) & mask
    for (;;) {
      const p = this.slots[i]!
      if (p < 0) return -1
      if (this.a[p] === a && this.b[p] === b) return p
      i = (i + 1) & mask
    }
  }

  /** The pair number of `(a, b)`, inserting it when absent. */
  add(a: number, b: number): number {
    const mask = this.mask
    let i = PairIndex.hash(a, b) & mask
    for (;;) {
      const p = this.slots[i]!
      if (p < 0) break
      if (this.a[p] === a && this.b[p] === b) return p
      i = (i + 1) & mask
    }
    const p = this.size++
    if (p === this.a.length) {
      const a2 = new Int32Array(p * 2)
      a2.set(this.a)
      this.a = a2
      const b2 = new Int32Array(p * 2)
      b2.set(this.b)
      this.b = b2
    }
    this.a[p] = a
    this.b[p] = b
    this.slots[i] = p
    if (this.size * 2 > this.slots.length) this.rehash()
    return p
  }

  private rehash(): void {
    const cap = this.slots.length * 2
    const slots = new Int32Array(cap).fill(-1)
    const mask = cap - 1
    for (let p = 0; p < this.size; p++) {
      let i = PairIndex.hash(this.a[p]!, this.b[p]!) & mask
      while (slots[i]! >= 0) i = (i + 1) & mask
      slots[i] = p
    }
    this.slots = slots
    this.mask = mask
  }
}
