/**
 * A bounded cache from a piece's bytes to the ids BPE produced for it, all in typed arrays (no
 * strings, no per-entry objects). When full it is emptied and refilled, so memory stays fixed.
 */
export class PieceCache {
  private readonly slots: Int32Array
  private readonly mask: number
  private readonly entryHash: Int32Array
  private readonly keyStart: Int32Array
  private readonly keyLen: Int32Array
  private readonly idStart: Int32Array
  private readonly idLen: Int32Array
  private readonly keys: Uint8Array
  readonly ids: Uint32Array
  private entries = 0
  private keyFill = 0
  private idFill = 0
  /** Where the ids of the last hit start in {@link ids}, and how many. */
  hitStart = 0
  hitLen = 0

  constructor(maxEntries = 1 << 15, keyBytes = 1 << 20) {
    let cap = 16
    while (cap < maxEntries * 2) cap *= 2
    this.slots = new Int32Array(cap).fill(-1)
    this.mask = cap - 1
    this.entryHash = new Int32Array(maxEntries)
    this.keyStart = new Int32Array(maxEntries)
    this.keyLen = new Int32Array(maxEntries)
    this.idStart = new Int32Array(maxEntries)
    this.idLen = new Int32Array(maxEntries)
    this.keys = new Uint8Array(keyBytes)
    this.ids = new Uint32Array(keyBytes)
  }

  /** Look `bytes[start, start + len)` up (with its hash); on a hit sets {@link hitStart}/{@link hitLen}. */
  get(bytes: Uint8Array, start: number, len: number, hash: number): boolean {
    const keys = this.keys
    let s = hash & this.mask
    for (;;) {
      const e = this.slots[s]!
      if (e < 0) return false
      if (this.entryHash[e] === (hash | 0) && this.keyLen[e] === len) {
        const ks = this.keyStart[e]!
        let j = 0
        while (j < len && keys[ks + j] === bytes[start + j]) j++
        if (j === len) {
          this.hitStart = this.idStart[e]!
          this.hitLen = this.idLen[e]!
          return true
        }
      }
      s = (s + 1) & this.mask
    }
  }

  /** Remember the ids `ids[from, to)` for `bytes[start, start + len)`. Pieces too large for the cache are skipped. */
  set(bytes: Uint8Array, start: number, len: number, hash: number, ids: Uint32Array, from: number, to: number): void {
    const n = to - from
    if (len > this.keys.length >> 4) return
    if (this.entries === this.entryHash.length || this.keyFill + len > this.keys.length || this.idFill + n > this.ids.length) this.clear()
    const e = this.entries++
    this.entryHash[e] = hash | 0
    this.keyStart[e] = this.keyFill
    this.keyLen[e] = len
    const keys = this.keys
    for (let j = 0, k = this.keyFill; j < len; j++) keys[k + j] = bytes[start + j]!
    this.keyFill += len
    this.idStart[e] = this.idFill
    this.idLen[e] = n
    const cached = this.ids
    for (let j = from, k = this.idFill; j < to; j++) cached[k++] = ids[j]!
    this.idFill += n
    let s = hash & this.mask
    while (this.slots[s]! >= 0) s = (s + 1) & this.mask
    this.slots[s] = e
  }

  clear(): void {
    this.slots.fill(-1)
    this.entries = 0
    this.keyFill = 0
    this.idFill = 0
  }
}
