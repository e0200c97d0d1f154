/**
 * Read-only hash index from byte sequences to ids, built once: keys are stored back to back in one
 * `Uint8Array`, lookups hash a range of a caller's buffer (FNV-1a) and compare bytes. No strings.
 */
export const hashBytes = (bytes: Uint8Array, start: number, end: number): number => {
  let h = 0x811c9dc5
  for (let i = start; i < end; i++) h = Math.imul(h ^ bytes[i]!, 0x01000193)
  return h >>> 0
}

export interface BytesIndexState {
  readonly slots: Int32Array
  readonly mask: number
  readonly keyStart: Int32Array
  readonly keyBytes: Uint8Array
  readonly ids: Int32Array
}

export class BytesIndex {
  /** Interleaved `[key number, hash]` per slot, so a probe reads one cache line. */
  private readonly slots: Int32Array
  private readonly mask: number
  private readonly keyStart: Int32Array
  private readonly keyBytes: Uint8Array
  private readonly ids: Int32Array

  /** The arrays, for sending to another thread. */
  state(): BytesIndexState {
    return { slots: this.slots, mask: this.mask, keyStart: this.keyStart, keyBytes: this.keyBytes, ids: this.ids }
  }

  /** An index over arrays from {@link state}. */
  static fromState(state: BytesIndexState): BytesIndex {
    const index = Object.create(BytesIndex.prototype) as BytesIndex
    Object.assign(index, state)
    return index
  }

  /** `keys[i]` maps to `ids[i]`; `undefined` keys are skipped. */
  constructor(keys: ReadonlyArray<Uint8Array | undefined>, ids: ArrayLike<number>) {
    let total = 0
    let count = 0
    for (const k of keys) {
      if (k !== undefined) {
        total += k.length
        count++
      }
    }
    let cap = 16
    while (cap < count * 2) cap *= 2
    this.slots = new Int32Array(cap * 2).fill(-1)
    this.mask = cap - 1
    this.keyStart = new Int32Array(count + 1)
    this.keyBytes = new Uint8Array(total)
    this.ids = new Int32Array(count)
    let n = 0
    let off = 0
    for (let i = 0; i < keys.length; i++) {
      const k = keys[i]
      if (k === undefined) continue
      this.keyStart[n] = off
      this.keyBytes.set(k, off)
      off += k.length
      this.keyStart[n + 1] = off
      this.ids[n] = ids[i]!
      const h = hashBytes(k, 0, k.length)
      let s = h & this.mask
      while (this.slots[2 * s]! >= 0) s = (s + 1) & this.mask
      this.slots[2 * s] = n
      this.slots[2 * s + 1] = h | 0
      n++
    }
  }

  /** The id of `bytes[start, end)` given its precomputed {@link hashBytes}, or −1. */
  getHashed(bytes: Uint8Array, start: number, end: number, hash: number): number {
    const len = end - start
    const keyBytes = this.keyBytes
    const slots = this.slots
    const h = hash | 0
    let s = hash & this.mask
    for (;;) {
      const k = slots[2 * s]!
      if (k < 0) return -1
      if (slots[2 * s + 1] !== h) {
        s = (s + 1) & this.mask
        continue
      }
      const ks = this.keyStart[k]!
      if (this.keyStart[k + 1]! - ks === len) {
        let j = 0
        while (j < len && keyBytes[ks + j] === bytes[start + j]) j++
        if (j === len) return this.ids[k]!
      }
      s = (s + 1) & this.mask
    }
  }

  /** The id of `bytes[start, end)`, or −1. */
  get(bytes: Uint8Array, start: number, end: number): number {
    return this.getHashed(bytes, start, end, hashBytes(bytes, start, end))
  }
}
